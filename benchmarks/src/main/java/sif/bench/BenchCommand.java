package sif.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.RemoveMembersFromConsumerGroupOptions;
import org.apache.kafka.streams.StreamsConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sif.firewall.FirewallApp;
import sif.schemas.Topics;
import sif.firewall.FirewallConfig;
import sif.firewall.ModelLoader;
import sif.firewall.FirewallWiring;
import sif.firewall.SequenceInferenceProcessor;
import sif.firewall.metrics.FirewallMetrics;
import sif.firewall.metrics.PrometheusFirewallMetrics;
import sif.firewall.trust.PolicyFeed;
import sif.firewall.trust.TrustConfig;
import sif.kafka.BrokerProcess;
import sif.kafka.EmbeddedKafka;
import sif.kafka.ExternalKafka;
import sif.kafka.KafkaBroker;
import sif.model.SequenceClassifier;

/**
 * {@code ./sif bench}: the end-to-end benchmark on the embedded broker. In one run: the raw batched
 * inference ceiling (one session, batch 64, representative sequences), measured before and again
 * right after the saturation phase, the higher of the two counting (this VM's speed moved 2x between
 * runs minutes apart, so one measurement could flatter the ratio); the firewall (in-process
 * {@link FirewallApp}, real model) draining a pre-loaded topic at saturation; the firewall under
 * fixed offered loads (paced producer) with produce→verdict latency percentiles, CPU, heap and
 * RSS; state bytes per tracked source; and process start → first verdict of a fresh firewall JVM.
 * Prints a summary against the targets and writes JSON with {@code --out}.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"End-to-end benchmark on the embedded broker (or an existing cluster: --bootstrap-servers): inference ceiling, firewall throughput at "
                + "saturation, produce->verdict latency at fixed offered loads, CPU / heap / RSS, state bytes per "
                + "source, process start -> first verdict. Prints ratio = end-to-end / ceiling.",
                "Figures are for this machine and whatever else runs on it (the console shows the machine's CPU load)."})
public final class BenchCommand implements Callable<Integer> {

    static final int CEILING_BATCH = 64;
    static final String TORCH_THREADS = "ai.djl.pytorch.num_threads";
    static final String TORCH_INTEROP_THREADS = "ai.djl.pytorch.num_interop_threads";

    @Option(names = "--duration", paramLabel = "SECONDS", defaultValue = "20",
            description = "Seconds of each fixed-load phase (the ceiling is measured for half of it, at least 5 s, "
                    + "before and after the saturation phase). "
                    + "Default ${DEFAULT-VALUE}.")
    int durationSeconds;

    @Option(names = "--flows", paramLabel = "N", defaultValue = "200000",
            description = "Flows pre-loaded for the saturation phase. Default ${DEFAULT-VALUE}.")
    long flows;

    @Option(names = "--out", paramLabel = "FILE", description = "Write the results as JSON to FILE.")
    Path out;

    @Option(names = "--keep-work", description = "keep the work directory (broker logs, state directories) "
            + "after a successful run; it is always kept when the run fails")
    boolean keepWork;

    @Option(names = "--loads", paramLabel = "FLOWS/S", split = ",", defaultValue = "1000,5000,10000",
            description = "Offered loads of the fixed-load phases, flows/s. Default ${DEFAULT-VALUE}.")
    List<Integer> loads;

    @Option(names = "--model", paramLabel = "DIR", description = "Model artifact (default models/cicids2017-lstm).")
    Path modelDir;

    @Option(names = "--data", paramLabel = "DIR|FILE",
            description = "CICIDS2017 CSVs whose rows are replayed (default: <data root>/cicids2017; the synthetic "
                    + "scenario when absent).")
    Path data;

    @Option(names = "--synthetic", description = "Replay the SYNTHETIC scenario even when real data exists.")
    boolean synthetic;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Firewall properties for every firewall of the run (e.g. batch.size, streams.*).")
    Path configFile;

    /** Where the benchmark's broker runs. */
    enum BrokerMode { process, in_jvm }

    @Option(names = "--broker", paramLabel = "in_jvm|process", defaultValue = "in_jvm",
            description = "Where the embedded KRaft broker runs: in the benchmark's JVM (in_jvm), or in a JVM of its own "
                    + "(process; the heap and GC settings kafka-server-start.sh gives a broker), so that the measured "
                    + "firewall shares no heap, GC pauses or JIT with it, as in a deployment. Either way it shares this "
                    + "machine's cores; on the 2-core development machine process was no faster (docs/performance.md). "
                    + "Default ${DEFAULT-VALUE}.")
    BrokerMode brokerMode;

    @Option(names = "--transaction-version", paramLabel = "N",
            description = "Format the embedded broker (in_jvm) with this transaction.version feature level instead of the "
                    + "release's default (2, KIP-890); 1 is the transaction protocol before it (docs/performance.md).")
    Short transactionVersion;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]",
            description = "Run against an existing Kafka cluster instead of an embedded broker (--broker is then ignored): "
                    + "the firewall on this machine, the brokers where they are deployed. Client security settings "
                    + "come from --config (its streams.security.*, streams.sasl.* and streams.ssl.* keys also serve the "
                    + "benchmark's own clients). Topics are created with the cluster's default replication factor and "
                    + "named after a run id (bench.<run>.<phase>.*, firewall-bench-<phase>-<run>); the run deletes its "
                    + "topics and consumer groups at the end. The broker's CPU is then not counted.")
    String bootstrapServers;

    @Option(names = "--partitions", defaultValue = "1",
            description = "Partitions of the input and output topics. Default ${DEFAULT-VALUE}.")
    int partitions;

    @Option(names = "--stream-threads", paramLabel = "N",
            description = "Kafka Streams threads of the firewall (default: the firewall's default).")
    Integer streamThreads;

    @Option(names = "--no-trust",
            description = "Run the firewall without the trust module (trust.enabled=false: pass-through zero trust, "
                    + "threshold policy, no SIEM documents or blocklist). Default: as configured (trust.enabled=true).")
    boolean noTrust;

    @Option(names = "--torch-threads", paramLabel = "N",
            description = "PyTorch intra-op and inter-op threads (sets ai.djl.pytorch.num_threads and "
                    + "num_interop_threads for this run and the start-up child; default: as the JVM is configured, "
                    + "else the firewall's default of 1).")
    Integer torchThreads;

    @Option(names = "--warmup", paramLabel = "SECONDS", defaultValue = "3",
            description = "Latencies of the first seconds of each fixed-load phase are not recorded. Default ${DEFAULT-VALUE}.")
    int warmupSeconds;

    @Option(names = "--jit-warmup-flows", paramLabel = "N", defaultValue = "150000",
            description = "Before the saturation phase, drain N flows through a throw-away firewall in the same JVM, "
                    + "not measured, so that the measured phases see JIT-compiled code (a long-running firewall's "
                    + "steady state) rather than a JVM whose compiler still takes most of a core; 0 measures cold. "
                    + "Start-up is measured in fresh JVMs either way. Default ${DEFAULT-VALUE}.")
    int jitWarmupFlows;

    @Option(names = "--load-linger-ms", paramLabel = "MS", defaultValue = "1",
            description = "linger.ms of the paced load generator's producer (a flow exporter batching what it sends "
                    + "within MS; 0 sends every flow in a request of its own, which at thousands of flows/s costs the "
                    + "co-located broker a large share of the 2 cores). Latency is measured from the send() call, "
                    + "so the linger counts against the firewall. Default ${DEFAULT-VALUE}.")
    int loadLingerMs;

    @Option(names = "--startup-flows", paramLabel = "N", defaultValue = "20000",
            description = "Flows waiting in the topic when the fresh firewall process starts. Default ${DEFAULT-VALUE}.")
    long startupFlows;

    @Option(names = "--skip-loads", description = "Skip the fixed-load phases (e.g. for a profiling run of the saturation phase).")
    boolean skipLoads;

    @Option(names = "--skip-startup", description = "Skip the process start -> first verdict measurement.")
    boolean skipStartup;

    private final PrintStream console = System.out;
    private final Map<String, Object> report = new LinkedHashMap<>();
    /** Names this run's topics and application ids apart from other runs on the same cluster ("" on a broker of its own). */
    private String runId = "";
    /** The representative sequences of both ceiling measurements (built once). */
    private List<float[][]> ceilingSequences;
    private Path work;
    private SequenceClassifier model;
    private BenchFlows benchFlows;
    private Map<String, String> baseConfig;

    @Override
    public Integer call() throws Exception {
        if (!skipLoads && warmupSeconds >= durationSeconds) {
            System.err.println("bench: --warmup (" + warmupSeconds + " s) must be shorter than --duration ("
                    + durationSeconds + " s): nothing would be measured at the fixed loads");
            return 2;
        }
        if (durationSeconds < 1 || flows < 1 || partitions < 1 || loads.isEmpty() || loads.stream().anyMatch(l -> l < 1)) {
            System.err.println("bench: --duration, --flows, --partitions and every --loads value must be positive");
            return 2;
        }
        Path modelPath = modelDir != null ? modelDir : repoPath("models/cicids2017-lstm");
        if (torchThreads != null) {
            System.setProperty(TORCH_THREADS, torchThreads.toString());
            System.setProperty(TORCH_INTEROP_THREADS, torchThreads.toString());
        }
        try {
            baseConfig = configFile == null ? FirewallConfig.defaults().asMap() : FirewallConfig.load(configFile).asMap();
        } catch (IllegalArgumentException e) {
            System.err.println("bench: " + e.getMessage());
            return 2;
        }
        try {
            model = ModelLoader.load(modelPath); // as the firewall loads it (one PyTorch thread unless set)
        } catch (RuntimeException e) {
            System.err.println("bench: cannot load the model from " + modelPath.toAbsolutePath() + ": " + e.getMessage()
                    + " (train one with ./sif train, or pass --model DIR)");
            return 2;
        }
        try (SequenceClassifier m = model) {
            benchFlows = synthetic ? BenchFlows.synthetic(4096, 42) : BenchFlows.realOrSynthetic(data);
            work = Files.createTempDirectory("sifbench-run-");
            runId = external() ? Long.toString(System.currentTimeMillis(), 36) : "";
            header(modelPath);
            ceiling();
            try (KafkaBroker kafka = startBroker()) {
                try {
                    if (jitWarmupFlows > 0) {
                        jitWarmup(kafka);
                    }
                    saturation(kafka);
                    ceilingAgain();
                    if (!skipLoads) {
                        for (int load : loads) {
                            fixedLoad(kafka, load);
                        }
                    }
                    if (!skipStartup) {
                        startup(kafka, modelPath);
                    }
                } finally {
                    if (external()) {
                        deleteRunTopicsAndGroups(kafka);
                    }
                }
            }
            summary();
            if (out != null) {
                writeJson(out);
                console.println("results written to " + out.toAbsolutePath());
            }
            if (!keepWork) {
                try {
                    org.apache.kafka.common.utils.Utils.delete(work.toFile());
                } catch (java.io.IOException e) {
                    console.println("could not delete the work directory " + work + ": " + e);
                }
            }
            return 0;
        }
    }

    // ------------------------------------------------------------------ phases

    /**
     * The JVM options of the broker process: those {@code kafka-server-start.sh} gives a broker
     * (1 GB heap, G1 with a 20 ms pause goal), and quiet logging.
     */
    static final List<String> BROKER_JVM_OPTIONS = List.of("-Xms1g", "-Xmx1g", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20",
            "-XX:InitiatingHeapOccupancyPercent=35", "-XX:+ExplicitGCInvokesConcurrent",
            "-Dlogback.configurationFile=" + StartupProbe.CHILD_LOGBACK);

    /** The broker process's id while it runs ({@code --broker process}), else -1. */
    private long brokerPid = -1;

    private boolean external() {
        return bootstrapServers != null;
    }

    private KafkaBroker startBroker() throws IOException {
        if (external()) {
            ExternalKafka kafka = new ExternalKafka(bootstrapServers, FirewallConfig.of(baseConfig).clientSecurity());
            console.println("broker: existing cluster at " + kafka.bootstrapServers() + " (run id " + runId
                    + "; the brokers' CPU is not counted)");
            return kafka;
        }
        if (brokerMode == BrokerMode.in_jvm) {
            EmbeddedKafka.Builder b = EmbeddedKafka.builder().logDir(work.resolve("kafka"));
            if (transactionVersion != null) {
                b.featureLevel("transaction.version", transactionVersion);
            }
            EmbeddedKafka kafka = b.start();
            console.println("broker: embedded KRaft broker in this JVM on " + kafka.bootstrapServers()
                    + (transactionVersion == null ? "" : " (transaction.version " + transactionVersion + ")"));
            return kafka;
        }
        BrokerProcess kafka = BrokerProcess.start(work.resolve("kafka"), BROKER_JVM_OPTIONS, work.resolve("broker.log"),
                Duration.ofSeconds(120));
        brokerPid = kafka.pid();
        console.println("broker: embedded KRaft broker in its own JVM (pid " + brokerPid + ", " + String.join(" ",
                BROKER_JVM_OPTIONS.subList(0, 4)) + ") on " + kafka.bootstrapServers() + "; log " + kafka.log());
        return kafka;
    }

    /**
     * On a cluster the run did not start: deletes the topics it created (its phases' and the firewalls'
     * internal ones) and the firewalls' consumer groups — everything named after {@link #runId}.
     */
    private void deleteRunTopicsAndGroups(KafkaBroker kafka) {
        try (Admin admin = Admin.create(kafka.clientConfig())) {
            Set<String> topics = admin.listTopics().names().get(30, TimeUnit.SECONDS).stream()
                    .filter(this::ofThisRun).collect(Collectors.toCollection(TreeSet::new));
            Set<String> groups = admin.listConsumerGroups().all().get(30, TimeUnit.SECONDS).stream()
                    .map(ConsumerGroupListing::groupId).filter(this::ofThisRun).collect(Collectors.toCollection(TreeSet::new));
            // the firewalls are static members (FirewallConfig.groupInstanceId): they do not leave on close
            for (var g : admin.describeConsumerGroups(groups).all().get(30, TimeUnit.SECONDS).values()) {
                if (!g.members().isEmpty()) {
                    admin.removeMembersFromConsumerGroup(g.groupId(), new RemoveMembersFromConsumerGroupOptions())
                            .all().get(30, TimeUnit.SECONDS);
                }
            }
            if (!groups.isEmpty()) {
                admin.deleteConsumerGroups(groups).all().get(30, TimeUnit.SECONDS);
            }
            if (!topics.isEmpty()) {
                admin.deleteTopics(topics).all().get(60, TimeUnit.SECONDS);
            }
            report.put("cleanup", Map.of("topics_deleted", topics.size(), "consumer_groups_deleted", groups.size()));
            console.printf(Locale.ROOT, "cleanup: deleted %d topics and %d consumer groups of run %s from %s%n",
                    topics.size(), groups.size(), runId, kafka.bootstrapServers());
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            console.println("cleanup: could not delete the topics and groups of run " + runId + " (named bench." + runId
                    + ".* and firewall-bench-*-" + runId + "*): " + e);
        }
    }

    /** Whether a topic or group name belongs to this run ({@link Phase} names them). */
    private boolean ofThisRun(String name) {
        return name.startsWith("bench." + runId + ".")
                || (name.startsWith("firewall-bench-") && (name.endsWith("-" + runId) || name.contains("-" + runId + "-")));
    }

    private void header(Path modelPath) {
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("cpus", Runtime.getRuntime().availableProcessors());
        machine.put("cpu_model", Machine.cpuModel());
        machine.put("memory_bytes", Machine.totalMemoryBytes());
        machine.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        machine.put("max_heap_bytes", Runtime.getRuntime().maxMemory());
        machine.put("load_average_at_start", Machine.loadAverage());
        report.put("timestamp_utc", Instant.now().toString());
        report.put("machine", machine);
        SequenceClassifier.ModelInfo info = model.info();
        report.put("model", Map.of("dir", modelPath.toAbsolutePath().normalize().toString(), "version", info.version(),
                "sequence_length", info.sequenceLength(), "classes", info.classNames()));
        report.put("flows_origin", benchFlows.origin());
        Map<String, Object> options = new LinkedHashMap<>();
        options.put("duration_s", durationSeconds);
        options.put("flows", flows);
        options.put("loads", loads);
        options.put("broker", external() ? "external" : brokerMode.name());
        if (external()) {
            options.put("bootstrap_servers", bootstrapServers);
            options.put("run_id", runId);
        }
        options.put("transaction_version", transactionVersion == null ? "release default" : transactionVersion);
        options.put("partitions", partitions);
        options.put("stream_threads", streamThreads);
        options.put("trust_enabled", !noTrust && Boolean.parseBoolean(baseConfig.getOrDefault(FirewallConfig.TRUST_ENABLED, "true")));
        options.put("warmup_s", warmupSeconds);
        options.put("jit_warmup_flows", jitWarmupFlows);
        options.put("load_linger_ms", loadLingerMs);
        options.put("torch_threads", System.getProperty(TORCH_THREADS, "engine default (one per core)"));
        options.put("torch_interop_threads", System.getProperty(TORCH_INTEROP_THREADS, "engine default"));
        options.put("firewall_config", configFile == null ? null : configFile.toString());
        options.put("batch_size", baseConfig.get(FirewallConfig.BATCH_SIZE));
        options.put("batch_max_wait_ms", baseConfig.get(FirewallConfig.BATCH_MAX_WAIT_MS));
        options.put("processing_guarantee", baseConfig.get("streams.processing.guarantee"));
        options.put("commit_interval_ms", baseConfig.get("streams.commit.interval.ms"));
        report.put("options", options);
        console.printf(Locale.ROOT, "SIF bench: %d cpus (%s), %.1f GB RAM, %s; load average %s%n",
                machine.get("cpus"), machine.get("cpu_model"), Machine.totalMemoryBytes() / 1e9, machine.get("java"),
                machine.get("load_average_at_start"));
        console.printf(Locale.ROOT, "model %s (T=%d) from %s%n", info.version(), info.sequenceLength(), modelPath);
        console.println("flows: " + benchFlows.origin());
        console.println("PyTorch threads: " + options.get("torch_threads") + ", inter-op " + options.get("torch_interop_threads"));
        console.println("work directory: " + work);
    }

    private void ceiling() {
        console.printf(Locale.ROOT, "[1/4] inference ceiling: one session, batch %d, %d representative sequences, %d s ...%n",
                CEILING_BATCH, ceilingSequences().size(), ceilingDuration().toSeconds());
        InferenceCeiling.Result r = measureCeiling("before");
        report.put("ceiling_flows_per_s", round(r.sequencesPerSecond()));
    }

    /**
     * The ceiling again, right after the saturation phase (JIT warm, broker idle): the higher of the
     * two measurements is the ceiling, and the ratio (the saturation phase's e2e over it) is computed here, once.
     */
    private void ceilingAgain() {
        console.printf(Locale.ROOT, "[2/4] inference ceiling again, after the saturation phase, %d s ...%n",
                ceilingDuration().toSeconds());
        InferenceCeiling.Result r = measureCeiling("after");
        double ceiling = Math.max(((Number) report.get("ceiling_flows_per_s")).doubleValue(), r.sequencesPerSecond());
        report.put("ceiling_flows_per_s", round(ceiling));
        Double e2e = num(report.get("e2e_flows_per_s"));
        double ratio = e2e == null ? Double.NaN : e2e / ceiling;
        // not rounded: the target is judged on this value (0.49975 must not round up to a met 0.5)
        report.put("ratio", Double.isFinite(ratio) ? ratio : null);
        console.printf(Locale.ROOT, "  ceiling (higher of the two) %,.0f sequences/s; ratio e2e / ceiling %.4f%n",
                ceiling, ratio);
    }

    private List<float[][]> ceilingSequences() {
        if (ceilingSequences == null) {
            ceilingSequences = benchFlows.sequences(4096, model.info().sequenceLength(),
                    Long.parseLong(baseConfig.get(FirewallConfig.SEQUENCE_MAX_AGE_MS)), model);
        }
        return ceilingSequences;
    }

    private Duration ceilingDuration() {
        return Duration.ofSeconds(Math.max(5, durationSeconds / 2));
    }

    private InferenceCeiling.Result measureCeiling(String when) {
        InferenceCeiling.Result r = InferenceCeiling.measure(model, ceilingSequences(), CEILING_BATCH, Duration.ofSeconds(3),
                ceilingDuration());
        console.printf(Locale.ROOT, "  ceiling %s: %,.0f sequences/s (%.2f ms per batch of %d)%n", when,
                r.sequencesPerSecond(), r.meanBatchMicros() / 1000, CEILING_BATCH);
        @SuppressWarnings("unchecked")
        Map<String, Object> c = (Map<String, Object>) report.computeIfAbsent("ceiling", k -> new LinkedHashMap<>(
                Map.of("batch_size", CEILING_BATCH)));
        c.put(when + "_sequences_per_s", round(r.sequencesPerSecond()));
        c.put(when + "_batches", r.batches());
        c.put(when + "_mean_batch_ms", round(r.meanBatchMicros() / 1000, 3));
        return r;
    }

    /** Drains {@code jitWarmupFlows} flows through a firewall of its own; nothing is measured. */
    private void jitWarmup(KafkaBroker kafka) throws Exception {
        Phase ph = new Phase(kafka, "warm");
        console.printf(Locale.ROOT, "[2/4] JIT warm-up (not measured): %,d flows through a throw-away firewall ...%n",
                jitWarmupFlows);
        long t0 = System.nanoTime();
        try (LoadGenerator gen = new LoadGenerator(kafka.clientConfig(), benchFlows.encoder("warm"), 20)) {
            gen.preload(ph.config.inputTopic(), jitWarmupFlows, n -> { });
        }
        boolean done;
        try (VerdictCollector collector = ph.collector(); Firewall fw = ph.firewall()) {
            fw.app.start();
            done = collector.awaitCount(jitWarmupFlows, Duration.ofSeconds(Math.max(300, jitWarmupFlows / 500)));
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        report.put("jit_warmup", Map.of("flows", jitWarmupFlows, "seconds", round(seconds, 1), "complete", done));
        console.printf(Locale.ROOT, "  warm-up done in %.1f s%n", seconds);
    }

    private void saturation(KafkaBroker kafka) throws Exception {
        Phase ph = new Phase(kafka, "sat");
        console.printf(Locale.ROOT, "[2/4] saturation: pre-loading %,d flows into %s ...%n", flows, ph.config.inputTopic());
        AtomicLong progress = new AtomicLong();
        LoadGenerator.Sent sent;
        try (LoadGenerator gen = new LoadGenerator(kafka.clientConfig(), benchFlows.encoder("sat"), 20);
             ConsoleStatus s = ConsoleStatus.start(console, "pre-load",
                     () -> ConsoleStatus.bar((double) progress.get() / flows) + String.format(Locale.ROOT, " %,d", progress.get()))) {
            sent = gen.preload(ph.config.inputTopic(), flows, progress::set);
        }
        console.printf(Locale.ROOT, "  pre-loaded %,d flows in %.1f s; starting the firewall to drain them%n", sent.sent(),
                sent.seconds());
        Map<String, Object> r = new LinkedHashMap<>();
        try (VerdictCollector collector = ph.collector(); Firewall fw = ph.firewall()) {
            long t0 = System.nanoTime();
            ResourceSampler sampler = ResourceSampler.start(500, ph.config.applicationId(), brokerPid);
            GcPauses gc = GcPauses.start();
            long startMs = System.currentTimeMillis();
            fw.stages.recordFrom(0);
            fw.app.start();
            boolean done;
            try (ConsoleStatus s = ConsoleStatus.start(console, "drain", () -> drainStatus(collector, sent.sent(), t0))) {
                done = collector.awaitCount(sent.sent(), Duration.ofSeconds(Math.max(300, sent.sent() / 500)));
            }
            ResourceSampler.Usage usage = sampler.stop();
            Map<String, Object> gcPauses = gc.stop();
            Map<String, Object> commits = CommitStats.between(CommitStats.NONE, CommitStats.of(fw.app.streams()),
                    (System.nanoTime() - t0) / 1e9);
            long outputs = collector.count();
            double overall = outputs / ((collector.lastReceiptNanos() - t0) / 1e9);
            double steady = collector.rateBetween(outputs / 10, outputs * 9 / 10);
            List<String> stores = StateSize.perSourceStores(fw.app.topology(),
                    Set.of(SequenceInferenceProcessor.PENDING_STORE, PolicyFeed.STORE));
            StateSize.Stores state = StateSize.serialized(fw.app.streams(), stores, Duration.ofSeconds(60));
            fw.close();
            Map<String, StateSize.Changelog> changelogs = StateSize.changelogs(kafka.clientConfig(),
                    ph.config.applicationId(), StateSize.perSourceStores(fw.app.topology(), Set.of()));
            long sources = state.entries().getOrDefault(SequenceInferenceProcessor.SEQUENCE_STORE, 0L);
            long disk = 0;
            for (String store : stores) {
                disk += StateSize.onDisk(ph.stateDir.resolve(ph.config.applicationId()), store);
            }
            r.put("flows", sent.sent());
            r.put("outputs", outputs);
            r.put("complete", done);
            r.put("flows_per_s_steady", round(steady));
            r.put("flows_per_s_overall", round(overall));
            r.put("verdicts_per_s_by_verdict_clock", round(collector.verdictClockRate()));
            r.put("mean_batch_size", round(collector.meanBatchSize(), 1));
            r.put("decisions", collector.decisions());
            r.put("resources", usage(usage));
            r.put("firewall_allocated_bytes_per_flow", round(allocatedBytesPerFlow(usage, overall)));
            r.put("latency_ms_queueing", latency(collector.eventLatency()));
            Map<String, Object> stages = fw.stages.summary(CommitWindows.since(startMs), gc.pauseWindows());
            r.put("stages_ms", stages);
            r.put("commits", commits);
            r.put("gc", gcPauses);
            double e2e = e2eRate(steady, overall);
            report.put("e2e_flows_per_s", Double.isFinite(e2e) ? e2e : null);
            report.put("e2e_basis", Double.isNaN(steady) ? "overall" : "steady");
            report.put("saturation", r);
            Map<String, Object> st = new LinkedHashMap<>();
            st.put("sources", sources);
            st.put("entries", state.entries());
            st.put("serialized_bytes", state.bytes());
            st.put("disk_bytes_after_close", disk);
            st.put("disk_bytes_per_source", sources == 0 ? null : round((double) disk / sources));
            report.put("state_bytes_per_source", sources == 0 ? null : (double) state.totalBytes() / sources);
            report.put("state", st);
            Map<String, Object> logs = new LinkedHashMap<>();
            long logRecords = 0;
            long logBytes = 0;
            for (var e : changelogs.entrySet()) {
                logs.put(e.getKey(), Map.of("records", e.getValue().records(), "bytes", e.getValue().bytes()));
                logRecords += e.getValue().records();
                logBytes += e.getValue().bytes();
            }
            double logRecordsPerFlow = (double) logRecords / Math.max(1, sent.sent());
            double logBytesPerFlow = (double) logBytes / Math.max(1, sent.sent());
            Map<String, Object> cl = new LinkedHashMap<>();
            cl.put("stores", logs);
            cl.put("records_per_flow", round(logRecordsPerFlow, 3));
            cl.put("bytes_per_flow", round(logBytesPerFlow, 1));
            r.put("changelogs", cl);
            if (Double.isNaN(steady)) {
                console.println("  (the outputs arrived in too few reads to measure a steady rate: e2e is the overall"
                        + " rate, start-up included; use more --flows)");
            }
            console.printf(Locale.ROOT, "  e2e: %,.0f flows/s steady (%,.0f overall incl. start-up); "
                            + "mean batch %.1f; %s; %s%n", steady, overall, collector.meanBatchSize(), cpuLine(usage),
                    done ? "all outputs seen" : "TIMED OUT before all outputs");
            console.printf(Locale.ROOT, "  %s%n", StageTap.line(stages));
            console.printf(Locale.ROOT, "  %s%n", CommitStats.line(commits));
            console.printf(Locale.ROOT, "  %s%n", GcPauses.line(gcPauses));
            console.printf(Locale.ROOT, "  state: %,d sources, %,.0f serialized bytes per source (%,d bytes on disk); "
                            + "changelogs: %.3f records and %,.0f bytes per flow %s%n",
                    sources, sources == 0 ? 0.0 : (double) state.totalBytes() / sources, disk,
                    logRecordsPerFlow, logBytesPerFlow,
                    changelogs.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue().records()).toList());
        }
    }

    /**
     * The end-to-end rate: the steady one (between the 10th and 90th percent of outputs) when it
     * could be measured, else the overall one, start-up included (lower): a small run's outputs can
     * all arrive in one read, after one exactly-once commit, leaving no interval to measure.
     */
    static double e2eRate(double steady, double overall) {
        return Double.isNaN(steady) ? overall : steady;
    }

    private String drainStatus(VerdictCollector c, long total, long t0) {
        long n = c.count();
        double secs = (System.nanoTime() - t0) / 1e9;
        return ConsoleStatus.bar((double) n / total) + String.format(Locale.ROOT, " %,d/%,d outputs, %,.0f flows/s avg",
                n, total, n / Math.max(secs, 1e-3));
    }

    private void fixedLoad(KafkaBroker kafka, int rate) throws Exception {
        Phase ph = new Phase(kafka, "load" + rate);
        console.printf(Locale.ROOT, "[3/4] fixed load %,d flows/s for %d s ...%n", rate, durationSeconds);
        Map<String, Object> r = new LinkedHashMap<>();
        try (VerdictCollector collector = ph.collector(); Firewall fw = ph.firewall();
             LoadGenerator gen = new LoadGenerator(kafka.clientConfig(), benchFlows.encoder("load" + rate),
                     loadLingerMs)) {
            fw.app.start();
            if (!fw.app.awaitRunning(Duration.ofSeconds(120))) {
                throw new IllegalStateException("the firewall did not reach RUNNING in 120 s");
            }
            long measuredFrom = System.currentTimeMillis() + warmupSeconds * 1000L;
            collector.recordLatenciesFrom(measuredFrom);
            fw.stages.recordFrom(measuredFrom);
            ResourceSampler sampler = ResourceSampler.start(500, ph.config.applicationId(), brokerPid);
            GcPauses gc = GcPauses.start();
            CommitStats commitsBefore = CommitStats.of(fw.app.streams());
            long loadStart = System.nanoTime();
            AtomicLong progress = new AtomicLong();
            long total = (long) rate * durationSeconds;
            LoadGenerator.Sent sent;
            try (ConsoleStatus s = ConsoleStatus.start(console, rate + "/s", () -> ConsoleStatus.bar((double) progress.get() / total)
                    + String.format(Locale.ROOT, " sent %,d, outputs %,d, p99 %d ms", progress.get(), collector.count(),
                    collector.eventLatency().p99()))) {
                sent = gen.paced(ph.config.inputTopic(), rate, Duration.ofSeconds(durationSeconds), progress::set);
            }
            ResourceSampler.Usage usage = sampler.stop();
            Map<String, Object> gcPauses = gc.stop();
            Map<String, Object> commits = CommitStats.between(commitsBefore, CommitStats.of(fw.app.streams()),
                    (System.nanoTime() - loadStart) / 1e9);
            // kept up: every verdict within KEPT_UP_WITHIN of the last send (a backlog of at most that much of
            // the load: a capacity 5 % short of the offered load leaves 0.75 s at 15 s); then wait (up to a
            // minute) for the backlog
            boolean keptUp = collector.awaitCount(sent.sent(), KEPT_UP_WITHIN);
            boolean done = keptUp || collector.awaitCount(sent.sent(), Duration.ofSeconds(60));
            VerdictCollector.LatencySummary lat = collector.eventLatency();
            VerdictCollector.LatencySummary vis = collector.visibleLatency();
            r.put("offered_flows_per_s", rate);
            r.put("sent", sent.sent());
            r.put("send_errors", sent.errors());
            r.put("achieved_send_rate", round(sent.achievedRate()));
            r.put("send_lag_max_ms", sent.maxSendLagMs());
            r.put("send_late_share", round(sent.lateShare(), 4));
            r.put("outputs", collector.count());
            r.put("kept_up", keptUp);
            r.put("all_outputs_seen", done);
            r.put("latency_ms", latency(lat));
            r.put("visible_latency_ms", latency(vis));
            Map<String, Object> stages = fw.stages.summary(CommitWindows.since(measuredFrom), gc.pauseWindows());
            r.put("stages_ms", stages);
            r.put("mean_batch_size", round(collector.meanBatchSize(), 1));
            r.put("decisions", collector.decisions());
            r.put("resources", usage(usage));
            r.put("firewall_allocated_bytes_per_flow", round(allocatedBytesPerFlow(usage, sent.achievedRate())));
            r.put("commits", commits);
            r.put("gc", gcPauses);
            console.printf(Locale.ROOT, "  %,d/s: sent %,d (%.0f/s), outputs %,d%s; produce->verdict p50 %d / p99 %d / "
                            + "p99.9 %d ms (visible to read_committed consumers: p50 %d / p99 %d ms); mean batch %.1f; "
                            + "%s%n",
                    rate, sent.sent(), sent.achievedRate(), collector.count(),
                    keptUp ? "" : done ? " (DID NOT KEEP UP: backlog drained after the load stopped)" : " (DID NOT KEEP UP: backlog left after 60 s)",
                    lat.p50(), lat.p99(), lat.p999(), vis.p50(), vis.p99(), collector.meanBatchSize(),
                    cpuLine(usage));
            if (sent.maxSendLagMs() > 1) {
                console.printf(Locale.ROOT, "  the sender fell up to %d ms behind its schedule (%.2f%% of flows more than "
                        + "1 ms late); flows are stamped with their scheduled time, so that wait is in their latency%n",
                        sent.maxSendLagMs(), 100 * sent.lateShare());
            }
            console.printf(Locale.ROOT, "  %s%n", StageTap.line(stages));
            console.printf(Locale.ROOT, "  %s%n", CommitStats.line(commits));
            console.printf(Locale.ROOT, "  %s%n", GcPauses.line(gcPauses));
        }
        @SuppressWarnings("unchecked")
        List<Object> list = (List<Object>) report.computeIfAbsent("loads", k -> new ArrayList<>());
        list.add(r);
        if (rate == 5000) {
            @SuppressWarnings("unchecked")
            Map<String, Object> lat = (Map<String, Object>) r.get("latency_ms");
            // no latency sample (no verdict in the measured window, every flow dead-lettered): no p99, and
            // the target is missed, not met by a p99 of -1
            report.put("p99_ms_at_5k", ((Number) lat.get("count")).longValue() == 0 ? null : lat.get("p99"));
            report.put("p99_at_5k_phase_ran", true);
            // a p99 over the verdicts that arrived is no result when some never did, or were never sent
            report.put("p99_at_5k_phase_complete", Boolean.TRUE.equals(r.get("all_outputs_seen"))
                    && ((Number) r.get("send_errors")).longValue() == 0);
        }
    }

    /** How soon after the last send every verdict of a fixed-load phase must be in for it to have kept up. */
    static final Duration KEPT_UP_WITHIN = Duration.ofSeconds(1);

    private void startup(KafkaBroker kafka, Path modelPath) throws Exception {
        Phase ph = new Phase(kafka, "start");
        console.printf(Locale.ROOT, "[4/4] process start -> first verdict: %,d flows waiting, fresh firewall JVM ...%n",
                startupFlows);
        try (LoadGenerator gen = new LoadGenerator(kafka.clientConfig(), benchFlows.encoder("start"), 20)) {
            gen.preload(ph.config.inputTopic(), startupFlows, n -> { });
        }
        Map<String, String> childConfig = new LinkedHashMap<>(ph.config.asMap());
        childConfig.put(FirewallConfig.MODEL_DIR, modelPath.toAbsolutePath().toString());
        childConfig.put(FirewallConfig.METRICS_PORT, "-1");
        Map<String, Object> s = new LinkedHashMap<>();
        // as ./sif runs it: with an AppCDS archive recorded by a `--check` dry run (not timed)
        Path archive = StartupProbe.recordArchive(childConfig, work.resolve("cds"));
        s.put("cds_archive", archive != null);
        if (archive == null) {
            console.println("  (no AppCDS archive could be recorded; see " + work.resolve("cds") + "; measuring without)");
        }
        probe(ph, false, childConfig, "startup", archive, "start_to_first_verdict_s", s, "first_start",
                "first start (new application id: creates its internal topics and state"
                        + (archive == null ? "" : "; AppCDS as ./sif") + ")");
        // a restart of the same application: internal topics, committed offsets and local state exist
        try (LoadGenerator gen = new LoadGenerator(kafka.clientConfig(), benchFlows.encoder("restart"), 20)) {
            gen.preload(ph.config.inputTopic(), Math.max(1000, startupFlows / 10), n -> { });
        }
        probe(ph, true, childConfig, "restart", archive, "restart_to_first_verdict_s", s, "restart",
                "restart (same application id)");
        if (archive != null) {
            // the same first start without the archive (a new application id over the same waiting flows)
            Map<String, String> plain = new LinkedHashMap<>(childConfig);
            plain.put(FirewallConfig.APPLICATION_ID, childConfig.get(FirewallConfig.APPLICATION_ID) + "-nocds");
            plain.put(FirewallConfig.STREAMS_PREFIX + "state.dir", work.resolve("state-nocds").toString());
            probe(ph, true, plain, "startup-nocds", null, "start_to_first_verdict_without_cds_s", s,
                    "first_start_without_cds", "first start without AppCDS");
        }
        s.put("note", "launch of a fresh JVM running sif.firewall.FirewallMain -> first output record read by a "
                + "read_committed consumer; milestones are the child's log lines");
        report.put("startup", s);
    }

    /** One launch of the firewall child: its first verdict into {@code reportKey}, its milestones into {@code s}. */
    private void probe(Phase ph, boolean collectFromEnd, Map<String, String> childConfig, String dir, Path archive,
                       String reportKey, Map<String, Object> s, String milestonesKey, String label) throws Exception {
        try (VerdictCollector collector = ph.collector(collectFromEnd)) {
            StartupProbe.Result r = StartupProbe.run(childConfig, collector, work.resolve(dir), Duration.ofSeconds(120),
                    archive);
            report.put(reportKey, Double.isFinite(r.firstVerdictSeconds()) ? r.firstVerdictSeconds() : null);
            if (Double.isNaN(r.firstVerdictSeconds())) { // no verdict within the probe's time: missed, not unmeasured
                report.put(reportKey + "_timed_out", true);
            }
            s.put(milestonesKey, milestones(r));
            console.printf(Locale.ROOT, "  %s: first verdict %.2f s after launch %s%n", label, r.firstVerdictSeconds(),
                    r.milestones());
        }
    }

    private static Map<String, Object> milestones(StartupProbe.Result r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("first_verdict_s", round(r.firstVerdictSeconds(), 2));
        r.milestones().forEach((k, v) -> m.put(k, round(v, 2)));
        m.put("child_log", r.childLog().toString());
        return m;
    }

    // ------------------------------------------------------------------ report

    private void summary() {
        Map<String, Object> machine = castMap(report.get("machine"));
        machine.put("load_average_at_end", Machine.loadAverage());
        report.put("rss_bytes_at_end", ResourceSampler.rssBytes());
        report.put("rss_peak_bytes", ResourceSampler.peakRssBytes());
        report.put("heap_used_bytes_at_end", ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        Map<String, Object> targets = targets(report);
        report.put("targets", targets);
        console.println();
        console.println("RESULTS");
        console.printf(Locale.ROOT, "  ceiling_flows_per_s      %,12.0f%n", num(report.get("ceiling_flows_per_s")));
        console.printf(Locale.ROOT, "  e2e_flows_per_s          %,12.0f%n", num(report.get("e2e_flows_per_s")));
        for (var e : targets.entrySet()) {
            Map<String, Object> t = castMap(e.getValue());
            Object met = t.get("met");
            Object value = t.get("value");
            console.printf(Locale.ROOT, "  %-34s %-14s %-12s %s%n", e.getKey(),
                    value instanceof Double d ? String.format(Locale.ROOT, "%.4f", d) : String.valueOf(value),
                    t.get("target"), met != null ? ((Boolean) met ? "MET" : "MISSED")
                            : e.getKey().startsWith("zero_trust") ? "(JMH: ZeroTrustPolicyBench)" : "(not measured in this run)");
        }
        console.printf(Locale.ROOT, "  RSS peak %,.0f MB, machine load average %s -> %s%n",
                ResourceSampler.peakRssBytes() / 1e6, machine.get("load_average_at_start"), machine.get("load_average_at_end"));
    }

    /** The targets from a run's figures: value and met (null: not measured in this run). */
    static Map<String, Object> targets(Map<String, Object> report) {
        Map<String, Object> targets = new LinkedHashMap<>();
        Double ratio = num(report.get("ratio"));
        // a saturation phase that timed out measured the rate of what did arrive: not a result to meet a target
        boolean saturationIncomplete = report.get("saturation") instanceof Map<?, ?> sat
                && Boolean.FALSE.equals(sat.get("complete"));
        // the ceiling is one model session on one thread; the firewall runs one per task (partition) and
        // stream thread: with more, the ratio compares several sessions with one and is not judged
        boolean oneSession = !(report.get("options") instanceof Map<?, ?> o)
                || (intOr(o.get("partitions"), 1) <= 1 && intOr(o.get("stream_threads"), 1) <= 1);
        targets.put("e2e_at_least_half_of_ceiling", target("ratio >= 0.5", ratio,
                saturationIncomplete ? Boolean.FALSE : ratio == null || !oneSession ? null : ratio >= 0.5));
        Double p99 = num(report.get("p99_ms_at_5k"));
        boolean fiveKRan = Boolean.TRUE.equals(report.get("p99_at_5k_phase_ran"));
        boolean fiveKIncomplete = Boolean.FALSE.equals(report.get("p99_at_5k_phase_complete"));
        targets.put("p99_at_5k_within_15ms", target("p99 <= 15 ms", p99,
                p99 == null || fiveKIncomplete ? (fiveKRan ? Boolean.FALSE : null) : Boolean.valueOf(p99 >= 0 && p99 <= 15)));
        Double start = num(report.get("start_to_first_verdict_s"));
        boolean startTimedOut = Boolean.TRUE.equals(report.get("start_to_first_verdict_s_timed_out"));
        targets.put("start_to_first_verdict_within_5s", target("<= 5 s", start,
                startTimedOut ? Boolean.FALSE : start == null ? null : start <= 5));
        Double state = num(report.get("state_bytes_per_source"));
        targets.put("state_per_source_within_4KB", target("<= 4096 bytes", state, state == null ? null : state <= 4096));
        targets.put("zero_trust_policy_per_flow", target("<= 0.05 ms", null, null));
        return targets;
    }

    private static int intOr(Object v, int otherwise) {
        return v instanceof Number n ? n.intValue() : otherwise;
    }

    private static Map<String, Object> target(String target, Double value, Boolean met) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("target", target);
        m.put("value", value);
        m.put("met", met);
        return m;
    }

    private void writeJson(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), report);
    }

    private Map<String, Object> usage(ResourceSampler.Usage u) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("process_cpu_cores", round(u.processCores(), 2));
        m.put("firewall_java_threads_cpu_cores", round(u.firewallJavaCores(), 2));
        Map<String, Object> roles = new LinkedHashMap<>();
        u.firewallThreadCores().forEach((role, cores) -> roles.put(role, round(cores, 2)));
        m.put("firewall_threads_cpu_cores_by_role", roles);
        m.put("os_threads_cpu_cores_by_name", largestFirst(u.osThreadCores()));
        m.put("os_threads_runqueue_wait_cores_by_name", largestFirst(u.osThreadRunQueueWait()));
        m.put("native_threads_cpu_cores", round(u.nativeCores(), 2));
        m.put(brokerThreadsHere(u) ? "broker_java_threads_cpu_cores" : "other_java_threads_cpu_cores",
                round(u.otherJavaCores(), 2));
        if (u.brokerApart()) {
            m.put("broker_process_cpu_cores", round(u.brokerProcessCores(), 2));
            m.put("broker_rss_max_bytes", u.brokerRssMaxBytes());
            m.put("total_cpu_cores", round(u.totalCores(), 2));
        }
        m.put("harness_java_threads_cpu_cores", round(u.harnessJavaCores(), 2));
        m.put("process_cpu_load_avg", round(u.processCpuLoadAvg(), 3));
        m.put("machine_cpu_load_avg", round(u.systemCpuLoadAvg(), 3));
        if (!u.brokerRequestsPerSecond().isEmpty()) {
            m.put("broker_requests_per_s", u.brokerRequestsPerSecond());
        }
        m.put("heap_used_max_bytes", u.heapUsedMaxBytes());
        m.put("rss_max_bytes", u.rssMaxBytes());
        if (!u.firewallAllocatedBytesPerSecond().isEmpty()) {
            Map<String, Object> alloc = new LinkedHashMap<>();
            u.firewallAllocatedBytesPerSecond().forEach((role, bps) -> alloc.put(role, round(bps / 1e6, 2)));
            m.put("firewall_allocated_mb_per_s_by_role", alloc);
            m.put("firewall_allocated_mb_per_s", round(u.firewallAllocatedBytesPerSecondTotal() / 1e6, 2));
        }
        if (!Double.isNaN(u.javaAllocatedBytesPerSecond())) {
            m.put("java_threads_allocated_mb_per_s", round(u.javaAllocatedBytesPerSecond() / 1e6, 2));
        }
        return m;
    }

    /**
     * The heap the firewall's threads allocated per flow in a phase: their allocation rate over the rate
     * flows went through ({@code NaN} where either is unknown or zero).
     */
    static double allocatedBytesPerFlow(ResourceSampler.Usage u, double flowsPerSecond) {
        double bps = u.firewallAllocatedBytesPerSecondTotal();
        return Double.isNaN(bps) || !(flowsPerSecond > 0) ? Double.NaN : bps / flowsPerSecond;
    }

    /** Whether the broker's threads are this JVM's "other" Java threads: the embedded broker in this JVM. */
    private boolean brokerThreadsHere(ResourceSampler.Usage u) {
        return !external() && !u.brokerApart();
    }

    /** Cores by OS thread name, largest first, to 3 decimals. */
    private static Map<String, Object> largestFirst(Map<String, Double> coresByName) {
        Map<String, Object> out = new LinkedHashMap<>();
        coresByName.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .forEach(e -> out.put(e.getKey(), round(e.getValue(), 3)));
        return out;
    }

    private String cpuLine(ResourceSampler.Usage u) {
        String roles = u.firewallThreadCores().entrySet().stream()
                .map(e -> String.format(Locale.ROOT, "%s %.2f", e.getKey(), e.getValue())).toList().toString();
        boolean apart = u.brokerApart();
        String others = brokerThreadsHere(u) ? "broker" : "other";
        return String.format(Locale.ROOT, "CPU %.2f cores = firewall Java %.2f %s + native (GC, JIT, RocksDB) %.2f + %s "
                        + "%.2f + harness %.2f%s; machine load %.0f%%; runnable but waiting for a CPU: inference %.2f, "
                        + "all threads %.2f", u.totalCores(), u.firewallJavaCores(), roles,
                u.nativeCores(), others, u.otherJavaCores(), u.harnessJavaCores(),
                apart ? String.format(Locale.ROOT, ", broker process %.2f", u.brokerProcessCores()) : "",
                u.systemCpuLoadAvg() * 100, u.inferenceRunQueueWait(), u.totalRunQueueWait())
                + (Double.isNaN(u.javaAllocatedBytesPerSecond()) ? "" : String.format(Locale.ROOT,
                        "; heap allocated: Java threads %.0f MB/s, the firewall's %.0f MB/s",
                        u.javaAllocatedBytesPerSecond() / 1e6, u.firewallAllocatedBytesPerSecondTotal() / 1e6));
    }

    private static Map<String, Object> latency(VerdictCollector.LatencySummary s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("count", s.count());
        m.put("p50", s.p50());
        m.put("p99", s.p99());
        m.put("p999", s.p999());
        m.put("max", s.max());
        m.put("mean", round(s.mean(), 2));
        return m;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Object o) {
        return (Map<String, Object>) o;
    }

    private static Double num(Object o) {
        return o instanceof Number n ? n.doubleValue() : null;
    }

    static Double round(double v) {
        return round(v, 1);
    }

    static Double round(double v, int digits) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return null;
        }
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }

    static Path repoPath(String relative) {
        String root = System.getProperty("sif.repo.root");
        return root == null ? Path.of(relative) : Path.of(root).resolve(relative);
    }

    // ------------------------------------------------------------------ plumbing

    /** One phase's topics, firewall configuration and state directory. */
    private final class Phase {
        final KafkaBroker kafka;
        final FirewallConfig config;
        final Path stateDir;

        Phase(KafkaBroker kafka, String name) throws IOException {
            this.kafka = kafka;
            this.stateDir = work.resolve("state-" + name);
            Files.createDirectories(stateDir);
            String prefix = runId.isEmpty() ? "bench." + name + "." : "bench." + runId + "." + name + ".";
            Map<String, String> o = new HashMap<>();
            o.put(FirewallConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
            o.put(FirewallConfig.APPLICATION_ID, "firewall-bench-" + name + (runId.isEmpty() ? "" : "-" + runId));
            o.put(FirewallConfig.TOPIC_INPUT, prefix + "flows");
            o.put(FirewallConfig.TOPIC_ALLOWED, prefix + "allowed");
            o.put(FirewallConfig.TOPIC_BLOCKED, prefix + "blocked");
            o.put(FirewallConfig.TOPIC_ALERTED, prefix + "alerted");
            o.put(FirewallConfig.TOPIC_DLQ, prefix + "dlq");
            o.put(FirewallConfig.STREAMS_PREFIX + "state.dir", stateDir.toString());
            if (streamThreads != null) {
                o.put(FirewallConfig.STREAMS_PREFIX + "num.stream.threads", streamThreads.toString());
            }
            if (noTrust) {
                o.put(FirewallConfig.TRUST_ENABLED, "false");
            }
            o.put(TrustConfig.IDENTITY_TOPIC, prefix + "identity");
            o.put(TrustConfig.CHALLENGES_TOPIC, prefix + "identity.challenges");
            o.put(TrustConfig.POLICY_TOPIC, prefix + "policy");
            o.put(TrustConfig.ALERTS_TOPIC, prefix + "alerts.siem");
            o.put(TrustConfig.BLOCKLIST_TOPIC, prefix + "blocklist");
            Map<String, String> all = new HashMap<>(baseConfig);
            all.putAll(o);
            this.config = FirewallConfig.of(all);
            Map<String, Integer> topics = new LinkedHashMap<>();
            for (String t : List.of(config.inputTopic(), config.allowedTopic(), config.blockedTopic(),
                    config.alertedTopic(), config.dlqTopic())) {
                topics.put(t, partitions);
            }
            kafka.createTopics(topics);
            // the trust module's topics (created whether or not it is enabled: harmless, and the child needs them)
            kafka.createTopic(prefix + "identity", 1, Topics.defaults().creationConfig("identity"));
            kafka.createTopic(prefix + "policy", 1, true);
            kafka.createTopic(prefix + "blocklist", 1, true);
            kafka.createTopic(prefix + "identity.challenges", partitions, false);
            kafka.createTopic(prefix + "alerts.siem", partitions, false);
        }

        VerdictCollector collector() {
            return collector(false);
        }

        VerdictCollector collector(boolean fromEnd) {
            return new VerdictCollector(kafka.clientConfig(), List.of(config.allowedTopic(), config.blockedTopic(),
                    config.alertedTopic()), config.dlqTopic(), partitions, fromEnd);
        }

        Firewall firewall() {
            return new Firewall(config);
        }
    }

    /**
     * The in-process firewall of a phase: the standard wiring of {@code ./sif firewall}, with its
     * metrics, each flow's stages kept for the phase's breakdown, and producers that record when
     * they commit ({@link CommitWindows}).
     */
    private final class Firewall implements AutoCloseable {
        final PrometheusFirewallMetrics metrics;
        final StageTap stages;
        final FirewallApp app;
        private boolean closed;

        Firewall(FirewallConfig phaseConfig) {
            Map<String, String> timed = new HashMap<>(phaseConfig.asMap());
            timed.put(FirewallConfig.STREAMS_PREFIX + StreamsConfig.DEFAULT_CLIENT_SUPPLIER_CONFIG,
                    CommitWindows.Supplier.class.getName());
            FirewallConfig config = FirewallConfig.of(timed);
            this.metrics = FirewallMetrics.prometheus(model.info().classNames());
            this.stages = new StageTap();
            metrics.observeFlowStages(stages);
            FirewallWiring wiring = FirewallWiring.standard(config, model, metrics);
            this.app = new FirewallApp(config, model, wiring.policy(), wiring.extensions());
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                app.close(Duration.ofSeconds(60));
                metrics.close();
            }
        }
    }
}
