package sif.firewall.trust;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorSupplier;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sif.firewall.FlowContext;
import sif.firewall.StoreSweep;
import sif.firewall.metrics.FirewallMetrics;
import sif.trust.FreshnessPolicy;
import sif.trust.FreshnessRule;
import sif.trust.PrincipalIdentity;
import sif.trust.SourceState;
import sif.trust.TrustAssessment;

/**
 * The zero-trust step for one flow: finds the identity bound to the flow's source in the global
 * {@link IdentityStore}, applies the {@link FreshnessRule} with the source's state from its own
 * changelogged store ({@value #SOURCE_STORE}: source IP → {@link SourceState} in the binary
 * {@link SourceStateCodec} layout: principal, serial, verification time, flows since, last
 * challenge), and forwards the flow with its identity status, principal and one reason
 * ({@code identity:<STATUS> <detail>}), plus the challenge to emit if any. A stream-time punctuator
 * evicts sources idle for longer than {@code sourceIdle}, idle measured in flow event time (the
 * largest event time this task has seen), the clock of {@link SourceState#lastSeenMs()}: record
 * timestamps may be a different clock altogether (a replay stamps records with the time of sending and
 * carries 2017 event times in the payload), and comparing the two would evict every source each
 * interval, restarting its flow count. Each punctuation looks at the next slice of at most
 * {@code scanMaxEntries} sources ({@link StoreSweep}).
 */
public final class ZeroTrustProcessor implements FixedKeyProcessor<String, FlowContext, TrustedFlow> {

    public static final String SOURCE_STORE = "zt-source-state-store";

    private static final Logger LOG = LoggerFactory.getLogger(ZeroTrustProcessor.class);

    private final FreshnessRule rule;
    private final Duration sourceIdle;
    private final Duration evictInterval;
    private final FirewallMetrics metrics;
    private final StoreSweep sweep;

    private FixedKeyProcessorContext<String, TrustedFlow> context;
    private KeyValueStore<String, byte[]> sources;
    private IdentityStore.Reader identities;
    /** The largest flow event time this task has seen since it was (re)initialised. */
    private long maxEventTimeMs = Long.MIN_VALUE;

    /**
     * @param scanMaxEntries at most this many sources are looked at by one eviction punctuation
     *                       ({@link StoreSweep})
     */
    public ZeroTrustProcessor(FreshnessPolicy freshness, Duration sourceIdle, Duration evictInterval,
                              int scanMaxEntries, FirewallMetrics metrics) {
        this.rule = new FreshnessRule(freshness);
        this.sourceIdle = sourceIdle;
        this.evictInterval = evictInterval;
        this.sweep = new StoreSweep(scanMaxEntries); // keeps its place over re-initialisations
        this.metrics = metrics;
    }

    /**
     * The store this processor owns (changelogged, persistent, cached: a source's state is written
     * to RocksDB and its changelog once per commit interval, not once per flow).
     */
    public static StoreBuilder<KeyValueStore<String, byte[]>> sourceStore() {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SOURCE_STORE), Serdes.String(),
                Serdes.ByteArray()).withCachingEnabled();
    }

    /** Supplier for {@code KStream#processValues}; declares {@link #sourceStore()} via {@code stores()}. */
    public static FixedKeyProcessorSupplier<String, FlowContext, TrustedFlow> supplier(TrustConfig config,
                                                                                       FirewallMetrics metrics) {
        return new FixedKeyProcessorSupplier<>() {
            @Override
            public FixedKeyProcessor<String, FlowContext, TrustedFlow> get() {
                return new ZeroTrustProcessor(config.freshness(), config.sourceIdle(), config.evictInterval(),
                        config.scanMaxEntries(), metrics);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return Set.of(sourceStore());
            }
        };
    }

    @Override
    public void init(FixedKeyProcessorContext<String, TrustedFlow> context) {
        this.context = context;
        this.sources = context.getStateStore(SOURCE_STORE);
        this.identities = new IdentityStore.Reader(context.getStateStore(IdentityStore.STORE));
        this.maxEventTimeMs = Long.MIN_VALUE;
        context.schedule(evictInterval, PunctuationType.STREAM_TIME, this::evictIdle);
    }

    @Override
    public void process(FixedKeyRecord<String, FlowContext> record) {
        FlowContext flow = record.value();
        String src = flow.srcIp();
        long t = flow.flow().getEventTimeMs();
        maxEventTimeMs = Math.max(maxEventTimeMs, t);
        PrincipalIdentity identity = identities.bySource(src);
        SourceState previous = storedState(src, sources.get(src), identity, t);
        TrustAssessment a = rule.assess(src, t, identity, previous);
        sources.put(src, SourceStateCodec.INSTANCE.encode(seenNow(a.next())));
        metrics.identityStatus(a.status().name());
        if (a.challenge() != null) {
            metrics.challenge();
        }
        List<String> reasons = new ArrayList<>(flow.reasons().size() + 1);
        reasons.addAll(flow.reasons());
        reasons.add("identity:" + a.status() + " " + a.detail());
        FlowContext out = flow.withIdentity(sif.schemas.avro.IdentityStatus.valueOf(a.status().name()),
                a.principal(), reasons, a.identityAgeMs(), a.flowsSinceVerification());
        context.forward(record.withValue(new TrustedFlow(out, a.challenge())));
    }

    /**
     * The state with its {@link SourceState#lastSeenMs} at least this task's newest event time: idleness
     * is measured on the task's clock, so a source whose flows lag its partition's newest by more than
     * the idle time (a sensor draining a backlog) is not evicted while it sends — eviction restarts its
     * flow count, and it would have been evicted at every punctuation, trusted past the flow limit.
     */
    private SourceState seenNow(SourceState s) {
        if (s.lastSeenMs() >= maxEventTimeMs) {
            return s;
        }
        return new SourceState(s.principal(), s.credentialSerial(), s.verifiedAtMs(), s.flowsSinceVerification(),
                s.lastChallengeMs(), maxEventTimeMs, s.lastStatus());
    }

    private void evictIdle(long streamTime) {
        if (maxEventTimeMs == Long.MIN_VALUE) {
            return; // no flow since (re)initialisation: no clock to measure idleness by
        }
        long cutoff = maxEventTimeMs - sourceIdle.toMillis();
        List<String> idle = new ArrayList<>();
        List<String> unreadable = new ArrayList<>();
        sweep.next(sources, (src, value) -> {
            SourceState s = decodeOrNull(src, value);
            if (s == null) {
                unreadable.add(src); // one such value must not stop the eviction of every other source
            } else if (s.lastSeenMs() < cutoff) {
                idle.add(src);
            }
        });
        idle.forEach(sources::delete);
        for (String src : unreadable) {
            // replaced, not evicted: eviction would restart the source's flow count
            replaceUnreadable(src, identities.bySource(src), maxEventTimeMs);
        }
    }

    /** The source's state as stored, or, when it cannot be read, its {@link #replaceUnreadable replacement}. */
    private SourceState storedState(String src, byte[] stored, PrincipalIdentity identity, long timeMs) {
        if (stored == null) {
            return null;
        }
        SourceState s = decodeOrNull(src, stored);
        return s != null ? s : replaceUnreadable(src, identity, timeMs);
    }

    /**
     * Replaces the unreadable state of {@code src} by {@link FreshnessRule#unreadableState} (written back,
     * so its idleness is measured from {@code timeMs}; without an identity the value is deleted).
     */
    private SourceState replaceUnreadable(String src, PrincipalIdentity identity, long timeMs) {
        SourceState replacement = rule.unreadableState(identity, timeMs);
        LOG.warn("task {}: zero-trust state of {} is unreadable; {}", context.taskId(), src, replacement == null
                ? "no identity is bound to it, so it starts afresh (UNKNOWN is never trusted)"
                : "it counts as " + replacement.flowsSinceVerification() + " flows since its newest verification ("
                        + replacement.verifiedAtMs() + ") until it is verified again");
        if (replacement == null) {
            sources.delete(src);
        } else {
            sources.put(src, SourceStateCodec.INSTANCE.encode(replacement));
        }
        return replacement;
    }

    private SourceState decodeOrNull(String src, byte[] stored) {
        try {
            return SourceStateCodec.INSTANCE.decode(stored, src);
        } catch (IllegalStateException e) {
            LOG.debug("task {}: {}", context.taskId(), e.getMessage());
            return null;
        }
    }
}
