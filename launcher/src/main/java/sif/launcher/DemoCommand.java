package sif.launcher;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sif.firewall.FirewallApp;
import sif.firewall.FirewallConfig;
import sif.firewall.FirewallWiring;
import sif.firewall.ModelLoader;
import sif.firewall.metrics.FirewallMetrics;
import sif.firewall.metrics.PrometheusFirewallMetrics;
import sif.flows.DataPaths;
import sif.flows.FlowCsvReader;
import sif.kafka.EmbeddedKafka;
import sif.model.SequenceClassifier;
import sif.producer.CsvFlowSource;
import sif.producer.FlowReplayer;
import sif.producer.FlowSource;
import sif.producer.ReplayOptions;
import sif.producer.ReplaySummary;
import sif.producer.identity.IdentityEmitter;
import sif.producer.identity.IdentitySchedule;
import sif.producer.synthetic.SyntheticProfiles;
import sif.producer.synthetic.SyntheticScenario;
import sif.schemas.Topics;
import sif.schemas.avro.Verdict;
import sif.schemas.serde.AvroSerdes;

/**
 * {@code ./sif demo}: a real single-node Kafka broker in-process, the firewall on it with the
 * shipped model, and a replay of CICIDS2017 rows (or of the synthetic scenario), with a live view.
 * Always ends with one {@code SUMMARY ...} line counted from the output topics.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Start an embedded Kafka broker, the firewall and a replay, and show the verdicts live.",
                "With --data DIR the CICIDS2017 CSVs in DIR are replayed; without it, a SYNTHETIC scenario whose "
                        + "per-class feature distributions were fitted on real CICIDS2017 rows.",
                "Ends with: SUMMARY in=<n> allowed=<n> blocked=<n> alerts=<n> dlq=<n>"})
public final class DemoCommand implements Callable<Integer> {

    @Option(names = "--data", paramLabel = "DIR|FILE",
            description = "CICIDS2017 CSV directory or file to replay, in the TrafficLabelling layout "
                    + "(e.g. the directory ../shared/data/cicids2017)")
    Path data;

    @Option(names = "--duration", paramLabel = "SECONDS",
            description = "stop after this many seconds (default: when --data is replayed, or Ctrl-C for synthetic)")
    Double durationSeconds;

    @Option(names = "--rate", paramLabel = "FLOWS/S", defaultValue = "1000",
            description = "replay rate in flows per second, 0 = as fast as possible (default: ${DEFAULT-VALUE})")
    double rate;

    @Option(names = "--model", paramLabel = "DIR", description = "model artifact (default: models/cicids2017-lstm)")
    Path model;

    @Option(names = "--seed", defaultValue = "2017", description = "synthetic scenario seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--no-live", description = "print a status line every 5 s instead of refreshing in place")
    boolean noLive;

    @Option(names = "--identity-rotate-seconds", defaultValue = "20",
            description = "re-verify the simulated identities of internal hosts every N seconds of event time "
                    + "(default: ${DEFAULT-VALUE}), and after every 400 flows of a host, so busy hosts stay under the "
                    + "500-flow freshness limit")
    long rotateSeconds;

    @Option(names = "--verbose", description = "keep SIF's INFO logging (default: warnings only, so the live view stays readable)")
    boolean verbose;

    private final PrintStream out = System.out;

    private static FirewallApp firewall(FirewallConfig config, SequenceClassifier classifier,
                                        PrometheusFirewallMetrics metrics) {
        FirewallWiring wiring = FirewallWiring.standard(config, classifier, metrics);
        return new FirewallApp(config, classifier, wiring.policy(), wiring.extensions());
    }

    /** Longest re-verification period (a year): longer ones overflowed the identity schedule's arithmetic. */
    static final long MAX_ROTATE_SECONDS = 365 * 86_400L;

    /** Longest --duration taken as given (a year); longer runs until Ctrl-C, as without it. */
    static final double MAX_DURATION_SECONDS = 365 * 86_400.0;

    /** What is wrong with the arguments, checked before anything starts; null when nothing is. */
    String badArguments() {
        if (durationSeconds != null && !(durationSeconds > 0)) {
            return "--duration must be a positive number of seconds, got " + durationSeconds;
        }
        if (!(rate >= 0) || Double.isInfinite(rate)) {
            return "--rate must be a finite number of flows per second >= 0 (0 = as fast as possible), got " + rate;
        }
        if (rotateSeconds < 1 || rotateSeconds > MAX_ROTATE_SECONDS) {
            return "--identity-rotate-seconds must be 1.." + MAX_ROTATE_SECONDS + " (a year), got " + rotateSeconds;
        }
        return null;
    }

    /** When the demo stops by itself: {@code startNanos} plus --duration, or never (no overflow for huge values). */
    long deadlineNanos(long startNanos) {
        if (durationSeconds == null || durationSeconds >= MAX_DURATION_SECONDS) {
            return Long.MAX_VALUE;
        }
        return startNanos + (long) (durationSeconds * 1e9);
    }

    /**
     * Warnings only from SIF, errors only from Kafka, and none of the broker's retriable exactly-once
     * rejections (README, Known limitations: "Broker log noise"): they would scroll through the live view.
     * {@code --verbose} keeps them all.
     */
    private static void quietLogging() {
        level("sif", ch.qos.logback.classic.Level.WARN);
        level("kafka", ch.qos.logback.classic.Level.ERROR);
        level("org.apache.kafka", ch.qos.logback.classic.Level.ERROR);
        for (String noisy : List.of("kafka.server.ReplicaManager", "org.apache.kafka.clients.producer.internals",
                "org.apache.kafka.streams.processor.internals.RecordCollectorImpl")) {
            level(noisy, ch.qos.logback.classic.Level.OFF);
        }
    }

    private static void level(String logger, ch.qos.logback.classic.Level level) {
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(logger)).setLevel(level);
    }

    @Override
    public Integer call() throws Exception {
        Path modelDir = model != null ? model : Launcher.repoPath("models/cicids2017-lstm");
        String bad = badArguments();
        if (bad != null) {
            System.err.println("demo: " + bad);
            return 2;
        }
        if (!verbose) {
            quietLogging();
        }
        if (!Files.isRegularFile(modelDir.resolve("metadata.json"))) {
            System.err.println("demo: no model in " + modelDir.toAbsolutePath()
                    + " (no metadata.json; train one with ./sif train, or pass --model DIR)");
            return 2;
        }
        if (data != null && !Files.exists(data)) {
            System.err.println("demo: no such file or directory: " + data.toAbsolutePath()
                    + " (CICIDS2017 CSVs: see README, 'Data')");
            return 2;
        }
        FlowSource source;
        if (data != null) {
            // read once before anything starts: a file that is not a flow CSV fails here, not after the broker
            try {
                CsvFlowSource csv = new CsvFlowSource(List.of(data), FlowCsvReader.Options.DEFAULT);
                csv.scan();
                source = csv;
            } catch (java.io.IOException | RuntimeException e) {
                System.err.println("demo: cannot read " + data + ": " + e.getMessage());
                return 2;
            }
        } else {
            source = FlowSource.of("synthetic scenario (seed " + seed + ")",
                    () -> new SyntheticScenario(SyntheticProfiles.builtIn(), seed, Clock.systemUTC()));
        }
        boolean synthetic = data == null;
        SequenceClassifier loaded;
        try {
            loaded = ModelLoader.load(modelDir);
        } catch (RuntimeException e) {
            System.err.println("demo: cannot load the model from " + modelDir.toAbsolutePath() + ": " + e.getMessage());
            return 2;
        }

        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop.countDown();
            try {
                finished.await(90, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "sif-demo-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        Path stateDir = null;

        out.println(synthetic
                ? "SIF demo: replaying SYNTHETIC flows drawn from per-class distributions fitted on real CICIDS2017 rows (not real traffic)"
                : "SIF demo: replaying " + source.describe());
        out.println("zero trust: SIMULATED identities for the internal hosts 192.168.10.0/24 (re-verified every "
                + rotateSeconds + " s); other sources have none and are never trusted");
        out.println("starting an embedded Kafka broker (KRaft, loopback) ...");
        try (SequenceClassifier classifier = loaded;
             EmbeddedKafka kafka = BrokerCommand.startUnlessStopped(EmbeddedKafka.builder(), stop)) {
            if (kafka == null) { // Ctrl-C while the broker started: its files are gone, nothing was sent
                out.println("SUMMARY in=0 allowed=0 blocked=0 alerts=0 dlq=0");
                return 130;
            }
            Topics topics = Topics.defaults();
            for (String t : topics.all()) {
                kafka.createTopic(t, 1, topics.creationConfig(t));
            }
            FirewallConfig config = FirewallConfig.defaults().with(Map.of(
                    FirewallConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers(),
                    FirewallConfig.APPLICATION_ID, "sif-demo",
                    FirewallConfig.MODEL_DIR, modelDir.toString(),
                    FirewallConfig.TOPIC_ALERTED, topics.alerted(),
                    FirewallConfig.STREAMS_PREFIX + "state.dir", (stateDir = Files.createTempDirectory("sif-demo-state"))
                            .toString()));
            VerdictTally tally = new VerdictTally();
            try (PrometheusFirewallMetrics metrics = FirewallMetrics.prometheus(classifier.info().classNames());
                 FirewallApp app = firewall(config, classifier, metrics);
                 OutputCounter counter = new OutputCounter(kafka.bootstrapServers(),
                         List.of(config.allowedTopic(), config.blockedTopic(), config.alertedTopic()),
                         config.dlqTopic(), AvroSerdes.singleObject(Verdict.class).deserializer(), tally);
                 FlowReplayer replayer = FlowReplayer.create(kafka.clientConfig(),
                         new ReplayOptions(topics.input(), rate, 0, 0, false));
                 IdentityEmitter identities = IdentityEmitter.create(kafka.clientConfig(), topics.identity(),
                         new IdentitySchedule(IdentitySchedule.DEFAULT_NETWORK, Duration.ofSeconds(rotateSeconds),
                                 IdentitySchedule.DEFAULT_LEAD))) {
                replayer.beforeEachFlow(identities);
                app.start();
                if (!app.awaitRunning(Duration.ofSeconds(60))) {
                    System.err.println("demo: the firewall did not reach RUNNING within 60 s");
                    return 1;
                }
                out.printf("broker %s | model %s (T=%d) | firewall RUNNING%n", kafka.bootstrapServers(),
                        classifier.info().version(), classifier.info().sequenceLength());
                AtomicReference<ReplaySummary> replayed = new AtomicReference<>();
                AtomicReference<Exception> replayFailure = new AtomicReference<>();
                Thread replay = new Thread(() -> {
                    try {
                        replayed.set(replayer.replay(source));
                    } catch (Exception e) {
                        replayFailure.set(e);
                    }
                }, "sif-demo-replay");
                replay.setDaemon(true);
                replay.start();

                LiveView view = new LiveView(out, !noLive && System.console() != null, synthetic);
                long startNanos = System.nanoTime();
                long deadline = deadlineNanos(startNanos);
                while (!stop.await(1, TimeUnit.SECONDS)) {
                    view.render(tally, replayer.sentTotal(), System.nanoTime() - startNanos);
                    if (System.nanoTime() - deadline >= 0 && deadline != Long.MAX_VALUE
                            || (!replay.isAlive() && tally.total() >= replayer.sentTotal())) {
                        break;
                    }
                }
                replayer.stop();
                replay.join(30_000);
                long sent = replayer.sentTotal();
                // every flow sent must come out once: wait for the last verdicts to land, as long as
                // they keep coming (the firewall may lag behind the replay on a busy machine)
                if (tally.total() < sent) {
                    out.printf("replay stopped; waiting for the firewall to decide the last %d flows ...%n",
                            sent - tally.total());
                    view.lineWritten(); // the next view starts below this line instead of over it
                }
                long lastTotal = -1;
                long drainStart = System.nanoTime();
                long lastProgress = drainStart;
                // after Ctrl-C the JVM waits for us at most 90 s (see the shutdown hook)
                long cap = stop.getCount() == 0 ? TimeUnit.SECONDS.toNanos(60) : Long.MAX_VALUE;
                while (tally.total() < sent && System.nanoTime() - lastProgress < TimeUnit.SECONDS.toNanos(30)
                        && System.nanoTime() - drainStart < cap) {
                    if (tally.total() != lastTotal) {
                        lastTotal = tally.total();
                        lastProgress = System.nanoTime();
                    }
                    Thread.sleep(200);
                }
                view.render(tally, sent, System.nanoTime() - startNanos);
                if (replayFailure.get() != null) {
                    System.err.println("demo: replay failed: " + replayFailure.get().getMessage());
                }
                ReplaySummary summary = replayed.get();
                if (summary != null && (summary.skippedTotal() > 0 || summary.malformedRows() > 0)) {
                    System.err.print("demo: not every row was sent:\n" + summary.describe());
                }
                boolean nothingSent = !synthetic && sent == 0 && stop.getCount() > 0; // not for a Ctrl-C before the first
                if (nothingSent) {
                    System.err.println("demo: no flow of " + data + " could be sent (see above; the demo needs the "
                            + "TrafficLabelling layout, with Source IP and Timestamp)");
                }
                if (tally.total() != sent) {
                    System.err.printf("demo: %d flows sent but %d outputs counted (stopped waiting)%n", sent,
                            tally.total());
                }
                out.printf("SUMMARY in=%d allowed=%d blocked=%d alerts=%d dlq=%d%n", sent,
                        tally.decision("ALLOW"), tally.decision("BLOCK"), tally.decision("ALERT"), tally.dlq());
                return replayFailure.get() == null && tally.total() == sent && !nothingSent ? 0 : 1;
            }
        } finally {
            if (stateDir != null) {
                try {
                    org.apache.kafka.common.utils.Utils.delete(stateDir.toFile());
                } catch (java.io.IOException e) {
                    System.err.println("demo: could not delete the state directory " + stateDir + ": " + e);
                }
            }
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down: the hook is waiting for 'finished'
            }
        }
    }
}
