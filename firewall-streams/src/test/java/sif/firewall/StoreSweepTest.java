package sif.firewall;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sif.firewall.trust.ZeroTrustProcessor;

/**
 * {@link StoreSweep} over the store stack the firewall builds for its per-source stores (metered,
 * record cache, changelog, RocksDB: {@link ZeroTrustProcessor#sourceStore()}), in a
 * {@link TopologyTestDriver}; the punctuators' own tests run it through their processors
 * (TrustOutputsTest, ZeroTrustStepTest, FirewallTopologyTest).
 */
class StoreSweepTest {

    @TempDir
    Path stateDir;
    private TopologyTestDriver driver;
    private KeyValueStore<String, byte[]> store;

    @BeforeEach
    void open() {
        if (driver != null) {
            driver.close();
        }
        Topology t = new Topology();
        t.addSource("in", Serdes.String().deserializer(), Serdes.String().deserializer(), "in");
        t.addProcessor("owner", () -> new Processor<String, String, Void, Void>() {
            @Override
            public void process(Record<String, String> r) {
            }
        }, "in");
        t.addStateStore(ZeroTrustProcessor.sourceStore(), "owner");
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "sweep-test");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "dummy:9092");
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.resolve("s" + System.nanoTime()).toString());
        driver = new TopologyTestDriver(t, p);
        store = driver.getKeyValueStore(ZeroTrustProcessor.SOURCE_STORE);
    }

    @AfterEach
    void close() {
        driver.close();
    }

    private void fill(String... keys) {
        for (String k : keys) {
            store.put(k, k.getBytes(StandardCharsets.UTF_8));
        }
    }

    private static List<String> slice(StoreSweep sweep, KeyValueStore<String, byte[]> store) {
        List<String> seen = new ArrayList<>();
        int n = sweep.next(store, (k, v) -> {
            assertArrayEquals(k.getBytes(StandardCharsets.UTF_8), v, "the value stored under " + k);
            seen.add(k);
        });
        assertEquals(seen.size(), n, "the count returned is the entries visited");
        assertEquals(seen.size(), new HashSet<>(seen).size(), "no key twice in one call: " + seen);
        return seen;
    }

    @Test
    void aStoreNoLargerThanASliceIsVisitedWholeAtEveryCall() {
        fill("10.0.0.3", "10.0.0.1", "10.0.0.2");
        StoreSweep sweep = new StoreSweep(3);
        for (int i = 0; i < 3; i++) {
            assertEquals(List.of("10.0.0.1", "10.0.0.2", "10.0.0.3"), slice(sweep, store));
        }
        assertEquals(List.of(), slice(new StoreSweep(5), emptied()));
    }

    private KeyValueStore<String, byte[]> emptied() {
        for (String k : List.of("10.0.0.1", "10.0.0.2", "10.0.0.3")) {
            store.delete(k);
        }
        return store;
    }

    /** Ten keys, three per call: round robin in key order, each call as full as the store allows. */
    @Test
    void aLargerStoreIsVisitedInSlicesRoundRobin() {
        fill("a", "b", "c", "d", "e", "f", "g", "h", "i", "j");
        StoreSweep sweep = new StoreSweep(3);
        assertEquals(List.of("a", "b", "c"), slice(sweep, store));
        assertEquals(List.of("d", "e", "f"), slice(sweep, store));
        assertEquals(List.of("g", "h", "i"), slice(sweep, store));
        assertEquals(List.of("j", "a", "b"), slice(sweep, store), "from the end on to the first keys");
        assertEquals(List.of("c", "d", "e"), slice(sweep, store));
    }

    @Test
    void aSliceEndingAtTheLastKeyIsFollowedByOneFromTheFirst() {
        fill("a", "b", "c", "d");
        StoreSweep sweep = new StoreSweep(2);
        assertEquals(List.of("a", "b"), slice(sweep, store));
        assertEquals(List.of("c", "d"), slice(sweep, store));
        assertEquals(List.of("a", "b"), slice(sweep, store));
    }

    /**
     * A wrapped slice goes on to the key its call started after, and no further: no key twice in one
     * call, and a store that shrank to a slice or less is visited whole (the punctuation before may just
     * have deleted what it found).
     */
    @Test
    void aWrappedSliceVisitsNoKeyTwiceAndAShrunkStoreWhole() {
        fill("a", "b", "c", "d", "e");
        StoreSweep sweep = new StoreSweep(4);
        assertEquals(List.of("a", "b", "c", "d"), slice(sweep, store));
        assertEquals(List.of("e", "a", "b", "c"), slice(sweep, store));
        store.delete("a");
        store.delete("b");
        // after c: d, e, then from the first key up to c
        assertEquals(List.of("d", "e", "c"), slice(sweep, store));
        assertEquals(List.of("d", "e", "c"), slice(sweep, store));
    }

    /** What the punctuators do between calls: delete what they found (the cursor's key too), others add. */
    @Test
    void keysDeletedOrAddedBetweenCallsDoNotLoseThePlace() {
        fill("a", "b", "c", "d", "e", "f");
        StoreSweep sweep = new StoreSweep(2);
        assertEquals(List.of("a", "b"), slice(sweep, store));
        store.delete("b"); // the key the next call starts after
        fill("bb"); // added ahead of the place
        fill("0"); // added behind it: seen when the sweep comes round
        assertEquals(List.of("bb", "c"), slice(sweep, store));
        assertEquals(List.of("d", "e"), slice(sweep, store));
        assertEquals(List.of("f", "0"), slice(sweep, store));
        assertEquals(List.of("a", "bb"), slice(sweep, store));
    }

    /** Every call visits min(n, max) entries, and each n visits in a row are every key once, whatever n and max. */
    @Test
    void everyKeyOncePerPass() {
        for (int n = 1; n <= 12; n++) {
            for (int max = 1; max <= 13; max++) {
                open();
                List<String> keys = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    keys.add(String.format("10.0.%d.%d", i / 5, i % 5));
                }
                fill(keys.toArray(String[]::new));
                assertThreePassesGoRound(keys, max);
            }
        }
    }

    /**
     * Slices of {@code max} over the store holding exactly {@code keys}: each call visits min(n, max)
     * entries, and each of the first three runs of n visits is every key once.
     */
    private void assertThreePassesGoRound(List<String> keys, int max) {
        int n = keys.size();
        StoreSweep sweep = new StoreSweep(max);
        List<String> seen = new ArrayList<>();
        while (seen.size() < 3 * n) {
            List<String> one = slice(sweep, store);
            assertEquals(Math.min(n, max), one.size(), "n=" + n + " max=" + max + ": " + one);
            seen.addAll(one);
        }
        for (int pass = 0; pass < 3; pass++) {
            assertEquals(keys.stream().sorted().toList(),
                    seen.subList(pass * n, (pass + 1) * n).stream().sorted().toList(),
                    "pass " + pass + ", n=" + n + " max=" + max);
        }
    }

    /**
     * Keys in RocksDB and keys only in the record cache, one deleted in the cache over a RocksDB value,
     * IPv6 and alert-store ({@code ip|class}) keys, and keys whose UTF-8 byte order (the store's) differs
     * from {@link String#compareTo} (U+FFFD against a supplementary character): every slice size goes
     * round all of them (after helper-59's review probe).
     */
    @Test
    void everyKeyOncePerPassWhereverTheKeysAre() {
        List<String> committed = List.of("10.0.0.1", "10.0.0.10", "10.0.0.2", "2001:db8::1", "::1", "\uFFFD",
                "10.0.0.1|DDoS", "zz-deleted");
        List<String> cached = List.of("2001:db8::a", "fe80::1", "10.0.0.1|PortScan", "\uD83D\uDE00", "\u00e9",
                "10.0.0.9");
        fill(committed.toArray(String[]::new));
        driver.advanceWallClockTime(Duration.ZERO); // a commit: the cache is flushed to RocksDB
        fill(cached.toArray(String[]::new)); // dirty in the cache only
        store.delete("zz-deleted"); // a tombstone in the cache over a RocksDB value
        List<String> keys = new ArrayList<>(committed);
        keys.remove("zz-deleted");
        keys.addAll(cached);
        for (int max = 1; max <= keys.size() + 2; max++) {
            assertThreePassesGoRound(keys, max);
        }
    }

    @Test
    void aSliceTakesAtLeastOneEntry() {
        assertThrows(IllegalArgumentException.class, () -> new StoreSweep(0));
    }
}
