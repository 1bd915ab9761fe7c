package sif.bench.jmh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
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
        Path model = Path.of(System.getProperty("sif.repo.root", "."), "models", "cicids2017-lstm");
        assumeTrue(Files.isRegularFile(model.resolve("metadata.json")),
                "no trained model at " + model.toAbsolutePath() + " (./sif train creates it)");
        System.setProperty("sif.model.dir", model.toString());
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
