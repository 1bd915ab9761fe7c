package sif.schemas;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.TopicConfig;

/**
 * SIF's topic names, one immutable value. Built from configuration with {@link #from(Map)}; each
 * role has a documented key and default:
 *
 * <table>
 *   <caption>topic keys</caption>
 *   <tr><th>key</th><th>default</th><th>content</th></tr>
 *   <tr><td>{@value #INPUT}</td><td>flows</td><td>NetworkFlow by source IP</td></tr>
 *   <tr><td>{@value #ALLOWED}</td><td>flows.allowed</td><td>ALLOW verdicts</td></tr>
 *   <tr><td>{@value #BLOCKED}</td><td>flows.blocked</td><td>BLOCK verdicts</td></tr>
 *   <tr><td>{@value #ALERTED}</td><td>flows.alerted</td><td>ALERT verdicts</td></tr>
 *   <tr><td>{@value #ALERTS}</td><td>alerts</td><td>SIEM alert documents (JSON: ECS or OCSF), aggregated</td></tr>
 *   <tr><td>{@value #DLQ}</td><td>flows.dlq</td><td>rejected input bytes, reason in headers</td></tr>
 *   <tr><td>{@value #IDENTITY}</td><td>identity</td><td>IdentityEvent by principal (compacted)</td></tr>
 *   <tr><td>{@value #CHALLENGES}</td><td>identity.challenges</td><td>JSON identity challenges by source IP</td></tr>
 *   <tr><td>{@value #POLICY}</td><td>policy</td><td>policy documents (compacted)</td></tr>
 *   <tr><td>{@value #BLOCKLIST}</td><td>blocklist</td><td>JSON blocklist entries by source (compacted; a tombstone unblocks)</td></tr>
 * </table>
 *
 * Names must be legal Kafka topic names and distinct.
 */
public record Topics(String input, String allowed, String blocked, String alerted, String alerts, String dlq,
                     String identity, String challenges, String policy, String blocklist) {

    public static final String INPUT = "sif.topic.input";
    public static final String ALLOWED = "sif.topic.allowed";
    public static final String BLOCKED = "sif.topic.blocked";
    public static final String ALERTED = "sif.topic.alerted";
    public static final String ALERTS = "sif.topic.alerts";
    public static final String DLQ = "sif.topic.dlq";
    public static final String IDENTITY = "sif.topic.identity";
    public static final String CHALLENGES = "sif.topic.challenges";
    public static final String POLICY = "sif.topic.policy";
    public static final String BLOCKLIST = "sif.topic.blocklist";

    /**
     * {@code min.compaction.lag.ms} of the identity topic: one day. The topic is compacted per
     * principal, and a firewall that rebuilds its identity store replays what compaction left. While
     * an event is younger than this lag compaction keeps it, so a rebuild sees every event of the
     * last day exactly — a revocation, the verifications of the last hour that freshness is judged
     * on — and not only each principal's last event (after which a revocation followed by a late
     * event about the same credential would be forgotten). The firewall warns at start when the
     * topic's lag is shorter than the hour its verification history covers.
     */
    public static final long IDENTITY_MIN_COMPACTION_LAG_MS = 86_400_000L;

    /** Every key with its default, in role order. */
    public static final Map<String, String> DEFAULTS = defaultsMap();

    private static final Pattern LEGAL = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

    public Topics {
        String[] values = {input, allowed, blocked, alerted, alerts, dlq, identity, challenges, policy, blocklist};
        String[] keys = DEFAULTS.keySet().toArray(String[]::new);
        Map<String, String> seen = new LinkedHashMap<>();
        for (int i = 0; i < values.length; i++) {
            String v = values[i];
            if (v == null || !LEGAL.matcher(v).matches() || v.equals(".") || v.equals("..")) {
                throw new IllegalArgumentException("illegal topic name for " + keys[i] + ": '" + v
                        + "' (1-249 chars of [a-zA-Z0-9._-], not '.' or '..')");
            }
            seen.put(keys[i], v);
        }
        requireDistinct(seen);
    }

    /**
     * Checks that every role has a topic of its own: no two names equal, nor equal once {@code .} is read
     * as {@code _} (Kafka refuses to create a topic that collides so with an existing one: their metric
     * names would be the same).
     *
     * @param topicBySetting setting (or role) → topic name, in the order to report them
     * @throws IllegalArgumentException naming both settings
     */
    public static void requireDistinct(Map<String, String> topicBySetting) {
        Map<String, String> seen = new LinkedHashMap<>();
        topicBySetting.forEach((setting, topic) -> {
            String other = seen.putIfAbsent(topic.replace('.', '_'), setting);
            if (other != null) {
                String was = topicBySetting.get(other);
                throw new IllegalArgumentException((was.equals(topic) ? "topic '" + topic + "' is configured for both "
                        : "topics '" + was + "' and '" + topic + "' collide in Kafka ('.' and '_' are one character in "
                        + "its metric names) for ") + other + " and " + setting + "; each role needs its own topic");
            }
        });
    }

    /** All defaults: flows, flows.allowed, flows.blocked, flows.alerted, alerts, flows.dlq, identity, identity.challenges, policy, blocklist. */
    public static Topics defaults() {
        return from(Map.of());
    }

    /**
     * Topic names from {@code config}: each {@code sif.topic.*} key present (non-blank, trimmed)
     * overrides its default; other keys are ignored.
     *
     * @throws IllegalArgumentException on an illegal or duplicated name
     */
    public static Topics from(Map<String, ?> config) {
        Objects.requireNonNull(config, "config");
        Map<String, String> v = new LinkedHashMap<>();
        DEFAULTS.forEach((key, def) -> {
            Object o = config.get(key);
            String s = o == null ? "" : o.toString().strip();
            v.put(key, s.isEmpty() ? def : s);
        });
        return new Topics(v.get(INPUT), v.get(ALLOWED), v.get(BLOCKED), v.get(ALERTED), v.get(ALERTS), v.get(DLQ),
                v.get(IDENTITY), v.get(CHALLENGES), v.get(POLICY), v.get(BLOCKLIST));
    }

    /** Like {@link #from(Map)}, for a properties file's contents. */
    public static Topics from(Properties props) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String name : props.stringPropertyNames()) {
            m.put(name, props.getProperty(name));
        }
        return from(m);
    }

    /** All topic names, in role order. */
    public List<String> all() {
        return List.of(input, allowed, blocked, alerted, alerts, dlq, identity, challenges, policy, blocklist);
    }

    /** Topics that must be log-compacted (keyed latest-state topics): identity, policy, blocklist. */
    public Set<String> compacted() {
        return Set.of(identity, policy, blocklist);
    }

    /** Whether {@code topic} is one of {@link #compacted()}. */
    public boolean isCompacted(String topic) {
        return topic.equals(identity) || topic.equals(policy) || topic.equals(blocklist);
    }

    /**
     * The topic configuration to create {@code topic} with: {@code cleanup.policy=compact} for the
     * {@link #compacted()} topics, and for the identity topic also {@code min.compaction.lag.ms}
     * ({@link #IDENTITY_MIN_COMPACTION_LAG_MS}) measured in broker append time
     * ({@code message.timestamp.type=LogAppendTime}); empty for the others.
     */
    public Map<String, String> creationConfig(String topic) {
        Map<String, String> c = new LinkedHashMap<>();
        if (isCompacted(topic)) {
            c.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
        }
        if (topic.equals(identity)) {
            c.put(TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG, Long.toString(IDENTITY_MIN_COMPACTION_LAG_MS));
            // the lag is measured on record timestamps; replays stamp identity events with their
            // (historical) event times, which would make every event old enough to compact at once
            c.put(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "LogAppendTime");
        }
        return java.util.Collections.unmodifiableMap(c);
    }

    /** The names as configuration ({@code sif.topic.*} → name), in role order. */
    public Map<String, String> asConfig() {
        Map<String, String> m = new LinkedHashMap<>();
        List<String> names = all();
        int i = 0;
        for (String key : DEFAULTS.keySet()) {
            m.put(key, names.get(i++));
        }
        return m;
    }

    private static Map<String, String> defaultsMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(INPUT, "flows");
        m.put(ALLOWED, "flows.allowed");
        m.put(BLOCKED, "flows.blocked");
        m.put(ALERTED, "flows.alerted");
        m.put(ALERTS, "alerts");
        m.put(DLQ, "flows.dlq");
        m.put(IDENTITY, "identity");
        m.put(CHALLENGES, "identity.challenges");
        m.put(POLICY, "policy");
        m.put(BLOCKLIST, "blocklist");
        return java.util.Collections.unmodifiableMap(m);
    }
}
