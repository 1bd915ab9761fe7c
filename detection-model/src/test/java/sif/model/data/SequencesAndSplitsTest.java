package sif.model.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import sif.flows.ClassMapping;
import sif.flows.FlowFeatures;
import sif.flows.FlowRecord;

class SequencesAndSplitsTest {

    static FlowRecord flow(String src, long minute, String label, String file, long line, double v) {
        double[] f = new double[FlowFeatures.COUNT];
        java.util.Arrays.fill(f, v);
        return new FlowRecord("id" + line, src, 1000, "10.0.0.1", 80, 6, minute * 60_000L, f, label, file, line);
    }

    /** Two sources interleaved, records added out of order. */
    static FlowTable table() {
        FlowTable.Builder b = new FlowTable.Builder(ClassMapping.FIVE);
        List<FlowRecord> rs = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            rs.add(flow("192.168.1.1", i, "BENIGN", "a.csv", i + 2, i));
            rs.add(flow("172.16.0.1", i, i < 15 ? "PortScan" : "DDoS", "b.csv", i + 2, 100 + i));
        }
        java.util.Collections.reverse(rs);
        rs.forEach(b::add);
        return b.build();
    }

    @Test
    void tableIsInEventTimeOrderWithFileOrderBreakingTies() {
        FlowTable t = table();
        assertEquals(60, t.size());
        for (int i = 1; i < t.size(); i++) {
            assertTrue(t.time(i - 1) <= t.time(i));
        }
        // same minute: b.csv was seen first (records were added reversed), then a.csv
        assertEquals("b.csv", t.file(0));
        assertEquals("a.csv", t.file(1));
        assertEquals(List.of("BENIGN", "DDoS", "DoS", "PortScan", "Other"), t.classNames());
    }

    @Test
    void sequencesAreTheLastTFlowsOfTheSameSourceOldestFirst() {
        FlowTable t = table();
        int[][] seq = SequenceBuilder.build(t, 10, i -> true, i -> true);
        for (int i = 0; i < t.size(); i++) {
            int[] s = seq[i];
            assertEquals(i, s[s.length - 1]);
            for (int k = 0; k < s.length; k++) {
                assertEquals(t.source(i), t.source(s[k]));
                if (k > 0) {
                    assertTrue(s[k - 1] < s[k]);
                }
            }
        }
        // the third flow of a source has a sequence of 3; later ones are capped at 10
        int third = -1;
        int seen = 0;
        for (int i = 0; i < t.size() && third < 0; i++) {
            if (t.source(i).equals("192.168.1.1") && ++seen == 3) {
                third = i;
            }
        }
        assertEquals(3, seq[third].length);
        assertEquals(10, seq[t.size() - 1].length);
        int[][] only = SequenceBuilder.build(t, 10, i -> i == 5, i -> false);
        assertArrayEquals(new int[] {5}, only[5]);
        assertNull(only[4]);
    }

    @Test
    void paddingIsOnTheLeftWithZeros() {
        FlowTable t = table();
        boolean[] all = new boolean[t.size()];
        java.util.Arrays.fill(all, true);
        FeatureScaler s = FeatureScaler.fit(t.rawRows(), all);
        float[][] scaled = new float[t.size()][];
        for (int i = 0; i < t.size(); i++) {
            scaled[i] = s.transform(t.raw(i));
        }
        int[][] seq = SequenceBuilder.build(t, 4, i -> true, i -> true);
        SequenceSet set = new SequenceSet(scaled, seq, new int[] {0, 2}, t.labels(), 4);
        float[] buf = new float[2 * 4 * FeatureScaler.INPUTS];
        set.fill(new int[] {0, 1}, 0, 2, buf);
        int f = FeatureScaler.INPUTS;
        for (int j = 0; j < 3 * f; j++) {
            assertEquals(0f, buf[j], "first item: three padding rows");
        }
        assertEquals(scaled[0][0], buf[3 * f]);
        assertEquals(scaled[2][7], buf[(4 + 3) * f + 7]);
    }

    @Test
    void temporalSplitPutsTrainingBeforeTestPerUnitAndKeepsTestFlowsOutOfTrainingSequences() {
        FlowTable t = table();
        PreparedSplit p = PreparedSplit.prepare(t, Protocol.TEMPORAL_SPLIT, PreparedSplit.Config.defaults(1));
        SplitInvariants.assertTemporalInvariants(t, p, Splits.TemporalUnit.SOURCE_CLASS);
        // per unit of 15 or 30 flows: 20% test
        assertEquals(3 + 3 + 6, p.test().size());
    }

    @Test
    void strictPerSourceUnitCutsEachSourceOnce() {
        FlowTable t = table();
        PreparedSplit.Config c = new PreparedSplit.Config(10, 0.2, 0.125, Splits.TemporalUnit.SOURCE, 50_000, 1);
        PreparedSplit p = PreparedSplit.prepare(t, Protocol.TEMPORAL_SPLIT, c);
        SplitInvariants.assertTemporalInvariants(t, p, Splits.TemporalUnit.SOURCE);
        for (int k = 0; k < p.test().size(); k++) {
            int i = p.test().anchor(k);
            if (t.source(i).equals("172.16.0.1")) {
                assertEquals(1, t.label(i), "only the last (DDoS) flows of the attacker are test under a per-source cut");
            }
        }
    }

    @Test
    void perLabelUnitCutsEachAttackSubTypeOfAClassInTime() {
        // one attacker, class Other: 21 XSS flows, then 9 SQL injection flows (the order of the real Thursday rows)
        FlowTable.Builder b = new FlowTable.Builder(ClassMapping.FIVE);
        for (int i = 0; i < 30; i++) {
            b.add(flow("172.16.0.1", i, i < 21 ? "Web Attack \u2013 XSS" : "Web Attack \u2013 Sql Injection", "w.csv", i + 2, i));
        }
        FlowTable t = b.build();
        assertEquals("Web Attack \u2013 Sql Injection", t.originalLabel(29));
        for (Splits.TemporalUnit unit : List.of(Splits.TemporalUnit.SOURCE_CLASS, Splits.TemporalUnit.SOURCE_LABEL)) {
            PreparedSplit p = PreparedSplit.prepare(t, Protocol.TEMPORAL_SPLIT,
                    new PreparedSplit.Config(10, 0.2, 0.125, unit, 50_000, 1));
            SplitInvariants.assertTemporalInvariants(t, p, unit);
            long sqliTrain = 0;
            long sqliTest = 0;
            for (int k = 0; k < p.train().size(); k++) {
                sqliTrain += t.originalLabel(p.train().anchor(k)).contains("Sql") ? 1 : 0;
            }
            for (int k = 0; k < p.test().size(); k++) {
                sqliTest += t.originalLabel(p.test().anchor(k)).contains("Sql") ? 1 : 0;
            }
            if (unit == Splits.TemporalUnit.SOURCE_CLASS) {
                assertEquals(0, sqliTrain, "per class, the sub-type that comes last is never trained on");
                assertEquals(6, sqliTest);
            } else {
                assertEquals(6, sqliTrain, "per label: the first part of the SQL injection flows trains");
                assertEquals(2, sqliTest);
            }
        }
    }

    @Test
    void randomSplitIsStratifiedAndSeeded() {
        FlowTable t = table();
        byte[] a = Splits.random(t, Splits.capPerClass(t, 0, 3), 0.2, 0.125, 3);
        byte[] b = Splits.random(t, Splits.capPerClass(t, 0, 3), 0.2, 0.125, 3);
        assertArrayEquals(a, b);
        int benignTest = 0;
        for (int i = 0; i < t.size(); i++) {
            if (a[i] == Splits.TEST && t.label(i) == 0) {
                benignTest++;
            }
        }
        assertEquals(6, benignTest);
    }

    @Test
    void capUndersamplesPerClass() {
        FlowTable t = table();
        boolean[] keep = Splits.capPerClass(t, 10, 5);
        int[] perClass = new int[5];
        for (int i = 0; i < t.size(); i++) {
            if (keep[i]) {
                perClass[t.label(i)]++;
            }
        }
        assertArrayEquals(new int[] {10, 10, 0, 10, 0}, perClass);
    }

    @Test
    void rowsWithoutIpOrTimeFallBackToFileOrderSequences() {
        FlowTable.Builder b = new FlowTable.Builder(ClassMapping.FIVE);
        double[] f = new double[FlowFeatures.COUNT];
        for (int i = 0; i < 5; i++) {
            b.add(new FlowRecord("x" + i, null, -1, null, 80, -1, -1, f, "BENIGN", "mlcve.csv", i + 2));
        }
        FlowTable t = b.build();
        assertTrue(t.isFallback(0));
        assertEquals("file:mlcve.csv", t.source(3));
        int[][] seq = SequenceBuilder.build(t, 3, i -> true, i -> true);
        assertArrayEquals(new int[] {2, 3, 4}, seq[4]);
        assertEquals(6L, t.line(4));
    }
}
