package sif.metrics;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetricsServerTest {

    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> get(MetricsServer server, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesPrometheusTextAndHealth() throws Exception {
        boolean[] ready = {false};
        HealthCheck health = new HealthCheck() {
            @Override
            public Health liveness() {
                return Health.up(Map.of("streams", "RUNNING"));
            }

            @Override
            public Health readiness() {
                return new Health(ready[0], Map.of("streams", "RUNNING"));
            }
        };
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (MetricsServer server = MetricsServer.start(new InetSocketAddress("127.0.0.1", 0), registry::scrape, health)) {
            registry.counter("sif.flows.in").increment();

            HttpResponse<String> scrape = get(server, "/metrics");
            assertEquals(200, scrape.statusCode());
            assertEquals(MetricsServer.PROMETHEUS_TEXT, scrape.headers().firstValue("Content-Type").orElseThrow());
            assertTrue(scrape.body().lines().anyMatch("sif_flows_in_total 1.0"::equals), scrape.body());

            assertEquals(200, get(server, "/health/live").statusCode());
            assertEquals("{\"status\":\"UP\",\"streams\":\"RUNNING\"}", get(server, "/health/live").body());
            assertEquals(503, get(server, "/health/ready").statusCode());
            assertEquals(503, get(server, "/health").statusCode());
            assertEquals("{\"status\":\"DOWN\",\"streams\":\"RUNNING\"}", get(server, "/health").body());

            ready[0] = true;
            assertEquals(200, get(server, "/health/ready").statusCode());
            assertEquals(200, get(server, "/health").statusCode());
            assertEquals(404, get(server, "/health/other").statusCode());

            HttpResponse<String> post = http.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + server.port() + "/metrics"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(405, post.statusCode());
        }
    }
}
