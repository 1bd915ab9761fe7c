package sif.firewall;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Serializer;
import sif.schemas.avro.Verdict;
import sif.schemas.serde.RegistryUnavailableException;

/**
 * Encodes a verdict for the topic its decision routes it to, in the policy step rather than in the
 * sink: a verdict that cannot be written is then known while its flow is at hand, and that flow goes
 * to the dead-letter topic with its original bytes, inside the transaction, instead of reaching the
 * production handler, which sees only the stream thread's current record (with pipelined inference
 * another flow, or none). The sinks write the bytes made here ({@link Decided#encoded}).
 *
 * <p>A verdict is unwritable when its serializer throws, when its record — key, value and headers —
 * is larger than {@code verdict.max.bytes}, or when, as a batch of one record, it is larger than the
 * verdict topics take ({@link VerdictLimit}, learnt from the cluster at start).
 */
final class VerdictEncoder {

    private final FirewallTopics topics;
    private final Serializer<String> keys;
    private final Serializer<Verdict> values;
    private final int maxBytes;
    private final VerdictLimit cluster;

    VerdictEncoder(FirewallTopics topics, int maxBytes, VerdictLimit cluster) {
        this.topics = topics;
        this.keys = topics.keySerde().serializer();
        this.values = topics.verdictSerde().serializer();
        this.maxBytes = maxBytes;
        this.cluster = cluster;
    }

    /** Why a verdict cannot be written, in words for the dead-letter detail. */
    static final class Unwritable extends RuntimeException {
        Unwritable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The topic a verdict goes to. */
    String topic(Verdict v) {
        return switch (v.getDecision()) {
            case ALLOW -> topics.allowed();
            case BLOCK -> topics.blocked();
            case ALERT -> topics.alerts();
        };
    }

    /**
     * The value bytes of {@code v}'s record, keyed {@code key}, with {@code headers} (which a registry
     * serializer may add to).
     *
     * @throws Unwritable when it does not serialize or the record is larger than the limit
     */
    byte[] encode(String key, Headers headers, Verdict v) {
        String topic = topic(v);
        byte[] value;
        try {
            value = values.serialize(topic, headers, v);
        } catch (RegistryUnavailableException e) {
            throw e; // the registry, not the verdict: not a dead letter (the processing handler stops the thread)
        } catch (RuntimeException e) {
            throw new Unwritable("the verdict does not serialize for " + topic + ": " + e, e);
        }
        long size = RecordSize.bytes(keys.serialize(topic, headers, key), value, headers);
        if (size > maxBytes) {
            throw new Unwritable("the verdict's record for " + topic + " is " + size + " bytes (key, value and "
                    + "headers), over " + FirewallConfig.VERDICT_MAX_BYTES + "=" + maxBytes, null);
        }
        long batch = RecordSize.asBatch(size, headers);
        int limit = cluster.maxBatchBytes(topic);
        if (batch > limit) {
            throw new Unwritable("the verdict's record for " + topic + " is " + size + " bytes, up to " + batch
                    + " as a record batch, over the " + limit + " bytes the topic takes (max.message.bytes)", null);
        }
        return value;
    }
}
