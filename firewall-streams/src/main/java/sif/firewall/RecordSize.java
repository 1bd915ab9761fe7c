package sif.firewall;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * How large a record is, as the producer's {@code max.request.size} and a topic's
 * {@code max.message.bytes} count it (from above): what the firewall checks before it sends a
 * verdict or a dead letter, since under exactly-once a record the broker refuses fails its whole
 * transaction and is refused again on every retry.
 */
final class RecordSize {

    /**
     * Bytes a record batch of one record adds to the record's key, value and headers: the batch
     * header (61) and the record's own length, attributes, timestamp and offset deltas and field
     * lengths (at most 36, as varints), rounded up.
     */
    static final int BATCH_OVERHEAD = 100;
    /** Per header: its key's and value's lengths as varints, at most. */
    static final int HEADER_OVERHEAD = 10;

    private RecordSize() {}

    /** Key, value and header bytes (header keys as UTF-8). */
    static long bytes(byte[] key, byte[] value, Headers headers) {
        return (key == null ? 0 : key.length) + (value == null ? 0 : value.length) + headerBytes(headers);
    }

    /** The headers' keys (UTF-8) and values, in bytes. */
    static long headerBytes(Headers headers) {
        long n = 0;
        if (headers != null) {
            for (Header h : headers) {
                n += h.key().getBytes(StandardCharsets.UTF_8).length + (h.value() == null ? 0 : h.value().length);
            }
        }
        return n;
    }

    /** A record of {@code bytes} (see {@link #bytes}) with {@code headers}, as a batch of its own, at most. */
    static long asBatch(long bytes, Headers headers) {
        return bytes + BATCH_OVERHEAD + headerLengths(headers);
    }

    /** The length fields of {@code headers} in a record, at most ({@value #HEADER_OVERHEAD} bytes each). */
    static long headerLengths(Headers headers) {
        long count = 0;
        if (headers != null) {
            for (Header ignored : headers) {
                count++;
            }
        }
        return HEADER_OVERHEAD * count;
    }
}
