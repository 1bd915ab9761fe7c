package sif.model.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;
import sif.flows.ClassMapping;
import sif.flows.FlowFeatures;
import sif.flows.FlowRecord;

/**
 * The per-class cap thins out the anchors, not the history: flows it drops ({@link Splits#OUT}) stay
 * sequence context (temporal split: of the sequences allowed to see their unit's period), and the
 * leakage guarantees of the temporal split still hold with the cap active.
 */
class CapContextTest {

    static FlowRecord flow(String src, long timeMs, String label, long line) {
        double[] f = new double[FlowFeatures.COUNT];
        java.util.Arrays.fill(f, line);
        return new FlowRecord("id" + line, src, 1000, "10.0.0.1", 80, 6, timeMs, f, label, "a.csv", line);
    }

    /** One host, 1,000 BENIGN flows one second apart. */
    static FlowTable oneHost() {
        FlowTable.Builder b = new FlowTable.Builder(ClassMapping.FIVE);
        for (int i = 0; i < 1000; i++) {
            b.add(flow("192.168.10.5", 1_000L * i, "BENIGN", i + 2));
        }
        return b.build();
    }

    static PreparedSplit prepare(FlowTable t, Protocol protocol, Splits.TemporalUnit unit, int cap) {
        return PreparedSplit.prepare(t, protocol, new PreparedSplit.Config(10, 0.2, 0.125, unit, cap, 42));
    }

    /** Every sequence of {@code set} is the source's consecutive table rows up to its anchor. */
    static void assertConsecutive(SequenceSet set, String what) {
        assertTrue(set.size() > 0, what + ": no sequences");
        for (int k = 0; k < set.size(); k++) {
            int anchor = set.anchor(k);
            int[] s = set.sequence(k);
            assertEquals(Math.min(10, anchor + 1), s.length, what + " sequence of flow " + anchor + " length");
            for (int j = 0; j < s.length; j++) {
                assertEquals(anchor - (s.length - 1) + j, s[j],
                        what + " sequence of flow " + anchor + " skips flows dropped by the cap");
            }
        }
    }

    @Test
    void cappedFlowsStayContextOfTemporalTrainingAndValidationSequences() {
        FlowTable t = oneHost();
        PreparedSplit p = prepare(t, Protocol.TEMPORAL_SPLIT, Splits.TemporalUnit.SOURCE_CLASS, 50);
        int out = Splits.indicesOf(p.split(), Splits.OUT).length;
        assertEquals(950, out);
        assertEquals(35 + 5 + 10, p.train().size() + p.val().size() + p.test().size());
        // before the fix a training sequence of this host spanned ~150 rows (the 9 previous *kept* flows)
        assertConsecutive(p.train(), "training");
        assertConsecutive(p.val(), "validation");
        assertConsecutive(p.test(), "test");
        SplitInvariants.assertTemporalInvariants(t, p, Splits.TemporalUnit.SOURCE_CLASS);
    }

    @Test
    void randomSplitKeepsEveryFlowAsContext() {
        FlowTable t = oneHost();
        PreparedSplit p = prepare(t, Protocol.RANDOM_SPLIT, Splits.TemporalUnit.SOURCE_CLASS, 50);
        assertConsecutive(p.train(), "training");
        assertConsecutive(p.val(), "validation");
        assertConsecutive(p.test(), "test");
    }

    /**
     * One host with BENIGN flows all along and a DDoS burst in the middle, both capped. Per source and
     * class, the DDoS unit's validation and test periods end long before the BENIGN training period,
     * so capped DDoS flows of those periods lie between BENIGN training anchors: they must not become
     * training (or, for the test period, validation) context, while capped flows of the training
     * periods must.
     */
    @Test
    void cappedFlowsOfAUnitsValidationOrTestPeriodAreNoTrainingContext() {
        FlowTable.Builder b = new FlowTable.Builder(ClassMapping.FIVE);
        long line = 2;
        for (int i = 0; i < 1000; i++) {
            b.add(flow("192.168.10.5", 1_000L * i, "BENIGN", line++));
        }
        for (int i = 0; i < 400; i++) {
            b.add(flow("192.168.10.5", 100_000L + 1_000L * i + 500, "DDoS", line++));
        }
        b.add(flow("192.168.10.9", 5_000L, "BENIGN", line++));
        FlowTable t = b.build();
        for (Splits.TemporalUnit unit : Splits.TemporalUnit.values()) {
            PreparedSplit p = prepare(t, Protocol.TEMPORAL_SPLIT, unit, 60);
            SplitInvariants.assertTemporalInvariants(t, p, unit);
            byte[] period = Splits.temporalPeriods(t, p.split(), unit);
            int outInTraining = 0;
            int outLaterPeriodsSkipped = 0;
            for (int k = 0; k < p.train().size(); k++) {
                int[] s = p.train().sequence(k);
                for (int i : s) {
                    if (p.split()[i] == Splits.OUT) {
                        outInTraining++;
                    }
                }
                for (int i = s[0]; i < s[s.length - 1]; i++) {
                    if (t.source(i).equals(t.source(s[0])) && period[i] != Splits.TRAIN) {
                        outLaterPeriodsSkipped++;
                    }
                }
                // the sequence is the consecutive history of the source's training-period flows
                IntPredicate ctx = i -> period[i] == Splits.TRAIN && t.source(i).equals(t.source(s[0]));
                int prev = s[0];
                for (int j = 1; j < s.length; j++) {
                    for (int i = prev + 1; i < s[j]; i++) {
                        assertTrue(!ctx.test(i), unit + ": training sequence skips training-period flow " + i);
                    }
                    prev = s[j];
                }
            }
            assertTrue(outInTraining > 0, unit + ": capped flows of the training period are context");
            if (unit == Splits.TemporalUnit.SOURCE_CLASS) {
                assertTrue(outLaterPeriodsSkipped > 0,
                        "the case under test: DDoS validation/test-period flows lie inside BENIGN training sequences' span");
            }
        }
    }
}
