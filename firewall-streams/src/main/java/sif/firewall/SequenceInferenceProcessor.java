package sif.firewall;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Future;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sif.model.SequenceClassifier;
import sif.firewall.metrics.FirewallMetrics;
import sif.firewall.metrics.FlowStages;
import sif.model.artifact.ModelArtifact;

/**
 * Per-source sequences and batched inference, without loss under exactly-once.
 *
 * <p>For each flow: turn its raw features into its model-input row once
 * ({@link SequenceClassifier#input}), append it to its source's sequence (the last T flows within
 * the max age, {@link SequenceWindow}; {@value #SEQUENCE_STORE} keeps the newest T - 1, the context
 * of the source's next flow), then park the flow with a snapshot of its sequence in
 * {@value #PENDING_STORE}. A stored sequence made for another model (another
 * {@link SequenceClassifier#inputFormat}) is not mixed with the new rows: the source starts afresh,
 * and a restored pending flow whose snapshot is of another format is classified on its own row.
 *
 * <p>When {@code batchSize} flows are pending, or when the oldest pending flow has waited
 * {@code maxWait} (wall clock, checked by a punctuator every {@code maxWait / 4}, see
 * {@link #drainIfDue}), all pending flows go to the model as one batch
 * ({@link sif.model.ClassifierSession#predictInputs}). With {@code pipelined} (the default,
 * {@code inference.pipelined}) the call runs on the task's own inference thread
 * ({@link InferenceRunner}) while this stream thread goes on with the next flows; a finished batch is
 * forwarded as {@link Scored} in arrival order on the stream thread — at the next record or the next
 * drain check, whichever comes first; the stream thread never waits for a batch unless
 * {@value #MAX_IN_FLIGHT} are already in the model — and only then removed from the pending store.
 * Without it the call runs here and its flows are forwarded at once. Both
 * stores are persistent and changelogged, so a flow waiting for its batch or for the model is part of
 * the committed state ({@link PendingFlowStore} writes, at each commit, the flows then pending, and
 * nothing for a flow that came and went between two commits): after a crash it is restored and classified once (its input offset was
 * committed with it); a verdict forwarded in an aborted transaction is re-made because the removal
 * from the pending store was aborted with it. An in-memory mirror of the pending store saves reading
 * it back; it is rebuilt from the store in {@link #init}.
 *
 * <p>Idle sources are evicted by a wall-clock punctuator every {@code evictInterval}: a sequence
 * whose newest flow is older than {@code maxAge} before the newest event time this task has seen is
 * deleted (event time, so replays of old captures behave as live traffic).
 *
 * <p>One model session per processor instance (one per task, i.e. per stream thread and input
 * partition), owned by its {@link InferenceRunner}: opened in {@link #init} and closed in
 * {@link #close} on the thread that runs the calls. If a batch fails,
 * each of its flows is retried alone; a flow that still fails goes to the dead-letter topic.
 */
public final class SequenceInferenceProcessor implements Processor<String, FlowContext, String, FirewallEvent> {

    public static final String SEQUENCE_STORE = "sif-sequences";
    public static final String PENDING_STORE = "sif-pending";
    public static final String STAGE = "inference";
    /** How the names of the inference threads begin ({@link #inferenceThreadName}). */
    public static final String INFERENCE_THREAD_PREFIX = "sif-inference-";
    private static final Logger LOG = LoggerFactory.getLogger(SequenceInferenceProcessor.class);
    /** Batches handed to the runner and not yet forwarded, at most. */
    static final int MAX_IN_FLIGHT = 2;

    /**
     * A pending flow's store key, and when this instance read it: {@code System.nanoTime()}, and
     * its input record's timestamp to then in ms ({@code readNanos} -1: restored from the store).
     */
    private record Slot(long key, long readNanos, long inboundMs) {}

    /** A batch handed to the runner: its flows, their slots, when (nanoTime), the call. */
    private record InFlight(List<PendingFlow> flows, Slot[] slots, long submittedNanos,
                            Future<InferenceRunner.Outcome> outcome) {}

    private final SequenceClassifier classifier;
    private final int sequenceLength;
    private final long maxAgeMs;
    private final int batchSize;
    private final Duration maxWait;
    private final Duration evictInterval;
    private final FirewallMetrics metrics;
    private final boolean pipelined;
    private final int inputFormat;
    private final int inputWidth;

    private ProcessorContext<String, FirewallEvent> context;
    private KeyValueStore<String, byte[]> sequences;
    private KeyValueStore<Long, PendingFlow> pendingStore;
    private InferenceRunner runner;
    private final StoreSweep sweep;
    /** Batches handed to the runner, oldest first, not yet forwarded (their flows are still in the store). */
    private final ArrayDeque<InFlight> inFlight = new ArrayDeque<>();
    private final List<PendingFlow> pending = new ArrayList<>();
    private final List<Slot> pendingSlots = new ArrayList<>();
    private long nextKey;
    private long newestEventTime = Long.MIN_VALUE;
    /**
     * Wall-clock ms of the drain punctuator's latest run before the oldest pending flow arrived (its
     * arrival on the punctuator's clock, rounded down by at most one check interval); -1 when none
     * waits.
     */
    private long oldestPendingSince = -1;
    /** Wall-clock ms of the drain punctuator's latest run; -1 before its first. */
    private long lastCheck;
    /** Real time when the oldest pending flow arrived (for the batch-wait metric only). */
    private long oldestArrivalMs;

    /**
     * @param sequenceLength T, flows per source the model sees
     * @param maxAge         flows older than this before the newest flow of the source leave its sequence
     * @param batchSize      flows per inference call (a batch is run as soon as it is full)
     * @param maxWait        bound on how long a flow waits for a full batch (wall clock)
     * @param evictInterval  how often idle sources are evicted (wall clock)
     * @param scanMaxEntries at most this many sources are looked at by one eviction ({@link StoreSweep})
     * @param pipelined      run the model on a thread of the task's own ({@link InferenceRunner#pipelined})
     *                       instead of the stream thread
     */
    public SequenceInferenceProcessor(SequenceClassifier classifier, int sequenceLength, Duration maxAge, int batchSize,
                                      Duration maxWait, Duration evictInterval, int scanMaxEntries, boolean pipelined,
                                      FirewallMetrics metrics) {
        if (sequenceLength < 1 || sequenceLength > ModelArtifact.MAX_SEQUENCE_LENGTH) {
            throw new IllegalArgumentException("sequence length must be 1.." + ModelArtifact.MAX_SEQUENCE_LENGTH
                    + ", got " + sequenceLength);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        }
        this.classifier = classifier;
        this.sequenceLength = sequenceLength;
        this.maxAgeMs = maxAge.toMillis();
        this.batchSize = batchSize;
        this.maxWait = maxWait;
        this.evictInterval = evictInterval;
        this.sweep = new StoreSweep(scanMaxEntries); // keeps its place over re-initialisations
        this.metrics = metrics;
        this.pipelined = pipelined;
        this.inputFormat = SequenceWindow.formatId(classifier.inputFormat());
        this.inputWidth = classifier.input(new float[sif.flows.FlowFeatures.COUNT]).length;
    }

    /** The stores this processor owns: per-source sequences and the pending batch. */
    public static Set<StoreBuilder<?>> stores() {
        return Set.of(
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SEQUENCE_STORE), Serdes.String(),
                        Serdes.ByteArray()).withCachingEnabled(),
                PendingFlowStore.builder(PENDING_STORE));
    }

    /** A supplier that declares {@link #stores()} (so the DSL connects them). */
    public static ProcessorSupplier<String, FlowContext, String, FirewallEvent> supplier(
            SequenceClassifier classifier, int sequenceLength, Duration maxAge, int batchSize, Duration maxWait,
            Duration evictInterval, int scanMaxEntries, boolean pipelined, FirewallMetrics metrics) {
        return new ProcessorSupplier<>() {
            @Override
            public Processor<String, FlowContext, String, FirewallEvent> get() {
                return new SequenceInferenceProcessor(classifier, sequenceLength, maxAge, batchSize, maxWait,
                        evictInterval, scanMaxEntries, pipelined, metrics);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return SequenceInferenceProcessor.stores();
            }
        };
    }

    @Override
    public void init(ProcessorContext<String, FirewallEvent> context) {
        this.context = context;
        this.sequences = context.getStateStore(SEQUENCE_STORE);
        this.pendingStore = context.getStateStore(PENDING_STORE);
        pending.clear();
        pendingSlots.clear();
        inFlight.clear();
        nextKey = 0;
        try (KeyValueIterator<Long, PendingFlow> it = pendingStore.all()) {
            while (it.hasNext()) {
                KeyValue<Long, PendingFlow> kv = it.next();
                pending.add(kv.value);
                pendingSlots.add(new Slot(kv.key, -1, 0));
                nextKey = kv.key + 1;
            }
        }
        LOG.info("task {}: sequence/inference step ready, {} flows restored waiting for inference (next key {})",
                context.taskId(), pending.size(), nextKey);
        lastCheck = -1; // the punctuator has not run yet
        oldestPendingSince = pending.isEmpty() ? -1 : context.currentSystemTimeMs();
        oldestArrivalMs = System.currentTimeMillis();
        this.runner = pipelined
                ? InferenceRunner.pipelined(classifier, inputFormat, inputWidth,
                        inferenceThreadName(context.taskId().toString(), Thread.currentThread().getName()))
                : InferenceRunner.inline(classifier, inputFormat, inputWidth);
        // check a few times per maxWait; drain only once the oldest flow waited maxWait, so that a
        // slow inference call (during which the next records pile up) still lets batches fill
        context.schedule(checkInterval(maxWait), PunctuationType.WALL_CLOCK_TIME, this::drainIfDue);
        context.schedule(evictInterval, PunctuationType.WALL_CLOCK_TIME, now -> evictIdleSources());
    }

    @Override
    public void process(Record<String, FlowContext> record) {
        long readNanos = System.nanoTime();
        long readMs = System.currentTimeMillis();
        forwardCompleted();
        FlowContext flow = record.value();
        String source = flow.srcIp();
        long eventTime = flow.flow().getEventTimeMs();
        byte[] stored = storedSequence(source);
        byte[] sequence = SequenceWindow.append(stored, eventTime, classifier.input(flow.features()), inputFormat,
                sequenceLength, maxAgeMs);
        sequences.put(source, SequenceWindow.context(stored, sequence, sequenceLength, maxAgeMs));
        if (eventTime > newestEventTime) {
            newestEventTime = eventTime;
        }
        PendingFlow p = PendingFlow.of(flow, sequence);
        if (pending.isEmpty()) {
            oldestPendingSince = lastCheck >= 0 ? lastCheck : context.currentSystemTimeMs();
            oldestArrivalMs = System.currentTimeMillis();
        }
        long key = nextKey++;
        pendingStore.put(key, p);
        pending.add(p);
        long ingest = p.ingestTimeMs();
        pendingSlots.add(new Slot(key, readNanos, ingest > 0 ? readMs - ingest : 0));
        if (pending.size() >= batchSize) {
            drain(true);
        }
    }

    /**
     * The name of a task's inference thread: {@code sif-inference-<task> (<stream thread>)}. It starts
     * with what it is because Linux keeps only a thread's first 15 characters ({@code top -H},
     * {@code /proc/<pid>/task/<tid>/comm}), where a name starting with the stream thread's would be
     * indistinguishable from it.
     */
    static String inferenceThreadName(String taskId, String streamThread) {
        return INFERENCE_THREAD_PREFIX + taskId + " (" + streamThread + ")";
    }

    /** How often the drain punctuator checks the oldest pending flow's wait: a quarter of maxWait. */
    static Duration checkInterval(Duration maxWait) {
        return Duration.ofMillis(Math.max(1, maxWait.toMillis() / 4));
    }

    /**
     * The drain punctuator: drains once the oldest flow has waited {@code maxWait} by the clock the
     * punctuator is given ({@code now}, read fresh when it fires). A flow's arrival is taken as the
     * punctuator's previous run, so it waits more than {@code maxWait - checkInterval} and at most
     * {@code maxWait} (plus the punctuator's lateness). Not Kafka Streams' cached record-time clock
     * ({@code currentSystemTimeMs}): it is refreshed once per poll loop and was measured tens of ms
     * stale, which drained batches too early or too late. Batches the model has finished are forwarded
     * first; one it is still running is left for the next check (waiting for it here blocked the
     * stream thread for a quarter of its time at 5k flows/s, docs/performance.md).
     */
    private void drainIfDue(long now) {
        lastCheck = now;
        forwardCompleted();
        if (oldestPendingSince >= 0 && now - oldestPendingSince >= maxWait.toMillis()) {
            drain(false);
        }
    }

    /**
     * Hands every pending flow to the runner as one batch ({@code full}: the batch size was reached).
     * At most {@value #MAX_IN_FLIGHT} batches are in the runner at once: one being classified, one
     * filled meanwhile waiting for it; a third waits here for the oldest (back-pressure).
     */
    void drain(boolean full) {
        int n = pending.size();
        if (n == 0) {
            return;
        }
        metrics.batchWait(full, System.currentTimeMillis() - oldestArrivalMs);
        while (inFlight.size() >= MAX_IN_FLIGHT) {
            forward(inFlight.poll());
        }
        List<PendingFlow> flows = List.copyOf(pending);
        Slot[] slots = pendingSlots.toArray(new Slot[0]);
        pending.clear();
        pendingSlots.clear();
        oldestPendingSince = -1;
        inFlight.add(new InFlight(flows, slots, System.nanoTime(), runner.submit(flows)));
        forwardCompleted();
    }

    /** Forwards the batches at the head of the queue whose inference is done, in submission order, without waiting. */
    private void forwardCompleted() {
        while (!inFlight.isEmpty() && inFlight.peek().outcome().isDone()) {
            forward(inFlight.poll());
        }
    }

    /**
     * Forwards a batch's verdicts (or dead letters) in arrival order and removes its flows from the
     * store; reports where each classified flow's time went ({@link FlowStages}).
     */
    private void forward(InFlight batch) {
        InferenceRunner.Outcome out = InferenceRunner.await(batch.outcome());
        long forwardedNanos = System.nanoTime();
        for (long[] call : out.calls) {
            metrics.inferenceBatch((int) call[0], call[1]);
        }
        List<PendingFlow> flows = batch.flows();
        Slot[] slots = batch.slots();
        for (int i = 0; i < flows.size(); i++) {
            PendingFlow p = flows.get(i);
            if (out.probabilities[i] != null) {
                Slot slot = slots[i];
                if (slot.readNanos() >= 0) {
                    metrics.flowStages(new FlowStages(p.ingestTimeMs(), slot.inboundMs(),
                            batch.submittedNanos() - slot.readNanos(), out.doneNanos - batch.submittedNanos(),
                            forwardedNanos - out.doneNanos));
                }
                context.forward(new Record<>(p.srcIp(), new Scored(p, out.probabilities[i], out.micros[i],
                        out.callSizes[i]), p.ingestTimeMs()));
            } else {
                deadLetter(p, out.errors[i]);
            }
        }
        for (Slot slot : slots) {
            pendingStore.put(slot.key(), null); // removal without reading the flow back
        }
    }

    private void deadLetter(PendingFlow p, RuntimeException e) {
        Rejected r = Rejected.pendingFlow(p, DlqReason.INFERENCE_FAILED, STAGE,
                "classifier failed (sequence of " + p.sequenceLength() + ")", e);
        LOG.error("flow {} to the dead-letter topic: {}", p.flowId(), r.detail(), e);
        metrics.dlq(DlqReason.INFERENCE_FAILED);
        context.forward(new Record<String, FirewallEvent>(p.srcIp(), r, p.ingestTimeMs(), r.headers(p, e)));
    }

    /** The source's stored sequence, or null when there is none or it cannot be extended (it starts afresh). */
    private byte[] storedSequence(String source) {
        byte[] stored = sequences.get(source);
        String unusable = stored == null ? null : SequenceWindow.unusable(stored, inputFormat, inputWidth);
        if (unusable != null) { // a corrupt value would otherwise fail every later flow of the source
            LOG.info("task {}: sequence of {} was {}; it starts afresh", context.taskId(), source, unusable);
            return null;
        }
        return stored;
    }

    /**
     * Whether a stored sequence goes: idle since before {@code horizon}, or unusable (an older layout,
     * another model's rows, corrupt bytes), which its source's next flow would start afresh anyway. One
     * such value must not stop the eviction of every other source.
     */
    private boolean evictable(byte[] stored, long horizon) {
        return SequenceWindow.unusable(stored, inputFormat, inputWidth) != null
                || SequenceWindow.newestTime(stored) < horizon;
    }

    private void evictIdleSources() {
        if (newestEventTime == Long.MIN_VALUE) {
            return;
        }
        long horizon = newestEventTime - maxAgeMs;
        List<String> idle = new ArrayList<>();
        sweep.next(sequences, (source, stored) -> {
            if (evictable(stored, horizon)) {
                idle.add(source);
            }
        });
        for (String source : idle) {
            sequences.delete(source);
        }
        if (!idle.isEmpty()) {
            LOG.debug("task {}: evicted {} idle sources (no flow since {} ms event time)", context.taskId(),
                    idle.size(), horizon);
        }
    }

    @Override
    public void close() {
        inFlight.clear(); // their flows stay in the pending store: a restarted task classifies them
        if (runner != null) {
            runner.close();
            runner = null;
        }
    }
}
