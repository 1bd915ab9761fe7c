package sif.firewall;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.common.header.Headers;

/**
 * Headers of dead-letter records. The record's key and value are the original bytes (of a verdict
 * the broker refused: the verdict's, see {@link DlqExceptionHandlers.Production}); these headers say
 * why and where from. Numbers are written as decimal strings so any tool can read them.
 */
public final class DlqHeaders {

    /** Reason code, one of {@link DlqReason}. */
    public static final String REASON = "sif.dlq.reason";
    /** What exactly was wrong, with the offending field and value. */
    public static final String DETAIL = "sif.dlq.detail";
    /** The step that rejected the record: validate, inference, or a Kafka Streams handler. */
    public static final String STAGE = "sif.dlq.stage";
    public static final String SOURCE_TOPIC = "sif.dlq.source.topic";
    public static final String SOURCE_PARTITION = "sif.dlq.source.partition";
    public static final String SOURCE_OFFSET = "sif.dlq.source.offset";
    /**
     * The flow's id, when the record was rejected after it was accepted (inference, policy, an
     * unwritable verdict).
     */
    public static final String FLOW_ID = "sif.dlq.flow.id";
    /**
     * The original value's length, when the dead letter keeps only its first
     * {@code validation.max.record.bytes} bytes (a dead letter must fit its topic: one the broker
     * refuses fails its transaction and is refused again on every retry).
     */
    public static final String VALUE_TRUNCATED_FROM = "sif.dlq.value.truncated.from";
    /** The original key's length in characters, when the dead letter's key keeps only the first 1,024. */
    public static final String KEY_TRUNCATED_FROM = "sif.dlq.key.truncated.from";
    /** How many of the original record's headers were left out (when they took more than 64 KiB). */
    public static final String HEADERS_DROPPED = "sif.dlq.headers.dropped";
    /** Exception class, when an exception caused the rejection. */
    public static final String EXCEPTION = "sif.dlq.exception";

    /** Longest {@value #DETAIL} kept, in characters (an exception's message can be of any length). */
    static final int MAX_DETAIL_CHARS = 4096;
    /** Longest value of any other of these headers kept, in characters. */
    static final int MAX_VALUE_CHARS = 1024;
    /** Every header this class defines; {@link #put} sets no other. Each is written at most once ({@link #put} replaces). */
    public static final List<String> ALL = List.of(REASON, DETAIL, STAGE, SOURCE_TOPIC, SOURCE_PARTITION,
            SOURCE_OFFSET, FLOW_ID, VALUE_TRUNCATED_FROM, KEY_TRUNCATED_FROM, HEADERS_DROPPED, EXCEPTION);
    /** The longest of their names, in UTF-8 bytes. */
    private static final int LONGEST_NAME = ALL.stream()
            .mapToInt(n -> n.getBytes(StandardCharsets.UTF_8).length).max().orElseThrow();
    /**
     * The most bytes these headers add to a record: each value at most its cut in UTF-8 (3 bytes a Java
     * char: a character outside the BMP takes two chars and 4 bytes), each name at most the longest, and
     * {@link RecordSize#HEADER_OVERHEAD} each.
     */
    static final int MAX_BYTES = 3 * (MAX_DETAIL_CHARS + (ALL.size() - 1) * MAX_VALUE_CHARS)
            + ALL.size() * (LONGEST_NAME + RecordSize.HEADER_OVERHEAD);

    private DlqHeaders() {}

    /** Adds the standard headers (replacing earlier ones of the same names). */
    public static Headers add(Headers headers, String reason, String detail, String stage, String topic,
                              int partition, long offset) {
        put(headers, REASON, reason);
        put(headers, DETAIL, detail);
        put(headers, STAGE, stage);
        put(headers, SOURCE_TOPIC, topic);
        put(headers, SOURCE_PARTITION, Integer.toString(partition));
        put(headers, SOURCE_OFFSET, Long.toString(offset));
        return headers;
    }

    /**
     * Sets {@code key} to {@code value}, replacing an earlier value; a value longer than
     * {@value #MAX_DETAIL_CHARS} characters (the detail) or {@value #MAX_VALUE_CHARS} (any other) keeps
     * its start and says how long it was, so that a dead letter's size stays bounded ({@link #MAX_BYTES}).
     *
     * @throws IllegalArgumentException if {@code key} is not one of {@link #ALL}
     */
    public static void put(Headers headers, String key, String value) {
        if (!ALL.contains(key)) {
            throw new IllegalArgumentException("not a dead-letter header: " + key + " (DlqHeaders.ALL bounds their size)");
        }
        headers.remove(key);
        if (value != null) {
            int max = DETAIL.equals(key) ? MAX_DETAIL_CHARS : MAX_VALUE_CHARS;
            String kept = value.length() <= max ? value
                    : value.substring(0, max - 24) + "...(" + value.length() + " chars)";
            headers.add(key, kept.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** The last value of {@code key} as UTF-8, or {@code null}. */
    public static String get(Headers headers, String key) {
        var h = headers.lastHeader(key);
        return h == null || h.value() == null ? null : StandardCharsets.UTF_8.decode(ByteBuffer.wrap(h.value())).toString();
    }
}
