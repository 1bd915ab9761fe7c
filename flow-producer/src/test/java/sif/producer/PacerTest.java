package sif.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class PacerTest {

    @Test
    void unpacedIsAlwaysDue() {
        Pacer p = new Pacer(0, 0);
        assertFalse(p.paced());
        assertEquals(0, p.dueNanos(0, 1000));
        assertEquals(0, p.dueNanos(1_000_000, 99_000));
    }

    @Test
    void rateSpacesFlowsEvenly() {
        Pacer p = new Pacer(100, 0);
        assertEquals(0, p.dueNanos(0, -1));
        assertEquals(10_000_000, p.dueNanos(1, -1));
        assertEquals(1_000_000_000, p.dueNanos(100, -1));
    }

    @Test
    void speedupFollowsEventTime() {
        Pacer p = new Pacer(0, 60); // one minute of event time per second
        long t0 = 1_499_443_200_000L;
        assertEquals(0, p.dueNanos(0, t0));
        assertEquals(0, p.dueNanos(1, t0));
        assertEquals(1_000_000_000, p.dueNanos(2, t0 + 60_000));
        assertEquals(1_000_000_000, p.dueNanos(3, -1), "no timestamp: due with the previous flow");
        assertEquals(1_000_000_000, p.dueNanos(4, t0 + 30_000), "never earlier than a previous flow");
        assertEquals(26_000_000_000L, p.dueNanos(5, t0 + 26 * 60_000));
    }

    @Test
    void maxGapShortensLongPauses() {
        Pacer p = new Pacer(0, 600, 5_000_000_000L);
        long thu = 1_499_336_100_000L; // 6/7/2017 10:15
        assertEquals(0, p.dueNanos(0, thu));
        assertEquals(100_000_000, p.dueNanos(1, thu + 60_000), "1 min / 600 = 0.1 s");
        long fri = thu + 27 * 3_600_000L;
        assertEquals(5_100_000_000L, p.dueNanos(2, fri), "27 h / 600 = 162 s, shortened to 5 s");
        assertEquals(5_200_000_000L, p.dueNanos(3, fri + 60_000));
    }

    @Test
    void bothTakeTheLater() {
        Pacer p = new Pacer(1, 1000);
        long t0 = 0;
        assertEquals(0, p.dueNanos(0, t0));
        assertEquals(1_000_000_000, p.dueNanos(1, t0), "rate dominates a burst of equal timestamps");
        assertEquals(10_000_000_000L, p.dueNanos(2, t0 + 10_000_000), "speedup dominates a gap");
        // after the gap, flows with the same event time are still 1/N s apart: before, flow 3's i / N (3 s)
        // had passed during the gap, and it went with flow 2, a burst faster than --rate
        assertEquals(11_000_000_000L, p.dueNanos(3, t0 + 10_000_000), "never faster than --rate");
        assertEquals(12_000_000_000L, p.dueNanos(4, t0 + 10_000_000));
    }

    @Test
    void rejectsNegativeAndNonFinite() {
        assertThrows(IllegalArgumentException.class, () -> new Pacer(-1, 0));
        assertThrows(IllegalArgumentException.class, () -> new Pacer(0, Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new Pacer(Double.POSITIVE_INFINITY, 0));
        assertThrows(IllegalArgumentException.class, () -> new Pacer(0, 1, -1));
    }
}
