package sif.firewall.trust;

import java.util.Map;
import org.apache.kafka.common.config.TopicConfig;
import sif.schemas.Topics;
import sif.trust.PrincipalIdentity;

/**
 * Whether the identity topic keeps enough history for a firewall that rebuilds its identity store.
 *
 * <p>The global identity store is what a principal's events add up to, and a new or wiped instance
 * rebuilds it by replaying the topic. The topic is compacted per principal, so compaction leaves
 * only each principal's last event once older ones are past {@code min.compaction.lag.ms}: with the
 * broker default (0) a rebuild can see a late ISSUED of a credential without the REVOKED before it
 * (trusting a revoked credential again) and loses the verification history that freshness is judged
 * on. With a lag of at least {@link PrincipalIdentity#VERIFICATION_HISTORY_MS} (one hour, and at
 * least {@code trust.max.age.ms}) every event a rebuilt store needs for live flows is still there;
 * SIF creates the topic with one day ({@link Topics#IDENTITY_MIN_COMPACTION_LAG_MS}).
 */
public final class IdentityTopicCheck {

    private IdentityTopicCheck() {
    }

    /** The least {@code min.compaction.lag.ms} the firewall accepts without a warning. */
    public static long requiredLagMs(TrustConfig tc) {
        return Math.max(PrincipalIdentity.VERIFICATION_HISTORY_MS, tc.freshness().maxAgeMs());
    }

    /**
     * The warning for an identity topic with {@code topicConfig} (as the cluster describes it), or
     * null when compaction keeps enough or the topic is not compacted at all.
     */
    public static String problem(String topic, Map<String, String> topicConfig, TrustConfig tc) {
        String policy = topicConfig.getOrDefault(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE);
        if (!policy.contains(TopicConfig.CLEANUP_POLICY_COMPACT)) {
            return null;
        }
        long lag;
        try {
            lag = Long.parseLong(topicConfig.getOrDefault(TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG, "0"));
        } catch (NumberFormatException e) {
            lag = 0;
        }
        long required = requiredLagMs(tc);
        if (lag >= required) {
            return null;
        }
        return "identity topic '" + topic + "' is compacted with min.compaction.lag.ms=" + lag + " (< " + required
                + "): an instance that rebuilds its identity store from it may see only each principal's last event "
                + "(a revocation followed by a late event about the same credential would be forgotten, and "
                + "verification history lost). Set it, e.g.: kafka-configs.sh --bootstrap-server <broker> --alter "
                + "--entity-type topics --entity-name " + topic + " --add-config min.compaction.lag.ms="
                + Topics.IDENTITY_MIN_COMPACTION_LAG_MS;
    }
}
