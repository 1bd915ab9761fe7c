package sif.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import jdk.jfr.Recording;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The allocation summary of a real JFR recording of this JVM, made in the test. */
class JfrAllocationsTest {

    static volatile Object sink;

    @Test
    void sumsSampledBytesByThreadClassAndSifPath(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("alloc.jfr");
        try (Recording r = new Recording()) {
            r.enable(JfrAllocations.EVENT).with("throttle", "1000/ms").withStackTrace();
            r.start();
            Thread t = new Thread(JfrAllocationsTest::allocate, "alloc-probe");
            t.start();
            t.join();
            r.stop();
            r.dump(file);
        }
        JfrAllocations.Summary s = JfrAllocations.summarise(file, 0);
        // sample weights estimate the bytes allocated since the thread's previous sample: about the 64 MB
        assertTrue(s.bytes() >= 32L << 20, "the probe's 64 MB, sampled: " + s.bytes());
        assertEquals(s.bytes(), s.byThread().stream().mapToLong(JfrAllocations.Share::bytes).sum());
        assertEquals(s.bytes(), s.byPath().stream().mapToLong(JfrAllocations.Share::bytes).sum());
        JfrAllocations.Share top = s.byThread().get(0);
        assertEquals("alloc-probe", top.key(), s.byThread().toString());
        assertTrue(top.bytes() >= 32L << 20, top.toString());
        assertTrue(s.byPath().stream().anyMatch(p -> p.key().startsWith("long[] < JfrAllocationsTest.allocate")
                        || p.key().startsWith("[J < JfrAllocationsTest.allocate")), s.byPath().toString());
    }

    private static void allocate() {
        List<long[]> keep = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            keep.add(new long[1 << 17]); // 1 MB each, outside any TLAB: every one is sampled
            sink = keep;
        }
    }
}
