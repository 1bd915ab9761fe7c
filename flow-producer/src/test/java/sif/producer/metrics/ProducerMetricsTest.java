package sif.producer.metrics;

import sif.metrics.HealthCheck;
import sif.metrics.MetricsServer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import sif.flows.FlowFeatures;
import sif.flows.FlowRecord;
import sif.producer.FlowReplayer;
import sif.producer.FlowSource;
import sif.producer.ReplayOptions;
import sif.producer.identity.IdentityEmitter;
import sif.producer.identity.IdentitySchedule;
import sif.schemas.avro.IdentityEvent;
import sif.schemas.avro.NetworkFlow;

class ProducerMetricsTest {

    private static FlowRecord flow(String id, String src, long ts) {
        return new FlowRecord(id, src, 1000, "192.168.10.50", 80, 6, ts, new double[FlowFeatures.COUNT], "BENIGN",
                "t.csv", 2);
    }

    private static double sample(String scrape, String name) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*\\})? ([0-9.eE+-]+)$").matcher(scrape);
        assertTrue(m.find(), name + " not in:\n" + scrape);
        return Double.parseDouble(m.group(2));
    }

    private static HttpResponse<String> get(HttpClient http, int port, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void scrapeShowsTheExactCountersAfterAReplay() throws Exception {
        MockProducer<String, NetworkFlow> flows = new MockProducer<>(true, null, new StringSerializer(),
                (t, v) -> new byte[0]) {
            @Override
            public synchronized Future<RecordMetadata> send(ProducerRecord<String, NetworkFlow> r, Callback cb) {
                if (r.key().equals("10.6.6.6")) {
                    RecordTooLargeException e = new RecordTooLargeException("too large");
                    cb.onCompletion(null, e);
                    return CompletableFuture.failedFuture(e);
                }
                return super.send(r, cb);
            }
        };
        MockProducer<String, IdentityEvent> ids = new MockProducer<>(true, null, new StringSerializer(),
                (t, v) -> new byte[0]);
        FlowReplayer replayer = new FlowReplayer(flows, ReplayOptions.allOnce("flows"));
        IdentityEmitter emitter = new IdentityEmitter(ids, "identity", IdentitySchedule.cicids2017());
        replayer.beforeEachFlow(emitter);
        PrometheusMeterRegistry registry = ProducerMetrics.prometheus(replayer, emitter);
        AtomicBoolean ready = new AtomicBoolean(true);
        List<FlowRecord> input = List.of(flow("a", "192.168.10.5", 1_000_000), flow("b", "10.6.6.6", 1_000_100),
                flow("c", "192.168.10.8", 1_000_200), flow("d", "10.6.6.6", 1_000_300), flow("e", "172.16.0.1", 1_000_400));
        replayer.replay(FlowSource.of("t", input::iterator));

        HttpClient http = HttpClient.newHttpClient();
        try (MetricsServer endpoint = MetricsServer.start(0, registry, HealthCheck.readiness(ready::get))) {
            HttpResponse<String> r = get(http, endpoint.port(), "/metrics");
            assertEquals(200, r.statusCode());
            assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"), r.headers().toString());
            String body = r.body();
            assertEquals(3.0, sample(body, "sif_producer_sent_total"));
            assertEquals(2.0, sample(body, "sif_producer_errors_total"));
            assertEquals(2.0, sample(body, "sif_producer_identity_sent_total"));
            assertEquals(0.0, sample(body, "sif_producer_identity_errors_total"));
            assertTrue(body.contains("# TYPE sif_producer_sent_total counter"), body);

            assertEquals(200, get(http, endpoint.port(), "/health/live").statusCode());
            assertEquals(200, get(http, endpoint.port(), "/health/ready").statusCode());
            assertEquals(200, get(http, endpoint.port(), "/health").statusCode());
            ready.set(false);
            assertEquals(503, get(http, endpoint.port(), "/health/ready").statusCode());
            assertEquals(200, get(http, endpoint.port(), "/health/live").statusCode());
            assertEquals(404, get(http, endpoint.port(), "/health/other").statusCode());
            assertEquals(405, http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoint.port()
                    + "/metrics")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode());
        }
    }

    @Test
    void withoutIdentitiesOnlyTheFlowCounters() {
        MockProducer<String, NetworkFlow> flows = new MockProducer<>(true, null, new StringSerializer(),
                (t, v) -> new byte[0]);
        PrometheusMeterRegistry registry = ProducerMetrics.prometheus(
                new FlowReplayer(flows, ReplayOptions.allOnce("flows")), null);
        String body = registry.scrape();
        assertEquals(0.0, sample(body, "sif_producer_sent_total"));
        assertTrue(!body.contains("sif_producer_identity"), body);
    }
}
