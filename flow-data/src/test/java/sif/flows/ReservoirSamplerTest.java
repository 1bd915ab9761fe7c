package sif.flows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ReservoirSamplerTest {

    @Test
    void capsEachClassAndKeepsOfferOrder() {
        ReservoirSampler<Integer> s = new ReservoirSampler<>(3, 10, 42);
        for (int i = 0; i < 1000; i++) {
            s.offer(i % 10 == 0 ? 1 : 0, i); // class 1: 100 items, class 0: 900
        }
        s.offer(2, -1);
        assertEquals(10, s.kept(0));
        assertEquals(10, s.kept(1));
        assertEquals(1, s.kept(2));
        assertEquals(900, s.seen(0));
        assertEquals(100, s.seen(1));
        assertEquals(1001, s.offered());
        List<ReservoirSampler.Sampled<Integer>> all = s.sample();
        assertEquals(21, all.size());
        for (int i = 1; i < all.size(); i++) {
            assertTrue(all.get(i).sequence() > all.get(i - 1).sequence());
        }
        for (ReservoirSampler.Sampled<Integer> x : all) {
            if (x.item() >= 0) {
                assertEquals(x.item().longValue(), x.sequence(), "sequence = offer position");
                assertEquals(x.item() % 10 == 0 ? 1 : 0, x.classIndex());
            }
        }
    }

    @Test
    void smallClassesAreKeptWhole() {
        ReservoirSampler<Integer> s = new ReservoirSampler<>(2, 50, 1);
        for (int i = 0; i < 30; i++) {
            s.offer(1, i);
        }
        assertEquals(30, s.sample(1).size());
        assertEquals(0, s.sample(1).get(0).item());
    }

    @Test
    void deterministicForASeed() {
        assertEquals(run(7), run(7));
        assertTrue(!run(7).equals(run(8)));
    }

    @Test
    void roughlyUniform() {
        // each of 100 items should be kept with probability 10/100; over 2000 seeds count item 0 and 99
        int first = 0;
        int last = 0;
        for (long seed = 0; seed < 2000; seed++) {
            List<Integer> kept = run(seed);
            first += kept.contains(0) ? 1 : 0;
            last += kept.contains(99) ? 1 : 0;
        }
        assertTrue(first > 120 && first < 280, "item 0 kept " + first + " of 2000");
        assertTrue(last > 120 && last < 280, "item 99 kept " + last + " of 2000");
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> new ReservoirSampler<>(0, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new ReservoirSampler<>(1, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new ReservoirSampler<String>(2, 1, 1).offer(2, "x"));
    }

    private static List<Integer> run(long seed) {
        ReservoirSampler<Integer> s = new ReservoirSampler<>(1, 10, seed);
        for (int i = 0; i < 100; i++) {
            s.offer(0, i);
        }
        return s.sample().stream().map(ReservoirSampler.Sampled::item).toList();
    }
}
