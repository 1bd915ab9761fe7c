package sif.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

    @Test
    void percentilesAreExactAtMillisecondResolution() {
        LatencyHistogram h = new LatencyHistogram();
        for (int ms = 1; ms <= 1000; ms++) {
            h.record(ms);
        }
        assertEquals(1000, h.count());
        assertEquals(500, h.percentile(0.50));
        assertEquals(990, h.percentile(0.99));
        assertEquals(999, h.percentile(0.999));
        assertEquals(1000, h.percentile(1.0));
        assertEquals(1000, h.max());
        assertEquals(500.5, h.mean(), 1e-9);
    }

    @Test
    void negativeSamplesCountAsZeroAndHugeOnesOverflow() {
        LatencyHistogram h = new LatencyHistogram();
        h.record(-3);
        h.record(LatencyHistogram.MAX_MS + 5_000);
        assertEquals(1, h.negativeCount());
        assertEquals(0, h.percentile(0.5));
        assertEquals(LatencyHistogram.MAX_MS + 1, h.percentile(1.0));
        h.clear();
        assertEquals(-1, h.percentile(0.99));
        assertThrows(IllegalArgumentException.class, () -> h.percentile(0));
    }
}
