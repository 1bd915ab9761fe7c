package sif.firewall;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.internals.CacheFlushListener;
import org.apache.kafka.streams.state.internals.CachedStateStore;

/**
 * The pending-batch store ({@value SequenceInferenceProcessor#PENDING_STORE}): flows waiting for,
 * or in, an inference batch, by arrival number. A write-behind layer over a changelogged key-value
 * store (RocksDB by default), written only when Kafka Streams flushes its record caches before a
 * commit ({@link #flushCache}): then every flow still pending is encoded ({@link PendingFlow#encode})
 * and written, so the transaction that commits a flow's input offset also holds the flow. A flow put and deleted between two
 * commits — nearly every flow, since a batch takes a few ms and commits come every 100 ms — is never
 * encoded and leaves nothing behind: no store write, no changelog record, no tombstone. (Behind
 * Kafka Streams' record cache, which this replaces, each such flow cost an encoding, a cache entry
 * and, at the next commit, a store delete and a changelog tombstone.) A flow deleted after a commit
 * wrote it is deleted from the store at once (a tombstone in the changelog).
 *
 * <p>What has not been flushed is lost by {@link #close()} and by a crash, exactly as uncommitted
 * work is: the input offsets of those flows were not committed either, so they are read again.
 * Single-threaded, like every store a stream thread owns.
 *
 * <p>The hook is Kafka Streams' {@link CachedStateStore} interface (package {@code internals}): its
 * commit calls {@code flushCache()} on such stores before flushing the producer and committing, while
 * {@link #flush()} comes only after the commit (to checkpoint). A store that wrote in {@code flush()}
 * would put its flows in the next transaction, and a crash in between would lose them
 * ({@code FirewallCrashIT} saw exactly that); that test and {@code FirewallTopologyTest} (what reaches
 * the changelog, and when) pin the behaviour on the Kafka Streams version in use.
 */
public final class PendingFlowStore implements KeyValueStore<Long, PendingFlow>, CachedStateStore<Long, PendingFlow> {

    private final KeyValueStore<Long, byte[]> inner;
    /** Written since the last flush, in arrival order; not in {@link #inner}. */
    private final LinkedHashMap<Long, PendingFlow> unflushed = new LinkedHashMap<>();

    PendingFlowStore(KeyValueStore<Long, byte[]> inner) {
        this.inner = Objects.requireNonNull(inner, "inner");
    }

    /** The store as the firewall declares it: persistent (RocksDB), changelogged. */
    public static StoreBuilder<PendingFlowStore> builder(String name) {
        return builder(Stores.persistentKeyValueStore(name));
    }

    /** Over another bytes store (e.g. an in-memory one, for tests). */
    public static StoreBuilder<PendingFlowStore> builder(KeyValueBytesStoreSupplier supplier) {
        return new Builder(Stores.keyValueStoreBuilder(supplier, Serdes.Long(), Serdes.ByteArray())
                .withCachingDisabled());
    }

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        unflushed.clear();
        inner.init(context, root);
    }

    /**
     * Writes the flows still pending to the store, and so to its changelog in the current
     * transaction; Kafka Streams calls this before it commits.
     */
    @Override
    public void flushCache() {
        for (Map.Entry<Long, PendingFlow> e : unflushed.entrySet()) {
            inner.put(e.getKey(), e.getValue().encode());
        }
        unflushed.clear();
    }

    /** Drops what no commit wrote (Kafka Streams calls this when it abandons a task's uncommitted work). */
    @Override
    public void clearCache() {
        unflushed.clear();
    }

    /** No flush listener: nothing downstream consumes this store's writes. */
    @Override
    public boolean setFlushListener(CacheFlushListener<Long, PendingFlow> listener, boolean sendOldValues) {
        return false;
    }

    @Override
    public void flush() {
        flushCache();
        inner.flush();
    }

    /** Closes the store; flows not flushed are dropped, as a crash would drop them. */
    @Override
    public void close() {
        unflushed.clear();
        inner.close();
    }

    @Override
    public boolean persistent() {
        return inner.persistent();
    }

    @Override
    public boolean isOpen() {
        return inner.isOpen();
    }

    @Override
    public Position getPosition() {
        return inner.getPosition();
    }

    @Override
    public <R> QueryResult<R> query(Query<R> query, PositionBound positionBound, QueryConfig config) {
        return QueryResult.forUnknownQueryType(query, this);
    }

    /**
     * Stores a flow, or with a null value removes one without reading it back (what the firewall does
     * once a flow is forwarded): from memory when no flush wrote it yet, else from the store.
     */
    @Override
    public void put(Long key, PendingFlow value) {
        Objects.requireNonNull(key, "key");
        if (value != null) {
            unflushed.put(key, value);
        } else if (unflushed.remove(key) == null) {
            inner.put(key, null);
        }
    }

    @Override
    public PendingFlow putIfAbsent(Long key, PendingFlow value) {
        PendingFlow current = get(key);
        if (current == null) {
            put(key, value);
        }
        return current;
    }

    @Override
    public void putAll(List<KeyValue<Long, PendingFlow>> entries) {
        for (KeyValue<Long, PendingFlow> e : entries) {
            put(e.key, e.value);
        }
    }

    /** Removes a flow and returns it, decoded if a flush had written it (see {@link #put} for removal alone). */
    @Override
    public PendingFlow delete(Long key) {
        Objects.requireNonNull(key, "key");
        PendingFlow p = unflushed.remove(key);
        if (p != null) {
            return p;
        }
        byte[] old = inner.delete(key);
        return old == null ? null : PendingFlow.decode(old);
    }

    @Override
    public PendingFlow get(Long key) {
        Objects.requireNonNull(key, "key");
        PendingFlow p = unflushed.get(key);
        if (p != null) {
            return p;
        }
        byte[] stored = inner.get(key);
        return stored == null ? null : PendingFlow.decode(stored);
    }

    @Override
    public KeyValueIterator<Long, PendingFlow> range(Long from, Long to) {
        TreeMap<Long, PendingFlow> merged = new TreeMap<>();
        try (KeyValueIterator<Long, byte[]> it = inner.range(from, to)) {
            it.forEachRemaining(kv -> merged.put(kv.key, PendingFlow.decode(kv.value)));
        }
        unflushed.forEach((k, v) -> {
            if ((from == null || k >= from) && (to == null || k <= to)) {
                merged.put(k, v);
            }
        });
        return new ListIterator(merged);
    }

    /** Every pending flow, flushed or not, in arrival order. */
    @Override
    public KeyValueIterator<Long, PendingFlow> all() {
        return range(null, null);
    }

    @Override
    public long approximateNumEntries() {
        return inner.approximateNumEntries() + unflushed.size();
    }

    /** An iterator over a merged snapshot (small: at most a few batches). */
    private static final class ListIterator implements KeyValueIterator<Long, PendingFlow> {
        private final Iterator<Map.Entry<Long, PendingFlow>> it;
        private KeyValue<Long, PendingFlow> next;

        ListIterator(TreeMap<Long, PendingFlow> map) {
            it = map.entrySet().iterator();
            advance();
        }

        private void advance() {
            Map.Entry<Long, PendingFlow> e = it.hasNext() ? it.next() : null;
            next = e == null ? null : KeyValue.pair(e.getKey(), e.getValue());
        }

        @Override
        public boolean hasNext() {
            return next != null;
        }

        @Override
        public KeyValue<Long, PendingFlow> next() {
            if (next == null) {
                throw new NoSuchElementException();
            }
            KeyValue<Long, PendingFlow> current = next;
            advance();
            return current;
        }

        @Override
        public Long peekNextKey() {
            if (next == null) {
                throw new NoSuchElementException();
            }
            return next.key;
        }

        @Override
        public void close() {
        }
    }

    /** Builds the layer over a changelogged store; Kafka Streams' record cache is never added (this layer replaces it). */
    private static final class Builder implements StoreBuilder<PendingFlowStore> {
        private StoreBuilder<KeyValueStore<Long, byte[]>> inner;

        Builder(StoreBuilder<KeyValueStore<Long, byte[]>> inner) {
            this.inner = inner;
        }

        /** No effect: this store buffers its own writes until the commit. */
        @Override
        public StoreBuilder<PendingFlowStore> withCachingEnabled() {
            return this;
        }

        @Override
        public StoreBuilder<PendingFlowStore> withCachingDisabled() {
            return this;
        }

        @Override
        public StoreBuilder<PendingFlowStore> withLoggingEnabled(Map<String, String> config) {
            inner = inner.withLoggingEnabled(config);
            return this;
        }

        @Override
        public StoreBuilder<PendingFlowStore> withLoggingDisabled() {
            inner = inner.withLoggingDisabled();
            return this;
        }

        @Override
        public PendingFlowStore build() {
            return new PendingFlowStore(inner.build());
        }

        @Override
        public Map<String, String> logConfig() {
            return inner.logConfig();
        }

        @Override
        public boolean loggingEnabled() {
            return inner.loggingEnabled();
        }

        @Override
        public String name() {
            return inner.name();
        }
    }
}
