package sif.firewall;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static sif.firewall.TestFlows.T0;

import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import sif.firewall.metrics.FirewallMetrics;
import sif.firewall.metrics.FlowStages;
import sif.firewall.metrics.PrometheusFirewallMetrics;
import sif.schemas.Flows;
import sif.schemas.avro.IdentityStatus;
import sif.schemas.avro.NetworkFlow;

/** The sequence + batching processor alone, with a mock context and in-memory stores. */
class SequenceInferenceProcessorTest {

    private static final int SCAN = FirewallConfig.DEFAULT_STATE_SCAN_MAX_ENTRIES;

    private MockProcessorContext<String, FirewallEvent> context;
    private KeyValueStore<String, byte[]> sequences;
    private PendingFlowStore pending;
    private RuleClassifier classifier;

    @BeforeEach
    void setUp() {
        context = new MockProcessorContext<>();
        context.setCurrentSystemTimeMs(0);
        sequences = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(SequenceInferenceProcessor.SEQUENCE_STORE),
                Serdes.String(), Serdes.ByteArray()).withLoggingDisabled().build();
        pending = PendingFlowStore.builder(Stores.inMemoryKeyValueStore(SequenceInferenceProcessor.PENDING_STORE))
                .withLoggingDisabled().build();
        sequences.init(context.getStateStoreContext(), sequences);
        pending.init(context.getStateStoreContext(), pending);
        context.addStateStore(sequences);
        context.addStateStore(pending);
        classifier = new RuleClassifier(3);
    }

    private SequenceInferenceProcessor processor(int batchSize) {
        return processor(batchSize, false);
    }

    private SequenceInferenceProcessor processor(int batchSize, boolean pipelined) {
        var p = new SequenceInferenceProcessor(classifier, 3, Duration.ofMinutes(10), batchSize,
                Duration.ofMillis(20), Duration.ofSeconds(60), SCAN, pipelined, FirewallMetrics.noop());
        p.init(context);
        return p;
    }

    private static Record<String, FlowContext> record(String id, String src, long t, double fwdPackets, long offset) {
        NetworkFlow f = TestFlows.flow(id, src, t, 500, fwdPackets);
        float[] features = Flows.featuresAsFloat(f);
        return new Record<>(src, new FlowContext(f, features, TestFlows.bytes(f), t + 5, "flows", 0, offset,
                IdentityStatus.NOT_EVALUATED, null, List.of()), t + 5);
    }

    private List<Scored> forwardedScores() {
        return context.forwarded().stream().map(c -> (Scored) c.record().value()).toList();
    }

    @Test
    void schedulesTheBatchPunctuatorAtMaxWaitAndTheEvictionPunctuator() {
        processor(4);
        var punctuators = context.scheduledPunctuators();
        assertEquals(2, punctuators.size());
        assertEquals(Duration.ofMillis(5), punctuators.get(0).getInterval(), "checks 4 times per max wait");
        assertEquals(PunctuationType.WALL_CLOCK_TIME, punctuators.get(0).getType());
        assertEquals(Duration.ofSeconds(60), punctuators.get(1).getInterval());
        assertEquals(List.of(1), classifier.sessionsOpened);
    }

    @Test
    void fullBatchIsClassifiedAtOnceInArrivalOrder() {
        var p = processor(3);
        p.process(record("a1", "10.1.0.1", T0, 5, 0));
        p.process(record("b1", "10.1.0.2", T0 + 1, 5000, 1));
        assertTrue(context.forwarded().isEmpty());
        assertEquals(2, StoreEntries.count(pending));
        p.process(record("a2", "10.1.0.1", T0 + 2, 5, 2));

        List<Scored> out = forwardedScores();
        assertEquals(List.of("a1", "b1", "a2"), out.stream().map(s -> s.flow().flowId()).toList());
        assertEquals(List.of(3), classifier.batchSizes);
        assertTrue(out.stream().allMatch(s -> s.batchSize() == 3));
        assertArrayEquals(RuleClassifier.probs(1, 0.95f), out.get(1).probabilities());
        assertEquals(2, out.get(2).flow().sequenceLength(), "a2 sees a1 then itself");
        assertEquals("10.1.0.1", context.forwarded().get(2).record().key());
        assertEquals(T0 + 7, context.forwarded().get(2).record().timestamp(), "output keeps the input timestamp");
        assertEquals(0, StoreEntries.count(pending));
        assertEquals(2, SequenceWindow.count(sequences.get("10.1.0.1")));
    }

    @Test
    void punctuatorDrainsAPartialBatchOnceItsOldestFlowWaitedMaxWait() {
        var p = processor(64);
        context.setCurrentSystemTimeMs(1000);
        p.process(record("a1", "10.1.0.1", T0, 5, 0));
        context.setCurrentSystemTimeMs(1015);
        p.process(record("a2", "10.1.0.1", T0 + 1, 5, 1));
        context.scheduledPunctuators().get(0).getPunctuator().punctuate(1019);
        assertTrue(context.forwarded().isEmpty(), "a1 waited 19 ms of 20");
        context.scheduledPunctuators().get(0).getPunctuator().punctuate(1020);
        assertEquals(List.of("a1", "a2"), forwardedScores().stream().map(s -> s.flow().flowId()).toList());
        assertEquals(List.of(2), classifier.batchSizes);
        context.resetForwards();
        context.scheduledPunctuators().get(0).getPunctuator().punctuate(5000);
        assertTrue(context.forwarded().isEmpty(), "nothing pending, nothing forwarded");
        assertEquals(List.of(2), classifier.batchSizes, "no empty inference call");
    }

    @Test
    void pendingFlowsSurviveARestartThroughTheStore() {
        var p = processor(64);
        p.process(record("a1", "10.1.0.1", T0, 5, 7));
        p.process(record("b1", "10.1.0.2", T0, 5000, 8));
        pending.flushCache(); // the commit that included the pending store
        p.close(); // e.g. a crash after that commit
        assertEquals(List.of(1), classifier.sessionsClosed);
        assertTrue(context.forwarded().isEmpty());

        context.setCurrentSystemTimeMs(2000);
        var restarted = processor(64); // same stores: what the changelog restores
        assertEquals(List.of(1, 1), classifier.sessionsOpened);
        restarted.process(record("a2", "10.1.0.1", T0 + 1, 5, 9));
        context.scheduledPunctuators().get(2).getPunctuator().punctuate(2019);
        assertTrue(context.forwarded().isEmpty(), "restored flows wait at most maxWait from the restart");
        context.scheduledPunctuators().get(2).getPunctuator().punctuate(2020);
        List<Scored> out = forwardedScores();
        assertEquals(List.of("a1", "b1", "a2"), out.stream().map(s -> s.flow().flowId()).toList());
        assertEquals(7, out.get(0).flow().sourceOffset());
        assertEquals(0, StoreEntries.count(pending));
        context.setCurrentSystemTimeMs(3000);
        restarted.process(record("a3", "10.1.0.1", T0 + 2, 5, 10));
        context.scheduledPunctuators().get(2).getPunctuator().punctuate(3020);
        assertEquals(3, ((Scored) context.forwarded().get(3).record().value()).flow().sequenceLength());
    }

    @Test
    void evictionRemovesSourcesIdleForMaxAgeOfEventTime() {
        var p = processor(1);
        p.process(record("a", "10.1.0.1", T0, 5, 0));
        p.process(record("b", "10.1.0.2", T0 + Duration.ofMinutes(10).toMillis() + 1, 5, 1));
        context.scheduledPunctuators().get(1).getPunctuator().punctuate(0);
        assertNull(sequences.get("10.1.0.1"));
        assertEquals(1, SequenceWindow.count(sequences.get("10.1.0.2")));
    }

    @Test
    void failedFlowGoesToTheDlqAlone() {
        var p = processor(2);
        NetworkFlow poison = TestFlows.flow("poison", "10.1.0.9", T0, RuleClassifier.POISON_DURATION, 5);
        p.process(record("ok", "10.1.0.1", T0, 5, 0));
        p.process(new Record<>("10.1.0.9", new FlowContext(poison, Flows.featuresAsFloat(poison),
                TestFlows.bytes(poison), T0, "flows", 0, 1, IdentityStatus.NOT_EVALUATED, null, List.of()), T0));
        var forwarded = context.forwarded();
        assertEquals(2, forwarded.size());
        assertInstanceOf(Scored.class, forwarded.get(0).record().value());
        Rejected r = assertInstanceOf(Rejected.class, forwarded.get(1).record().value());
        assertEquals(DlqReason.INFERENCE_FAILED, r.reason());
        assertArrayEquals(TestFlows.bytes(poison), r.rawValue());
        assertEquals("1", DlqHeaders.get(forwarded.get(1).record().headers(), DlqHeaders.SOURCE_OFFSET));
        assertEquals(0, StoreEntries.count(pending));
    }

    /** Runs the drain check (as the stream thread would, every few ms) until {@code n} records are forwarded. */
    private void checkUntilForwarded(int n, long now) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (context.forwarded().size() < n && System.nanoTime() < deadline) {
            context.scheduledPunctuators().get(0).getPunctuator().punctuate(now);
            Thread.onSpinWait();
        }
        assertEquals(n, context.forwarded().size(), "forwarded within 10 s of drain checks");
    }

    @Test
    void pipelinedBatchesRunOnTheTaskInferenceThreadAndAreForwardedInOrderOnTheStreamThread() {
        classifier.gate = new CountDownLatch(1);
        context.setCurrentSystemTimeMs(1000);
        var p = processor(2, true);
        p.process(record("a1", "10.1.0.1", T0, 5, 0));
        p.process(record("b1", "10.1.0.2", T0 + 1, 5000, 1)); // full: handed to the inference thread
        p.process(record("a2", "10.1.0.1", T0 + 2, 5, 2)); // read while the model holds the first batch
        assertTrue(context.forwarded().isEmpty(), "nothing forwarded while the model runs");
        assertEquals(3, StoreEntries.count(pending), "flows in the model stay in the pending store until forwarded");
        assertEquals(2, SequenceWindow.count(sequences.get("10.1.0.1")), "the stream thread went on");

        context.scheduledPunctuators().get(0).getPunctuator().punctuate(1020); // a2 is due, but the batch runs
        assertTrue(context.forwarded().isEmpty(), "the drain check does not wait for the model");
        classifier.gate.countDown();
        // later checks forward the first batch once the model is done, then hand a2 over and forward it
        checkUntilForwarded(3, 1040);
        assertEquals(List.of("a1", "b1", "a2"), forwardedScores().stream().map(s -> s.flow().flowId()).toList());
        assertEquals(List.of(2, 1), classifier.batchSizes);
        assertEquals(2, forwardedScores().get(0).batchSize());
        assertArrayEquals(RuleClassifier.probs(1, 0.95f), forwardedScores().get(1).probabilities());
        assertEquals(2, forwardedScores().get(2).flow().sequenceLength(), "a2 sees a1 then itself");
        assertEquals(0, StoreEntries.count(pending));
        assertTrue(classifier.callThreads.stream().allMatch(t -> t.equals("sif-inference-0_0 (" + Thread.currentThread().getName() + ")")),
                classifier.callThreads.toString());
        p.close();
        assertEquals(List.of(1), classifier.sessionsClosed);
        String modelThread = "sif-inference-0_0 (" + Thread.currentThread().getName() + ")";
        assertEquals(List.of("open:" + modelThread, "close:" + modelThread), classifier.sessionThreads,
                "the session is opened, used and closed on the task's inference thread");
    }

    @Test
    void aBatchStillInTheModelAtCloseIsClassifiedByTheRestartedTask() throws Exception {
        classifier.gate = new CountDownLatch(1);
        var p = processor(2, true);
        p.process(record("a1", "10.1.0.1", T0, 5, 0));
        p.process(record("b1", "10.1.0.2", T0 + 1, 5, 1));
        var release = new Thread(() -> {
            sleep(100);
            classifier.gate.countDown(); // the running call finishes while close() waits for it
        });
        release.start();
        p.close();
        release.join();
        assertTrue(context.forwarded().isEmpty(), "nothing is forwarded after close");
        assertEquals(2, StoreEntries.count(pending));

        classifier.gate = null;
        context.setCurrentSystemTimeMs(5000);
        var restarted = processor(2, false);
        restarted.process(record("a2", "10.1.0.1", T0 + 2, 5, 2));
        assertEquals(List.of("a1", "b1", "a2"), forwardedScores().stream().map(s -> s.flow().flowId()).toList());
        assertEquals(0, StoreEntries.count(pending));
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void reportsWhereEachFlowsTimeWentButNotForFlowsRestoredFromTheStore() {
        try (PrometheusFirewallMetrics metrics = FirewallMetrics.prometheus(classifier.info().classNames())) {
            var p = new SequenceInferenceProcessor(classifier, 3, Duration.ofMinutes(10), 2, Duration.ofMillis(20),
                    Duration.ofSeconds(60), SCAN, false, metrics);
            p.init(context);
            long sent = System.currentTimeMillis() - 40; // produced 40 ms before the step reads it
            p.process(withIngestTime(record("a1", "10.1.0.1", T0, 5, 0), sent));
            p.process(withIngestTime(record("a2", "10.1.0.1", T0 + 1, 5, 1), sent));
            assertEquals(2, forwardedScores().size());
            for (String stage : List.of(FlowStages.INBOUND, FlowStages.BATCH, FlowStages.MODEL, FlowStages.HANDOFF)) {
                assertEquals(2, stageTimer(metrics, stage).count(), stage + ": one per classified flow");
            }
            assertTrue(stageTimer(metrics, FlowStages.INBOUND).totalTime(TimeUnit.MILLISECONDS) >= 80,
                    "inbound: the input record's timestamp to the read");
            assertTrue(stageTimer(metrics, FlowStages.MODEL).totalTime(TimeUnit.NANOSECONDS) > 0, "the inference call");

            // a flow waiting in the store when the task restarts: classified, but its stages are unknown
            p.process(withIngestTime(record("a3", "10.1.0.1", T0 + 2, 5, 2), sent));
            pending.flushCache();
            p.close();
            context.resetForwards();
            var restarted = new SequenceInferenceProcessor(classifier, 3, Duration.ofMinutes(10), 2,
                    Duration.ofMillis(20), Duration.ofSeconds(60), SCAN, false, metrics);
            restarted.init(context);
            restarted.process(withIngestTime(record("a4", "10.1.0.1", T0 + 3, 5, 3), sent));
            assertEquals(List.of("a3", "a4"), forwardedScores().stream().map(s -> s.flow().flowId()).toList());
            assertEquals(3, stageTimer(metrics, FlowStages.BATCH).count(), "a4 only");
        }
    }

    private static Record<String, FlowContext> withIngestTime(Record<String, FlowContext> r, long ingestMs) {
        FlowContext c = r.value();
        return r.withValue(new FlowContext(c.flow(), c.features(), c.rawValue(), ingestMs, c.sourceTopic(),
                c.sourcePartition(), c.sourceOffset(), c.identityStatus(), c.principal(), c.reasons()));
    }

    private static Timer stageTimer(PrometheusFirewallMetrics metrics, String stage) {
        return metrics.registry().find("sif.flow.stage").tag("stage", stage).timer();
    }
}
