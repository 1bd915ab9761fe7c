package sif.firewall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.SimpleRecord;
import org.junit.jupiter.api.Test;

/** The largest re-keyed flow, and the start-up check of the repartition topic against it. */
class MisroutedTest {

    /**
     * The worst case, sized by Kafka's own record-batch code: a value of {@code validation.max.record.bytes},
     * as key the canonical text of the longest address accepted in the most bytes (an IPv6 zone of 3-byte
     * characters), producer headers just within 64 KiB, a topic name of 249 characters, the largest
     * partition and offset, and a producer key of 1,024 3-byte characters. It fits
     * {@link Misrouted#maxBytes}, within 2,000 bytes.
     */
    @Test
    void theLargestReKeyedFlowFitsTheBound() {
        int maxValue = FirewallConfig.defaults().maxRecordBytes();
        long bound = Misrouted.maxBytes(maxValue);
        Headers producers = new RecordHeaders();
        producers.add("h", new byte[DeadLetterCut.MAX_HEADER_BYTES - RecordSize.HEADER_OVERHEAD - 1]);
        Headers h = Misrouted.headers(producers, DeadLetterCutTest.WIDE.repeat(5_000), "t".repeat(249),
                Integer.MAX_VALUE, Long.MAX_VALUE);
        assertEquals(6, h.toArray().length, "the producer's header, the four origin headers and the key's cut");
        String address = "::%" + DeadLetterCutTest.WIDE.repeat(FlowValidator.MAX_ADDRESS_CHARS - 3);
        assertEquals(address, sif.trust.IpAddress.canonical(address), "a valid address, canonical as it is");
        byte[] key = address.getBytes(StandardCharsets.UTF_8);
        int size = MemoryRecords.withRecords(Compression.NONE,
                new SimpleRecord(Long.MAX_VALUE, key, new byte[maxValue], h.toArray())).sizeInBytes();
        assertTrue(size <= bound && size > bound - 2_000, size + " vs " + bound);
    }

    @Test
    void internalTopicsTakeKafkasDefaultOrTheLargestReKeyedFlow() {
        // Kafka's default takes the largest re-keyed flow at the largest validation.max.record.bytes allowed
        assertEquals(1_048_588, Misrouted.internalTopicLimit(FirewallConfig.defaults().maxRecordBytes()));
        assertEquals(1_048_588, Misrouted.internalTopicLimit(524_288));
        assertTrue(Misrouted.maxBytes(524_288) > Misrouted.maxBytes(65_536) + 400_000, "the bound grows with the value");
    }

    @Test
    void aRepartitionTopicThatTakesLessIsRefusedWithTheFix() {
        int maxValue = 65_536;
        long need = Misrouted.maxBytes(maxValue);
        assertNull(Misrouted.checkTopicLimit("app-flows-by-source-repartition", Long.toString(need), true, maxValue));
        assertNull(Misrouted.checkTopicLimit("app-flows-by-source-repartition", null, true, maxValue), "unknown");
        String created = Misrouted.checkTopicLimit("app-flows-by-source-repartition", Long.toString(need - 1), true,
                maxValue);
        assertTrue(created.startsWith("the repartition topic app-flows-by-source-repartition takes record batches of "
                + "at most " + (need - 1) + " bytes"), created);
        assertTrue(created.contains("--entity-name app-flows-by-source-repartition --add-config max.message.bytes="
                + need), created);
        String setting = Misrouted.checkTopicLimit("app-flows-by-source-repartition", "100000", false, maxValue);
        assertTrue(setting.startsWith("streams.topic.max.message.bytes, with which Kafka Streams creates the "
                + "repartition topic app-flows-by-source-repartition, lets it take record batches of at most 100000"),
                setting);
        assertTrue(setting.contains("Raise streams.topic.max.message.bytes to at least " + need), setting);
        String notANumber = Misrouted.checkTopicLimit("app-flows-by-source-repartition", "1MB", false, maxValue);
        assertTrue(notANumber.contains("'1MB' is not a number of bytes"), notANumber);
    }
}
