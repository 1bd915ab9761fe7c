package sif.firewall.trust;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sif.firewall.DlqExceptionHandlers;
import sif.schemas.serde.RegistryUnavailableException;
import sif.trust.BindingIndex;
import sif.trust.IdentityResolver;
import sif.trust.PrincipalIdentity;

/**
 * The resolved identities, as a global store fed by the compacted {@code identity} topic (keyed by
 * principal). Every stream task sees every identity, so flows keyed by source IP can be matched
 * against principals keyed by name, including CIDR bindings.
 *
 * <p>Store layout (String → String): {@code p|<principal>} → {@link PrincipalIdentity} JSON,
 * {@code g|generation} → a counter bumped on every change, {@code c|<generation>} → the principal
 * that change was about (the newest {@value #CHANGES_KEPT}), so a reader takes in only what changed
 * since it last looked, and {@code o|<topic>-<partition>} → the last offset applied, so records
 * replayed after a restart from an older checkpoint are not applied twice. The updater resolves duplicates and late events with
 * {@link IdentityResolver}; since Kafka 3.8 (KAFKA-7663) a global store is restored by replaying
 * the topic through this same processor, so the resolved state survives restarts. A tombstone
 * removes the principal.
 *
 * <p>The values stay JSON (they are written only by the updater, once per identity event); readers
 * go through a {@link Reader}, which parses each identity once per generation, not once per flow.
 */
public final class IdentityStore {

    public static final String STORE = "zt-identity-store";
    /** The updater node; Kafka Streams names the global source node {@code <updater>-source}. */
    public static final String UPDATER = "zt-identity-updater";
    public static final String SOURCE = UPDATER + "-source";
    static final String PRINCIPAL_PREFIX = "p|";
    static final String GENERATION_KEY = "g|generation";
    static final String CHANGE_PREFIX = "c|";
    /** {@code o|<topic>-<partition>} → the offset of the last identity record applied from that partition. */
    static final String APPLIED_PREFIX = "o|";
    /** Changes kept in the store: a reader further behind than this builds its view anew. */
    static final int CHANGES_KEPT = 1024;

    private static final Logger LOG = LoggerFactory.getLogger(IdentityStore.class);

    private IdentityStore() {
    }

    /**
     * Registers the global store, its source and updater on {@code builder}. The source reads values as
     * bytes and the updater decodes them with {@code valueSerde} (configured): an identity event that
     * cannot be decoded must still take trust away (see {@link Updater}), which the deserialization
     * handler, which can only skip a record, cannot do.
     */
    public static void addTo(StreamsBuilder builder, String identityTopic,
                             Serde<sif.schemas.avro.IdentityEvent> valueSerde) {
        StoreBuilder<KeyValueStore<String, String>> store = Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(STORE), Serdes.String(), Serdes.String()).withLoggingDisabled();
        Deserializer<sif.schemas.avro.IdentityEvent> decoder = valueSerde.deserializer();
        builder.addGlobalStore(store, identityTopic,
                Consumed.with(Serdes.String(), Serdes.ByteArray()).withName(UPDATER),
                () -> new Updater(decoder));
    }

    /**
     * A processor's view of the store: the binding index and the identities parsed so far. A flow
     * costs one read of the generation key, a binding lookup and a map lookup; an identity's JSON is
     * parsed on its first use after it changed. When the generation moves, the reader reads which
     * principals changed ({@code c|} entries) and drops only their parsed identities; the binding index
     * is built anew only when a change can move a binding (a new or removed principal, other addresses,
     * an address two principals bind: {@link BindingIndex#unchangedBy}) or the reader is more than
     * {@value #CHANGES_KEPT} changes behind. Re-verifications, revocations and posture changes (the
     * frequent events: every principal is re-verified at least every {@code trust.max.age.ms}) keep
     * the index. Before, every change rebuilt it from every identity's JSON, in every task: 4.1 ms per
     * change at 1,000 principals and 25 ms at 10,000, now 28 and 27 µs ({@code IdentityChangeBench},
     * docs/performance.md, session 33); at 10,000 principals re-verified every 5 minutes (33 changes a
     * second) that was most of a core per task. The global store is updated by another thread:
     * an identity read just before the generation moves is dropped at the next flow (its change is
     * logged before the generation), so nothing older than the last change is served after it. Not
     * thread-safe: one per processor.
     */
    static final class Reader {
        private final ReadOnlyKeyValueStore<String, String> store;
        private final Map<String, PrincipalIdentity> parsed = new HashMap<>();
        private BindingIndex index = BindingIndex.empty();
        private long generation = -1;
        private long rebuilds;

        Reader(ReadOnlyKeyValueStore<String, String> store) {
            this.store = store;
        }

        /** The identity bound to {@code sourceIp}, or null. */
        PrincipalIdentity bySource(String sourceIp) {
            long g = generation(store);
            if (g != generation) {
                catchUp(g);
            }
            String principal = index.principalFor(sourceIp);
            if (principal == null) {
                return null;
            }
            PrincipalIdentity identity = parsed.get(principal);
            if (identity == null) {
                identity = get(store, principal);
                if (identity != null) {
                    parsed.put(principal, identity);
                }
            }
            return identity;
        }

        /** How many times this reader built its binding index from every identity (for tests). */
        long rebuilds() {
            return rebuilds;
        }

        /** Takes in the changes up to generation {@code g}: those logged since this reader's, or all. */
        private void catchUp(long g) {
            Set<String> changed = generation >= 0 && g > generation && g - generation <= CHANGES_KEPT
                    ? changes(generation, g) : null;
            boolean rebuild = changed == null;
            if (changed != null) {
                for (String principal : changed) {
                    boolean wasParsed = parsed.remove(principal) != null;
                    if (!rebuild) {
                        PrincipalIdentity after = get(store, principal);
                        if (!index.unchangedBy(principal, after)) {
                            rebuild = true;
                        } else if (wasParsed) {
                            parsed.put(principal, after);
                        }
                    }
                }
            } else {
                parsed.clear();
            }
            if (rebuild) {
                index = index(store);
                rebuilds++;
            }
            generation = g;
        }

        /** The principals changed after generation {@code from} up to {@code to}, or null when one is not logged. */
        private Set<String> changes(long from, long to) {
            Set<String> changed = new LinkedHashSet<>();
            for (long k = from + 1; k <= to; k++) {
                String principal = store.get(CHANGE_PREFIX + k);
                if (principal == null) {
                    return null;
                }
                changed.add(principal);
            }
            return changed;
        }
    }

    /** Reads the resolved identity of {@code principal}, or null. */
    private static PrincipalIdentity get(ReadOnlyKeyValueStore<String, String> store, String principal) {
        return Json.read(store.get(PRINCIPAL_PREFIX + principal), PrincipalIdentity.class, principal);
    }

    private static long generation(ReadOnlyKeyValueStore<String, String> store) {
        String g = store.get(GENERATION_KEY);
        return g == null ? 0L : Long.parseLong(g);
    }

    /** Builds the binding index from every stored identity. */
    private static BindingIndex index(ReadOnlyKeyValueStore<String, String> store) {
        List<PrincipalIdentity> all = new ArrayList<>();
        try (KeyValueIterator<String, String> it = store.prefixScan(PRINCIPAL_PREFIX, Serdes.String().serializer())) {
            while (it.hasNext()) {
                var kv = it.next();
                all.add(Json.read(kv.value, PrincipalIdentity.class, kv.key));
            }
        }
        return BindingIndex.build(all);
    }

    /**
     * Applies identity events to the global store. Bad events are logged and skipped, except those
     * that take trust away (a revocation, a non-compliant device): they still take effect, reduced to
     * what they need ({@link IdentityEvents#failClosed}), so a malformed revocation cannot leave a
     * credential trusted. A record that cannot be decoded at all (written with a schema this firewall
     * does not know, corrupt) could be a revocation too: it goes to the dead-letter topic, and the
     * principal it is keyed by, if known, is marked ({@link PrincipalIdentity#unreadableEvent}) and not
     * trusted until a newer readable event issues or rotates its credential. A schema registry that cannot be asked is not the record's
     * fault: the exception stops the global thread, as the deserialization handler's FAIL did.
     */
    static final class Updater implements Processor<String, byte[], Void, Void> {
        private final Deserializer<sif.schemas.avro.IdentityEvent> decoder;
        private KeyValueStore<String, String> store;
        private ProcessorContext<Void, Void> context;

        Updater(Deserializer<sif.schemas.avro.IdentityEvent> decoder) {
            this.decoder = decoder;
        }

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            this.context = context;
            this.store = context.getStateStore(STORE);
        }

        @Override
        public void process(Record<String, byte[]> record) {
            Optional<RecordMetadata> meta = context.recordMetadata();
            String where = meta.map(m -> m.topic() + "-" + m.partition() + "@" + m.offset()).orElse("?");
            String applied = meta.map(m -> APPLIED_PREFIX + m.topic() + "-" + m.partition()).orElse(null);
            if (applied != null) {
                String last = store.get(applied);
                if (last != null && Long.parseLong(last) >= meta.get().offset()) {
                    // replayed after a restart from an older checkpoint (Kafka Streams checkpoints a global
                    // store every 10,000 records): its effect is in the store already; applying it again would
                    // dead-letter it again, or mark a principal again that a later event had cleared
                    LOG.debug("identity record at {} was applied before the restart; skipped", where);
                    return;
                }
            }
            apply(record, meta, where);
            if (applied != null) {
                store.put(applied, Long.toString(meta.get().offset()));
            }
        }

        private void apply(Record<String, byte[]> record, Optional<RecordMetadata> meta, String where) {
            if (record.value() == null) {
                if (record.key() != null && store.delete(PRINCIPAL_PREFIX + record.key()) != null) {
                    bump(record.key());
                    LOG.info("identity of '{}' removed by tombstone at {}", record.key(), where);
                }
                return;
            }
            sif.schemas.avro.IdentityEvent avro;
            String topic = meta.map(RecordMetadata::topic).orElse(null);
            try {
                avro = decoder.deserialize(topic, record.headers(), record.value());
            } catch (RuntimeException e) {
                if (RegistryUnavailableException.in(e)) {
                    // Kafka 4.1 hands a global processor's exception to no handler: say what it is here
                    LOG.error("identity event at {} (key '{}') needs the schema registry, which cannot be asked; the "
                            + "global thread stops rather than skip it (it could be a revocation): {}", where,
                            record.key(), e.toString());
                    throw e;
                }
                unreadable(record, meta, where, e);
                return;
            }
            sif.trust.IdentityEvent event;
            try {
                event = IdentityEvents.fromAvro(avro);
            } catch (RuntimeException e) {
                event = IdentityEvents.failClosed(avro);
                if (event == null) {
                    LOG.warn("skipping invalid identity event at {} (key '{}'): {}", where, record.key(),
                            e.getMessage());
                    return;
                }
                LOG.warn("invalid {} event at {} (key '{}'): {}; applied as a bare {} of serial '{}' (fail closed)",
                        event.type(), where, record.key(), e.getMessage(), event.type(), event.credentialSerial());
            }
            if (record.key() != null && !record.key().equals(event.principal())) {
                LOG.warn("identity event at {} keyed '{}' names principal '{}'; using the principal", where,
                        record.key(), event.principal());
            }
            String key = PRINCIPAL_PREFIX + event.principal();
            PrincipalIdentity before = Json.read(store.get(key), PrincipalIdentity.class, event.principal());
            PrincipalIdentity after = IdentityResolver.apply(before, event);
            if (after != before && before != null && before.unreadableEvent() != null
                    && !(event.type().definesCredential() && event.eventTimeMs() > before.eventTimeMs())) {
                // only a newer credential (a re-verification) answers what the unreadable event might have
                // said; a late event, a revocation or a posture change does not
                after = after.withUnreadableEvent(before.unreadableEvent());
            }
            if (after != before) {
                store.put(key, Json.write(after));
                bump(event.principal());
            }
        }

        /**
         * Dead-letters a record that cannot be decoded and marks the principal it is keyed by. Without a
         * stored identity for that key there is nothing to distrust: its sources are UNKNOWN already.
         */
        private void unreadable(Record<String, byte[]> record, Optional<RecordMetadata> meta, String where,
                                RuntimeException e) {
            DlqExceptionHandlers.controlDeadLetter(context.appConfigs(), meta.map(RecordMetadata::topic).orElse("?"),
                    meta.map(RecordMetadata::partition).orElse(-1), meta.map(RecordMetadata::offset).orElse(-1L),
                    record.key() == null ? null : record.key().getBytes(StandardCharsets.UTF_8), record.value(),
                    record.headers(), e);
            PrincipalIdentity before = record.key() == null ? null
                    : Json.read(store.get(PRINCIPAL_PREFIX + record.key()), PrincipalIdentity.class, record.key());
            if (before == null) {
                LOG.warn("cannot decode identity event at {} (key '{}'): {}; sent to the dead-letter topic; no "
                        + "identity of that principal is known", where, record.key(), e.toString());
                return;
            }
            LOG.warn("cannot decode identity event at {} (key '{}'): {}; sent to the dead-letter topic; it could be "
                    + "a revocation, so '{}' is not trusted until its next re-verification", where, record.key(),
                    e.toString(), record.key());
            store.put(PRINCIPAL_PREFIX + record.key(),
                    Json.write(before.withUnreadableEvent(where + ": " + e.getMessage())));
            bump(record.key());
        }

        /**
         * Logs the change of {@code principal} under the next generation, then publishes that
         * generation (in this order: a reader that sees the generation finds the change), and drops the
         * change {@value #CHANGES_KEPT} generations back.
         */
        private void bump(String principal) {
            String g = store.get(GENERATION_KEY);
            long next = g == null ? 1L : Long.parseLong(g) + 1;
            store.put(CHANGE_PREFIX + next, principal);
            if (next > CHANGES_KEPT) {
                store.delete(CHANGE_PREFIX + (next - CHANGES_KEPT));
            }
            store.put(GENERATION_KEY, Long.toString(next));
        }
    }

}
