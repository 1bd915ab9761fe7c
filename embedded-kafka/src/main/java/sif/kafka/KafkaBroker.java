package sif.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sif.schemas.PartitionReadiness;

/**
 * A running broker that tools and tests talk to: its address, client settings and topic creation.
 * Implemented by {@link EmbeddedKafka} (a single-node broker in this JVM), {@link BrokerProcess} (the
 * same broker in a JVM of its own) and {@link ExternalKafka} (a cluster SIF did not start).
 */
public interface KafkaBroker extends AutoCloseable {

    /** {@code 127.0.0.1:<port>}, for {@code bootstrap.servers}. */
    String bootstrapServers();

    /** Stops the broker. Idempotent. */
    @Override
    void close();

    /** Replication factor of the topics created here: 1 on a single-node broker; empty for the cluster's default. */
    default Optional<Short> replicationFactor() {
        return Optional.of((short) 1);
    }

    /** Settings every client needs besides {@code bootstrap.servers} (security protocol, SASL, TLS); none by default. */
    default Map<String, String> clientSettings() {
        return Map.of();
    }

    /** {@code bootstrap.servers} and {@link #clientSettings()} as a fresh mutable map, to add client settings to. */
    default Map<String, Object> clientConfig() {
        Map<String, Object> m = new HashMap<>(clientSettings());
        m.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return m;
    }

    /** Creates topics (name → partitions), {@link #replicationFactor()}, not compacted. Existing topics are left as they are. */
    default void createTopics(Map<String, Integer> partitions) {
        List<NewTopic> topics = new ArrayList<>();
        partitions.forEach((name, n) -> topics.add(new NewTopic(name, Optional.of(n), replicationFactor())));
        createTopics(topics);
    }

    /** Creates one topic, {@link #replicationFactor()}, log-compacted if {@code compacted}. An existing topic is left as it is. */
    default void createTopic(String name, int partitions, boolean compacted) {
        createTopic(name, partitions, compacted
                ? Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT) : Map.of());
    }

    /** Creates one topic, {@link #replicationFactor()}, with {@code configs}. An existing topic is left as it is. */
    default void createTopic(String name, int partitions, Map<String, String> configs) {
        NewTopic topic = new NewTopic(name, Optional.of(partitions), replicationFactor());
        if (!configs.isEmpty()) {
            topic.configs(configs);
        }
        createTopics(List.of(topic));
    }

    /**
     * Creates topics and waits until the broker serves them. Topics that already exist are skipped
     * (logged); any other failure is thrown as an {@link IllegalStateException} naming the topic.
     * The controller acknowledges a creation before the broker has applied it, so this also waits
     * until every partition takes writes ({@link PartitionReadiness}: a producer used right after
     * creation could otherwise see {@code UnknownTopicOrPartitionException}, or lose its first batch).
     */
    default void createTopics(Collection<NewTopic> topics) {
        try (Admin admin = Admin.create(clientConfig())) {
            Topics.create(admin, topics, bootstrapServers());
            Topics.awaitServed(admin, topics.stream().map(NewTopic::name).toList(), bootstrapServers());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        }
    }

    /** The admin calls behind {@link #createTopics(Collection)}. */
    final class Topics {
        private static final Logger LOG = LoggerFactory.getLogger(KafkaBroker.class);
        /** How long topic creation waits for the broker. */
        private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

        private Topics() {}

        static void create(Admin admin, Collection<NewTopic> topics, String where) throws InterruptedException {
            Map<String, KafkaFuture<Void>> results = admin.createTopics(topics).values();
            for (Map.Entry<String, KafkaFuture<Void>> e : results.entrySet()) {
                try {
                    e.getValue().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                    LOG.debug("created topic {}", e.getKey());
                } catch (ExecutionException ex) {
                    if (ex.getCause() instanceof TopicExistsException) {
                        LOG.info("topic {} already exists, left as it is", e.getKey());
                    } else {
                        throw new IllegalStateException("cannot create topic " + e.getKey() + " on " + where + ": "
                                + ex.getCause(), ex.getCause());
                    }
                } catch (TimeoutException ex) {
                    throw new IllegalStateException("creating topic " + e.getKey() + " on " + where + " timed out after "
                            + ADMIN_TIMEOUT, ex);
                }
            }
        }

        static void awaitServed(Admin admin, Collection<String> names, String where) throws InterruptedException {
            try {
                PartitionReadiness.await(admin, names, ADMIN_TIMEOUT);
            } catch (TimeoutException ex) {
                throw new IllegalStateException("topics " + names + " not served by " + where + " within "
                        + ADMIN_TIMEOUT + " after their creation: " + ex.getMessage(), ex);
            } catch (ExecutionException ex) {
                throw new IllegalStateException("cannot check that topics " + names + " take writes on " + where + ": "
                        + ex.getCause(), ex.getCause());
            }
        }
    }
}
