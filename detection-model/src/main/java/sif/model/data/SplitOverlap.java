package sif.model.data;

import java.util.HashSet;
import java.util.Set;

/**
 * How much of a test part a model could have memorised: test anchors whose flow (its 76 scaled inputs)
 * equals a training anchor's, and test sequences equal, row for row, to a training sequence. A split can be
 * free of leakage (no test flow inside any training sequence) and still hold such repeats: CICIDS2017 has
 * many bit-identical flows (single-probe scans). Values are compared through a 64-bit hash of their bits.
 *
 * @param testPerClass        test anchors per class
 * @param sameFlowPerClass    of those, anchors whose flow equals a training anchor's flow
 * @param sameSequence        test sequences equal to a training sequence (all classes)
 */
public record SplitOverlap(int[] testPerClass, int[] sameFlowPerClass, int sameSequence) {

    /** The overlap of {@code test} with {@code train}, for {@code classes} classes. */
    public static SplitOverlap of(SequenceSet train, SequenceSet test, int classes) {
        Set<Long> trainFlows = new HashSet<>();
        Set<Long> trainSequences = new HashSet<>();
        for (int k = 0; k < train.size(); k++) {
            trainFlows.add(hash(train.lastFlow(k), FNV_OFFSET));
            trainSequences.add(sequenceHash(train, k));
        }
        int[] perClass = new int[classes];
        int[] sameFlow = new int[classes];
        int sameSequence = 0;
        for (int k = 0; k < test.size(); k++) {
            int c = test.label(k);
            perClass[c]++;
            if (trainFlows.contains(hash(test.lastFlow(k), FNV_OFFSET))) {
                sameFlow[c]++;
            }
            if (trainSequences.contains(sequenceHash(test, k))) {
                sameSequence++;
            }
        }
        return new SplitOverlap(perClass, sameFlow, sameSequence);
    }

    /** Test anchors in all. */
    public int test() {
        return java.util.Arrays.stream(testPerClass).sum();
    }

    /** Test anchors whose flow equals a training anchor's, in all. */
    public int sameFlow() {
        return java.util.Arrays.stream(sameFlowPerClass).sum();
    }

    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    private static long sequenceHash(SequenceSet set, int k) {
        int[] rows = set.sequence(k);
        long h = FNV_OFFSET ^ rows.length;
        for (int row : rows) {
            h = hash(set.row(row), h);
        }
        return h;
    }

    private static long hash(float[] values, long h) {
        for (float v : values) {
            int bits = Float.floatToIntBits(v);
            for (int b = 0; b < 4; b++) {
                h ^= (bits >>> (8 * b)) & 0xff;
                h *= FNV_PRIME;
            }
        }
        return h;
    }
}
