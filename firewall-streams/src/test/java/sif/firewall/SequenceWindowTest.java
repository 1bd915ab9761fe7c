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
        float[][] rows = SequenceWindow.features(s);
        assertEquals(2f, rows[0][0]);
        assertEquals(11f, rows[9][0]);
        assertEquals(1f, rows[9][76]);
        assertEquals(1011, SequenceWindow.newestTime(s));
    }

    @Test
    void tenFlowsFitInFourKilobytes() {
        byte[] s = null;
        for (int i = 0; i < 10; i++) {
            s = SequenceWindow.append(s, i, f(i), 10, 60_000);
        }
        assertEquals(2 + 10 * (8 + 77 * 4), s.length);
        assertTrue(s.length <= 4096);
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
        assertThrows(IllegalArgumentException.class, () -> SequenceWindow.count(new byte[] {1, 2, 0, 0}));
        assertThrows(IllegalArgumentException.class, () -> SequenceWindow.append(null, 0, new float[3], 10, 1));
    }
}
