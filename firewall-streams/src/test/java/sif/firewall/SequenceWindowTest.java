package sif.firewall;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import sif.flows.FlowFeatures;

class SequenceWindowTest {

    private static float[] f(float first) {
        float[] x = new float[FlowFeatures.COUNT];
        Arrays.fill(x, 1f);
        x[0] = first;
        return x;
    }

    @Test
    void keepsTheLastTFlowsOldestFirst() {
        byte[] s = null;
        for (int i = 0; i < 12; i++) {
            s = SequenceWindow.append(s, 1000L + i, f(i), 10, 60_000);
        }
        assertEquals(10, SequenceWindow.count(s));
        assertArrayEquals(new long[] {1002, 1003, 1004, 1005, 1006, 1007, 1008, 1009, 1010, 1011},
                SequenceWindow.times(s));
        float[][] rows = SequenceWindow.rows(s);
        assertEquals(2f, rows[0][0]);
        assertEquals(11f, rows[9][0]);
        assertEquals(1f, rows[9][76]);
        assertEquals(1011, SequenceWindow.newestTime(s));
    }

    @Test
    void theStoredContextIsTheNewestTMinusOneFlows() {
        byte[] s = null;
        for (int i = 0; i < 10; i++) {
            s = SequenceWindow.append(s, i, new float[76], 7, 10, 60_000);
        }
        assertEquals(8 + 10 * (8 + 76 * 4), s.length);
        byte[] context = SequenceWindow.context(s, 10);
        assertEquals(8 + 9 * (8 + 76 * 4), context.length);
        assertArrayEquals(new long[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, SequenceWindow.times(context));
        assertTrue(SequenceWindow.usable(context, 7, 76));
        // the next flow's sequence is the same from the context as from the full window
        assertArrayEquals(SequenceWindow.append(s, 10, new float[76], 7, 10, 60_000),
                SequenceWindow.append(context, 10, new float[76], 7, 10, 60_000));
        // T = 1 keeps the flow itself (its time drives eviction)
        assertArrayEquals(new long[] {9}, SequenceWindow.times(SequenceWindow.context(s, 1)));
        // nothing to cut: the same array
        byte[] short2 = SequenceWindow.append(null, 1, new float[76], 7, 10, 60_000);
        assertTrue(short2 == SequenceWindow.context(short2, 10));
    }

    @Test
    void rowsOfAnotherFormatOrLayoutAreNotUsable() {
        byte[] s = SequenceWindow.append(null, 1, new float[76], 7, 10, 60_000);
        assertTrue(SequenceWindow.usable(s, 7, 76));
        assertEquals(false, SequenceWindow.usable(s, 8, 76));
        assertEquals(false, SequenceWindow.usable(s, 7, 77));
        byte[] v1 = new byte[2 + 316];
        v1[0] = 1;
        v1[1] = 1;
        assertEquals(false, SequenceWindow.usable(v1, 7, 76));
        var e = assertThrows(IllegalArgumentException.class,
                () -> SequenceWindow.append(s, 2, new float[76], 8, 10, 60_000));
        assertTrue(e.getMessage().contains("another layout"), e.getMessage());
        assertEquals(SequenceWindow.formatId("scaled-76/m1"), SequenceWindow.formatId("scaled-76/m1"));
    }

    @Test
    void dropsFlowsOlderThanMaxAgeBeforeTheNewOne() {
        byte[] s = SequenceWindow.append(null, 0, f(0), 10, 1000);
        s = SequenceWindow.append(s, 500, f(1), 10, 1000);
        s = SequenceWindow.append(s, 1000, f(2), 10, 1000); // 0 is exactly max age old: kept
        assertArrayEquals(new long[] {0, 500, 1000}, SequenceWindow.times(s));
        s = SequenceWindow.append(s, 1501, f(3), 10, 1000); // 0 and 500 are too old
        assertArrayEquals(new long[] {1000, 1501}, SequenceWindow.times(s));
    }

    @Test
    void lateFlowsKeepArrivalOrder() {
        byte[] s = SequenceWindow.append(null, 2000, f(0), 3, 60_000);
        s = SequenceWindow.append(s, 1000, f(1), 3, 60_000);
        assertArrayEquals(new long[] {2000, 1000}, SequenceWindow.times(s));
        assertEquals(2000, SequenceWindow.newestTime(s));
    }

    @Test
    void lengthOneKeepsOnlyTheNewFlow() {
        byte[] s = SequenceWindow.append(null, 1, f(0), 1, 60_000);
        s = SequenceWindow.append(s, 2, f(1), 1, 60_000);
        assertArrayEquals(new long[] {2}, SequenceWindow.times(s));
    }

    @Test
    void corruptBytesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> SequenceWindow.count(new byte[] {9, 0}));
        assertThrows(IllegalArgumentException.class, () -> SequenceWindow.count(new byte[] {2, 2, 0, 76, 0, 0, 0, 0, 1}));
        assertThrows(IllegalArgumentException.class, () -> SequenceWindow.usable(new byte[] {2, 1, 0, 76, 0, 0, 0, 0}, 0, 76));
        assertThrows(IllegalArgumentException.class, () -> SequenceWindow.append(null, 0, new float[0], 10, 1));
    }
}
