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

    /** The newest rows only, oldest first, in place; as many rows as there are at most. */
    @Test
    void theLastRowsAreCopiedOldestFirst() {
        byte[] s = null;
        for (int i = 0; i < 5; i++) {
            s = SequenceWindow.append(s, i, new float[] {i, -i, i + 0.5f}, 3, 10, 60_000);
        }
        float[][] last = new float[2][3];
        SequenceWindow.lastRowsInto(s, last);
        assertArrayEquals(new float[] {3, -3, 3.5f}, last[0]);
        assertArrayEquals(new float[] {4, -4, 4.5f}, last[1]);
        float[][] all = new float[5][3];
        SequenceWindow.lastRowsInto(s, all);
        assertArrayEquals(SequenceWindow.rows(s), all);
        byte[] full = s;
        assertThrows(IllegalArgumentException.class, () -> SequenceWindow.lastRowsInto(full, new float[6][3]));
        assertThrows(IllegalArgumentException.class, () -> SequenceWindow.lastRowsInto(full, new float[][] {new float[2]}));
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

    /** One flow through the store as the firewall does it: {sequence the model sees, context stored after}. */
    private static byte[][] step(byte[] stored, long t, float first, int maxLength, long maxAgeMs) {
        byte[] sequence = SequenceWindow.append(stored, t, f(first), maxLength, maxAgeMs);
        return new byte[][] {sequence, SequenceWindow.context(stored, sequence, maxLength, maxAgeMs)};
    }

    private static float[] firsts(byte[] s) {
        float[][] rows = SequenceWindow.rows(s);
        float[] out = new float[rows.length];
        for (int i = 0; i < rows.length; i++) {
            out[i] = rows[i][0];
        }
        return out;
    }

    @Test
    void aLateFlowIsClassifiedWithTheFlowsBeforeItAndStoredAtItsPlaceInEventTime() {
        // an exporter emits a flow when it ends, stamped with its start: the flow of 1500 arrives after 2000
        byte[] stored = step(step(null, 1000, 1, 10, 60_000)[1], 2000, 2, 10, 60_000)[1];
        byte[][] late = step(stored, 1500, 3, 10, 60_000);
        assertArrayEquals(new long[] {1000, 1500}, SequenceWindow.times(late[0]), "as trained: flows up to it");
        assertArrayEquals(new long[] {1000, 1500, 2000}, SequenceWindow.times(late[1]));
        assertArrayEquals(new float[] {1, 3, 2}, firsts(late[1]), "each row stays with its time");
        byte[][] next = step(late[1], 2500, 4, 10, 60_000);
        assertArrayEquals(new long[] {1000, 1500, 2000, 2500}, SequenceWindow.times(next[0]));
        // older than every stored flow: classified alone; kept only while among the newest T - 1
        assertArrayEquals(new long[] {500}, SequenceWindow.times(step(stored, 500, 5, 10, 60_000)[0]));
        assertArrayEquals(new long[] {500, 1000, 2000}, SequenceWindow.times(step(stored, 500, 5, 10, 60_000)[1]));
        assertArrayEquals(new long[] {1000, 2000}, SequenceWindow.times(step(stored, 500, 5, 3, 60_000)[1]));
        assertArrayEquals(new long[] {1500, 2000}, SequenceWindow.times(step(stored, 1500, 5, 3, 60_000)[1]));
    }

    @Test
    void equalTimesKeepArrivalOrderAndAgeCountsFromTheNewest() {
        byte[] stored = null;
        for (int i = 1; i <= 3; i++) {
            stored = step(stored, i * 1000L, i, 10, 60_000)[1];
        }
        byte[][] tie = step(stored, 2000, 9, 10, 60_000);
        assertArrayEquals(new float[] {1, 2, 9}, firsts(tie[0]), "after the stored flow of the same time");
        assertArrayEquals(new float[] {1, 2, 9, 3}, firsts(tie[1]));
        // the store keeps nothing older than max age before its newest flow, late flows included
        byte[] far = step(step(null, 1000, 1, 10, 60_000)[1], 70_000, 2, 10, 60_000)[1];
        assertArrayEquals(new long[] {70_000}, SequenceWindow.times(far));
        byte[][] tooOld = step(far, 5_000, 3, 10, 60_000);
        assertArrayEquals(new long[] {5_000}, SequenceWindow.times(tooOld[0]));
        assertArrayEquals(new long[] {70_000}, SequenceWindow.times(tooOld[1]));
        assertArrayEquals(new long[] {10_000, 70_000},
                SequenceWindow.times(step(far, 10_000, 3, 10, 60_000)[1]), "exactly max age: kept");
    }

    @Test
    void aStoreInArrivalOrderIsReadInEventTimeOrder() {
        // what the store held before sequences were kept in event-time order: 2000, then a late 1000
        byte[] first = SequenceWindow.append(null, 2000, f(2), 10, 60_000);
        byte[] late = SequenceWindow.append(null, 1000, f(1), 10, 60_000);
        byte[] legacy = java.util.Arrays.copyOf(first, first.length + late.length - SequenceWindow.HEADER_BYTES);
        System.arraycopy(late, SequenceWindow.HEADER_BYTES, legacy, first.length, late.length - SequenceWindow.HEADER_BYTES);
        legacy[1] = 2; // count
        assertArrayEquals(new long[] {2000, 1000}, SequenceWindow.times(legacy));
        byte[][] next = step(legacy, 3000, 3, 10, 60_000);
        assertArrayEquals(new long[] {1000, 2000, 3000}, SequenceWindow.times(next[0]));
        assertArrayEquals(new float[] {1, 2, 3}, firsts(next[0]));
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
