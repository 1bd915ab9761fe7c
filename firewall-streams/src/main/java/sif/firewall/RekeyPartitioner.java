package sif.firewall;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.processor.StreamPartitioner;

/**
 * Where a re-keyed flow goes on the repartition topic ({@link FirewallTopology#REKEY_TOPIC}): to the
 * partition numbered as the flows topic's partition its source hashes to, as the producer's default
 * partitioner sends a flow keyed by its source (murmur2 of the key's UTF-8 bytes, modulo the flows
 * topic's partitions). Partition {@code p} of both topics is read by task {@code 0_p}, which holds the
 * source's state.
 *
 * <p>Kafka Streams gives the repartition topic as many partitions as the most any source topic of the
 * flows' tasks has: the blocklist topic's operator unblocks are such a source, so a blocklist topic of
 * more partitions than the flows topic makes a larger repartition topic, and its own modulo would send
 * a source's flows to another task. The flows topic's count is learnt at start and again after every
 * rebalance ({@link #learn}: partitions added to the flows topic move sources, and re-keyed flows must
 * follow them); until then, and where it is unknown (no cluster answer, tests), the repartition topic's
 * count is used.
 */
final class RekeyPartitioner implements StreamPartitioner<String, byte[]> {

    private volatile int flowPartitions;

    /**
     * The flows topic's partition count (ignored unless positive).
     *
     * @return the count known before (0: none)
     */
    int learn(int flowPartitions) {
        int before = this.flowPartitions;
        if (flowPartitions > 0) {
            this.flowPartitions = flowPartitions;
        }
        return before;
    }

    /** The flows topic's partition count as last learnt (0: not known). */
    int flowPartitions() {
        return flowPartitions;
    }

    @Override
    public Optional<Set<Integer>> partitions(String topic, String key, byte[] value, int numPartitions) {
        int n = flowPartitions > 0 && flowPartitions <= numPartitions ? flowPartitions : numPartitions;
        return Optional.of(Set.of(of(key, n)));
    }

    /** The partition of {@code n} that Kafka's default partitioner gives a record keyed {@code key}. */
    static int of(String key, int n) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % n;
    }
}
