package sif.firewall.trust;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * <p>Store layout (String → String): {@code p|<principal>} → {@link PrincipalIdentity} JSON, and
 * {@code g|generation} → a counter bumped on every change, so readers rebuild their binding index
 * only when something changed. The updater resolves duplicates and late events with
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
     * A processor's view of the store: the binding index and the identities parsed so far, both
     * dropped when the store's generation changes. A flow then costs one read of the generation
     * key, a binding lookup and a map lookup; an identity's JSON is parsed on its first use in a
     * generation. The global store is updated by another thread: a value read just before the
     * generation moves is dropped at the next flow, so nothing older than the last change is
     * served after it. Not thread-safe: one per processor.
     */
    static final class Reader {
        private final ReadOnlyKeyValueStore<String, String> store;
        private final Map<String, PrincipalIdentity> parsed = new HashMap<>();
        private BindingIndex index = BindingIndex.empty();
        private long generation = -1;

        Reader(ReadOnlyKeyValueStore<String, String> store) {
            this.store = store;
        }

        /** The identity bound to {@code sourceIp}, or null. */
        PrincipalIdentity bySource(String sourceIp) {
            long g = generation(store);
            if (g != generation) {
                index = index(store);
                parsed.clear();
                generation = g;
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
     * trusted until its next readable event. A schema registry that cannot be asked is not the record's
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
            if (record.value() == null) {
                if (record.key() != null && store.delete(PRINCIPAL_PREFIX + record.key()) != null) {
                    bump();
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
            if (after != before) {
                store.put(key, Json.write(after));
                bump();
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
                    + "a revocation, so '{}' is not trusted until its next readable event", where, record.key(),
                    e.toString(), record.key());
            store.put(PRINCIPAL_PREFIX + record.key(),
                    Json.write(before.withUnreadableEvent(where + ": " + e.getMessage())));
            bump();
        }

        private void bump() {
            String g = store.get(GENERATION_KEY);
            store.put(GENERATION_KEY, Long.toString(g == null ? 1L : Long.parseLong(g) + 1));
        }
    }

}
