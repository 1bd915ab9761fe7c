package sif.model.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Assigns every flow of a {@link FlowTable} to train, validation or test (or leaves it out).
 *
 * <ul>
 *   <li>{@link #random}: the paper's protocol: stratified random split per flow (test fraction per
 *       class), validation carved from training the same way. Sequences are built over all flows,
 *       so a test flow's neighbours sit in training sequences: leakage, kept on purpose to
 *       reproduce the paper's setting.</li>
 *   <li>{@link #temporal}: leakage-free. Flows are grouped into units (source IP and class by
 *       default, source IP and original label, or source IP alone); within a unit, in event-time order, the first part goes to
 *       training, then validation, the last part to test, so training flows strictly precede the
 *       unit's validation and test flows. Sequences are then built so that a training sequence
 *       contains no validation or test flow (nor a capped flow lying in its unit's validation or
 *       test period, see {@link #temporalPeriods}).</li>
 * </ul>
 */
public final class Splits {

    public static final byte OUT = -1;
    public static final byte TRAIN = 0;
    public static final byte VAL = 1;
    public static final byte TEST = 2;

    /** What groups flows into units for the temporal split. */
    public enum TemporalUnit {
        /** Per source IP and class (default): each class of each source is cut in time. */
        SOURCE_CLASS,
        /** Per source IP: one time cut per source, over all its classes. */
        SOURCE,
        /**
         * Per source IP and original CICIDS2017 label: each attack sub-type of each source is cut in
         * time (e.g. SQL injection apart from XSS, though both are class Other).
         */
        SOURCE_LABEL
    }

    private Splits() {}

    /**
     * @param table        flows
     * @param eligible     flows that may be assigned (others stay {@link #OUT}, e.g. dropped by a cap)
     * @param testFraction e.g. 0.2
     * @param valFraction  fraction of the training part moved to validation, e.g. 0.125
     */
    public static byte[] random(FlowTable table, boolean[] eligible, double testFraction, double valFraction, long seed) {
        byte[] split = new byte[table.size()];
        java.util.Arrays.fill(split, OUT);
        Random rnd = new Random(seed);
        Map<Integer, List<Integer>> byClass = new LinkedHashMap<>();
        for (int i = 0; i < table.size(); i++) {
            if (eligible[i]) {
                byClass.computeIfAbsent(table.label(i), k -> new ArrayList<>()).add(i);
            }
        }
        for (List<Integer> idx : byClass.values()) {
            Collections.shuffle(idx, rnd);
            int nTest = (int) Math.round(idx.size() * testFraction);
            int nTrainAll = idx.size() - nTest;
            int nVal = (int) Math.round(nTrainAll * valFraction);
            for (int k = 0; k < idx.size(); k++) {
                split[idx.get(k)] = k < nTest ? TEST : (k < nTest + nVal ? VAL : TRAIN);
            }
        }
        return split;
    }

    /**
     * Temporal split per unit (see class doc). Within each unit of n flows in event-time order:
     * the last round(n * testFraction) are test; of the rest, the last round(rest * valFraction)
     * are validation; the first are training.
     */
    public static byte[] temporal(FlowTable table, boolean[] eligible, double testFraction, double valFraction,
                                  TemporalUnit unit) {
        byte[] split = new byte[table.size()];
        java.util.Arrays.fill(split, OUT);
        Map<String, List<Integer>> units = new LinkedHashMap<>();
        for (int i = 0; i < table.size(); i++) {
            if (eligible[i]) {
                units.computeIfAbsent(unitKey(table, i, unit), k -> new ArrayList<>()).add(i);
            }
        }
        for (List<Integer> idx : units.values()) {
            int n = idx.size();
            int nTest = (int) Math.round(n * testFraction);
            int nTrainAll = n - nTest;
            int nVal = (int) Math.round(nTrainAll * valFraction);
            int nTrain = nTrainAll - nVal;
            for (int k = 0; k < n; k++) {
                split[idx.get(k)] = k < nTrain ? TRAIN : (k < nTrainAll ? VAL : TEST);
            }
        }
        return split;
    }

    /**
     * The period of the temporal cut each flow lies in, for building sequences: an assigned flow's
     * period is its split ({@link #TRAIN}, {@link #VAL} or {@link #TEST}); a flow left {@link #OUT}
     * (dropped by the cap) gets the period of its unit at its place in event-time order:
     * {@link #TEST} once the unit's first test flow has passed, else {@link #VAL} once its first
     * validation flow has passed, else {@link #TRAIN} (also for a unit with no assigned flow).
     *
     * <p>The cap draws its flows at random over the whole capture, so {@code OUT} flows lie among and
     * after a unit's validation and test flows. Per unit, every {@code TRAIN}-period flow precedes
     * the unit's first validation and test flow, and every {@code VAL}-period flow its first test
     * flow; a flow's period only depends on its own unit, as its split does.
     *
     * @param split a {@link #temporal} split of {@code table} with the same {@code unit}
     */
    public static byte[] temporalPeriods(FlowTable table, byte[] split, TemporalUnit unit) {
        byte[] period = new byte[table.size()];
        Map<String, Byte> reached = new java.util.HashMap<>();
        for (int i = 0; i < period.length; i++) {
            String key = unitKey(table, i, unit);
            byte sofar = reached.getOrDefault(key, TRAIN);
            if (split[i] == OUT) {
                period[i] = sofar;
            } else {
                period[i] = split[i];
                if (split[i] > sofar) {
                    reached.put(key, split[i]);
                }
            }
        }
        return period;
    }

    /** The temporal unit of flow {@code i}: its source, its source and class, or its source and label. */
    static String unitKey(FlowTable table, int i, TemporalUnit unit) {
        return switch (unit) {
            case SOURCE -> table.source(i);
            case SOURCE_CLASS -> table.source(i) + "|" + table.label(i);
            case SOURCE_LABEL -> table.source(i) + "|" + table.originalLabel(i);
        };
    }

    /**
     * Per-class cap with random undersampling: at most {@code cap} flows per class stay eligible
     * (become anchors, i.e. are assigned to a split). The dropped flows ({@link #OUT}) remain
     * sequence context: under the random split, of every sequence; under the temporal split, of the
     * sequences allowed to see the period of their unit they lie in ({@link #temporalPeriods}): a
     * training sequence sees dropped flows of the training period, a validation sequence those of
     * the training and validation periods, a test sequence all.
     */
    public static boolean[] capPerClass(FlowTable table, int cap, long seed) {
        boolean[] keep = new boolean[table.size()];
        Map<Integer, List<Integer>> byClass = new LinkedHashMap<>();
        for (int i = 0; i < table.size(); i++) {
            byClass.computeIfAbsent(table.label(i), k -> new ArrayList<>()).add(i);
        }
        Random rnd = new Random(seed ^ 0x5eed5eedL);
        for (List<Integer> idx : byClass.values()) {
            if (cap > 0 && idx.size() > cap) {
                Collections.shuffle(idx, rnd);
                idx = idx.subList(0, cap);
            }
            for (int i : idx) {
                keep[i] = true;
            }
        }
        return keep;
    }

    /** Indices whose split equals {@code which}, in table order. */
    public static int[] indicesOf(byte[] split, byte which) {
        int c = 0;
        for (byte b : split) {
            if (b == which) {
                c++;
            }
        }
        int[] out = new int[c];
        int k = 0;
        for (int i = 0; i < split.length; i++) {
            if (split[i] == which) {
                out[k++] = i;
            }
        }
        return out;
    }
}
