package sif.firewall.trust;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import sif.firewall.StoreSweep;
import sif.firewall.metrics.FirewallMetrics;

/**
 * Maintains the blocklist: source → {@link BlocklistEntry} in its changelogged store
 * {@value #STORE} (binary, {@link BlocklistEntryCodec}), published as JSON on the compacted
 * {@code blocklist} topic for enforcement points.
 *
 * <ul>
 *   <li>Time is flow event time: the newest verdict event time seen (any decision) is "now".</li>
 *   <li>A BLOCK verdict blocks its source until {@code now + ttl} ("now" at least the verdict's own event
 *       time); later BLOCKs extend it. Measured from "now", not from the verdict's event time, a source
 *       whose flows lag the partition's newest by more than the TTL (a sensor draining a backlog) stays
 *       blocked for the TTL instead of being unblocked at the next punctuation after every BLOCK.
 *       The entry is (re-)published when new, and when the expiry moved by at least half the TTL
 *       since the last publication — not once per flow.</li>
 *   <li>A punctuator (stream time) unblocks expired entries: store delete plus a tombstone, tagged
 *       with header {@value #ORIGIN_HEADER}={@value #ORIGIN_FIREWALL}. Each punctuation looks at the next
 *       slice of at most {@code scanMaxEntries} entries ({@link StoreSweep}).</li>
 *   <li>An operator unblocks by producing a tombstone for the source to the blocklist topic; fed
 *       back as {@link BlockCommand#unblock}, it deletes the entry so a later BLOCK publishes anew.
 *       Tombstones carrying the firewall's own origin header are ignored.</li>
 * </ul>
 */
public final class BlocklistProcessor implements Processor<String, BlockCommand, String, String> {

    public static final String STORE = "blocklist-store";
    public static final String ORIGIN_HEADER = "sif.origin";
    public static final String ORIGIN_FIREWALL = "firewall";
    public static final int MAX_VERDICT_IDS = 10;

    private final long ttlMs;
    private final Duration expireInterval;
    private final FirewallMetrics metrics;
    private ProcessorContext<String, String> context;
    private final StoreSweep sweep;
    private KeyValueStore<String, byte[]> store;
    private long maxEventTime = Long.MIN_VALUE;
    private long size;
    /** This task's share of the blocklist gauge (the blocklist is partitioned like the flows). */
    private String owner;

    /** @param scanMaxEntries at most this many entries are looked at by one expiry punctuation ({@link StoreSweep}) */
    public BlocklistProcessor(Duration ttl, Duration expireInterval, int scanMaxEntries, FirewallMetrics metrics) {
        this.ttlMs = ttl.toMillis();
        this.expireInterval = expireInterval;
        this.sweep = new StoreSweep(scanMaxEntries); // keeps its place over re-initialisations
        this.metrics = metrics;
    }

    /** Changelogged, persistent, cached (one write per source per commit interval, not per verdict). */
    public static StoreBuilder<KeyValueStore<String, byte[]>> store() {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(),
                Serdes.ByteArray()).withCachingEnabled();
    }

    public static ProcessorSupplier<String, BlockCommand, String, String> supplier(Duration ttl, Duration expireInterval,
                                                                                   int scanMaxEntries,
                                                                                   FirewallMetrics metrics) {
        return new ProcessorSupplier<>() {
            @Override
            public Processor<String, BlockCommand, String, String> get() {
                return new BlocklistProcessor(ttl, expireInterval, scanMaxEntries, metrics);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return Set.of(store());
            }
        };
    }

    @Override
    public void init(ProcessorContext<String, String> context) {
        this.context = context;
        this.store = context.getStateStore(STORE);
        this.owner = "blocklist-" + context.taskId();
        // a task re-initialised after a retried error (same instance) counts its store afresh
        size = 0;
        maxEventTime = Long.MIN_VALUE;
        try (KeyValueIterator<String, byte[]> it = store.all()) {
            while (it.hasNext()) {
                var kv = it.next();
                BlocklistEntry e = BlocklistEntryCodec.INSTANCE.decode(kv.value, kv.key);
                size++;
                maxEventTime = Math.max(maxEventTime, e.lastBlockedMs());
            }
        }
        metrics.blocklistSize(owner, size);
        context.schedule(expireInterval, PunctuationType.STREAM_TIME, t -> expire());
    }

    @Override
    public void process(Record<String, BlockCommand> record) {
        BlockCommand cmd = record.value();
        if (cmd == null || cmd.source() == null) {
            return;
        }
        if (cmd.kind() == BlockCommand.Kind.UNBLOCK) {
            var origin = record.headers().lastHeader(ORIGIN_HEADER);
            boolean own = origin != null && ORIGIN_FIREWALL.equals(new String(origin.value(), StandardCharsets.UTF_8));
            if (!own && store.delete(cmd.source()) != null) {
                size--;
                metrics.blocklistSize(owner, size);
            }
            return;
        }
        maxEventTime = Math.max(maxEventTime, cmd.eventTimeMs());
        if (cmd.kind() == BlockCommand.Kind.TICK) {
            return;
        }
        BlocklistEntry old = BlocklistEntryCodec.INSTANCE.decode(store.get(cmd.source()), cmd.source());
        long until = maxEventTime + ttlMs; // maxEventTime already includes this verdict's event time
        BlocklistEntry next;
        boolean publish;
        if (old == null) {
            next = new BlocklistEntry(cmd.source(), until, cmd.eventTimeMs(), cmd.eventTimeMs(), cmd.reason(),
                    cmd.verdictId() == null ? List.of() : List.of(cmd.verdictId()), 1, until);
            publish = true;
            size++;
            metrics.blocklistSize(owner, size);
        } else {
            List<String> ids = new ArrayList<>(old.verdictIds());
            if (cmd.verdictId() != null) {
                ids.add(cmd.verdictId());
            }
            while (ids.size() > MAX_VERDICT_IDS) {
                ids.remove(0);
            }
            long newUntil = Math.max(old.blockedUntilMs(), until);
            publish = newUntil - old.emittedUntilMs() >= ttlMs / 2;
            next = new BlocklistEntry(cmd.source(), newUntil, Math.min(old.firstBlockedMs(), cmd.eventTimeMs()),
                    Math.max(old.lastBlockedMs(), cmd.eventTimeMs()), cmd.reason(), ids, old.count() + 1,
                    publish ? newUntil : old.emittedUntilMs());
        }
        store.put(cmd.source(), BlocklistEntryCodec.INSTANCE.encode(next));
        if (publish) {
            context.forward(new Record<>(cmd.source(), Json.write(next), record.timestamp()));
        }
    }

    private void expire() {
        if (maxEventTime == Long.MIN_VALUE) {
            return;
        }
        List<String> expired = new ArrayList<>();
        sweep.next(store, (source, value) -> {
            if (BlocklistEntryCodec.INSTANCE.decode(value, source).blockedUntilMs() <= maxEventTime) {
                expired.add(source);
            }
        });
        for (String source : expired) {
            store.delete(source);
            size--;
            RecordHeaders headers = new RecordHeaders();
            headers.add(ORIGIN_HEADER, ORIGIN_FIREWALL.getBytes(StandardCharsets.UTF_8));
            context.forward(new Record<>(source, (String) null, context.currentStreamTimeMs(), headers));
        }
        if (!expired.isEmpty()) {
            metrics.blocklistSize(owner, size);
        }
    }

    @Override
    public void close() {
        if (owner != null) {
            metrics.blocklistSize(owner, 0); // the partition moved away: its entries are another task's now
        }
    }
}
