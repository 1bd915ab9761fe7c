package sif.model.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;

/** Assertions shared by the synthetic and the real-data split tests. */
final class SplitInvariants {

    private SplitInvariants() {}

    static String unitOf(FlowTable t, int i, Splits.TemporalUnit unit) {
        return switch (unit) {
            case SOURCE -> t.source(i);
            case SOURCE_CLASS -> t.source(i) + "|" + t.label(i);
            case SOURCE_LABEL -> t.source(i) + "|" + t.originalLabel(i);
        };
    }

    static void assertTemporalInvariants(FlowTable t, PreparedSplit p, Splits.TemporalUnit unit) {
        byte[] split = p.split();
        // per unit: the first validation-or-test flow and the first test flow (table index)
        Map<String, Integer> firstValOrTest = new HashMap<>();
        Map<String, Integer> firstTestOfUnit = new HashMap<>();
        for (int i = 0; i < t.size(); i++) {
            if (split[i] == Splits.VAL || split[i] == Splits.TEST) {
                firstValOrTest.putIfAbsent(unitOf(t, i, unit), i);
            }
            if (split[i] == Splits.TEST) {
                firstTestOfUnit.putIfAbsent(unitOf(t, i, unit), i);
            }
        }
        // 1. no test or validation flow inside any training sequence; its other flows are training
        //    flows or capped (OUT) flows, and every one of them lies before its unit's first
        //    validation or test flow (a capped flow from a unit's validation or test period is no
        //    training context)
        for (int k = 0; k < p.train().size(); k++) {
            int anchor = p.train().anchor(k);
            for (int i : p.train().sequence(k)) {
                assertTrue(split[i] == Splits.TRAIN || split[i] == Splits.OUT,
                        "training sequence of flow " + anchor + " contains validation or test flow " + i);
                assertTrue(i < firstValOrTest.getOrDefault(unitOf(t, i, unit), Integer.MAX_VALUE),
                        "training sequence of flow " + anchor + " contains flow " + i + " of its unit's validation or test period");
                assertTrue(i <= anchor);
                assertEquals(t.source(anchor), t.source(i));
            }
        }
        // 1b. no test flow inside any validation sequence, nor any flow of its unit's test period
        for (int k = 0; k < p.val().size(); k++) {
            int anchor = p.val().anchor(k);
            for (int i : p.val().sequence(k)) {
                assertTrue(split[i] != Splits.TEST, "validation sequence contains test flow " + i);
                assertTrue(i < firstTestOfUnit.getOrDefault(unitOf(t, i, unit), Integer.MAX_VALUE),
                        "validation sequence of flow " + anchor + " contains flow " + i + " of its unit's test period");
                assertTrue(i <= anchor);
                assertEquals(t.source(anchor), t.source(i));
            }
        }
        // 2. per unit, training flows strictly precede (in event order) validation, which precede test
        Map<String, Integer> lastTrain = new HashMap<>();
        Map<String, Integer> firstTest = new HashMap<>();
        Map<String, Integer> firstVal = new HashMap<>();
        Map<String, Integer> lastVal = new HashMap<>();
        for (int i = 0; i < t.size(); i++) {
            String key = unitOf(t, i, unit);
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
