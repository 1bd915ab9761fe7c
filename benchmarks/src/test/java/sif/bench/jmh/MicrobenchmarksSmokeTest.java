package sif.bench.jmh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import sif.flows.FlowFeatures;

/**
 * Each JMH benchmark's state and body run a few times outside JMH (no timing, no forks): the
 * benchmarks stay runnable as the modules they measure change.
 */
class MicrobenchmarksSmokeTest {

    @Test
    void sequenceStore() throws Exception {
        SequenceStoreBench b = new SequenceStoreBench();
        b.setUp();
        try {
            for (int i = 0; i < 50; i++) {
                assertNotNull(b.windowAppend());
                assertEquals(SequenceStoreBench.T, b.windowAppendAndModelInput().length);
                assertNotNull(b.windowAppendAndPendingRecord());
                assertNotNull(b.rocksdbGetAppendPut());
            }
        } finally {
            b.tearDown();
        }
    }

    @Test
    void zeroTrustAndPolicy() throws Exception {
        ZeroTrustPolicyBench b = new ZeroTrustPolicyBench();
        b.setUp();
        for (int i = 0; i < 100; i++) {
            assertNotNull(b.decisionLogic().decision());
            assertNotNull(b.firewallPath().action());
        }
    }

    /**
     * The flows the zero-trust benchmark measures stay varied for as long as a run lasts: after 2.5
     * million flows (5 minutes of event time and 500 flows a source long past; before session 33 every
     * flow was STALE and BLOCKed by then) a third of the sources are still TRUSTED and every action
     * still occurs.
     */
    @Test
    void zeroTrustBenchmarkFlowsStayVaried() throws Exception {
        ZeroTrustPolicyBench logic = new ZeroTrustPolicyBench();
        ZeroTrustPolicyBench path = new ZeroTrustPolicyBench();
        logic.setUp();
        path.setUp();
        for (int i = 0; i < 2_500_000; i++) {
            logic.decisionLogic();
            path.firewallPath();
        }
        Map<String, Integer> statuses = new TreeMap<>();
        Map<String, Integer> actions = new TreeMap<>();
        Map<String, Integer> logicActions = new TreeMap<>();
        for (int i = 0; i < 8192; i++) {
            var d = path.firewallPath();
            actions.merge(d.action().name(), 1, Integer::sum);
            String identity = d.reasons().stream().filter(r -> r.startsWith("identity:")).findFirst().orElseThrow();
            statuses.merge(identity.substring("identity:".length(), identity.indexOf(' ')), 1, Integer::sum);
            logicActions.merge(logic.decisionLogic().decision().name(), 1, Integer::sum);
        }
        assertEquals(java.util.Set.of("TRUSTED", "UNKNOWN"), statuses.keySet(), statuses.toString());
        assertTrue(statuses.get("TRUSTED") > 8192 / 3, statuses.toString());
        assertEquals(java.util.Set.of("ALERT", "ALLOW", "BLOCK"), actions.keySet(), actions.toString());
        assertEquals(java.util.Set.of("ALERT", "ALLOW", "BLOCK"), logicActions.keySet(), logicActions.toString());
    }

    /** Points the benchmarks at the shipped model ({@code sif.model.dir}); skips the test without one. */
    static void useTheShippedModel() {
        Path model = Path.of(System.getProperty("sif.repo.root", "."), "models", "cicids2017-lstm");
        assumeTrue(Files.isRegularFile(model.resolve("metadata.json")),
                "no trained model at " + model.toAbsolutePath() + " (./sif train creates it)");
        System.setProperty("sif.model.dir", model.toString());
    }

    @Test
    void featureScaling() {
        useTheShippedModel();
        FeatureScalingBench b = new FeatureScalingBench();
        b.setUp();
        for (int i = 0; i < 20; i++) {
            assertNotNull(b.scaleRow());
            assertNotNull(b.scaleSequence());
            assertNotNull(b.rangeCheck());
            assertNotNull(b.sequenceRangeCheck());
        }
        b.tearDown();
    }

    @Test
    void identityChange() throws Exception {
        var b = new sif.firewall.trust.IdentityChangeBench();
        b.principals = 100;
        b.setUp();
        try {
            for (int i = 0; i < 300; i++) {
                assertNotNull(b.reverificationThenLookup());
            }
        } finally {
            b.tearDown();
        }
    }

    @Test
    void avro() {
        AvroCodecBench b = new AvroCodecBench();
        b.setUp();
        for (int i = 0; i < 20; i++) {
            assertNotNull(b.flowEncode());
            assertNotNull(b.flowDecode());
            assertEquals(FlowFeatures.COUNT, b.flowDecodeAndFeatures().length);
            assertNotNull(b.verdictEncode());
            assertNotNull(b.verdictDecode());
        }
    }

    @Test
    void inferenceWithTheShippedModel() {
        useTheShippedModel();
        InferenceBench b = new InferenceBench();
        b.batch = 8;
        b.setUp();
        try {
            InferenceBench.Sequences counter = new InferenceBench.Sequences();
            for (int i = 0; i < 3; i++) {
                assertEquals(8, b.predict(counter).length);
            }
            assertEquals(24, counter.sequences);
        } finally {
            b.tearDown();
        }
    }
}
