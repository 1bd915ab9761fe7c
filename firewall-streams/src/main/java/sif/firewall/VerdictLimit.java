package sif.firewall;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * The largest record batch the verdict topics take, as the cluster reports it at start (their
 * {@code max.message.bytes}): {@link VerdictEncoder} dead-letters a verdict that would not fit.
 * Under exactly-once a record the broker refuses cannot be skipped — it fails its whole transaction,
 * every other output in it included, and the same verdict would be refused again when the task's
 * records are processed again — so a verdict must be known unwritable before it is sent.
 * Unknown (no answer from the cluster, or no cluster: tests) until {@link #learn} is called; a
 * topic's limit lowered while the firewall runs is read again when the broker refuses a verdict
 * ({@link #relearnAfterRefusal}).
 */
public final class VerdictLimit {

    private final Set<String> topics;
    private final int verdictMaxBytes;
    private volatile Map<String, Integer> maxBatchBytes = Map.of();
    /** Set when a refused verdict made the limits be read again and they changed; see {@link #takeLowered}. */
    private final AtomicBoolean lowered = new AtomicBoolean();

    /**
     * @param topics          the verdict topics
     * @param verdictMaxBytes {@code verdict.max.bytes}, for the warning when a topic takes less
     */
    VerdictLimit(Set<String> topics, int verdictMaxBytes) {
        this.topics = Set.copyOf(topics);
        this.verdictMaxBytes = verdictMaxBytes;
    }

    /** {@code config}'s verdict topics, their limits unknown until {@link #learn}. */
    static VerdictLimit of(FirewallConfig config) {
        return new VerdictLimit(Set.of(config.allowedTopic(), config.blockedTopic(), config.alertedTopic()),
                config.verdictMaxBytes());
    }

    /** The verdict topics. */
    Set<String> topics() {
        return topics;
    }

    /** The largest record batch {@code topic} takes, or {@link Integer#MAX_VALUE} when unknown. */
    int maxBatchBytes(String topic) {
        return maxBatchBytes.getOrDefault(topic, Integer.MAX_VALUE);
    }

    /**
     * Learns the verdict topics' limits from their configurations ({@code configOf}: a topic's
     * settings, or null without an answer, which keeps what was known), and returns a warning for
     * each that takes less than a verdict of {@code verdict.max.bytes} (empty when none does).
     */
    List<String> learn(Function<String, Map<String, String>> configOf) {
        Map<String, Integer> limits = new HashMap<>(maxBatchBytes); // a topic without an answer keeps its last
        List<String> warnings = new ArrayList<>();
        for (String t : topics) {
            Map<String, String> c = configOf.apply(t);
            String v = c == null ? null : c.get("max.message.bytes");
            if (v == null) {
                continue;
            }
            int limit = Integer.parseInt(v.trim());
            limits.put(t, limit);
            if (limit < (long) verdictMaxBytes + RecordSize.BATCH_OVERHEAD) {
                warnings.add("verdict topic " + t + " takes record batches of at most " + limit
                        + " bytes (max.message.bytes), less than " + FirewallConfig.VERDICT_MAX_BYTES + "="
                        + verdictMaxBytes + " allows: a verdict for it that would not fit goes to the dead-letter "
                        + "topic (verdict-unwritable). Raise the topic's max.message.bytes, or lower "
                        + FirewallConfig.VERDICT_MAX_BYTES);
            }
        }
        maxBatchBytes = Map.copyOf(limits);
        return warnings;
    }

    /**
     * After the broker refused a verdict for {@code topic} as too large: reads the limits again and
     * returns true when {@code topic} now takes less than before — a limit lowered while the firewall
     * runs, which the policy step will now see. The stream thread that sent the verdict dies (under
     * exactly-once its transaction cannot be saved); {@link #takeLowered} tells the firewall to replace
     * it, and the flow is dead-lettered when its task processes it again.
     */
    boolean relearnAfterRefusal(String topic, Function<String, Map<String, String>> configOf) {
        int before = maxBatchBytes(topic);
        learn(configOf);
        if (maxBatchBytes(topic) < before) {
            lowered.set(true);
            return true;
        }
        return false;
    }

    /** Whether limits were lowered by {@link #relearnAfterRefusal} since the last call (and clears it). */
    boolean takeLowered() {
        return lowered.getAndSet(false);
    }
}
