package sif.deploy;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sif.firewall.FirewallApp;
import sif.firewall.FirewallConfig;
import sif.firewall.FirewallExtensions;
import sif.firewall.FirewallTopology;
import sif.firewall.metrics.BrokerProbe;
import sif.firewall.metrics.FirewallMetrics;
import sif.metrics.MetricsServer;
import sif.firewall.metrics.PrometheusFirewallMetrics;
import sif.producer.metrics.ProducerMetrics;
import sif.firewall.metrics.StreamsHealth;
import sif.kafka.EmbeddedKafka;
import sif.producer.FlowReplayer;
import sif.producer.FlowSource;
import sif.producer.ReplayOptions;
import sif.producer.synthetic.SyntheticProfiles;
import sif.producer.synthetic.SyntheticScenario;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The firewall runs on the embedded broker with synthetic flows flowing through the real producer;
 * a real Prometheus scrapes its /metrics; every PromQL expression of every Grafana dashboard
 * (Grafana's variables resolved) returns at least one series.
 */
class DashboardQueriesIT {

    private static final Logger LOG = LoggerFactory.getLogger(DashboardQueriesIT.class);
    /** Kafka Streams task/store metrics appear at Micrometer's KafkaMetrics refresh (60 s after binding). */
    private static final Duration ALL_SERIES_TIMEOUT = Duration.ofSeconds(180);

    @Test
    void everyDashboardQueryReturnsSeries(@TempDir Path tmp) throws Exception {
        Path prometheusBin = PrometheusServer.binary().orElse(null);
        assumeTrue(prometheusBin != null, "SKIPPED: no prometheus binary on the PATH (apt-get install -y prometheus, "
                + "or set SIF_PROMETHEUS_BIN); the dashboard queries were not checked against a real Prometheus");
        List<RepoFiles.Query> queries = RepoFiles.queries();

        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            FirewallConfig config = FirewallConfig.of(Map.of(
                    FirewallConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers(),
                    FirewallConfig.APPLICATION_ID, "sif-dashboards-it",
                    FirewallConfig.STREAMS_PREFIX + StreamsConfig.STATE_DIR_CONFIG, tmp.resolve("state").toString()));
            Map<String, Integer> topics = new LinkedHashMap<>();
            for (String t : List.of(config.inputTopic(), config.allowedTopic(), config.blockedTopic(),
                    config.alertedTopic(), config.dlqTopic())) {
                topics.put(t, 2);
            }
            kafka.createTopics(topics);

            SpreadClassifier classifier = new SpreadClassifier();
            ExecutorService producerThread = Executors.newSingleThreadExecutor();
            try (PrometheusFirewallMetrics metrics = FirewallMetrics.prometheus(classifier.info().classNames())) {
                metrics.modelInfo(classifier.info().version());
                FirewallApp app = new FirewallApp(config, classifier,
                        FirewallTopology.defaultPolicy(config, classifier.info()),
                        FirewallExtensions.defaults().withMetrics(metrics));
                metrics.bindKafkaStreams(app.streams());
                try (app;
                     BrokerProbe probe = BrokerProbe.start(Map.of(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG,
                             kafka.bootstrapServers()), Duration.ofSeconds(2), Duration.ofSeconds(2));
                     MetricsServer server = MetricsServer.start(new InetSocketAddress("127.0.0.1", 0),
                             metrics.registry()::scrape, new StreamsHealth(app.streams(), probe));
                     FlowReplayer replayer = FlowReplayer.create(Map.of(
                             ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                             new ReplayOptions(config.inputTopic(), 300, 0, 0, false))) {
                    ProducerMetrics.bind(metrics.registry(), replayer, null); // what `./sif replay --metrics-port` serves
                    app.start();
                    assertTrue(app.awaitRunning(Duration.ofSeconds(90)), "firewall RUNNING");

                    FlowSource synthetic = FlowSource.of("synthetic", () ->
                            new SyntheticScenario(SyntheticProfiles.builtIn(), 42, Clock.systemUTC()));
                    Future<?> replay = producerThread.submit(() -> replayer.replay(synthetic));
                    sendGarbage(kafka, config.inputTopic());

                    try (PrometheusServer prometheus = PrometheusServer.start(prometheusBin, tmp, "sif-firewall",
                            "127.0.0.1:" + server.port())) {
                        prometheus.awaitReady(Duration.ofSeconds(60));
                        Map<RepoFiles.Query, String> missing = awaitAllSeries(prometheus, queries);
                        assertTrue(missing.isEmpty(), () -> missing.size() + " of " + queries.size()
                                + " dashboard queries return no series (target: " + health(prometheus) + "):\n"
                                + String.join("\n", missing.entrySet().stream()
                                .map(e -> "  " + e.getKey() + "  -> " + e.getValue()).toList()));
                        assertEquals(1, prometheus.query("sum(sif_flows_in_total) > 100").series(),
                                "flows went through the firewall");
                        assertEquals(1, prometheus.query("sum(sif_verdicts_total{decision=\"block\"}) > 0").series(),
                                "BLOCK verdicts seen");
                        assertEquals(1, prometheus.query("sum(sif_dlq_total) > 0").series(), "the garbage record reached the DLQ");
                        LOG.info("all {} dashboard queries return series", queries.size());
                    } finally {
                        replayer.stop();
                        replay.get(60, TimeUnit.SECONDS);
                    }
                }
            } finally {
                producerThread.shutdownNow();
            }
        }
    }

    private static void sendGarbage(EmbeddedKafka kafka, String topic) {
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            p.send(new ProducerRecord<>(topic, "10.9.9.9".getBytes(StandardCharsets.UTF_8),
                    "not an avro record".getBytes(StandardCharsets.UTF_8)));
        }
    }

    private static String health(PrometheusServer prometheus) {
        try {
            return prometheus.targetHealth();
        } catch (Exception e) {
            return e.toString();
        }
    }

    /** Polls every query until all return series or the timeout passes; returns those still empty. */
    private static Map<RepoFiles.Query, String> awaitAllSeries(PrometheusServer prometheus, List<RepoFiles.Query> queries)
            throws Exception {
        List<RepoFiles.Query> pending = new ArrayList<>(queries);
        Map<RepoFiles.Query, String> last = new LinkedHashMap<>();
        long deadline = System.nanoTime() + ALL_SERIES_TIMEOUT.toNanos();
        while (true) {
            last.clear();
            for (var it = pending.iterator(); it.hasNext(); ) {
                RepoFiles.Query q = it.next();
                PrometheusServer.QueryResult r = prometheus.query(RepoFiles.resolveGrafanaVariables(q.expr()));
                if (r.error() != null) {
                    last.put(q, r.error()); // invalid PromQL: fails at the end with the error
                } else if (r.series() > 0) {
                    it.remove();
                } else {
                    last.put(q, "no series");
                }
            }
            if (pending.isEmpty() || System.nanoTime() > deadline) {
                return last;
            }
            Thread.sleep(2_000);
        }
    }
}
