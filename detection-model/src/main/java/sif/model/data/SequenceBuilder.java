package sif.model.data;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.IntPredicate;

/**
 * Builds per-source sequences: for an anchor flow, the last {@code T} flows of the same source up
 * to and including it, oldest first, in the table's event-time order. Sequences shorter than T
 * (a source's first flows) are padded on the left by the consumer (zero rows after scaling).
 */
public final class SequenceBuilder {

    private SequenceBuilder() {}

    /**
     * @param table    flows in event-time order
     * @param t        sequence length T
     * @param anchors  which flows get a sequence
     * @param context  which flows may appear in a sequence (an anchor is always in its own sequence);
     *                 flows failing it are skipped as if absent, which is how a training sequence
     *                 is kept free of test flows
     * @return {@code result[i]} = indices of the sequence of flow i (oldest first, last = i), or
     *         null when i is not an anchor
     */
    public static int[][] build(FlowTable table, int t, IntPredicate anchors, IntPredicate context) {
        if (t < 1) {
            throw new IllegalArgumentException("sequence length must be >= 1, got " + t);
        }
        int n = table.size();
        int[][] out = new int[n][];
        Map<String, ArrayDeque<Integer>> window = new HashMap<>();
        for (int i = 0; i < n; i++) {
            boolean isAnchor = anchors.test(i);
            boolean inContext = context.test(i);
            if (!isAnchor && !inContext) {
                continue;
            }
            ArrayDeque<Integer> w = window.computeIfAbsent(table.source(i), k -> new ArrayDeque<>());
            if (isAnchor) {
                int keep = Math.min(t - 1, w.size());
                int[] s = new int[keep + 1];
                var it = w.descendingIterator();
                for (int k = keep - 1; k >= 0; k--) {
                    s[k] = it.next();
                }
                s[keep] = i;
                out[i] = s;
            }
            if (inContext) {
                w.addLast(i);
                if (w.size() > t - 1) {
                    w.removeFirst();
                }
            }
        }
        return out;
    }
}
