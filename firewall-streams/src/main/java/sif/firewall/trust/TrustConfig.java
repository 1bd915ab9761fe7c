package sif.firewall.trust;

import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import sif.firewall.FirewallConfig;
import sif.policy.alerts.AlertFormat;
import sif.trust.FreshnessPolicy;
import sif.trust.IdentityStatus;

/**
 * Settings of the zero-trust, policy, alert and blocklist steps, read from the firewall's
 * properties with defaults filled in ({@link #DEFAULTS}; every key is documented in the
 * trust-policy README). Immutable.
 */
public record TrustConfig(
        String identityTopic,
        String challengesTopic,
        FreshnessPolicy freshness,
        Duration sourceIdle,
        Duration evictInterval,
        String policyFile,
        String policyTopic,
        String alertsTopic,
        AlertFormat alertFormat,
        Duration alertWindow,
        Duration alertUpdateInterval,
        String blocklistTopic,
        Duration blocklistTtl,
        Duration blocklistExpireInterval,
        boolean blocklistOperatorUnblock,
        String observerName,
        int scanMaxEntries) {

    public static final String IDENTITY_TOPIC = "trust.identity.topic";
    public static final String CHALLENGES_TOPIC = "trust.challenges.topic";
    public static final String MAX_AGE_MS = "trust.max.age.ms";
    public static final String MAX_FLOWS = "trust.max.flows";
    public static final String CHALLENGE_PERIOD_MS = "trust.challenge.period.ms";
    public static final String CHALLENGE_ON = "trust.challenge.on";
    public static final String SOURCE_IDLE_MS = "trust.source.idle.ms";
    public static final String EVICT_INTERVAL_MS = "trust.evict.interval.ms";
    public static final String POLICY_FILE = "policy.file";
    public static final String POLICY_TOPIC = "policy.topic";
    public static final String ALERTS_TOPIC = "alerts.documents.topic";
    public static final String ALERTS_FORMAT = "alerts.format";
    public static final String ALERTS_WINDOW_MS = "alerts.window.ms";
    public static final String ALERTS_UPDATE_INTERVAL_MS = "alerts.update.interval.ms";
    public static final String BLOCKLIST_TOPIC = "blocklist.topic";
    public static final String BLOCKLIST_TTL_MS = "blocklist.ttl.ms";
    public static final String BLOCKLIST_EXPIRE_INTERVAL_MS = "blocklist.expire.interval.ms";
    public static final String BLOCKLIST_OPERATOR_UNBLOCK = "blocklist.operator.unblock";
    public static final String OBSERVER_NAME = "observer.name";

    /** Every key with its default ("" = not set). */
    public static final Map<String, String> DEFAULTS;

    static {
        Map<String, String> d = new LinkedHashMap<>();
        d.put(IDENTITY_TOPIC, "identity");
        d.put(CHALLENGES_TOPIC, "identity.challenges");
        d.put(MAX_AGE_MS, "300000");
        d.put(MAX_FLOWS, "500");
        d.put(CHALLENGE_PERIOD_MS, "300000");
        d.put(CHALLENGE_ON, "STALE,EXPIRED");
        d.put(SOURCE_IDLE_MS, "3600000");
        d.put(EVICT_INTERVAL_MS, "60000");
        d.put(POLICY_FILE, "");
        d.put(POLICY_TOPIC, "policy");
        d.put(ALERTS_TOPIC, "alerts");
        d.put(ALERTS_FORMAT, "ecs");
        d.put(ALERTS_WINDOW_MS, "60000");
        d.put(ALERTS_UPDATE_INTERVAL_MS, "10000");
        d.put(BLOCKLIST_TOPIC, "blocklist");
        d.put(BLOCKLIST_TTL_MS, "600000");
        d.put(BLOCKLIST_EXPIRE_INTERVAL_MS, "10000");
        d.put(BLOCKLIST_OPERATOR_UNBLOCK, "true");
        d.put(OBSERVER_NAME, "sif-firewall");
        DEFAULTS = Collections.unmodifiableMap(d);
    }

    public static TrustConfig defaults() {
        return from(k -> "");
    }

    /** The settings of {@code config}; also checks that no two of the firewall's topics are one. */
    public static TrustConfig from(FirewallConfig config) {
        TrustConfig tc = from(config::get);
        Map<String, String> topics = new LinkedHashMap<>(config.topicBySetting());
        topics.put(IDENTITY_TOPIC, tc.identityTopic());
        topics.put(CHALLENGES_TOPIC, tc.challengesTopic());
        topics.put(POLICY_TOPIC, tc.policyTopic());
        topics.put(ALERTS_TOPIC, tc.alertsTopic());
        topics.put(BLOCKLIST_TOPIC, tc.blocklistTopic());
        sif.schemas.Topics.requireDistinct(topics);
        return tc;
    }

    /**
     * @param get raw value per key, "" or null when unset
     * @throws IllegalArgumentException naming the key of a bad value
     */
    public static TrustConfig from(Function<String, String> get) {
        Function<String, String> v = k -> {
            String s = get.apply(k);
            return s == null || s.isBlank() ? DEFAULTS.get(k) : s.trim();
        };
        Set<IdentityStatus> on = EnumSet.noneOf(IdentityStatus.class);
        for (String s : v.apply(CHALLENGE_ON).split(",")) {
            if (!s.isBlank()) {
                try {
                    on.add(IdentityStatus.valueOf(s.trim().toUpperCase(Locale.ROOT)));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(CHALLENGE_ON + ": unknown status '" + s.trim() + "', expected "
                            + Arrays.toString(IdentityStatus.values()), e);
                }
            }
        }
        FreshnessPolicy freshness;
        try {
            freshness = new FreshnessPolicy(positive(v, MAX_AGE_MS), positive(v, MAX_FLOWS),
                    positive(v, CHALLENGE_PERIOD_MS), on);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad zero-trust settings: " + e.getMessage(), e);
        }
        String skewText = get.apply(FirewallConfig.VALIDATION_MAX_FUTURE_SKEW_MS);
        long skew;
        try {
            skew = skewText == null || skewText.isBlank() ? FirewallConfig.DEFAULT_MAX_FUTURE_SKEW_MS
                    : Math.max(0, Long.parseLong(skewText.trim())); // FirewallConfig refuses a negative one
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(FirewallConfig.VALIDATION_MAX_FUTURE_SKEW_MS + " must be a number of ms, got "
                    + skewText, e);
        }
        if (positive(v, SOURCE_IDLE_MS) < positive(v, MAX_AGE_MS) + skew) {
            // An evicted source starts its flow count again. Idleness is measured on the largest event time
            // seen, which a flow dated ahead (accepted up to the skew) moves: below age limit + skew, sources
            // still within their age limit could be evicted, passing trust.max.flows without re-verification.
            throw new IllegalArgumentException(SOURCE_IDLE_MS + " (" + v.apply(SOURCE_IDLE_MS) + ") must be at least "
                    + MAX_AGE_MS + " + " + FirewallConfig.VALIDATION_MAX_FUTURE_SKEW_MS + " (" + v.apply(MAX_AGE_MS)
                    + " + " + skew + ")");
        }
        String unblock = v.apply(BLOCKLIST_OPERATOR_UNBLOCK).toLowerCase(Locale.ROOT);
        if (!unblock.equals("true") && !unblock.equals("false")) {
            throw new IllegalArgumentException(BLOCKLIST_OPERATOR_UNBLOCK + " must be true or false, got " + unblock);
        }
        return new TrustConfig(v.apply(IDENTITY_TOPIC), v.apply(CHALLENGES_TOPIC), freshness,
                Duration.ofMillis(positive(v, SOURCE_IDLE_MS)), Duration.ofMillis(positive(v, EVICT_INTERVAL_MS)),
                v.apply(POLICY_FILE), v.apply(POLICY_TOPIC), v.apply(ALERTS_TOPIC),
                AlertFormat.parse(v.apply(ALERTS_FORMAT)),
                Duration.ofMillis(positive(v, ALERTS_WINDOW_MS)), Duration.ofMillis(positive(v, ALERTS_UPDATE_INTERVAL_MS)),
                v.apply(BLOCKLIST_TOPIC), Duration.ofMillis(positive(v, BLOCKLIST_TTL_MS)),
                Duration.ofMillis(positive(v, BLOCKLIST_EXPIRE_INTERVAL_MS)), unblock.equals("true"),
                v.apply(OBSERVER_NAME), scanMaxEntries(get));
    }

    /** {@link FirewallConfig#STATE_SCAN_MAX_ENTRIES}, a firewall-wide setting the trust steps' punctuators share. */
    private static int scanMaxEntries(Function<String, String> get) {
        String s = get.apply(FirewallConfig.STATE_SCAN_MAX_ENTRIES);
        if (s == null || s.isBlank()) {
            return FirewallConfig.DEFAULT_STATE_SCAN_MAX_ENTRIES;
        }
        long n = positive(k -> s.trim(), FirewallConfig.STATE_SCAN_MAX_ENTRIES);
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(FirewallConfig.STATE_SCAN_MAX_ENTRIES + " must be at most "
                    + Integer.MAX_VALUE + ", got " + n);
        }
        return (int) n;
    }

    private static long positive(Function<String, String> v, String key) {
        String s = v.apply(key);
        long n;
        try {
            n = Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number, got '" + s + "'", e);
        }
        if (n <= 0) {
            throw new IllegalArgumentException(key + " must be > 0, got " + n);
        }
        return n;
    }
}
