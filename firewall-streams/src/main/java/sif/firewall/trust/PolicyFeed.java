package sif.firewall.trust;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sif.policy.PolicyEngine;

/**
 * Hot update of the policy from the compacted {@code policy} topic: a global store (so every
 * instance and thread sees it) whose updater hands each document (YAML or JSON text, any key) to
 * {@link PolicyEngine#update}. A bad document is logged and the current rules stay (whatever it throws); a tombstone
 * reverts to the rules the engine started with (file or built-in). Global stores are restored by
 * replaying the topic through this updater (Kafka ≥ 3.8), so a restart ends on the last good
 * document. The store is in memory on purpose: the rules live in the engine, not in the store, and
 * Kafka Streams checkpoints only persistent global stores — a persistent one would resume from its
 * checkpoint after a restart that keeps the state directory, and the new process's engine would never
 * see the documents before it (pinned by {@code ZeroTrustRestartIT}). Use one key for the policy:
 * a tombstone on any key reverts the engine.
 */
public final class PolicyFeed {

    public static final String STORE = "policy-store";
    /** The updater node; Kafka Streams names the global source node {@code <updater>-source}. */
    public static final String UPDATER = "policy-updater";
    public static final String SOURCE = UPDATER + "-source";

    private static final Logger LOG = LoggerFactory.getLogger(PolicyFeed.class);

    private PolicyFeed() {
    }

    public static void addTo(StreamsBuilder builder, String policyTopic, PolicyEngine engine) {
        builder.addGlobalStore(
                Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(STORE), Serdes.String(), Serdes.String())
                        .withLoggingDisabled(),
                policyTopic, Consumed.with(Serdes.String(), Serdes.String()).withName(UPDATER),
                () -> new Updater(engine));
    }

    static final class Updater implements Processor<String, String, Void, Void> {
        private final PolicyEngine engine;
        private KeyValueStore<String, String> store;
        private ProcessorContext<Void, Void> context;

        Updater(PolicyEngine engine) {
            this.engine = engine;
        }

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            this.context = context;
            this.store = context.getStateStore(STORE);
        }

        @Override
        public void process(Record<String, String> record) {
            String key = record.key() == null ? "" : record.key();
            String origin = context.recordMetadata()
                    .map(m -> "topic " + m.topic() + "-" + m.partition() + "@" + m.offset()).orElse("policy topic");
            if (record.value() == null) {
                store.delete(key);
                engine.revert();
                return;
            }
            try {
                engine.update(record.value(), origin);
            } catch (IllegalArgumentException e) {
                LOG.error("policy document at {} rejected, keeping version '{}'", origin, engine.current().version());
                return;
            } catch (RuntimeException e) {
                // the loader rejects bad documents with IllegalArgumentException; anything else is a bug
                // in it, and must not stop the global thread (and with it the firewall) either
                LOG.error("policy document at {} could not be loaded, keeping version '{}'", origin,
                        engine.current().version(), e);
                return;
            }
            store.put(key, record.value());
        }
    }
}
