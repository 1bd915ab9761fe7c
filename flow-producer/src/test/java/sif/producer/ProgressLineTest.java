package sif.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ProgressLineTest {

    @Test
    void barWithRateAndEta() {
        assertEquals("[#####.....]  50.0%  1,000/2,000 flows  100/s  ETA 0:10",
                ProgressLine.render(1000, 2000, 10_000_000_000L, 0, 10));
    }

    @Test
    void doneAndErrors() {
        assertEquals("[##########] 100.0%  2,000/2,000 flows  200/s  done in 0:10  errors 3",
                ProgressLine.render(2000, 2000, 10_000_000_000L, 3, 10));
    }

    @Test
    void unknownTotal() {
        assertEquals("7,200 flows  2/s  elapsed 1:00:00", ProgressLine.render(7200, -1, 3_600_000_000_000L, 0, 10));
        assertEquals("[..........]   0.0%  0/5 flows  0/s  ETA --:--", ProgressLine.render(0, 5, 0, 0, 10));
    }
}
