package sif.firewall;

import java.util.function.BiConsumer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * A punctuator's pass over a per-source store, in slices: each {@link #next} visits at most
 * {@code maxEntries} entries in the store's key order, starting after the last key the previous call
 * visited, and goes on from the store's first key when it reaches the end (but not past the key it
 * started at). One punctuation (the blocklist's expiry, alert CLOSE, zero-trust and sequence eviction)
 * therefore holds the stream thread, and the exactly-once transaction it runs in, for a bounded time
 * however many sources a task tracks; the price is that a whole pass over {@code n} entries takes
 * {@code ceil(n / maxEntries)} calls. A store of at most {@code maxEntries} entries is visited whole at
 * every call.
 *
 * <p>Keys written or deleted between calls do no harm: a call starts at the first key after the last
 * one visited, which need not exist any more. The visitor must not write to the store (collect, then
 * write after the call, as the punctuators do). One per processor instance, made in {@code init} (a
 * task re-initialised starts its pass afresh); not thread-safe, like the processor that owns it.
 */
public final class StoreSweep {

    private final int maxEntries;
    /** The last key visited; null: the next call starts at the store's first key. */
    private String after;

    public StoreSweep(int maxEntries) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("a sweep visits at least one entry per call, got " + maxEntries);
        }
        this.maxEntries = maxEntries;
    }

    /** Visits the next slice of {@code store}; returns how many entries it visited. */
    public <V> int next(KeyValueStore<String, V> store, BiConsumer<String, V> visitor) {
        String start = after;
        int visited = 0;
        boolean reachedEnd;
        try (KeyValueIterator<String, V> it = start == null ? store.all() : store.range(start, null)) {
            while (visited < maxEntries && it.hasNext()) {
                KeyValue<String, V> kv = it.next();
                if (kv.key.equals(start)) {
                    continue; // visited by the previous call (range bounds are inclusive)
                }
                visitor.accept(kv.key, kv.value);
                after = kv.key;
                visited++;
            }
            reachedEnd = !it.hasNext();
        }
        if (!reachedEnd) {
            return visited;
        }
        after = null;
        if (start == null || visited == maxEntries) {
            return visited;
        }
        // from the first key on, up to (not including) the key this call started after
        try (KeyValueIterator<String, V> it = store.range(null, start)) {
            while (visited < maxEntries && it.hasNext()) {
                KeyValue<String, V> kv = it.next();
                if (kv.key.equals(start)) {
                    break;
                }
                visitor.accept(kv.key, kv.value);
                after = kv.key;
                visited++;
            }
        }
        return visited;
    }
}
