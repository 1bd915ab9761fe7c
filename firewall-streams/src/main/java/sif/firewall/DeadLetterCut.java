package sif.firewall;

import java.util.Arrays;
import java.util.Map;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * What a dead letter keeps of an oversized record, so that it fits the dead-letter topic: the first
 * {@code validation.max.record.bytes} of its value, the first 1,024 characters of its key, and its
 * original headers only when they take at most 64 KiB — each cut named in a header. Through the
 * topology's transactional sink a dead letter the broker refuses would fail its transaction and be
 * refused again on every retry (one such record stopped the firewall: {@code FirewallBadInputIT});
 * through the handlers' {@link DlqPublisher} it would be lost.
 */
final class DeadLetterCut {

    /** Longest key a dead letter keeps, in characters. */
    static final int MAX_KEY_CHARS = 1024;
    /** Most bytes of the original headers a dead letter keeps (all of them, or none). */
    static final int MAX_HEADER_BYTES = 65_536;

    private DeadLetterCut() {}

    /**
     * The most bytes a dead letter takes, as a record batch of its own: {@code maxValueBytes}
     * ({@code validation.max.record.bytes}) of value, a key of {@value #MAX_KEY_CHARS} characters, the
     * original headers ({@value #MAX_HEADER_BYTES} bytes) and the dead-letter headers
     * ({@link DlqHeaders#MAX_BYTES}). The dead-letter topic must take this much
     * ({@link #checkTopicLimit}).
     */
    static long maxBytes(int maxValueBytes) {
        return maxValueBytes + 4L * MAX_KEY_CHARS + MAX_HEADER_BYTES + DlqHeaders.MAX_BYTES + RecordSize.BATCH_OVERHEAD;
    }

    /**
     * Null when the dead-letter topic, whose settings are {@code topicConfig} (null: unknown), takes a
     * dead letter of {@link #maxBytes}; otherwise why it does not and what to change. Under
     * exactly-once a dead letter the broker refuses fails its transaction and is refused again when the
     * task retries, which stops the firewall at the first large bad record; under at-least-once it would
     * be lost. Either way the firewall should not start.
     */
    static String checkTopicLimit(String topic, Map<String, String> topicConfig, int maxValueBytes) {
        String v = topicConfig == null ? null : topicConfig.get("max.message.bytes");
        if (v == null) {
            return null;
        }
        long limit = Long.parseLong(v.trim());
        long need = maxBytes(maxValueBytes);
        if (limit >= need) {
            return null;
        }
        return "the dead-letter topic " + topic + " takes record batches of at most " + limit
                + " bytes (max.message.bytes), but a dead letter may take " + need + " bytes ("
                + FirewallConfig.VALIDATION_MAX_RECORD_BYTES + "=" + maxValueBytes + " of value, a key of up to "
                + MAX_KEY_CHARS + " characters, up to " + MAX_HEADER_BYTES + " bytes of the original headers and "
                + DlqHeaders.MAX_BYTES + " of dead-letter headers). A dead letter the broker refuses would stop the "
                + "firewall (exactly-once) or be lost. Raise the topic's max.message.bytes to at least " + need
                + ", or lower " + FirewallConfig.VALIDATION_MAX_RECORD_BYTES;
    }

    /**
     * A copy of {@code original} to add the dead-letter headers to, empty when they take more than
     * {@value #MAX_HEADER_BYTES} bytes (names, values and their lengths: {@link RecordSize#headerLengths}).
     */
    static Headers headers(Headers original) {
        if (original == null) {
            return new RecordHeaders();
        }
        if (RecordSize.headerBytes(original) + RecordSize.headerLengths(original) <= MAX_HEADER_BYTES) {
            return new RecordHeaders(original.toArray());
        }
        Headers none = new RecordHeaders();
        DlqHeaders.put(none, DlqHeaders.HEADERS_DROPPED, Integer.toString(original.toArray().length));
        return none;
    }

    /** {@code value}, or its first {@code maxBytes} bytes, saying so in {@code headers}. */
    static byte[] value(byte[] value, int maxBytes, Headers headers) {
        if (value == null || value.length <= maxBytes) {
            return value;
        }
        DlqHeaders.put(headers, DlqHeaders.VALUE_TRUNCATED_FROM, Integer.toString(value.length));
        return Arrays.copyOf(value, maxBytes);
    }

    /** {@code key}, or its first {@value #MAX_KEY_CHARS} characters, saying so in {@code headers}. */
    static String key(String key, Headers headers) {
        if (key == null || key.length() <= MAX_KEY_CHARS) {
            return key;
        }
        DlqHeaders.put(headers, DlqHeaders.KEY_TRUNCATED_FROM, Integer.toString(key.length()));
        return key.substring(0, MAX_KEY_CHARS);
    }

    /** The same for a key as bytes (UTF-8 text, as the firewall's keys are); at most 4 bytes a character. */
    static byte[] key(byte[] key, Headers headers) {
        if (key == null || key.length <= MAX_KEY_CHARS * 4) {
            return key;
        }
        DlqHeaders.put(headers, DlqHeaders.KEY_TRUNCATED_FROM, Integer.toString(key.length));
        return Arrays.copyOf(key, MAX_KEY_CHARS * 4);
    }
}
