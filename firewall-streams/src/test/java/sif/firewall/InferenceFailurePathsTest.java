package sif.firewall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static sif.firewall.TestFlows.T0;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sif.firewall.metrics.FirewallMetrics;
import sif.firewall.metrics.PrometheusFirewallMetrics;
import sif.model.ClassifierSession;
import sif.model.SequenceClassifier;
import sif.schemas.avro.NetworkFlow;
import sif.schemas.avro.Verdict;
import sif.schemas.serde.AvroSerdes;

/**
 * Failure paths of the sequence/inference step with the firewall's real exception handlers: an Error on
 * the inference thread, and stored sequences that cannot be extended (an older layout, corrupt bytes).
 */
class InferenceFailurePathsTest {

    @TempDir
    Path stateDir;

    /** Flow Duration that makes the model thread fail with an Error (not a RuntimeException). */
    static final double ERROR_DURATION = 777;

    /**
     * RuleClassifier (calls wait for its {@code gate} when set) whose answers {@code after} may change or
     * replace (by throwing), given the sequences of the call and the rules' probabilities.
     */
    static final class AlteredClassifier implements SequenceClassifier {
        final RuleClassifier rules = new RuleClassifier();
        private final java.util.function.BiConsumer<List<float[][]>, float[][]> after;

        AlteredClassifier(java.util.function.BiConsumer<List<float[][]>, float[][]> after) {
            this.after = after;
        }

        @Override
        public ModelInfo info() {
            return rules.info();
        }

        @Override
        public ClassifierSession newSession() {
            ClassifierSession inner = rules.newSession();
            return new ClassifierSession() {
                @Override
                public float[][] predict(List<float[][]> sequences) {
                    float[][] out = inner.predict(sequences);
                    after.accept(sequences, out);
                    return out;
                }

                @Override
                public void close() {
                    inner.close();
                }
            };
        }

        @Override
        public void close() {}
    }

    /** Flow Duration of the last flow of a sequence (feature 0). */
    private static float duration(float[][] sequence) {
        return sequence[sequence.length - 1][0];
    }

    /** An Error (not a RuntimeException) for a flow of ERROR_DURATION. */
    static AlteredClassifier erroringClassifier() {
        return new AlteredClassifier((sequences, out) -> {
            for (float[][] s : sequences) {
                if (duration(s) == (float) ERROR_DURATION) {
                    throw new OutOfMemoryError("test: native allocation failed");
                }
            }
        });
    }

    private static MockProducer<byte[], byte[]> dlqProducer() {
        return new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /**
     * Pipelined inference: a batch whose model call fails with an Error (out of memory, a native failure).
     * The stream thread fails (its tasks would resume from their last commit) instead of the processing
     * handler dead-lettering the record at hand and going on without the failed batch, which left that
     * batch's flow without an output and decided the dead-lettered one as well.
     */
    @Test
    void anErrorOnTheInferenceThreadFailsTheStreamThreadInsteadOfLosingItsBatch() throws Exception {
        FirewallConfig config = FirewallConfig.of(Map.of(FirewallConfig.BATCH_SIZE, "1",
                FirewallConfig.INFERENCE_PIPELINED, "true"));
        AlteredClassifier classifier = erroringClassifier();
        classifier.rules.gate = new CountDownLatch(1);
        MockProducer<byte[], byte[]> producer = dlqProducer();
        try (PrometheusFirewallMetrics metrics = FirewallMetrics.prometheus(RuleClassifier.CLASSES)) {
            try (TopologyTestDriver driver = driver(config, classifier, producer, metrics)) {
                TestInputTopic<String, byte[]> in = driver.createInputTopic("flows", Serdes.String().serializer(),
                        Serdes.ByteArray().serializer());
                NetworkFlow a = TestFlows.flow("A-error", "10.8.0.1", T0, ERROR_DURATION, 5);
                NetworkFlow b = TestFlows.flow("B", "10.8.0.2", T0, 500, 5);
                NetworkFlow c = TestFlows.flow("C", "10.8.0.3", T0, 500, 5);
                in.pipeInput(a.getSrcIp(), TestFlows.bytes(a), T0); // batch 1, held in the model by the gate
                in.pipeInput(b.getSrcIp(), TestFlows.bytes(b), T0); // batch 2, queued: two in flight
                Thread release = new Thread(() -> {
                    try {
                        Thread.sleep(200);
                    } catch (InterruptedException e) {
                        return;
                    }
                    classifier.rules.gate.countDown();
                });
                release.start();
                // C is appended, then drain() waits for batch 1 (back-pressure), which failed with an Error
                RuntimeException e = assertThrows(RuntimeException.class,
                        () -> in.pipeInput(c.getSrcIp(), TestFlows.bytes(c), T0));
                release.join();
                Throwable cause = e;
                while (cause != null && !(cause instanceof OutOfMemoryError)) {
                    cause = cause.getCause();
                }
                assertTrue(cause instanceof OutOfMemoryError, "the model's Error stops the stream thread: " + e);
                assertEquals(0, producer.history().size(), "nothing dead-lettered by the handler");
                assertEquals(0, metrics.snapshot().dlq(), "no dead letter counted");
            }
        }
    }

    /** Flow Durations for which the model answers NaN: always, or only when called in a batch. */
    static final double NAN_DURATION = 888;
    static final double NAN_IN_BATCH_DURATION = 999;

    /** NaN probabilities for flows of NAN_DURATION, and for flows of NAN_IN_BATCH_DURATION in calls of several. */
    static AlteredClassifier nanClassifier() {
        return new AlteredClassifier((sequences, out) -> {
            for (int i = 0; i < sequences.size(); i++) {
                float d = duration(sequences.get(i));
                if (d == (float) NAN_DURATION || (d == (float) NAN_IN_BATCH_DURATION && sequences.size() > 1)) {
                    java.util.Arrays.fill(out[i], Float.NaN);
                }
            }
        });
    }

    /**
     * Non-finite probabilities (PyTorch has returned NaN from finite inputs) are never decided on: NaN
     * passes no threshold check as a failure and an arg-max over NaN picks the first class, BENIGN, so the
     * flow was allowed. A flow whose probabilities are not finite in its batch is classified again alone;
     * finite then, it is decided; still NaN, it is dead-lettered as {@code inference-failed}.
     */
    @Test
    void nonFiniteProbabilitiesAreClassifiedAgainAloneAndDeadLetteredIfStillNonFinite() {
        for (String pipelined : List.of("false", "true")) {
            FirewallConfig config = FirewallConfig.of(Map.of(FirewallConfig.BATCH_SIZE, "3",
                    FirewallConfig.INFERENCE_PIPELINED, pipelined));
            MockProducer<byte[], byte[]> producer = dlqProducer();
            try (PrometheusFirewallMetrics metrics = FirewallMetrics.prometheus(RuleClassifier.CLASSES);
                 TopologyTestDriver driver = driver(config, nanClassifier(), producer, metrics)) {
                TestInputTopic<String, byte[]> in = driver.createInputTopic("flows", Serdes.String().serializer(),
                        Serdes.ByteArray().serializer());
                TestOutputTopic<String, Verdict> allowed = driver.createOutputTopic("flows.allowed",
                        Serdes.String().deserializer(), AvroSerdes.singleObject(Verdict.class).deserializer());
                TestOutputTopic<String, Verdict> blocked = driver.createOutputTopic("flows.blocked",
                        Serdes.String().deserializer(), AvroSerdes.singleObject(Verdict.class).deserializer());
                TestOutputTopic<String, byte[]> dlq = driver.createOutputTopic("flows.dlq",
                        Serdes.String().deserializer(), Serdes.ByteArray().deserializer());
                for (NetworkFlow f : List.of(TestFlows.flow("flood", "10.7.0.1", T0, 500, 5000),
                        TestFlows.flow("nan", "10.7.0.2", T0, NAN_DURATION, 5),
                        TestFlows.flow("nan-in-batch", "10.7.0.3", T0, NAN_IN_BATCH_DURATION, 5))) {
                    in.pipeInput(f.getSrcIp(), TestFlows.bytes(f), T0);
                }
                driver.advanceWallClockTime(Duration.ofSeconds(1));
                assertEquals(List.of("nan-in-batch"), allowed.readValuesToList().stream().map(Verdict::getFlowId).toList(),
                        "pipelined=" + pipelined + ": only the flow that is finite alone is allowed");
                assertEquals(List.of("flood"), blocked.readValuesToList().stream().map(Verdict::getFlowId).toList());
                var dead = dlq.readRecordsToList();
                assertEquals(1, dead.size(), "the flow still NaN alone is a dead letter");
                assertEquals(DlqReason.INFERENCE_FAILED, DlqHeaders.get(dead.get(0).headers(), DlqHeaders.REASON));
                assertEquals("nan", DlqHeaders.get(dead.get(0).headers(), DlqHeaders.FLOW_ID));
                assertTrue(DlqHeaders.get(dead.get(0).headers(), DlqHeaders.DETAIL).contains("NaN"),
                        DlqHeaders.get(dead.get(0).headers(), DlqHeaders.DETAIL));
                var s = metrics.snapshot();
                assertEquals(List.of(3L, 1L, 1L, 1L), List.of(s.flowsIn(), s.allowed(), s.blocked(), s.dlq()));
            }
        }
    }

    /**
     * A stored sequence of the version-1 layout (what SIF stored before aacb158) or corrupt bytes: the
     * eviction punctuator evicts it with the idle sources, where it used to throw on it, evicting no
     * source at all and counting a dead letter it never wrote; a flow of that source starts afresh.
     */
    @Test
    void unusableStoredSequencesAreEvictedAndStartAfresh() {
        FirewallConfig config = FirewallConfig.of(Map.of(FirewallConfig.BATCH_SIZE, "1",
                FirewallConfig.INFERENCE_PIPELINED, "false",
                FirewallConfig.SEQUENCE_MAX_AGE_MS, "60000", FirewallConfig.SEQUENCE_EVICT_INTERVAL_MS, "1000"));
        MockProducer<byte[], byte[]> producer = dlqProducer();
        try (PrometheusFirewallMetrics metrics = FirewallMetrics.prometheus(RuleClassifier.CLASSES)) {
            try (TopologyTestDriver driver = driver(config, new RuleClassifier(), producer, metrics)) {
                TestInputTopic<String, byte[]> in = driver.createInputTopic("flows", Serdes.String().serializer(),
                        Serdes.ByteArray().serializer());
                TestOutputTopic<String, Verdict> allowed = driver.createOutputTopic("flows.allowed",
                        Serdes.String().deserializer(), AvroSerdes.singleObject(Verdict.class).deserializer());
                KeyValueStore<String, byte[]> seq = driver.getKeyValueStore(SequenceInferenceProcessor.SEQUENCE_STORE);
                // version 1: 1, count, count x (i64 time, 77 x f32 raw features)
                ByteBuffer v1 = ByteBuffer.allocate(2 + 8 + 77 * 4);
                v1.put((byte) 1).put((byte) 1).putLong(T0 - 3_600_000L);
                seq.put("10.0.9.9", v1.array());
                byte[] corrupt = new byte[] {SequenceWindow.VERSION, 3, 0, 76, 0, 0, 0, 0, 1, 2}; // 3 entries in 2 bytes
                seq.put("10.0.9.8", corrupt);
                seq.put("10.0.9.7", corrupt);
                for (NetworkFlow f : List.of(TestFlows.flow("old", "10.0.3.1", T0, 500, 5),
                        TestFlows.flow("newest", "10.0.3.3", T0 + 60_001, 500, 5),
                        TestFlows.flow("after-corrupt", "10.0.9.7", T0 + 60_001, 500, 5))) {
                    in.pipeInput(f.getSrcIp(), TestFlows.bytes(f), f.getEventTimeMs());
                }
                assertEquals(List.of("old", "newest", "after-corrupt"),
                        allowed.readValuesToList().stream().map(Verdict::getFlowId).toList(),
                        "a corrupt stored sequence starts afresh: the flow is decided, not dead-lettered");
                driver.advanceWallClockTime(Duration.ofMillis(1000));
                assertNull(seq.get("10.0.3.1"), "idle for 60.001 s of event time: evicted");
                assertNull(seq.get("10.0.9.9"), "the older layout is evicted");
                assertNull(seq.get("10.0.9.8"), "corrupt bytes are evicted");
                assertTrue(seq.get("10.0.3.3") != null && seq.get("10.0.9.7") != null, "active sources stay");
                var s = metrics.snapshot();
                assertEquals(List.of(3L, 3L, 0L, 0), List.of(s.flowsIn(), s.allowed(), s.dlq(), producer.history().size()));
            }
        }
    }

    private TopologyTestDriver driver(FirewallConfig config, SequenceClassifier classifier,
                                      MockProducer<byte[], byte[]> dlq, PrometheusFirewallMetrics metrics) {
        Properties props = FirewallApp.streamsProperties(config);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(DlqPublisher.CONFIG_KEY, new DlqPublisher("flows.dlq", dlq));
        props.put(DlqPublisher.METRICS_KEY, metrics);
        var topology = FirewallTopology.buildTopology(config, classifier, new ThresholdPolicy(0.85, "BENIGN"),
                FirewallExtensions.defaults().withMetrics(metrics));
        return new TopologyTestDriver(topology, props, Instant.ofEpochMilli(T0 + 86_400_000L));
    }
}
