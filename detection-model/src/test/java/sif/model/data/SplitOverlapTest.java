package sif.model.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Identical flows and sequences across a split's cut are counted, per class, exactly. */
class SplitOverlapTest {

    private static float[] row(float v) {
        float[] r = new float[FeatureScaler.INPUTS];
        Arrays.fill(r, v);
        return r;
    }

    @Test
    void countsTestAnchorsAndSequencesSeenInTraining() {
        // table rows 0..5; values: rows 0 and 3 identical (1.0), rows 1 and 4 identical (2.0), 2 and 5 unique
        float[][] scaled = {row(1), row(2), row(3), row(1), row(2), row(-0.0f)};
        int[][] seq = {{0}, {0, 1}, {2}, {3}, {0, 4}, {5}};
        int[] labels = {0, 1, 1, 0, 1, 1};
        SequenceSet train = new SequenceSet(scaled, seq, new int[] {0, 1, 2}, labels, 10);
        SequenceSet test = new SequenceSet(scaled, seq, new int[] {3, 4, 5}, labels, 10);
        SplitOverlap o = SplitOverlap.of(train, test, 2);
        assertArrayEquals(new int[] {1, 2}, o.testPerClass());
        // row 3 = row 0's flow (class 0); row 4 = row 1's flow (class 1); row 5 (-0.0) is not row 2 (3.0)
        assertArrayEquals(new int[] {1, 1}, o.sameFlowPerClass());
        // sequence {3} equals {0} value for value; {0, 4} equals {0, 1}; {5} equals none
        assertEquals(2, o.sameSequence());
        assertEquals(3, o.test());
        assertEquals(2, o.sameFlow());
    }
}
