package sif.firewall.metrics;

import sif.metrics.MetricsServer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.streams.KafkaStreams;

import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@link FirewallMetrics} recorded into a Micrometer {@link PrometheusMeterRegistry}, plus JVM
 * metrics and (after {@link #bindKafkaStreams}) the Kafka Streams client metrics.
 *
 * <p>Histograms use fixed buckets so {@code histogram_quantile()} works in Prometheus.
 * Every series a dashboard needs exists from the start (verdicts per decision x class,
 * confidence per class, identity statuses, the DLQ reasons given), exported as zero.
 */
public final class PrometheusFirewallMetrics implements FirewallMetrics, AutoCloseable {

    /** Decisions pre-registered for every class. */
    public static final List<String> DECISIONS = List.of("allow", "block", "alert");
    /** Identity statuses pre-registered: the names of {@code sif.trust.IdentityStatus}, lower case. */
    public static final List<String> IDENTITY_STATUSES = List.of("not_evaluated", "trusted", "unknown", "expired",
            "revoked", "stale", "noncompliant");

    private static final int MAX_TAG_VALUES = 64;

    private static final Duration[] INFERENCE_BUCKETS = millis(0.1, 0.25, 0.5, 1, 2, 5, 10, 25, 50, 100,
            250, 500, 1000, 2500);
    private static final Duration[] E2E_BUCKETS = millis(1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500,
            5000, 10_000, 30_000, 60_000, 300_000);
    private static final Duration[] STAGE_BUCKETS = millis(0.1, 0.25, 0.5, 1, 2, 5, 10, 15, 25, 50, 100, 250, 500,
            1000, 2500, 10_000);
    private static final double[] BATCH_BUCKETS = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024};
    // percent: Micrometer's fixed-boundary histograms round recorded values up to integers
    private static final double[] CONFIDENCE_BUCKETS = {20, 30, 40, 50, 60, 70, 80, 85, 90, 95, 99, 100};

    private final PrometheusMeterRegistry registry;
    /**
     * Per thread that writes in transactions: counts made since its last commit, by counter
     * ({@link #transactionsOnThisThread}); absent for other threads, whose counts are added at once.
     */
    private final ThreadLocal<Map<Counter, long[]>> held = new ThreadLocal<>();
    private final Counter flowsIn;
    private final Counter flowsMiskeyed;
    private final Counter inputsOutOfRange;
    private final Counter inputsOutOfRangeEarlier;
    private final TagCache<TagCache<Counter>> verdicts;
    private final TagCache<DistributionSummary> confidence;
    private final TagCache<Counter> dlq;
    private final TagCache<Counter> identity;
    private final Counter challenges;
    private final Counter productionRetries;
    private final Counter commitsInDoubt;
    private final TagCache<Counter> controlDeadLetters;
    private final TagCache<Counter> verdictStepFailures;
    private final TagCache<Counter> outputsRefused;
    private volatile Consumer<FlowStages> stageObserver;
    private final AtomicLong blocklist = new AtomicLong();
    private final ConcurrentHashMap<String, AtomicLong> blocklistByOwner = new ConcurrentHashMap<>();
    private final DistributionSummary batchSize;
    private final Timer inferenceLatency;
    private final Timer batchWaitFull;
    private final Timer batchWaitTimer;
    private final Timer eventLatency;
    private final Timer ingestLatency;
    private final Timer stageInbound;
    private final Timer stageBatch;
    private final Timer stageModel;
    private final Timer stageHandoff;
    private final JvmGcMetrics gcMetrics;
    private final List<KafkaStreamsMetrics> streamsMetrics = new ArrayList<>();
    private Meter modelInfo;

    /** A new registry; {@code classNames} (the model's classes) and every DLQ reason are pre-registered. */
    public PrometheusFirewallMetrics(List<String> classNames) {
        this(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), classNames, sif.firewall.DlqReason.ALL);
    }

    /**
     * Records into {@code registry} (shared with other meters of the same process, e.g. the
     * producer's in {@code ./sif demo}).
     *
     * @param classNames  model classes, pre-registered
     * @param dlqReasons  DLQ reason codes to pre-register (others are added on first use)
     */
    public PrometheusFirewallMetrics(PrometheusMeterRegistry registry, List<String> classNames,
                                     List<String> dlqReasons) {
        this.registry = Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(classNames, "classNames");
        Objects.requireNonNull(dlqReasons, "dlqReasons");

        flowsIn = Counter.builder("sif.flows.in")
                .description("Flow records read from the input topic")
                .register(registry);
        flowsMiskeyed = Counter.builder("sif.flows.miskeyed")
                .description("Valid flow records keyed by something other than their source's canonical address, "
                        + "re-keyed and sent through the repartition topic")
                .register(registry);
        String outOfRange = "Flows with a model input outside the values the model was trained on, in the flow "
                + "(where=flow) or only in an earlier flow of its sequence (where=earlier): the model's output for them "
                + "is an extrapolation; the policy's inputOutOfRange setting applied";
        inputsOutOfRange = Counter.builder("sif.model.input.out.of.range").description(outOfRange)
                .tag("where", "flow").register(registry);
        inputsOutOfRangeEarlier = Counter.builder("sif.model.input.out.of.range").description(outOfRange)
                .tag("where", "earlier").register(registry);
        verdicts = new TagCache<>(decision -> new TagCache<>(cls -> Counter.builder("sif.verdicts")
                .description("Verdicts emitted, by decision and predicted class")
                .tag("decision", decision).tag("class", cls)
                .register(registry), false, MAX_TAG_VALUES), true, 8);
        confidence = new TagCache<>(cls -> DistributionSummary.builder("sif.verdict.confidence")
                .description("Probability of the predicted class in percent, by class")
                .baseUnit("percent")
                .tag("class", cls)
                .serviceLevelObjectives(CONFIDENCE_BUCKETS)
                .register(registry), false, MAX_TAG_VALUES);
        dlq = new TagCache<>(reason -> Counter.builder("sif.dlq")
                .description("Records sent to the dead-letter topic, by reason")
                .tag("reason", reason)
                .register(registry), true, MAX_TAG_VALUES);
        identity = new TagCache<>(status -> Counter.builder("sif.identity.status")
                .description("Zero-trust identity checks, by status")
                .tag("status", status)
                .register(registry), true, 16);
        challenges = Counter.builder("sif.challenges")
                .description("Zero-trust challenges issued")
                .register(registry);
        productionRetries = Counter.builder("sif.production.retries")
                .description("Output sends that failed for a transient reason (broker away or slow); "
                        + "the task is processed again from its last commit")
                .register(registry);
        commitsInDoubt = Counter.builder("sif.commits.in.doubt")
                .description("Commits that did not answer within the producer's max.block.ms (broker away or "
                        + "slow); their transactions' counts are added or dropped once the outcome is known")
                .register(registry);
        controlDeadLetters = new TagCache<>(topic -> Counter.builder("sif.control.dead.letters")
                .description("Undecodable records of control topics (identity events, unblocks), not flows; "
                        + "sent to the dead-letter topic")
                .tag("topic", topic)
                .register(registry), false, 16);
        verdictStepFailures = new TagCache<>(node -> Counter.builder("sif.verdict.step.failures")
                .description("Failures of a step after the policy (alert documents, blocklist) on a decided flow's "
                        + "verdict: the flow is routed, what the step derives from it is missing")
                .tag("node", node)
                .register(registry), false, 16);
        outputsRefused = new TagCache<>(topic -> Counter.builder("sif.outputs.refused")
                .description("Output records the broker refused for what they are (too large, invalid) or that did "
                        + "not serialize; a refused verdict goes to the dead-letter topic itself")
                .tag("topic", topic)
                .register(registry), false, 16);
        Gauge.builder("sif.blocklist.size", this, PrometheusFirewallMetrics::blocklistTotal)
                .description("Sources currently on the blocklist")
                .register(registry);
        batchSize = DistributionSummary.builder("sif.inference.batch.size")
                .description("Sequences per inference call")
                .serviceLevelObjectives(BATCH_BUCKETS)
                .register(registry);
        inferenceLatency = Timer.builder("sif.inference.latency")
                .description("Duration of one batched inference call")
                .serviceLevelObjectives(INFERENCE_BUCKETS)
                .register(registry);
        batchWaitFull = batchWaitTimer("full");
        batchWaitTimer = batchWaitTimer("timer");
        eventLatency = e2eTimer("event", "Flow event time to verdict");
        ingestLatency = e2eTimer("ingest", "Input record timestamp (ingest) to verdict");
        stageInbound = stageTimer(FlowStages.INBOUND);
        stageBatch = stageTimer(FlowStages.BATCH);
        stageModel = stageTimer(FlowStages.MODEL);
        stageHandoff = stageTimer(FlowStages.HANDOFF);

        for (String decision : DECISIONS) {
            TagCache<Counter> byClass = verdicts.preRegister(decision);
            classNames.forEach(byClass::preRegister);
        }
        classNames.forEach(confidence::preRegister);
        IDENTITY_STATUSES.forEach(identity::preRegister);
        dlqReasons.forEach(dlq::preRegister);

        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        gcMetrics = new JvmGcMetrics();
        gcMetrics.bindTo(registry);
    }

    private Timer e2eTimer(String kind, String description) {
        return Timer.builder("sif.e2e.latency")
                .description(description)
                .tag("kind", kind)
                .serviceLevelObjectives(E2E_BUCKETS)
                .register(registry);
    }

    private Timer stageTimer(String stage) {
        return Timer.builder("sif.flow.stage")
                .description("Where a flow's time goes before its verdict: inbound (record timestamp to read), batch "
                        + "(waiting for its batch), model (queue and inference call), handoff (result to forwarded)")
                .tag("stage", stage)
                .serviceLevelObjectives(STAGE_BUCKETS)
                .register(registry);
    }

    private static Duration[] millis(double... values) {
        Duration[] out = new Duration[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = Duration.ofNanos(Math.round(values[i] * 1_000_000));
        }
        return out;
    }

    /** The registry to scrape (see {@link MetricsServer}). */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /**
     * Exposes the Kafka Streams client metrics (stream thread, task, state store, embedded
     * consumer/producer/admin) as {@code kafka_*} meters. Call before {@code streams.start()};
     * metrics created later (tasks, stores) are picked up by Micrometer's refresh, within 60 s.
     */
    public synchronized void bindKafkaStreams(KafkaStreams streams) {
        KafkaStreamsMetrics binder = new KafkaStreamsMetrics(streams);
        binder.bindTo(registry);
        streamsMetrics.add(binder);
    }

    @Override
    public void flowIn() {
        count(flowsIn);
    }

    @Override
    public void flowMiskeyed() {
        count(flowsMiskeyed);
    }

    @Override
    public void inputOutOfRange(boolean inTheFlow) {
        count(inTheFlow ? inputsOutOfRange : inputsOutOfRangeEarlier);
    }

    @Override
    public void verdict(String decision, String className, double confidence) {
        count(verdicts.get(decision).get(className));
        if (confidence >= 0 && confidence <= 1) {
            // 0.01 % resolution, so 0.85 is exactly 85 and lands in the le="85" bucket
            this.confidence.get(className).record(Math.round(confidence * 10_000) / 100.0);
        }
    }

    @Override
    public void dlq(String reason) {
        count(dlq.get(reason));
    }

    @Override
    public void dlqOutsideTransaction(String reason) {
        dlq.get(reason).increment();
    }

    /** Increments {@code counter} now, or when the calling thread's transaction commits (see {@link #transactionsOnThisThread}). */
    private void count(Counter counter) {
        Map<Counter, long[]> held = this.held.get();
        if (held == null) {
            counter.increment();
        } else {
            held.computeIfAbsent(counter, c -> new long[1])[0]++;
        }
    }

    @Override
    public void transactionsOnThisThread() {
        Map<Counter, long[]> counts = held.get();
        if (counts == null) {
            held.set(new IdentityHashMap<>());
        } else {
            drop(counts); // held since a transaction that never committed
        }
    }

    @Override
    public void transactionCommitted() {
        Map<Counter, long[]> counts = held.get();
        if (counts != null) {
            counts.forEach((counter, n) -> {
                if (n[0] > 0) {
                    counter.increment(n[0]);
                    n[0] = 0;
                }
            });
        }
    }

    @Override
    public InDoubt transactionInDoubt() {
        commitsInDoubt.increment();
        Map<Counter, long[]> counts = held.get();
        if (counts == null) {
            return InDoubt.NONE;
        }
        Map<Counter, long[]> aside = new IdentityHashMap<>();
        counts.forEach((counter, n) -> {
            if (n[0] > 0) {
                aside.put(counter, new long[] {n[0]});
                n[0] = 0;
            }
        });
        return committed -> {
            synchronized (aside) {
                if (committed) {
                    aside.forEach((counter, n) -> counter.increment(n[0]));
                }
                aside.clear();
            }
        };
    }

    @Override
    public void transactionAborted() {
        Map<Counter, long[]> counts = held.get();
        if (counts != null) {
            drop(counts);
        }
    }

    /** Zeroes the held counts in place: a thread counts into the same few counters transaction after transaction. */
    private static void drop(Map<Counter, long[]> counts) {
        counts.values().forEach(n -> n[0] = 0);
    }

    @Override
    public void inferenceBatch(int size, long nanos) {
        batchSize.record(size);
        inferenceLatency.record(Math.max(0, nanos), TimeUnit.NANOSECONDS);
    }

    @Override
    public void batchWait(boolean full, long waitMs) {
        (full ? batchWaitFull : batchWaitTimer).record(Math.max(0, waitMs), TimeUnit.MILLISECONDS);
    }

    private Timer batchWaitTimer(String trigger) {
        return Timer.builder("sif.batch.wait")
                .description("How long the oldest flow of a batch waited for it (trigger: full batch or wait bound)")
                .tag("trigger", trigger)
                .serviceLevelObjectives(INFERENCE_BUCKETS)
                .register(registry);
    }

    @Override
    public void latency(long eventTimeMs, long ingestTimeMs, long nowMs) {
        if (eventTimeMs > 0) {
            eventLatency.record(Math.max(0, nowMs - eventTimeMs), TimeUnit.MILLISECONDS);
        }
        if (ingestTimeMs > 0) {
            ingestLatency.record(Math.max(0, nowMs - ingestTimeMs), TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void flowStages(FlowStages stages) {
        stageInbound.record(stages.inboundMs(), TimeUnit.MILLISECONDS);
        stageBatch.record(stages.batchNanos(), TimeUnit.NANOSECONDS);
        stageModel.record(stages.modelNanos(), TimeUnit.NANOSECONDS);
        stageHandoff.record(stages.handoffNanos(), TimeUnit.NANOSECONDS);
        Consumer<FlowStages> o = stageObserver;
        if (o != null) {
            o.accept(stages);
        }
    }

    /**
     * Hands every flow's {@link FlowStages} to {@code observer} as well (on the stream thread that
     * reports it), e.g. the benchmark's per-flow breakdown; one observer, replacing any before.
     */
    public void observeFlowStages(Consumer<FlowStages> observer) {
        this.stageObserver = observer;
    }

    @Override
    public void identityStatus(String status) {
        count(identity.get(status));
    }

    @Override
    public void challenge() {
        count(challenges);
    }

    @Override
    public void productionRetry() {
        productionRetries.increment();
    }

    @Override
    public void controlDeadLetter(String topic) {
        controlDeadLetters.get(topic).increment();
    }

    @Override
    public void preRegister(java.util.Collection<String> controlTopics, java.util.Collection<String> outputTopics,
                            java.util.Collection<String> afterPolicyNodes) {
        controlTopics.forEach(controlDeadLetters::preRegister);
        outputTopics.forEach(outputsRefused::preRegister);
        afterPolicyNodes.forEach(verdictStepFailures::preRegister);
    }

    @Override
    public void verdictStepFailure(String node) {
        verdictStepFailures.get(node).increment();
    }

    @Override
    public void outputRefused(String topic) {
        outputsRefused.get(topic).increment();
    }

    /** Output records refused, summed over topics. */
    public long outputsRefused() {
        return total("sif.outputs.refused");
    }

    /** Failures of steps after the policy on decided flows' verdicts, summed over nodes. */
    public long verdictStepFailures() {
        return total("sif.verdict.step.failures");
    }

    /** The sum of every counter named {@code name}, over its tags. */
    private long total(String name) {
        long n = 0;
        for (Counter c : registry.find(name).counters()) {
            n += (long) c.count();
        }
        return n;
    }

    @Override
    public void blocklistSize(long size) {
        blocklist.set(size);
    }

    @Override
    public void blocklistSize(String owner, long size) {
        AtomicLong held = blocklistByOwner.get(owner);
        if (held == null) {
            held = blocklistByOwner.computeIfAbsent(owner, o -> new AtomicLong());
        }
        held.set(size);
    }

    private double blocklistTotal() {
        long total = blocklist.get();
        for (AtomicLong held : blocklistByOwner.values()) {
            total += held.get();
        }
        return total;
    }

    @Override
    public synchronized void modelInfo(String version) {
        String tag = version == null || version.isBlank() ? TagCache.MISSING : version.strip();
        if (modelInfo != null) {
            if (modelInfo.getId().getTag("version").equals(tag)) {
                return;
            }
            registry.remove(modelInfo);
        }
        modelInfo = Gauge.builder("sif.model.info", () -> 1)
                .description("The loaded model; value 1, version in the tag")
                .tag("version", tag)
                .register(registry);
    }

    @Override
    public MetricsSnapshot snapshot() {
        Map<String, Long> byDecision = new LinkedHashMap<>();
        Map<String, Long> byClass = new LinkedHashMap<>();
        for (Counter c : registry.find("sif.verdicts").counters()) {
            long n = (long) c.count();
            byDecision.merge(c.getId().getTag("decision"), n, Long::sum);
            byClass.merge(c.getId().getTag("class"), n, Long::sum);
        }
        long dlqTotal = total("sif.dlq");
        return new MetricsSnapshot((long) flowsIn.count(),
                byDecision.getOrDefault("allow", 0L), byDecision.getOrDefault("block", 0L),
                byDecision.getOrDefault("alert", 0L), dlqTotal, (long) challenges.count(), (long) blocklistTotal(),
                byClass, batchSize.count(), (long) batchSize.totalAmount(),
                nanos(inferenceLatency), buckets(ingestLatency),
                new MetricsSnapshot.Stages(stageBatch.count(), nanos(stageInbound), nanos(stageBatch),
                        nanos(stageModel), nanos(stageHandoff)));
    }

    private static long nanos(Timer timer) {
        return (long) timer.totalTime(TimeUnit.NANOSECONDS);
    }

    private static MetricsSnapshot.LatencyBuckets buckets(Timer timer) {
        HistogramSnapshot snapshot = timer.takeSnapshot();
        CountAtBucket[] counts = snapshot.histogramCounts();
        double[] bounds = new double[counts.length];
        long[] cumulative = new long[counts.length];
        for (int i = 0; i < counts.length; i++) {
            bounds[i] = counts[i].bucket(TimeUnit.SECONDS);
            cumulative[i] = (long) counts[i].count();
        }
        return new MetricsSnapshot.LatencyBuckets(bounds, cumulative, snapshot.count());
    }

    /** Stops the Kafka Streams and GC bindings and closes the registry. */
    @Override
    public synchronized void close() {
        streamsMetrics.forEach(KafkaStreamsMetrics::close);
        streamsMetrics.clear();
        gcMetrics.close();
        registry.close();
    }
}
