package sif.firewall;

import java.util.Arrays;
import org.apache.kafka.common.header.Header;
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

    /** A copy of {@code original} to add the dead-letter headers to, empty when they take too much. */
    static Headers headers(Headers original) {
        if (original == null) {
            return new RecordHeaders();
        }
        Header[] all = original.toArray();
        if (RecordSize.headerBytes(original) <= MAX_HEADER_BYTES) {
            return new RecordHeaders(all);
        }
        Headers none = new RecordHeaders();
        DlqHeaders.put(none, DlqHeaders.HEADERS_DROPPED, Integer.toString(all.length));
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
