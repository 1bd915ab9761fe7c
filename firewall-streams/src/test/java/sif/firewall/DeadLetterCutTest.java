package sif.firewall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.SimpleRecord;
import org.junit.jupiter.api.Test;

/** The largest dead letter the firewall can write, and the start-up check of the dead-letter topic against it. */
class DeadLetterCutTest {

    /** A character of 3 bytes in UTF-8 (the most per Java char; U+20AC). */
    static final String WIDE = "\u20AC";

    /**
     * The worst case, built from every cut at its limit and sized by Kafka's own record-batch code: a
     * value of {@code validation.max.record.bytes}, a key of 4 KiB (the handlers' byte keys), original
     * headers just within 64 KiB, and every dead-letter header at its longest in 3-byte characters. It
     * fits {@link DeadLetterCut#maxBytes}: with one large original header within 1,000 bytes of it, with
     * thousands of small ones (whose per-header overhead the bound over-counts) well within it.
     */
    @Test
    void theLargestDeadLetterFitsTheBound() {
        int maxValue = FirewallConfig.defaults().maxRecordBytes();
        long bound = DeadLetterCut.maxBytes(maxValue);
        Headers one = new RecordHeaders();
        one.add("h", new byte[DeadLetterCut.MAX_HEADER_BYTES - RecordSize.HEADER_OVERHEAD - 1]);
        int size = worstBatch(one, maxValue);
        assertTrue(size <= bound && size > bound - 1_000, size + " vs " + bound);

        Headers many = new RecordHeaders();
        while (RecordSize.headerBytes(many) + (long) RecordSize.HEADER_OVERHEAD * (many.toArray().length + 1) + 21
                <= DeadLetterCut.MAX_HEADER_BYTES) {
            many.add("h", new byte[20]);
        }
        size = worstBatch(many, maxValue);
        assertTrue(size <= bound, size + " vs " + bound);
    }

    /** The size of the largest dead letter of a record with headers {@code original}, as Kafka batches it. */
    private static int worstBatch(Headers original, int maxValue) {
        Headers h = DeadLetterCut.headers(original);
        assertEquals(original.toArray().length, h.toArray().length, "headers within the limit are kept");
        byte[] value = DeadLetterCut.value(new byte[maxValue * 3], maxValue, h);
        byte[] key = DeadLetterCut.key(new byte[100_000], h);
        String longText = WIDE.repeat(10_000);
        for (String name : DlqHeaders.ALL) {
            DlqHeaders.put(h, name, longText);
        }
        return MemoryRecords.withRecords(Compression.NONE, new SimpleRecord(Long.MAX_VALUE, key, value, h.toArray()))
                .sizeInBytes();
    }

    /** Only the dead-letter headers {@link DlqHeaders#MAX_BYTES} counts can be set: any other would escape the bound. */
    @Test
    void onlyTheDeadLetterHeadersCanBeSet() {
        Headers h = new RecordHeaders();
        var e = assertThrows(IllegalArgumentException.class, () -> DlqHeaders.put(h, "sif.dlq.other", "x"));
        assertTrue(e.getMessage().contains("sif.dlq.other"), e.getMessage());
        assertEquals(0, h.toArray().length);
    }

    /** A detail of any length (an exception's message) keeps its start and its length; other headers 1,024 characters. */
    @Test
    void deadLetterHeadersAreCut() {
        Headers h = new RecordHeaders();
        DlqHeaders.put(h, DlqHeaders.DETAIL, "d".repeat(100_000));
        DlqHeaders.put(h, DlqHeaders.EXCEPTION, "e".repeat(5_000));
        DlqHeaders.put(h, DlqHeaders.REASON, "undecodable");
        String detail = DlqHeaders.get(h, DlqHeaders.DETAIL);
        assertTrue(detail.length() <= DlqHeaders.MAX_DETAIL_CHARS && detail.length() > DlqHeaders.MAX_DETAIL_CHARS - 24,
                Integer.toString(detail.length()));
        assertTrue(detail.endsWith("d...(100000 chars)"), detail.substring(detail.length() - 30));
        assertTrue(DlqHeaders.get(h, DlqHeaders.EXCEPTION).length() <= DlqHeaders.MAX_VALUE_CHARS);
        assertTrue(DlqHeaders.get(h, DlqHeaders.EXCEPTION).endsWith("...(5000 chars)"));
        assertEquals("undecodable", DlqHeaders.get(h, DlqHeaders.REASON));
    }

    /** Original headers whose count makes them too large (empty names and values, 10 bytes of overhead each) are left out. */
    @Test
    void manyTinyOriginalHeadersCountTheirOverhead() {
        Headers many = new RecordHeaders();
        for (int i = 0; i < DeadLetterCut.MAX_HEADER_BYTES / RecordSize.HEADER_OVERHEAD + 1; i++) {
            many.add(new Header() {
                public String key() {
                    return "";
                }

                public byte[] value() {
                    return null;
                }
            });
        }
        Headers h = DeadLetterCut.headers(many);
        assertEquals(String.valueOf(many.toArray().length), DlqHeaders.get(h, DlqHeaders.HEADERS_DROPPED));
        assertEquals(1, h.toArray().length);
    }

    @Test
    void theDeadLetterTopicMustTakeTheLargestDeadLetter() {
        int maxValue = 65_536;
        long need = DeadLetterCut.maxBytes(maxValue);
        assertNull(DeadLetterCut.checkTopicLimit("flows.dlq", null, maxValue), "no answer: nothing checked");
        assertNull(DeadLetterCut.checkTopicLimit("flows.dlq", Map.of("max.message.bytes", "1048588"), maxValue));
        assertNull(DeadLetterCut.checkTopicLimit("flows.dlq", Map.of("max.message.bytes", Long.toString(need)), maxValue));
        String problem = DeadLetterCut.checkTopicLimit("flows.dlq", Map.of("max.message.bytes", Long.toString(need - 1)),
                maxValue);
        assertTrue(problem.startsWith("the dead-letter topic flows.dlq takes record batches of at most " + (need - 1)),
                problem);
        assertTrue(problem.contains("Raise the topic's max.message.bytes to at least " + need + ", or lower "
                + FirewallConfig.VALIDATION_MAX_RECORD_BYTES), problem);
        // the largest validation.max.record.bytes still fits Kafka's default limit and producer request size
        assertTrue(DeadLetterCut.maxBytes(524_288) < 1_048_576, Long.toString(DeadLetterCut.maxBytes(524_288)));
    }
}
