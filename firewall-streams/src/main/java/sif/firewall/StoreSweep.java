package sif.firewall;

import java.util.function.BiConsumer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * A punctuator's pass over a per-source store, in slices: each {@link #next} visits at most
 * {@code maxEntries} entries in the store's key order, starting after the last key the previous call
 * visited, and goes on from the store's first key when it reaches the end (up to and including the key
 * it started after, so no key twice in one call). One punctuation (the blocklist's expiry, alert CLOSE,
 * zero-trust and sequence eviction) therefore holds the stream thread, and the exactly-once transaction
 * it runs in, for a bounded time however many sources a task tracks; the price is that a whole pass
 * over {@code n} entries takes {@code ceil(n / maxEntries)} calls (more when keys are added ahead of the
 * place meanwhile). A store of at most {@code maxEntries} entries is visited whole at every call, and any
 * {@code n} visits in a row are every key of an unchanged store of {@code n} entries once.
 *
 * <p>Keys written or deleted between calls do no harm: a call starts at the first key after the last
 * one visited, which need not exist any more. The visitor must not write to the store (collect, then
 * write after the call, as the punctuators do). One per processor instance, made with it, so that it
 * keeps its place when the task is re-initialised (an error retried, a corrupted task restored); a task
 * made anew (moved to another thread or instance, a restart) starts at the first key. Not thread-safe,
 * like the processor that owns it.
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
        // from the first key on, up to and including the key this call started after (range bounds are
        // inclusive): the previous call's last key, not yet visited by this one
        try (KeyValueIterator<String, V> it = store.range(null, start)) {
            while (visited < maxEntries && it.hasNext()) {
                KeyValue<String, V> kv = it.next();
                visitor.accept(kv.key, kv.value);
                after = kv.key;
                visited++;
            }
        }
        return visited;
    }
}
