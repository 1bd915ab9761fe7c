package sif.firewall;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sif.firewall.metrics.BrokerProbe;
import sif.firewall.metrics.FirewallMetrics;
import sif.metrics.MetricsServer;
import sif.firewall.metrics.MetricsSnapshot;
import sif.firewall.metrics.PrometheusFirewallMetrics;
import sif.firewall.metrics.StatusLogger;
import sif.firewall.metrics.StreamsHealth;
import sif.model.SequenceClassifier;

/**
 * {@code ./sif firewall}: runs the streaming firewall against a Kafka cluster until Ctrl-C,
 * logging one status line per interval.
 */
@Command(name = "firewall", mixinStandardHelpOptions = true,
        description = "Run the streaming firewall: flows -> validate -> zero trust -> per-source LSTM -> policy -> "
                + "allowed / blocked / alerts (bad records to the DLQ). Runs until Ctrl-C.")
public final class FirewallCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(FirewallCommand.class);

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT,...",
            description = "Kafka bootstrap servers (overrides bootstrap.servers; default localhost:9092)")
    String bootstrapServers;

    @Option(names = "--config", paramLabel = "FILE",
            description = "firewall properties file (keys in the README); defaults are filled in for missing keys")
    Path configFile;

    @Option(names = "--model", paramLabel = "DIR",
            description = "model artifact directory (overrides model.dir; default models/cicids2017-lstm)")
    Path modelDir;

    @Option(names = "--application-id", paramLabel = "ID",
            description = "Kafka Streams application id (overrides application.id; default sif-firewall)")
    String applicationId;

    @Option(names = "--metrics-port", paramLabel = "PORT",
            description = "port of the Prometheus /metrics and /health endpoints (overrides metrics.port; "
                    + "default 9464; -1 disables, 0 picks a free port)")
    Integer metricsPort;

    @Option(names = "--check",
            description = "load the configuration and the model, build the topology and the Kafka Streams client, "
                    + "print what would run, and exit without processing (exit 0 when everything loads; the "
                    + "client is created, so it may log that the broker is unreachable). "
                    + "./sif also uses it to record its class-data-sharing archive.")
    boolean check;

    @Override
    public Integer call() throws Exception {
        FirewallConfig config;
        try {
            config = configFile == null ? FirewallConfig.defaults() : FirewallConfig.load(configFile);
            Map<String, String> overrides = new HashMap<>();
            if (bootstrapServers != null) {
                overrides.put(FirewallConfig.BOOTSTRAP_SERVERS, bootstrapServers);
            }
            if (modelDir != null) {
                overrides.put(FirewallConfig.MODEL_DIR, modelDir.toString());
            }
            if (applicationId != null) {
                overrides.put(FirewallConfig.APPLICATION_ID, applicationId);
            }
            if (metricsPort != null) {
                overrides.put(FirewallConfig.METRICS_PORT, metricsPort.toString()); // checked as the key is
            }
            config = config.with(overrides);
        } catch (IllegalArgumentException e) {
            System.err.println("firewall: " + e.getMessage());
            return 2;
        }
        java.nio.file.Path checkStateDir = null;
        if (check) {
            // a state directory of its own: a firewall running with the same application id holds the lock on
            // the configured one, and --check failed on it ("already locked")
            checkStateDir = java.nio.file.Files.createTempDirectory("sif-firewall-check");
            config = config.with(Map.of(FirewallConfig.STREAMS_PREFIX + "state.dir", checkStateDir.toString()));
        }
        try {
            SequenceClassifier classifier;
            try {
                classifier = ModelLoader.open(config.modelDir()); // weights load while Streams starts
            } catch (RuntimeException e) {
                System.err.println("firewall: cannot load the model from " + config.modelDir().toAbsolutePath() + ": "
                        + e.getMessage() + " (train one with ./sif train, or pass --model DIR)");
                return 2;
            }
            try (classifier) {
                return run(config, classifier);
            }
        } finally {
            if (checkStateDir != null) {
                org.apache.kafka.common.utils.Utils.delete(checkStateDir.toFile());
            }
        }
    }

    private int run(FirewallConfig config, SequenceClassifier classifier) throws InterruptedException {
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch closed = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop.countDown();
            try {
                closed.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "sif-firewall-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return run(config, classifier, stop, closed);
        } finally {
            closed.countDown(); // every way out, early ones included: the hook must not wait for nothing
        }
    }

    private int run(FirewallConfig config, SequenceClassifier classifier, CountDownLatch stop, CountDownLatch closed)
            throws InterruptedException {
        int port = config.metricsPort();
        try (PrometheusFirewallMetrics metrics = FirewallMetrics.prometheus(classifier.info().classNames())) {
            metrics.modelInfo(classifier.info().version());
            FirewallWiring wiring;
            try {
                wiring = FirewallWiring.standard(config, classifier, metrics);
            } catch (RuntimeException e) {
                System.err.println("firewall: " + e.getMessage());
                return 2;
            }
            Policy policy = wiring.policy();
            FirewallApp app;
            try {
                app = new FirewallApp(config, classifier, policy, wiring.extensions());
            } catch (RuntimeException e) { // e.g. another instance holds the state directory's lock
                System.err.println("firewall: cannot create the Kafka Streams client: " + e.getMessage());
                return 2;
            }
            if (check) {
                if (!config.unknownKeys().isEmpty()) { // a start only warns; a check is where a typo must show
                    app.close(Duration.ofSeconds(5));
                    System.err.println("firewall check: FAILED: unknown settings " + config.unknownKeys()
                            + " (misspelt? the settings are in README.md's configuration table and, for trust.*,"
                            + " policy.*, alerts.* and blocklist.*, in trust-policy/README.md; Kafka Streams' own"
                            + " take the prefix " + FirewallConfig.STREAMS_PREFIX + ")");
                    return 2;
                }
                try {
                    ModelLoader.awaitLoaded(classifier);
                } catch (RuntimeException e) {
                    System.err.println("firewall: cannot load the model: " + e.getMessage());
                    return 2;
                } finally {
                    app.close(Duration.ofSeconds(5));
                }
                System.out.printf("firewall check: OK: model %s (T=%d), %s, input %s on %s, application id %s%n",
                        classifier.info().version(), classifier.info().sequenceLength(),
                        config.trustEnabled() ? "zero trust on" : "zero trust off", config.inputTopic(),
                        config.bootstrapServers(), config.applicationId());
                closed.countDown();
                return 0;
            }
            app.addStateListener((now, before) -> {
                if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.NOT_RUNNING) {
                    stop.countDown();
                }
            });
            metrics.bindKafkaStreams(app.streams());
            BrokerProbe probe = null;
            MetricsServer server = null;
            StatusLogger status = null;
            Thread starter = null;
            try {
                if (port >= 0) {
                    probe = BrokerProbe.start(config.clusterClientConfig(), Duration.ofSeconds(10), Duration.ofSeconds(5));
                    server = MetricsServer.start(port, metrics.registry(), new StreamsHealth(app.streams(), probe));
                    LOG.info("metrics on http://localhost:{}/metrics, health on /health/live and /health/ready",
                            server.port());
                }
                LOG.info("model {} (T={}, classes {}); policy {}; zero trust {}", classifier.info().version(),
                        classifier.info().sequenceLength(), classifier.info().classNames(),
                        policy instanceof ThresholdPolicy t ? "threshold " + t.threshold() : policy.getClass().getSimpleName(),
                        config.trustEnabled() ? "on" : "off (pass-through)");
                // KafkaStreams.start() blocks until the global stores (identities, policy) are loaded,
                // i.e. for as long as the broker is unreachable: started aside, Ctrl-C still ends the process
                starter = new Thread(() -> {
                    try {
                        app.start();
                    } catch (RuntimeException e) {
                        LOG.error("firewall could not start", e);
                        stop.countDown();
                    }
                }, "sif-firewall-start");
                starter.setDaemon(true);
                starter.start();
                try {
                    ModelLoader.awaitLoaded(classifier);
                } catch (RuntimeException e) {
                    System.err.println("firewall: cannot load the model from " + config.modelDir().toAbsolutePath()
                            + ": " + e.getMessage());
                    return 2;
                }
                status = StatusLogger.start(metrics, config.statusInterval(), () -> app.state().name());
                stop.await();
            } finally {
                if (status != null) {
                    status.close();
                }
                if (starter != null && starter.isAlive()) {
                    // KafkaStreams.close() waits for start() to return (both synchronized), which waits for
                    // the broker: nothing was processed yet, so there is nothing to commit or flush
                    LOG.warn("stopping before Kafka Streams finished starting (its global stores never loaded: "
                            + "is the broker at {} reachable?)", config.bootstrapServers());
                } else {
                    app.close(Duration.ofSeconds(30));
                }
                if (server != null) {
                    server.close();
                }
                if (probe != null) {
                    probe.close();
                }
                closed.countDown();
            }
            MetricsSnapshot s = metrics.snapshot();
            LOG.info("firewall stopped ({}): in={} allowed={} blocked={} alerts={} dlq={}", app.state(), s.flowsIn(),
                    s.allowed(), s.blocked(), s.alerts(), s.dlq());
            if (app.failure() != null) {
                System.err.println("firewall: failed: " + app.failure());
                return 1;
            }
            return 0;
        }
    }
}
