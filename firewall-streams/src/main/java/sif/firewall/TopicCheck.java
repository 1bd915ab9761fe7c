package sif.firewall;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Asks the cluster whether a topic exists. A producer that finds no metadata for an output topic
 * within {@code max.block.ms} reports the same retriable "not present in metadata" timeout whether
 * the topic does not exist (a typo: retrying cannot help) or the broker is away (it can: the
 * topic's metadata is also dropped while the broker shuts down). The production exception handler
 * asks here to tell the two apart. {@link FirewallApp} owns one, on an Admin client of its own, and
 * hands it to the handler through the Streams config under {@value #CONFIG_KEY}.
 */
public final class TopicCheck implements AutoCloseable {

    /** Streams-config key under which the production handler finds the check. */
    public static final String CONFIG_KEY = "sif.topic.check";

    /** What the cluster said. */
    public enum Answer {
        /** The cluster knows the topic. */
        EXISTS,
        /** The cluster answered that it does not know the topic. */
        MISSING,
        /** No answer (the broker away, a timeout, an error): nothing can be concluded. */
        NO_ANSWER
    }

    private static final long TIMEOUT_MS = 10_000;

    private final Function<String, Answer> ask;
    private final Admin admin;

    private TopicCheck(Function<String, Answer> ask, Admin admin) {
        this.ask = Objects.requireNonNull(ask, "ask");
        this.admin = admin;
    }

    /** A check on {@code config}'s cluster, with its security settings. */
    public static TopicCheck create(FirewallConfig config) {
        Properties p = new Properties();
        p.putAll(config.clusterClientConfig());
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, config.applicationId() + "-topic-check");
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT_MS);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT_MS);
        Admin admin = Admin.create(p);
        return new TopicCheck(topic -> ask(admin, topic), admin);
    }

    /** A check answering with {@code ask} (tests). */
    public static TopicCheck of(Function<String, Answer> ask) {
        return new TopicCheck(ask, null);
    }

    static Answer ask(Admin admin, String topic) {
        Reply<?> r = await(admin.describeTopics(List.of(topic)).allTopicNames());
        return r.value() != null ? Answer.EXISTS : r.unknownTopic() ? Answer.MISSING : Answer.NO_ANSWER;
    }

    /** What a request returned within 10 s: its value, or the error (a timeout or an interrupt included). */
    private record Reply<T>(T value, Throwable error) {
        boolean unknownTopic() {
            return error instanceof UnknownTopicOrPartitionException;
        }
    }

    private static <T> Reply<T> await(KafkaFuture<T> future) {
        try {
            return new Reply<>(future.get(TIMEOUT_MS, TimeUnit.MILLISECONDS), null);
        } catch (ExecutionException e) {
            return new Reply<>(null, e.getCause());
        } catch (TimeoutException e) {
            return new Reply<>(null, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Reply<>(null, e);
        }
    }

    /** Whether the cluster knows {@code topic}; blocks up to 10 s. */
    public Answer ask(String topic) {
        return ask.apply(topic);
    }

    /**
     * The configuration of {@code topic} as the cluster reports it (every key, defaults included), or null
     * when it is missing, may not be described, there is no answer within 10 s or the check has no cluster.
     */
    public Map<String, String> configOf(String topic) {
        Map<String, Map<String, String>> configs = configsOf(List.of(topic));
        return configs == null ? null : configs.get(topic);
    }

    /**
     * The configurations of those of {@code topics} the cluster describes (every key, defaults included),
     * asked in one request: a topic that is missing, that the firewall may not describe, or without an
     * answer within 10 s is absent (each is checked or skipped on its own, as when asked alone); null when
     * the check has no cluster (tests).
     */
    public Map<String, Map<String, String>> configsOf(java.util.Collection<String> topics) {
        if (admin == null) {
            return null;
        }
        List<ConfigResource> resources = topics.stream().distinct()
                .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList();
        Map<String, Map<String, String>> out = new java.util.TreeMap<>();
        // each topic answers on its own future (a missing one fails only its own)
        for (var e : admin.describeConfigs(resources).values().entrySet()) {
            Reply<Config> r = await(e.getValue());
            if (r.value() != null) {
                Map<String, String> config = new java.util.TreeMap<>();
                r.value().entries().forEach(c -> {
                    if (c.value() != null) {
                        config.put(c.name(), c.value());
                    }
                });
                out.put(e.getKey().name(), config);
            }
        }
        return out;
    }

    /** The cluster's id, or null when there is no answer within 10 s or the check has no cluster (tests). */
    public String clusterId() {
        return admin == null ? null : await(admin.describeCluster().clusterId()).value();
    }

    /**
     * The ids of those of {@code topics} that exist (a topic deleted and created again gets a new
     * one), or null when there is no answer within 10 s or the check has no cluster (tests).
     */
    public Map<String, String> topicIds(java.util.Collection<String> topics) {
        return describe(topics, d -> d.topicId().toString());
    }

    /**
     * The partition counts of those of {@code topics} that exist, or null when there is no answer within
     * 10 s or the check has no cluster (tests).
     */
    public Map<String, Integer> partitionCounts(java.util.Collection<String> topics) {
        return describe(topics, d -> d.partitions().size());
    }

    /** {@code what} of each of {@code topics} that exists; null without an answer or a cluster. */
    private <T> Map<String, T> describe(java.util.Collection<String> topics,
                                        Function<org.apache.kafka.clients.admin.TopicDescription, T> what) {
        if (admin == null) {
            return null;
        }
        Map<String, T> out = new java.util.TreeMap<>();
        // one request; each topic answers on its own future (a missing one fails only its own)
        for (var e : admin.describeTopics(topics).topicNameValues().entrySet()) {
            Reply<org.apache.kafka.clients.admin.TopicDescription> r = await(e.getValue());
            if (r.value() != null) {
                out.put(e.getKey(), what.apply(r.value()));
            } else if (!r.unknownTopic()) {
                return null;
            }
        }
        return out;
    }

    /** The check in a handler's {@code configure} map, or {@code null}. */
    static TopicCheck from(Map<String, ?> configs) {
        Object o = configs.get(CONFIG_KEY);
        return o instanceof TopicCheck c ? c : null;
    }

    @Override
    public void close() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
        }
    }
}
