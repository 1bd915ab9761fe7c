package sif.firewall;

import sif.model.data.FeatureScaler;
import sif.model.data.InputRange;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static sif.firewall.TestFlows.T0;
import static sif.firewall.TestFlows.bytes;
import static sif.firewall.TestFlows.flow;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sif.firewall.metrics.FirewallMetrics;
import sif.firewall.metrics.PrometheusFirewallMetrics;
import sif.schemas.avro.Decision;
import sif.schemas.avro.IdentityStatus;
import sif.schemas.avro.NetworkFlow;
import sif.schemas.avro.Verdict;
import sif.schemas.serde.AvroSerdes;
import sif.schemas.serde.RegistryUnavailableException;

class FirewallTopologyTest {

    @TempDir
    Path stateDir;

    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> in;
    private TestOutputTopic<String, Verdict> allowed;
    private TestOutputTopic<String, Verdict> blocked;
    private TestOutputTopic<String, Verdict> alerts;
    private TestOutputTopic<String, byte[]> dlq;
    private RuleClassifier classifier;
    /** The training range the next {@link #start}'s classifier reports (null: none). */
    private InputRange inputRange;
    private PrometheusFirewallMetrics counters;
    /** The driver's wall clock (a day after the test flows), which FutureStampGuard also reads. */
    private long clock = T0 + 86_400_000L;

    private void start(Map<String, String> overrides) {
        Map<String, String> o = new HashMap<>(overrides);
        // the driver reads outputs right after each input: the model runs on the stream thread here
        // (the pipelined default is covered by SequenceInferenceProcessorTest and the broker ITs)
        o.putIfAbsent(FirewallConfig.INFERENCE_PIPELINED, "false");
        FirewallConfig config = FirewallConfig.of(o);
        classifier = new RuleClassifier();
        classifier.inputRange = inputRange;
        counters = FirewallMetrics.prometheus(RuleClassifier.CLASSES);
        var topology = FirewallTopology.buildTopology(config, classifier,
                FirewallTopology.defaultPolicy(config, classifier.info()),
                FirewallExtensions.defaults().withMetrics(counters).withWallClock(() -> clock));
        Properties props = FirewallApp.streamsProperties(config);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        // the wall clock a day after the test flows (2017): event times ahead of it would be rejected as from the future
        driver = new TopologyTestDriver(topology, props, Instant.ofEpochMilli(clock));
        in = driver.createInputTopic("flows", Serdes.String().serializer(), Serdes.ByteArray().serializer());
        var verdicts = AvroSerdes.singleObject(Verdict.class).deserializer();
        allowed = driver.createOutputTopic("flows.allowed", Serdes.String().deserializer(), verdicts);
        blocked = driver.createOutputTopic("flows.blocked", Serdes.String().deserializer(), verdicts);
        alerts = driver.createOutputTopic("flows.alerted", Serdes.String().deserializer(), verdicts);
        dlq = driver.createOutputTopic("flows.dlq", Serdes.String().deserializer(), Serdes.ByteArray().deserializer());
    }

    @AfterEach
    void close() {
        if (driver != null) {
            driver.close();
        }
        if (counters != null) {
            counters.close();
        }
    }

    private void advance(Duration d) {
        clock += d.toMillis();
        driver.advanceWallClockTime(d);
    }

    private void pipe(NetworkFlow f) {
        in.pipeInput(f.getSrcIp(), bytes(f), f.getEventTimeMs());
    }

    /**
     * Registry mode with the registry away: a record that cannot be decoded without it is not the
     * record's fault, so it is not dead-lettered (a valid flow would be lost to the DLQ); the stream
     * thread stops, to be replaced ({@code FirewallApp}) and resume from its last commit. A record that
     * is not registry framing at all is still bad data.
     */
    @Test
    void aSchemaRegistryOutageDeadLettersNothingAndStopsTheThread() {
        start(Map.of("schema.registry.url", "http://127.0.0.1:1/apis/registry/v2", "apicurio.registry.retry-count",
                "1", "apicurio.registry.retry-backoff-ms", "10"));
        in.pipeInput("garbage", new byte[] {7, 7, 7}, T0);
        List<TestRecord<String, byte[]>> dead = dlq.readRecordsToList();
        assertEquals(List.of("garbage"), dead.stream().map(TestRecord::key).toList());
        assertEquals(DlqReason.UNDECODABLE, DlqHeaders.get(dead.get(0).headers(), DlqHeaders.REASON));
        RuntimeException e = assertThrows(RuntimeException.class,
                () -> in.pipeInput("framed", new byte[] {0, 0, 0, 0, 42, 2, 4}, T0));
        assertTrue(RegistryUnavailableException.in(e), e.toString());
        assertTrue(dlq.isEmpty(), "nothing dead-lettered for the registry's outage");
    }

    /** Every input trained on [0, 10,000]: with the margin, Flow Duration up to ~27,800 is inside. */
    private static InputRange rangeUpToTenThousand() {
        double[] max = new double[FeatureScaler.INPUTS];
        double[] ones = new double[FeatureScaler.INPUTS];
        Arrays.fill(max, 10_000);
        Arrays.fill(ones, 1);
        return InputRange.of(new FeatureScaler(max, new double[FeatureScaler.INPUTS], new double[FeatureScaler.INPUTS],
                ones), InputRange.DEFAULT_MARGIN);
    }

    /**
     * A model that reports its training range: by default ({@code policy.input.out.of.range=no-allow}) a flow
     * with an input outside it is not ALLOWed on the model's word (ALERT), while the model's BLOCK of one
     * stands; the verdicts' reasons name the inputs, and sif_model_input_out_of_range_total counts them.
     * Flows inside are decided by the model as before. {@code alert} ALERTs the block too; {@code model}
     * lets the model allow.
     */
    @Test
    void flowsOutsideTheModelsTrainingRangeAreNotAllowedOnTheModelsWord() {
        inputRange = rangeUpToTenThousand();
        String outside = ThresholdPolicy.RULE_OUT_OF_RANGE + " [Flow Duration]";
        start(Map.of(FirewallConfig.BATCH_SIZE, "1"));
        pipe(flow("benign-in", "10.0.0.1", T0, 500, 5));
        pipe(flow("benign-out", "10.0.0.1", T0 + 1, 1_000_000, 5));
        pipe(flow("ddos-in", "10.0.0.2", T0 + 2, 10, 5000));
        pipe(flow("ddos-out", "10.0.0.3", T0 + 3, 1_000_000, 5000));

        assertEquals(List.of("benign-in"), allowed.readValuesToList().stream().map(v -> v.getFlowId()).toList());
        List<Verdict> b = blocked.readValuesToList();
        assertEquals(List.of("ddos-in", "ddos-out"), b.stream().map(v -> v.getFlowId()).toList());
        assertEquals(List.of(outside, ThresholdPolicy.RULE_BLOCK), b.get(1).getReasons());
        List<Verdict> a = alerts.readValuesToList();
        assertEquals(List.of("benign-out"), a.stream().map(v -> v.getFlowId()).toList());
        assertEquals(List.of(ThresholdPolicy.RULE_BENIGN, outside), a.get(0).getReasons());
        assertEquals("BENIGN", a.get(0).getPredictedClass(), "the model's class and confidence are kept");
        assertTrue(counters.registry().scrape().lines().anyMatch(l -> l.equals("sif_model_input_out_of_range_total{where=\"flow\"} 2.0")),
                "two flows counted out of range");
        close();

        start(Map.of(FirewallConfig.BATCH_SIZE, "1", FirewallConfig.POLICY_INPUT_OUT_OF_RANGE, "alert"));
        pipe(flow("ddos-out", "10.0.0.3", T0 + 3, 1_000_000, 5000));
        assertEquals(List.of("ddos-out"), alerts.readValuesToList().stream().map(v -> v.getFlowId()).toList(),
                "'alert': not blocked on the model's word either");
        close();

        start(Map.of(FirewallConfig.BATCH_SIZE, "1", FirewallConfig.POLICY_INPUT_OUT_OF_RANGE, "model"));
        pipe(flow("benign-out", "10.0.0.1", T0 + 1, 1_000_000, 5));
        List<Verdict> m = allowed.readValuesToList();
        assertEquals(List.of("benign-out"), m.stream().map(v -> v.getFlowId()).toList(), "'model': the model decides");
        assertEquals(List.of(outside, ThresholdPolicy.RULE_BENIGN), m.get(0).getReasons());
    }

    /**
     * The model judges a flow by its source's last T flows: while an out-of-range flow is among them, the
     * model's verdicts on the source's next flows are extrapolations too, and none of them is ALLOWed on its
     * word; the reasons name the input as {@code earlier:<input>}. The T-th flow after it is decided by the
     * model again. Other sources are not affected.
     */
    @Test
    void anOutOfRangeFlowKeepsItsSourcesNextFlowsFromBeingAllowedOnTheModelsWord() {
        inputRange = rangeUpToTenThousand();
        start(Map.of(FirewallConfig.BATCH_SIZE, "1"));
        int t = classifier.info().sequenceLength();
        pipe(flow("out", "10.0.0.1", T0, 1_000_000, 5));
        pipe(flow("other", "10.0.0.9", T0 + 1, 500, 5));
        for (int k = 1; k <= t; k++) {
            pipe(flow("after-" + k, "10.0.0.1", T0 + 1 + k, 500, 5));
        }

        List<Verdict> a = alerts.readValuesToList();
        List<String> alerted = new ArrayList<>(List.of("out"));
        for (int k = 1; k < t; k++) {
            alerted.add("after-" + k);
        }
        assertEquals(alerted, a.stream().map(Verdict::getFlowId).toList());
        assertEquals(List.of(ThresholdPolicy.RULE_BENIGN, ThresholdPolicy.RULE_OUT_OF_RANGE + " [Flow Duration]"),
                a.get(0).getReasons());
        assertEquals(List.of(ThresholdPolicy.RULE_BENIGN,
                ThresholdPolicy.RULE_OUT_OF_RANGE + " [" + InputRange.EARLIER + "Flow Duration]"), a.get(1).getReasons());
        assertEquals(t, a.get(t - 1).getSequenceLength(), "the out-of-range flow is the oldest of its sequence");
        assertEquals(List.of("other", "after-" + t), allowed.readValuesToList().stream().map(Verdict::getFlowId).toList(),
                "the T-th flow after it no longer has it in its sequence; another source never had");
        List<String> scrape = counters.registry().scrape().lines().toList();
        assertTrue(scrape.contains("sif_model_input_out_of_range_total{where=\"flow\"} 1.0"), "the out-of-range flow");
        assertTrue(scrape.contains("sif_model_input_out_of_range_total{where=\"earlier\"} " + (double) (t - 1)),
                "the next T - 1 flows of its source counted apart");
    }

    @Test
    void exactVerdictsForAHandfulOfFlows() {
        start(Map.of(FirewallConfig.BATCH_SIZE, "1"));
        pipe(flow("benign-1", "10.0.0.1", T0, 500, 5));
        pipe(flow("ddos-1", "10.0.0.2", T0 + 1, 10, 5000));
        pipe(flow("dos-1", "10.0.0.3", T0 + 2, 10, 200));
        pipe(flow("scan-1", "10.0.0.4", T0 + 3, 10, 1));
        pipe(flow("scan-2", "10.0.0.4", T0 + 4, 10, 1));
        pipe(flow("scan-3", "10.0.0.4", T0 + 5, 10, 1)); // third single-packet flow: PortScan 0.85 -> ALERT

        List<Verdict> a = allowed.readValuesToList();
        List<Verdict> b = blocked.readValuesToList();
        List<Verdict> al = alerts.readValuesToList();
        assertEquals(List.of("benign-1", "scan-1", "scan-2"), a.stream().map(Verdict::getFlowId).toList());
        assertEquals(List.of("ddos-1"), b.stream().map(Verdict::getFlowId).toList());
        assertEquals(List.of("dos-1", "scan-3"), al.stream().map(Verdict::getFlowId).toList());
        assertTrue(dlq.isEmpty());

        Verdict ddos = b.get(0);
        assertEquals(Decision.BLOCK, ddos.getDecision());
        assertEquals("DDoS", ddos.getPredictedClass());
        assertEquals(0.95, ddos.getConfidence(), 1e-6);
        assertEquals(0.95, ddos.getProbabilities().get("DDoS"), 1e-6);
        assertEquals(0.0125, ddos.getProbabilities().get("BENIGN"), 1e-6);
        assertEquals("rules-test-1", ddos.getModelVersion());
        assertEquals(List.of(ThresholdPolicy.RULE_BLOCK), ddos.getReasons());
        assertEquals(IdentityStatus.NOT_EVALUATED, ddos.getIdentityStatus());
        assertEquals("10.0.0.2", ddos.getSrcIp());
        assertEquals("192.168.10.50", ddos.getDstIp());
        assertEquals(80, ddos.getDstPort());
        assertEquals(6, ddos.getProtocol());
        assertEquals(T0 + 1, ddos.getEventTimeMs());
        assertEquals(T0 + 1, ddos.getIngestTimeMs());
        // the verdict time is the real wall clock when the verdict is made (after inference), not the
        // driver's mocked time
        assertTrue(Math.abs(ddos.getVerdictTimeMs() - System.currentTimeMillis()) < 60_000, "verdict time = now");
        assertEquals(1, ddos.getBatchSize());
        assertEquals(1, ddos.getSequenceLength());
        assertEquals("BENIGN", ddos.getLabel());

        Verdict scan3 = al.get(1);
        assertEquals("PortScan", scan3.getPredictedClass());
        assertEquals(Decision.ALERT, scan3.getDecision());
        assertEquals(List.of(ThresholdPolicy.RULE_ALERT), scan3.getReasons());
        assertEquals(3, scan3.getSequenceLength());
        assertEquals(List.of(ThresholdPolicy.RULE_BENIGN), a.get(0).getReasons());

        var c = counters.snapshot();
        assertEquals(6, c.flowsIn());
        assertEquals(3, c.allowed());
        assertEquals(1, c.blocked());
        assertEquals(2, c.alerts());
        assertEquals(0, c.dlq());
    }

    @Test
    void batchesFillUpOrDrainOnTheWallClockPunctuator() {
        start(Map.of(FirewallConfig.BATCH_SIZE, "4", FirewallConfig.BATCH_MAX_WAIT_MS, "20"));
        for (int i = 0; i < 3; i++) {
            pipe(flow("f" + i, "10.0.1." + i, T0 + i, 500, 5));
        }
        assertTrue(allowed.isEmpty(), "three flows wait for a batch of four");
        KeyValueStore<Long, PendingFlow> pending = driver.getKeyValueStore(SequenceInferenceProcessor.PENDING_STORE);
        assertEquals(3, StoreEntries.count(pending));
        // the driver commits after each record: each waiting flow reached the changelog at its commit
        var changelog = driver.createOutputTopic(FirewallConfig.of(Map.of()).applicationId() + "-"
                + SequenceInferenceProcessor.PENDING_STORE + "-changelog", Serdes.Long().deserializer(),
                Serdes.ByteArray().deserializer());
        assertEquals(List.of("f0", "f1", "f2"), changelog.readRecordsToList().stream()
                .map(r -> PendingFlow.decode(r.value()).flowId()).toList());

        pipe(flow("f3", "10.0.1.3", T0 + 3, 500, 5)); // fills the batch
        List<Verdict> first = allowed.readValuesToList();
        assertEquals(List.of("f0", "f1", "f2", "f3"), first.stream().map(Verdict::getFlowId).toList());
        assertTrue(first.stream().allMatch(v -> v.getBatchSize() == 4));
        assertEquals(0, StoreEntries.count(pending));
        // f3 came and went within one commit: never written; f0-f2 were, so they are deleted (tombstones)
        var after = changelog.readRecordsToList();
        assertEquals(List.of(0L, 1L, 2L), after.stream().map(r -> r.key()).toList());
        assertTrue(after.stream().allMatch(r -> r.value() == null), "tombstones only");

        pipe(flow("f4", "10.0.1.4", T0 + 4, 500, 5));
        pipe(flow("f5", "10.0.1.5", T0 + 5, 500, 5));
        advance(Duration.ofMillis(19));
        assertTrue(allowed.isEmpty(), "not yet 20 ms");
        advance(Duration.ofMillis(1));
        List<Verdict> second = allowed.readValuesToList();
        assertEquals(List.of("f4", "f5"), second.stream().map(Verdict::getFlowId).toList());
        assertTrue(second.stream().allMatch(v -> v.getBatchSize() == 2));
        assertEquals(List.of(4, 2), classifier.batchSizes);
        assertEquals(0, StoreEntries.count(pending));
    }

    @Test
    void sequenceStoreHoldsTheLastTFlowsWithinMaxAge() {
        start(Map.of(FirewallConfig.BATCH_SIZE, "1", FirewallConfig.SEQUENCE_LENGTH, "3",
                FirewallConfig.SEQUENCE_MAX_AGE_MS, "60000"));
        for (int i = 0; i < 5; i++) {
            pipe(flow("s" + i, "10.0.2.1", T0 + i * 1000L, 100 + i, 5));
        }
        KeyValueStore<String, byte[]> seq = driver.getKeyValueStore(SequenceInferenceProcessor.SEQUENCE_STORE);
        byte[] stored = seq.get("10.0.2.1");
        // the store keeps the T - 1 newest flows: the context of the source's next flow
        assertArrayEquals(new long[] {T0 + 3000, T0 + 4000}, SequenceWindow.times(stored));
        assertEquals(103f, SequenceWindow.rows(stored)[0][0]);
        assertTrue(stored.length <= 4096);
        List<Verdict> v = allowed.readValuesToList();
        assertEquals(List.of(1, 2, 3, 3, 3), v.stream().map(Verdict::getSequenceLength).toList());

        // a flow more than 60 s after the previous one starts the sequence afresh
        pipe(flow("s5", "10.0.2.1", T0 + 4000 + 60_001, 105, 5));
        assertArrayEquals(new long[] {T0 + 64_001}, SequenceWindow.times(seq.get("10.0.2.1")));
        assertEquals(1, allowed.readValue().getSequenceLength());
    }

    @Test
    void idleSourcesAreEvictedByThePunctuator() {
        start(Map.of(FirewallConfig.BATCH_SIZE, "1", FirewallConfig.SEQUENCE_MAX_AGE_MS, "60000",
                FirewallConfig.SEQUENCE_EVICT_INTERVAL_MS, "1000"));
        pipe(flow("old", "10.0.3.1", T0, 500, 5));
        pipe(flow("fresh", "10.0.3.2", T0 + 60_000, 500, 5));
        pipe(flow("newest", "10.0.3.3", T0 + 60_001, 500, 5));
        KeyValueStore<String, byte[]> seq = driver.getKeyValueStore(SequenceInferenceProcessor.SEQUENCE_STORE);
        assertEquals(3, StoreEntries.count(seq));
        advance(Duration.ofMillis(1000));
        assertNull(seq.get("10.0.3.1"), "newest flow 60.001 s before the newest event: evicted");
        assertTrue(seq.get("10.0.3.2") != null && seq.get("10.0.3.3") != null);
        assertEquals(2, StoreEntries.count(seq));
    }

    /**
     * With {@code state.scan.max.entries=2} each eviction (wall-clock punctuator) looks at two sequences at
     * most, on from where the last one stopped: the live source sorts first, so a sweep that started at
     * the first key every time would evict one idle source per punctuation ({@code [4, 3, 2, 1]}).
     */
    @Test
    void idleSourcesAreEvictedInSlicesOfScanMaxEntries() {
        start(Map.of(FirewallConfig.BATCH_SIZE, "1", FirewallConfig.SEQUENCE_MAX_AGE_MS, "60000",
                FirewallConfig.SEQUENCE_EVICT_INTERVAL_MS, "1000", FirewallConfig.STATE_SCAN_MAX_ENTRIES, "2"));
        for (int i = 1; i <= 4; i++) {
            pipe(flow("old" + i, "10.0.3." + i, T0 + i, 500, 5));
        }
        pipe(flow("newest", "10.0.3.0", T0 + 60_005, 500, 5));
        KeyValueStore<String, byte[]> seq = driver.getKeyValueStore(SequenceInferenceProcessor.SEQUENCE_STORE);
        List<Long> left = new ArrayList<>();
        for (int p = 0; p < 4; p++) {
            advance(Duration.ofMillis(1000));
            left.add(StoreEntries.count(seq));
        }
        // slices: .0 (kept) .1 | .2 .3 | .4 .0 | ...
        assertEquals(List.of(4L, 2L, 1L, 1L), left);
        assertTrue(seq.get("10.0.3.0") != null);
    }

    /**
     * A zero-duration flow (CICFlowMeter: Flow Bytes/s and Flow Packets/s = Infinity) and a one-packet
     * flow without payload (also no inter-arrival time: Flow IAT Mean/Std/Max/Min = NaN, and Flow
     * Bytes/s = 0/0) are real flows, and get verdicts; they used to be dead-lettered as
     * infinite-feature / nan-feature.
     */
    @Test
    void flowsWithTheRatesCicFlowMeterLeavesUndefinedAreDecided() {
        start(Map.of(FirewallConfig.BATCH_SIZE, "1"));
        NetworkFlow zeroDuration = TestFlows.withFeature(TestFlows.withFeature(flow("zero-duration", "10.0.4.1", T0, 0, 5),
                "flowBytesPerSec", Double.POSITIVE_INFINITY), "flowPacketsPerSec", Double.POSITIVE_INFINITY);
        NetworkFlow onePacket = TestFlows.flow("one-packet", "10.0.4.2", T0 + 1, TestFlows.onePacketFeatures());
        in.pipeInput("zero-duration", bytes(zeroDuration), T0);
        in.pipeInput("one-packet", bytes(onePacket), T0);
        assertEquals(List.of(), dlq.readRecordsToList(), "nothing dead-lettered");
        List<String> decided = new java.util.ArrayList<>();
        allowed.readValuesToList().forEach(v -> decided.add(v.getFlowId()));
        blocked.readValuesToList().forEach(v -> decided.add(v.getFlowId()));
        alerts.readValuesToList().forEach(v -> decided.add(v.getFlowId()));
        assertEquals(List.of("zero-duration", "one-packet"), decided);
    }

    @Test
    void badRecordsGoToTheDlqWithTheirReasonAndOriginalBytes() {
        start(Map.of(FirewallConfig.BATCH_SIZE, "1"));
        NetworkFlow good = flow("good", "10.0.4.1", T0, 500, 5);
        byte[] goodBytes = bytes(good);
        byte[] garbage = "not a flow at all".getBytes();
        byte[] truncated = Arrays.copyOf(goodBytes, 40);
        byte[] unknownFingerprint = goodBytes.clone();
        unknownFingerprint[5] ^= 0x5A;
        Map<String, byte[]> cases = new java.util.LinkedHashMap<>();
        cases.put("garbage", garbage);
        cases.put("truncated", truncated);
        cases.put("unknown-fp", unknownFingerprint);
        cases.put("nan", bytes(TestFlows.withFeature(good, "fwdPacketLengthMean", Double.NaN)));
        cases.put("inf", bytes(TestFlows.withFeature(good, "totalLengthOfBwdPackets", Double.POSITIVE_INFINITY)));
        cases.put("negative", bytes(TestFlows.withFeature(good, "totalFwdPackets", -3)));
        cases.put("absurd", bytes(TestFlows.withFeature(good, "flowDuration", 1e15)));
        NetworkFlow noSrc = flow("nosrc", " ", T0, 500, 5);
        cases.put("no-src", bytes(noSrc));
        NetworkFlow badPort = flow("badport", "10.0.4.1", T0, 500, 5);
        badPort.setDstPort(70000);
        cases.put("bad-port", bytes(badPort));
        cases.put("not-an-ip", bytes(flow("notip", "999.1.1", T0, 500, 5)));
        // 10 years ahead of the driver's wall clock: would poison the blocklist, alert and sequence clocks
        cases.put("future", bytes(flow("future", "10.0.4.1", System.currentTimeMillis() + 315_360_000_000L, 500, 5)));
        cases.forEach((k, v) -> in.pipeInput(k, v, T0));
        in.pipeInput("tombstone", null, T0);
        pipe(good);

        List<TestRecord<String, byte[]>> dead = dlq.readRecordsToList();
        Map<String, String> reasonByKey = new java.util.LinkedHashMap<>();
        for (TestRecord<String, byte[]> r : dead) {
            reasonByKey.put(r.key(), DlqHeaders.get(r.headers(), DlqHeaders.REASON));
            assertEquals("validate", DlqHeaders.get(r.headers(), DlqHeaders.STAGE));
            assertEquals("flows", DlqHeaders.get(r.headers(), DlqHeaders.SOURCE_TOPIC));
            assertEquals("0", DlqHeaders.get(r.headers(), DlqHeaders.SOURCE_PARTITION));
            if (!r.key().equals("tombstone")) {
                assertArrayEquals(cases.get(r.key()), r.value(), "original bytes of " + r.key());
            } else {
                assertNull(r.value());
            }
        }
        Map<String, String> expected = new java.util.LinkedHashMap<>();
        expected.put("garbage", DlqReason.UNDECODABLE);
        expected.put("truncated", DlqReason.UNDECODABLE);
        expected.put("unknown-fp", DlqReason.UNDECODABLE);
        expected.put("nan", DlqReason.NAN_FEATURE);
        expected.put("inf", DlqReason.INFINITE_FEATURE);
        expected.put("negative", DlqReason.NEGATIVE_FEATURE);
        expected.put("absurd", DlqReason.ABSURD_FEATURE);
        expected.put("no-src", DlqReason.MISSING_FIELD);
        expected.put("bad-port", DlqReason.BAD_5TUPLE);
        expected.put("not-an-ip", DlqReason.BAD_5TUPLE);
        expected.put("future", DlqReason.BAD_TIMESTAMP);
        expected.put("tombstone", DlqReason.MISSING_FIELD);
        assertEquals(expected, reasonByKey);
        assertEquals(List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11"),
                dead.stream().map(r -> DlqHeaders.get(r.headers(), DlqHeaders.SOURCE_OFFSET)).toList());
        String fpDetail = DlqHeaders.get(dead.get(2).headers(), DlqHeaders.DETAIL);
        assertTrue(fpDetail.contains("unknown schema fingerprint"), fpDetail);
        String nanDetail = DlqHeaders.get(dead.get(3).headers(), DlqHeaders.DETAIL);
        assertTrue(nanDetail.startsWith("fwdPacketLengthMean=NaN"), nanDetail);

        assertEquals(List.of("good"), allowed.readValuesToList().stream().map(Verdict::getFlowId).toList());
        assertEquals(12, counters.snapshot().dlq());
        assertEquals(13, counters.snapshot().flowsIn());
    }

    /**
     * A dead letter must fit the dead-letter topic (one the broker refuses fails its transaction and is
     * refused again on every retry: {@code FirewallBadInputIT} shows one near-limit record stopping the
     * firewall without this): a value over {@code validation.max.record.bytes} is rejected undecoded and
     * its dead letter keeps its first bytes; a key over 1,024 characters and original headers over
     * 64 KiB are cut too; each cut is named in a header.
     */
    @Test
    void aDeadLetterKeepsAtMostTheFirstBytesOfAnOversizedRecordAndSaysSo() {
        start(Map.of(FirewallConfig.BATCH_SIZE, "1", FirewallConfig.VALIDATION_MAX_RECORD_BYTES, "2048"));
        byte[] big = new byte[5000];
        Arrays.fill(big, (byte) 7);
        String longKey = "k".repeat(1500);
        org.apache.kafka.common.header.internals.RecordHeaders heavy = new org.apache.kafka.common.header.internals.RecordHeaders();
        heavy.add("h1", new byte[40_000]);
        heavy.add("h2", new byte[40_000]);
        in.pipeInput(new TestRecord<>(longKey, big, heavy, T0));
        NetworkFlow small = flow("small", "10.0.4.1", T0, 500, 5);
        in.pipeInput(new TestRecord<>("small-headers", bytes(small), new org.apache.kafka.common.header.internals.RecordHeaders(
                new org.apache.kafka.common.header.Header[] {
                        new org.apache.kafka.common.header.internals.RecordHeader("trace", "t-1".getBytes())}), T0));

        List<TestRecord<String, byte[]>> dead = dlq.readRecordsToList();
        assertEquals(1, dead.size());
        TestRecord<String, byte[]> r = dead.get(0);
        assertEquals(DlqReason.OVERSIZED_RECORD, DlqHeaders.get(r.headers(), DlqHeaders.REASON));
        assertArrayEquals(Arrays.copyOf(big, 2048), r.value());
        assertEquals("5000", DlqHeaders.get(r.headers(), DlqHeaders.VALUE_TRUNCATED_FROM));
        assertEquals("k".repeat(DeadLetterCut.MAX_KEY_CHARS), r.key());
        assertEquals("1500", DlqHeaders.get(r.headers(), DlqHeaders.KEY_TRUNCATED_FROM));
        assertEquals("2", DlqHeaders.get(r.headers(), DlqHeaders.HEADERS_DROPPED));
        assertNull(r.headers().lastHeader("h1"), "the original headers were left out");
        assertEquals(1, counters.snapshot().dlq());
        assertEquals(2, counters.snapshot().flowsIn());
    }

    /**
     * A 70-byte record whose flow id declares 1.9 GB: Avro would allocate that before reading it (an
     * OutOfMemoryError, which stops the stream thread); with {@code AvroLimits} the length is refused
     * and the record is dead-lettered as undecodable like any other.
     */
    @Test
    void aRecordDeclaringAGigabyteFieldIsUndecodableNotAnOutOfMemoryError() {
        start(Map.of(FirewallConfig.BATCH_SIZE, "1"));
        byte[] good = bytes(flow("f", "10.0.4.1", T0, 500, 5));
        java.io.ByteArrayOutputStream bomb = new java.io.ByteArrayOutputStream();
        bomb.write(good, 0, 10); // marker and fingerprint
        long z = 1_900_000_000L << 1; // zig-zag varint: the flow id's length
        while ((z & ~0x7FL) != 0) {
            bomb.write((int) ((z & 0x7F) | 0x80));
            z >>>= 7;
        }
        bomb.write((int) z);
        bomb.writeBytes(new byte[55]);
        in.pipeInput("bomb", bomb.toByteArray(), T0);
        pipe(flow("after", "10.0.4.2", T0, 500, 5));
        List<TestRecord<String, byte[]>> dead = dlq.readRecordsToList();
        assertEquals(1, dead.size());
        assertEquals(DlqReason.UNDECODABLE, DlqHeaders.get(dead.get(0).headers(), DlqHeaders.REASON));
        assertTrue(DlqHeaders.get(dead.get(0).headers(), DlqHeaders.DETAIL).contains("exceeds maximum allowed"),
                DlqHeaders.get(dead.get(0).headers(), DlqHeaders.DETAIL));
        assertEquals(List.of("after"), allowed.readValuesToList().stream().map(Verdict::getFlowId).toList());
    }

    /**
     * A record whose timestamp is ahead of the firewall's clock: its verdict would inherit the
     * timestamp, and a topic refuses records more than {@code message.timestamp.after.max.ms} (1 hour by
     * default) ahead of the broker — under exactly-once that stops the firewall. It is dead-lettered
     * (bad-timestamp), and its dead letter carries the firewall's time instead.
     */
    @Test
    void aRecordTimestampedAheadOfTheClockIsDeadLetteredAtTheFirewallsTime() {
        start(Map.of(FirewallConfig.BATCH_SIZE, "1"));
        long now = clock;
        in.pipeInput("ahead", bytes(flow("ahead", "10.0.4.1", T0, 500, 5)), now + 2 * 3_600_000L);
        in.pipeInput("fine", bytes(flow("fine", "10.0.4.2", T0, 500, 5)), now + 60_000L); // within the 5 min skew
        List<TestRecord<String, byte[]>> dead = dlq.readRecordsToList();
        assertEquals(1, dead.size());
        assertEquals(DlqReason.BAD_TIMESTAMP, DlqHeaders.get(dead.get(0).headers(), DlqHeaders.REASON));
        assertTrue(DlqHeaders.get(dead.get(0).headers(), DlqHeaders.DETAIL).contains("7200000 ms ahead"),
                DlqHeaders.get(dead.get(0).headers(), DlqHeaders.DETAIL));
        assertEquals(now, dead.get(0).timestamp());
        // FutureStampGuard read it at stream time, and says what its own timestamp was
        assertEquals(Long.toString(now + 2 * 3_600_000L), new String(
                dead.get(0).headers().lastHeader(FutureStampGuard.HEADER).value(), StandardCharsets.US_ASCII));
        assertEquals(List.of("fine"), allowed.readValuesToList().stream().map(Verdict::getFlowId).toList());
    }

    /** The guard's header is the firewall's: one a producer set is dropped, not taken as a rejection. */
    @Test
    void aProducersTimestampAheadHeaderIsIgnored() {
        start(Map.of(FirewallConfig.BATCH_SIZE, "1"));
        RecordHeaders headers = new RecordHeaders();
        headers.add(FutureStampGuard.HEADER, Long.toString(clock + 3_600_000L).getBytes(StandardCharsets.US_ASCII));
        NetworkFlow f = flow("forged", "10.0.4.3", T0, 500, 5);
        in.pipeInput(new TestRecord<>("10.0.4.3", bytes(f), headers, clock));
        assertTrue(dlq.isEmpty(), "not dead-lettered");
        List<TestRecord<String, Verdict>> v = allowed.readRecordsToList();
        assertEquals(List.of("forged"), v.stream().map(r -> r.value().getFlowId()).toList());
        assertNull(v.get(0).headers().lastHeader(FutureStampGuard.HEADER), "the header does not travel on");
    }

    @Test
    void aFlowTheClassifierFailsOnGoesToTheDlqAndItsBatchMatesGetVerdicts() {
        start(Map.of(FirewallConfig.BATCH_SIZE, "3"));
        NetworkFlow poison = flow("poison", "10.0.5.9", T0, RuleClassifier.POISON_DURATION, 5);
        pipe(flow("a", "10.0.5.1", T0, 500, 5));
        pipe(poison);
        pipe(flow("b", "10.0.5.2", T0, 500, 5000));
        assertEquals(List.of("a"), allowed.readValuesToList().stream().map(Verdict::getFlowId).toList());
        assertEquals(List.of("b"), blocked.readValuesToList().stream().map(Verdict::getFlowId).toList());
        TestRecord<String, byte[]> dead = dlq.readRecord();
        assertEquals(DlqReason.INFERENCE_FAILED, DlqHeaders.get(dead.headers(), DlqHeaders.REASON));
        assertEquals("inference", DlqHeaders.get(dead.headers(), DlqHeaders.STAGE));
        assertEquals("1", DlqHeaders.get(dead.headers(), DlqHeaders.SOURCE_OFFSET));
        assertArrayEquals(bytes(poison), dead.value());
        assertTrue(dlq.isEmpty());
        assertEquals(List.of(3, 1, 1, 1), classifier.batchSizes);
    }

    @Test
    void inputKeyIsReplacedBySourceIp() {
        start(Map.of(FirewallConfig.BATCH_SIZE, "1"));
        NetworkFlow f = flow("k", "10.0.6.1", T0, 500, 5);
        in.pipeInput("some-other-key", bytes(f), T0);
        assertEquals("10.0.6.1", allowed.readRecord().key());
    }

    /**
     * A record keyed otherwise than by its source's canonical address (another address, no key, another
     * spelling) goes through the repartition topic to the task that owns its source: counted
     * ({@code sif_flows_miskeyed_total}) and read in once, decided once, in one sequence with the
     * source's other flows.
     */
    @Test
    void recordsNotKeyedByTheirCanonicalSourceAreRepartitionedToIt() {
        start(Map.of(FirewallConfig.BATCH_SIZE, "1"));
        in.pipeInput("10.0.6.1", bytes(flow("a", "10.0.6.1", T0, 500, 5)), T0);
        in.pipeInput("10.0.6.9", bytes(flow("b", "10.0.6.1", T0 + 1, 500, 5)), T0 + 1);
        in.pipeInput((String) null, bytes(flow("c", "10.0.6.1", T0 + 2, 500, 5)), T0 + 2);
        in.pipeInput("::ffff:10.0.6.1", bytes(flow("d", "::ffff:10.0.6.1", T0 + 3, 500, 5)), T0 + 3);
        in.pipeInput("some-other-key", new byte[] {7, 7, 7}, T0); // dead-lettered: not a flow, not counted here
        List<TestRecord<String, Verdict>> v = allowed.readRecordsToList();
        assertEquals(List.of("a", "b", "c", "d"), v.stream().map(r -> r.value().getFlowId()).toList());
        assertEquals(List.of("10.0.6.1", "10.0.6.1", "10.0.6.1", "10.0.6.1"), v.stream().map(TestRecord::key).toList());
        assertEquals(List.of(1, 2, 3, 4), v.stream().map(r -> r.value().getSequenceLength()).toList());
        assertEquals(1, dlq.readRecordsToList().size());
        assertEquals(3.0, counters.registry().get("sif.flows.miskeyed").counter().count());
        assertEquals(5.0, counters.registry().get("sif.flows.in").counter().count());
    }

    /**
     * A flow re-keyed on its way through the repartition topic that fails a later step is dead-lettered
     * with its original bytes and the input topic, partition and offset it was first read at (a
     * producer's header of the repartition step's name is replaced), not the repartition topic's.
     */
    @Test
    void aRepartitionedFlowsDeadLetterNamesTheRecordItCameFrom() {
        start(Map.of(FirewallConfig.BATCH_SIZE, "1"));
        in.pipeInput("10.0.7.1", bytes(flow("ok", "10.0.7.1", T0, 500, 5)), T0);
        NetworkFlow poison = flow("poison", "10.0.7.1", T0 + 1, RuleClassifier.POISON_DURATION, 5);
        RecordHeaders forged = new RecordHeaders();
        forged.add(Misrouted.FROM_TOPIC, "elsewhere".getBytes(StandardCharsets.UTF_8));
        in.pipeInput(new TestRecord<>("not-the-source", bytes(poison), forged, T0 + 1));
        assertEquals(List.of("ok"), allowed.readValuesToList().stream().map(Verdict::getFlowId).toList());
        List<TestRecord<String, byte[]>> dead = dlq.readRecordsToList();
        assertEquals(1, dead.size());
        assertEquals(DlqReason.INFERENCE_FAILED, DlqHeaders.get(dead.get(0).headers(), DlqHeaders.REASON));
        assertEquals("flows", DlqHeaders.get(dead.get(0).headers(), DlqHeaders.SOURCE_TOPIC));
        assertEquals("0", DlqHeaders.get(dead.get(0).headers(), DlqHeaders.SOURCE_PARTITION));
        assertEquals("1", DlqHeaders.get(dead.get(0).headers(), DlqHeaders.SOURCE_OFFSET));
        assertArrayEquals(bytes(poison), dead.get(0).value());
        assertEquals(1.0, counters.registry().get("sif.flows.miskeyed").counter().count());
    }

    /**
     * The re-keyed path's headers are the firewall's: on a record keyed by its source a producer's
     * {@code sif.rekeyed.from.*} headers are dropped at validate (here: not in its dead letter), so no
     * later step or handler takes them for where the record came from.
     */
    @Test
    void aProducersReKeyedFromHeadersAreDropped() {
        start(Map.of(FirewallConfig.BATCH_SIZE, "1"));
        NetworkFlow bad = flow("bad-port", "10.0.7.2", T0, 500, 5);
        bad.setSrcPort(99999);
        RecordHeaders forged = new RecordHeaders();
        forged.add(Misrouted.FROM_TOPIC, "elsewhere".getBytes(StandardCharsets.UTF_8));
        forged.add(Misrouted.FROM_OFFSET, "999".getBytes(StandardCharsets.UTF_8));
        forged.add("kept", "yes".getBytes(StandardCharsets.UTF_8));
        in.pipeInput(new TestRecord<>("10.0.7.2", bytes(bad), forged, T0));
        TestRecord<String, byte[]> dead = dlq.readRecord();
        assertEquals(DlqReason.BAD_5TUPLE, DlqHeaders.get(dead.headers(), DlqHeaders.REASON));
        assertNull(dead.headers().lastHeader(Misrouted.FROM_TOPIC));
        assertNull(dead.headers().lastHeader(Misrouted.FROM_OFFSET));
        assertEquals("yes", new String(dead.headers().lastHeader("kept").value(), StandardCharsets.UTF_8));
        assertEquals("0", DlqHeaders.get(dead.headers(), DlqHeaders.SOURCE_OFFSET));
    }

    /**
     * One source written three ways (and an IPv4 one also as {@code ::ffff:a.b.c.d}) is one source: one
     * sequence grows over all its flows, and the verdicts carry the canonical text as key and address.
     */
    @Test
    void everySpellingOfASourceSharesOneState() {
        start(Map.of(FirewallConfig.BATCH_SIZE, "1"));
        pipe(flow("a", "2001:0DB8:0000::0001", T0, 500, 5));
        pipe(flow("b", "2001:db8:0:0:0:0:0:1", T0 + 1, 500, 5));
        pipe(flow("c", "2001:db8::1", T0 + 2, 500, 5));
        pipe(flow("d", "10.0.6.2", T0 + 3, 500, 5));
        pipe(flow("e", "::ffff:10.0.6.2", T0 + 4, 500, 5));
        List<TestRecord<String, Verdict>> v = allowed.readRecordsToList();
        assertEquals(List.of("2001:db8::1", "2001:db8::1", "2001:db8::1", "10.0.6.2", "10.0.6.2"),
                v.stream().map(TestRecord::key).toList());
        assertEquals(List.of("2001:db8::1", "2001:db8::1", "2001:db8::1", "10.0.6.2", "10.0.6.2"),
                v.stream().map(r -> r.value().getSrcIp()).toList());
        assertEquals(List.of(1, 2, 3, 1, 2), v.stream().map(r -> r.value().getSequenceLength()).toList());
        KeyValueStore<String, byte[]> seq = driver.getKeyValueStore(SequenceInferenceProcessor.SEQUENCE_STORE);
        assertEquals(2, StoreEntries.count(seq));
        assertEquals(3, SequenceWindow.times(seq.get("2001:db8::1")).length);
    }
}
