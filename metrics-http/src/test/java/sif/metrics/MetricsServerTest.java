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

    /**
     * Stalled clients (half a request, then nothing) hold a thread each until the server gives up on them
     * ({@link MetricsServer#MAX_REQUEST_SECONDS}); a probe queued behind them was cut off with them (the
     * JDK's request clock starts at accept): with 4 threads and 4 stalled clients curl's probe got
     * "connection reset" after 5 s (java.net.http's client retries, which hid it). Eight stalled clients now
     * leave threads free and the probe is answered at once. Read from a raw socket, which does not retry.
     */
    @Test
    void stalledClientsDoNotStarveTheLivenessProbe() throws Exception {
        try (MetricsServer server = MetricsServer.start(new InetSocketAddress("127.0.0.1", 0), () -> "",
                HealthCheck.ALWAYS_UP)) {
            List<java.net.Socket> stalled = new java.util.ArrayList<>();
            try {
                for (int i = 0; i < 8; i++) {
                    java.net.Socket s = new java.net.Socket("127.0.0.1", server.port());
                    s.getOutputStream().write("GET /metrics HTTP/1.1\r\nHost: x\r\n".getBytes(
                            java.nio.charset.StandardCharsets.US_ASCII)); // no blank line: the request never ends
                    s.getOutputStream().flush();
                    stalled.add(s);
                }
                Thread.sleep(300);
                try (java.net.Socket probe = new java.net.Socket("127.0.0.1", server.port())) {
                    probe.setSoTimeout((MetricsServer.MAX_REQUEST_SECONDS + 5) * 1000);
                    probe.getOutputStream().write("GET /health/live HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                            .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    probe.getOutputStream().flush();
                    String status = new java.io.BufferedReader(new java.io.InputStreamReader(probe.getInputStream(),
                            java.nio.charset.StandardCharsets.US_ASCII)).readLine();
                    assertEquals("HTTP/1.1 200 OK", status);
                }
            } finally {
                for (java.net.Socket s : stalled) {
                    s.close();
                }
            }
        }
    }

    /** The JDK matches contexts by prefix: only the exact paths (and a trailing slash) are served. */
    @Test
    void pathsThatOnlyShareAPrefixAre404() throws Exception {
        try (MetricsServer server = MetricsServer.start(new InetSocketAddress("127.0.0.1", 0), () -> "x 1\n",
                HealthCheck.ALWAYS_UP)) {
            for (String path : List.of("/", "/healthz", "/metrics-foo", "/metrics/x", "/health/liveness",
                    "/health/ready/x", "/health/x")) {
                assertEquals(404, get(server, path).statusCode(), path);
            }
            for (String path : List.of("/metrics", "/metrics/", "/health", "/health/", "/health/live", "/health/ready")) {
                assertEquals(200, get(server, path).statusCode(), path);
            }
        }
    }

    /** A scrape that throws answers 500, not a dropped connection. */
    @Test
    void aFailingScrapeAnswers500() throws Exception {
        try (MetricsServer server = MetricsServer.start(new InetSocketAddress("127.0.0.1", 0),
                () -> { throw new IllegalStateException("boom"); }, HealthCheck.ALWAYS_UP)) {
            assertEquals(500, get(server, "/metrics").statusCode());
        }
    }
}
