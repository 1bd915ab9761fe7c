package sif.deploy;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sif.firewall.FirewallApp;
import sif.firewall.FirewallConfig;
import sif.firewall.FirewallExtensions;
import sif.firewall.FirewallTopology;
import sif.firewall.metrics.BrokerProbe;
import sif.firewall.metrics.FirewallMetrics;
import sif.metrics.MetricsServer;
import sif.firewall.metrics.PrometheusFirewallMetrics;
import sif.firewall.metrics.StreamsHealth;
import sif.kafka.EmbeddedKafka;
import sif.producer.FlowReplayer;
import sif.producer.FlowSource;
import sif.producer.ReplayOptions;
import sif.producer.synthetic.SyntheticProfiles;
import sif.producer.synthetic.SyntheticScenario;

import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code /health/ready} of the firewall on a real broker: not ready before start; ready once
 * Streams runs and the broker answers; not ready once the broker goes away (while Kafka Streams
 * itself typically still reports RUNNING); ready again when the broker returns on the same port and data.
 * Liveness stays up throughout. Wired like {@code ./sif firewall} (FirewallCommand).
 */
class FirewallReadinessIT {

    private static final Duration WAIT = Duration.ofSeconds(120);

    @Test
    void readinessFollowsStreamsStateAndBrokerReachability(@TempDir Path tmp) throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            FirewallConfig config = FirewallConfig.of(Map.of(
                    FirewallConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers(),
                    FirewallConfig.APPLICATION_ID, "sif-readiness-it",
                    FirewallConfig.STREAMS_PREFIX + StreamsConfig.STATE_DIR_CONFIG, tmp.resolve("state").toString()));
            Map<String, Integer> topics = new LinkedHashMap<>();
            for (String t : List.of(config.inputTopic(), config.allowedTopic(), config.blockedTopic(),
                    config.alertedTopic(), config.dlqTopic())) {
                topics.put(t, 2);
            }
            kafka.createTopics(topics);

            SpreadClassifier classifier = new SpreadClassifier();
            try (PrometheusFirewallMetrics metrics = FirewallMetrics.prometheus(classifier.info().classNames())) {
                FirewallApp app = new FirewallApp(config, classifier,
                        FirewallTopology.defaultPolicy(config, classifier.info()),
                        FirewallExtensions.defaults().withMetrics(metrics));
                metrics.bindKafkaStreams(app.streams());
                try (app;
                     BrokerProbe probe = BrokerProbe.start(Map.of(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG,
                             kafka.bootstrapServers()), Duration.ofMillis(500), Duration.ofSeconds(1));
                     MetricsServer server = MetricsServer.start(new InetSocketAddress("127.0.0.1", 0),
                             metrics.registry()::scrape, new StreamsHealth(app.streams(), probe))) {
                    String base = "http://127.0.0.1:" + server.port();

                    HttpResponse<String> before = HttpPoll.get(base + "/health/ready");
                    assertEquals(503, before.statusCode(), "not ready before start: " + before.body());
                    assertEquals(200, HttpPoll.get(base + "/health/live").statusCode(), "live before start");

                    app.start();
                    HttpPoll.await(base + "/health/ready", r -> r.statusCode() == 200, WAIT, "ready after start");
                    try (FlowReplayer replayer = FlowReplayer.create(Map.of(
                            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                            new ReplayOptions(config.inputTopic(), 0, 0, 200, false))) {
                        replayer.replay(FlowSource.of("synthetic", () ->
                                new SyntheticScenario(SyntheticProfiles.builtIn(), 7, Clock.systemUTC())));
                        assertEquals(200, replayer.sentTotal());
                    }

                    kafka.stop();
                    HttpResponse<String> down = HttpPoll.await(base + "/health/ready", r -> r.statusCode() == 503, WAIT,
                            "not ready once the broker is gone");
                    assertTrue(down.body().contains("\"broker\":\"unreachable\""), down.body());
                    // (Kafka Streams itself typically still reports RUNNING here: the broker probe makes readiness honest)
                    assertEquals(200, HttpPoll.get(base + "/health/live").statusCode(), "still live without the broker");

                    kafka.restart();
                    HttpResponse<String> back = HttpPoll.await(base + "/health/ready", r -> r.statusCode() == 200, WAIT,
                            "ready again once the broker is back");
                    assertEquals("{\"status\":\"UP\",\"streams\":\"RUNNING\",\"broker\":\"reachable\"}", back.body());
                    assertEquals(200, HttpPoll.get(base + "/health/live").statusCode());
                    assertTrue(HttpPoll.get(base + "/metrics").body().contains("kafka_stream_thread_"),
                            "Kafka Streams client metrics are exported");
                }
            }
        }
    }
}
