package sif.firewall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link StoreSweep} over a real (in-memory) key-value store; the punctuators' own tests run it over
 * the firewall's RocksDB stores behind the record cache (TrustOutputsTest, FirewallTopologyTest,
 * ZeroTrustStepTest).
 */
class StoreSweepTest {

    private KeyValueStore<String, Integer> store;

    @BeforeEach
    void open() {
        MockProcessorContext<String, String> context = new MockProcessorContext<>();
        store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("sweep-test"), Serdes.String(),
                Serdes.Integer()).withLoggingDisabled().build();
        store.init(context.getStateStoreContext(), store);
    }

    private void fill(String... keys) {
        for (String k : keys) {
            store.put(k, k.hashCode());
        }
    }

    private static List<String> slice(StoreSweep sweep, KeyValueStore<String, Integer> store) {
        List<String> seen = new ArrayList<>();
        int n = sweep.next(store, (k, v) -> {
            assertEquals(k.hashCode(), v, "the value stored under " + k);
            seen.add(k);
        });
        assertEquals(seen.size(), n, "the count returned is the entries visited");
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

    private KeyValueStore<String, Integer> emptied() {
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

    /** A wrapped slice stops before the key its call started after: no key twice in one call. */
    @Test
    void aWrappedSliceNeverVisitsAKeyTwice() {
        fill("a", "b", "c", "d", "e");
        StoreSweep sweep = new StoreSweep(4);
        assertEquals(List.of("a", "b", "c", "d"), slice(sweep, store));
        assertEquals(List.of("e", "a", "b", "c"), slice(sweep, store));
        store.delete("a");
        store.delete("b");
        // after c: d, e, then from the first key up to c, not including it
        assertEquals(List.of("d", "e"), slice(sweep, store));
        assertEquals(List.of("c", "d", "e"), slice(sweep, store));
    }

    /** What the punctuators do between calls: delete what they found (the cursor's key too), others add. */
    @Test
    void keysDeletedOrAddedBetweenCallsDoNotLoseThePlace() {
        fill("a", "b", "c", "d", "e", "f");
        StoreSweep sweep = new StoreSweep(2);
        assertEquals(List.of("a", "b"), slice(sweep, store));
        store.delete("b"); // the key the next call starts after
        store.put("bb", "bb".hashCode()); // added ahead of the place
        store.put("0", "0".hashCode()); // added behind it: seen when the sweep comes round
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
                StoreSweep sweep = new StoreSweep(max);
                List<String> seen = new ArrayList<>();
                while (seen.size() < 3 * n) {
                    List<String> one = slice(sweep, store);
                    assertEquals(Math.min(n, max), one.size(), "n=" + n + " max=" + max);
                    seen.addAll(one);
                }
                for (int pass = 0; pass < 3; pass++) {
                    assertEquals(keys.stream().sorted().toList(),
                            seen.subList(pass * n, (pass + 1) * n).stream().sorted().toList(),
                            "pass " + pass + ", n=" + n + " max=" + max);
                }
            }
        }
    }

    @Test
    void aSliceTakesAtLeastOneEntry() {
        assertThrows(IllegalArgumentException.class, () -> new StoreSweep(0));
    }
}
