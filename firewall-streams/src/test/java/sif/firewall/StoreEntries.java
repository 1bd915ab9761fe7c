package sif.firewall;

import org.apache.kafka.streams.state.KeyValueStore;

/** What a test reads of a store as a whole. */
public final class StoreEntries {

    private StoreEntries() {
    }

    /** The number of entries in {@code store}, counted by iterating it. */
    public static long count(KeyValueStore<?, ?> store) {
        long n = 0;
        try (var it = store.all()) {
            while (it.hasNext()) {
                it.next();
                n++;
            }
        }
        return n;
    }
}
