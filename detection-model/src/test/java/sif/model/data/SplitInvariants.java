package sif.model.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;

/** Assertions shared by the synthetic and the real-data split tests. */
final class SplitInvariants {

    private SplitInvariants() {}

    static void assertTemporalInvariants(FlowTable t, PreparedSplit p, Splits.TemporalUnit unit) {
        byte[] split = p.split();
        // 1. no test (or validation) flow inside any training sequence; training sequences hold training flows only
        for (int k = 0; k < p.train().size(); k++) {
            int anchor = p.train().anchor(k);
            for (int i : p.train().sequence(k)) {
                assertEquals(Splits.TRAIN, split[i], "training sequence of flow " + anchor + " contains non-training flow " + i);
                assertTrue(i <= anchor);
                assertEquals(t.source(anchor), t.source(i));
            }
        }
        for (int k = 0; k < p.val().size(); k++) {
            for (int i : p.val().sequence(k)) {
                assertTrue(split[i] != Splits.TEST, "validation sequence contains test flow " + i);
            }
        }
        // 2. per unit, training flows strictly precede (in event order) validation, which precede test
        Map<String, Integer> lastTrain = new HashMap<>();
        Map<String, Integer> firstTest = new HashMap<>();
        Map<String, Integer> firstVal = new HashMap<>();
        Map<String, Integer> lastVal = new HashMap<>();
        for (int i = 0; i < t.size(); i++) {
            String key = unit == Splits.TemporalUnit.SOURCE ? t.source(i) : t.source(i) + "|" + t.label(i);
            switch (split[i]) {
                case Splits.TRAIN -> lastTrain.merge(key, i, Math::max);
                case Splits.VAL -> {
                    firstVal.merge(key, i, Math::min);
                    lastVal.merge(key, i, Math::max);
                }
                case Splits.TEST -> firstTest.merge(key, i, Math::min);
                default -> { }
            }
        }
        for (var e : firstTest.entrySet()) {
            Integer lt = lastTrain.get(e.getKey());
            if (lt != null) {
                assertTrue(lt < e.getValue(), "unit " + e.getKey() + ": a training flow follows a test flow");
                assertTrue(t.time(lt) <= t.time(e.getValue()));
            }
            Integer lv = lastVal.get(e.getKey());
            if (lv != null) {
                assertTrue(lv < e.getValue(), "unit " + e.getKey() + ": a validation flow follows a test flow");
            }
        }
        for (var e : firstVal.entrySet()) {
            Integer lt = lastTrain.get(e.getKey());
            if (lt != null) {
                assertTrue(lt < e.getValue(), "unit " + e.getKey() + ": a training flow follows a validation flow");
            }
        }
        // 3. every test anchor's sequence ends with itself and looks back only at its own source
        for (int k = 0; k < p.test().size(); k++) {
            int[] s = p.test().sequence(k);
            assertEquals(p.test().anchor(k), s[s.length - 1]);
        }
    }
}
