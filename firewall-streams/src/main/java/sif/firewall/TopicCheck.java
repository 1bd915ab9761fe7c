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
        try {
            admin.describeTopics(List.of(topic)).allTopicNames().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
            return Answer.EXISTS;
        } catch (ExecutionException e) {
            return e.getCause() instanceof UnknownTopicOrPartitionException ? Answer.MISSING : Answer.NO_ANSWER;
        } catch (TimeoutException e) {
            return Answer.NO_ANSWER;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Answer.NO_ANSWER;
        }
    }

    /** Whether the cluster knows {@code topic}; blocks up to 10 s. */
    public Answer ask(String topic) {
        return ask.apply(topic);
    }

    /**
     * The configuration of {@code topic} as the cluster reports it (every key, defaults included),
     * or null when there is no answer within 10 s or the check has no cluster (tests).
     */
    public Map<String, String> configOf(String topic) {
        if (admin == null) {
            return null;
        }
        var resource = new org.apache.kafka.common.config.ConfigResource(
                org.apache.kafka.common.config.ConfigResource.Type.TOPIC, topic);
        try {
            var config = admin.describeConfigs(List.of(resource)).all().get(TIMEOUT_MS, TimeUnit.MILLISECONDS)
                    .get(resource);
            Map<String, String> out = new java.util.TreeMap<>();
            config.entries().forEach(e -> {
                if (e.value() != null) {
                    out.put(e.name(), e.value());
                }
            });
            return out;
        } catch (ExecutionException | TimeoutException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** The cluster's id, or null when there is no answer within 10 s or the check has no cluster (tests). */
    public String clusterId() {
        if (admin == null) {
            return null;
        }
        try {
            return admin.describeCluster().clusterId().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /**
     * The ids of those of {@code topics} that exist (a topic deleted and created again gets a new
     * one), or null when there is no answer within 10 s or the check has no cluster (tests).
     */
    public Map<String, String> topicIds(java.util.Collection<String> topics) {
        if (admin == null) {
            return null;
        }
        Map<String, String> out = new java.util.TreeMap<>();
        // one request; each topic answers on its own future (a missing one fails only its own)
        for (var e : admin.describeTopics(topics).topicNameValues().entrySet()) {
            try {
                out.put(e.getKey(), e.getValue().get(TIMEOUT_MS, TimeUnit.MILLISECONDS).topicId().toString());
            } catch (ExecutionException ex) {
                if (!(ex.getCause() instanceof UnknownTopicOrPartitionException)) {
                    return null;
                }
            } catch (TimeoutException ex) {
                return null;
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
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
