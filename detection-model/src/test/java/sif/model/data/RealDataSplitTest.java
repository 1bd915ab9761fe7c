package sif.model.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import sif.flows.ClassMapping;
import sif.flows.DataPaths;

/** Split and sequence invariants on the real CICIDS2017 subset (skips when the data is absent). */
class RealDataSplitTest {

    static FlowTable table;

    @BeforeAll
    static void load() throws IOException {
        Path dir = DataPaths.cicids2017();
        assumeTrue(DataPaths.isDirectory(dir), DataPaths.missingMessage(dir));
        table = DatasetLoader.load(List.of(dir), ClassMapping.FIVE, 0, 42).table();
    }

    @Test
    void readsTheMainFolderWithTheFixedFiveClasses() {
        Map<String, Long> counts = table.countsPerClass();
        assertEquals(Map.of("BENIGN", 299L, "DDoS", 1000L, "DoS", 0L, "PortScan", 1000L, "Other", 673L), counts);
        assertEquals(List.of("BENIGN", "DDoS", "DoS", "PortScan", "Other"), table.classNames());
        for (int i = 0; i < table.size(); i++) {
            assertTrue(!table.isFallback(i), "main-folder rows have IPs and timestamps");
        }
    }

    @Test
    void temporalSplitInvariantsHoldOnRealData() {
        for (Splits.TemporalUnit unit : Splits.TemporalUnit.values()) {
            PreparedSplit.Config c = new PreparedSplit.Config(10, 0.2, 0.125, unit, 50_000, 42);
            PreparedSplit p = PreparedSplit.prepare(table, Protocol.TEMPORAL_SPLIT, c);
            SplitInvariants.assertTemporalInvariants(table, p, unit);
            assertTrue(p.test().size() > 400, "test split of " + p.test().size());
        }
    }

    @Test
    void temporalSplitInvariantsHoldOnRealDataWithTheCapActive() {
        for (Splits.TemporalUnit unit : Splits.TemporalUnit.values()) {
            // 200 per class: BENIGN (299), DDoS, PortScan and Other lose flows
            PreparedSplit p = PreparedSplit.prepare(table, Protocol.TEMPORAL_SPLIT,
                    new PreparedSplit.Config(10, 0.2, 0.125, unit, 200, 42));
            assertEquals(table.size() - 4 * 200, Splits.indicesOf(p.split(), Splits.OUT).length);
            SplitInvariants.assertTemporalInvariants(table, p, unit);
        }
    }

    /**
     * The shipped model's data (at most 1,000 rows per class) is far below the default cap of 50,000:
     * no flow is left out, so training and validation sequences are exactly the training-only and
     * training-plus-validation sequences they were before capped flows became context.
     */
    @Test
    void defaultCapLeavesNoFlowOutSoTheShippedModelsSequencesAreUnchanged() {
        for (Splits.TemporalUnit unit : Splits.TemporalUnit.values()) {
            PreparedSplit.Config c = new PreparedSplit.Config(10, 0.2, 0.125, unit, 50_000, 42);
            assertEquals(PreparedSplit.Config.defaults(42).capPerClass(), c.capPerClass());
            PreparedSplit p = PreparedSplit.prepare(table, Protocol.TEMPORAL_SPLIT, c);
            byte[] split = p.split();
            assertEquals(0, Splits.indicesOf(split, Splits.OUT).length);
            int[][] train = SequenceBuilder.build(table, 10, i -> split[i] == Splits.TRAIN, i -> split[i] == Splits.TRAIN);
            int[][] val = SequenceBuilder.build(table, 10, i -> split[i] == Splits.VAL,
                    i -> split[i] == Splits.TRAIN || split[i] == Splits.VAL);
            assertTrue(java.util.Arrays.deepEquals(train, p.trainSeqByFlow()));
            assertTrue(java.util.Arrays.deepEquals(val, p.valSeqByFlow()));
        }
    }

    @Test
    void scalerIsFittedOnTrainingFlowsOnly() {
        PreparedSplit p = PreparedSplit.prepare(table, Protocol.TEMPORAL_SPLIT, PreparedSplit.Config.defaults(42));
        boolean[] train = new boolean[table.size()];
        for (int i = 0; i < train.length; i++) {
            train[i] = p.split()[i] == Splits.TRAIN;
        }
        FeatureScaler expected = FeatureScaler.fit(table.rawRows(), train);
        assertEquals(java.util.Arrays.toString(expected.mean()), java.util.Arrays.toString(p.scaler().mean()));
        assertEquals(java.util.Arrays.toString(expected.std()), java.util.Arrays.toString(p.scaler().std()));
        boolean[] all = new boolean[table.size()];
        java.util.Arrays.fill(all, true);
        assertTrue(!java.util.Arrays.equals(FeatureScaler.fit(table.rawRows(), all).mean(), p.scaler().mean()));
    }

    @Test
    void preparationIsDeterministic() {
        PreparedSplit a = PreparedSplit.prepare(table, Protocol.RANDOM_SPLIT, PreparedSplit.Config.defaults(7));
        PreparedSplit b = PreparedSplit.prepare(table, Protocol.RANDOM_SPLIT, PreparedSplit.Config.defaults(7));
        assertTrue(java.util.Arrays.equals(a.split(), b.split()));
    }
}
