package sif.firewall;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;

/** Re-keyed flows go where a producer's default partitioner sends a flow keyed by its source. */
class RekeyPartitionerTest {

    private static final String[] SOURCES = {"10.0.0.1", "10.9.9.1", "172.16.0.1", "192.168.10.50", "2001:db8::1"};

    private static int kafkas(String key, int n) {
        return BuiltInPartitioner.partitionForKey(key.getBytes(StandardCharsets.UTF_8), n);
    }

    @Test
    void withoutTheFlowsCountItIsKafkasDefaultOverTheRepartitionTopic() {
        RekeyPartitioner p = new RekeyPartitioner();
        for (String s : SOURCES) {
            for (int n = 1; n <= 7; n++) {
                assertEquals(Optional.of(Set.of(kafkas(s, n))), p.partitions("t", s, new byte[0], n), s + " over " + n);
            }
        }
    }

    @Test
    void withTheFlowsCountItIsTheFlowsPartitionOfTheSource() {
        RekeyPartitioner p = new RekeyPartitioner();
        p.learn(2);
        int differ = 0;
        for (String s : SOURCES) {
            assertEquals(Optional.of(Set.of(kafkas(s, 2))), p.partitions("t", s, new byte[0], 3), s);
            differ += kafkas(s, 2) != kafkas(s, 3) ? 1 : 0;
        }
        assertEquals(true, differ > 0, "some source would have gone elsewhere");
    }

    @Test
    void aCountLearntAgainReplacesTheOneBeforeAndSaysWhatItWas() {
        RekeyPartitioner p = new RekeyPartitioner();
        assertEquals(0, p.learn(1), "none before");
        assertEquals(1, p.learn(0), "no count: ignored");
        assertEquals(1, p.flowPartitions());
        assertEquals(1, p.learn(2));
        assertEquals(2, p.flowPartitions());
        String s = "10.0.0.1";
        for (int i = 2; kafkas(s, 2) == 0; i++) {
            s = "10.0.0." + i;
        }
        assertEquals(Optional.of(Set.of(kafkas(s, 2))), p.partitions("t", s, new byte[0], 3), s);
    }

    @Test
    void aFlowsCountLargerThanTheRepartitionTopicIsNotUsed() {
        RekeyPartitioner p = new RekeyPartitioner();
        p.learn(4);
        assertEquals(Optional.of(Set.of(kafkas("10.0.0.1", 3))), p.partitions("t", "10.0.0.1", new byte[0], 3));
        String s = "10.0.0.1";
        for (int i = 2; kafkas(s, 4) == kafkas(s, 5); i++) {
            s = "10.0.0." + i;
        }
        p.learn(0); // no answer: keeps what it knew (4), not the repartition topic's 5
        assertEquals(Optional.of(Set.of(kafkas(s, 4))), p.partitions("t", s, new byte[0], 5));
    }
}
