package sif.firewall;

import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * The timestamp extractor of the topics the firewall's tasks read (flows, and the blocklist topic's
 * operator unblocks): a record stamped more than {@code validation.max.future.skew.ms} ahead of the
 * wall clock (or before the epoch) does not move its partition's stream time.
 *
 * <p>Kafka Streams takes a partition's stream time from the records it reads, before any processor
 * sees them, and keeps it with the committed offsets. One record stamped an hour ahead, dead-lettered
 * by the validate step, still moved it, and every stream-time punctuation of the task (blocklist
 * expiry, alert CLOSE documents, zero-trust eviction) then waited that hour; the one
 * that fired at the jump stamped its outputs that far ahead, which a topic with Kafka 4's default
 * {@code message.timestamp.after.max.ms} (1 hour) refuses, stopping the firewall under exactly-once.
 * Such a record is now read at its partition's stream time (0 before the partition's first record);
 * on the flows topic it is marked with {@link #HEADER}, its own timestamp, and the validate step
 * dead-letters it ({@link DlqReason#BAD_TIMESTAMP}). A {@link #HEADER} the record came with is
 * removed first, so a producer cannot have its record rejected or its timestamp replaced by it.
 */
public final class FutureStampGuard implements TimestampExtractor {

    /** Set on a flow record the guard held back: its own timestamp, decimal epoch ms. */
    public static final String HEADER = "sif.record.timestamp.ahead";

    private final long maxFutureSkewMs;
    private final LongSupplier wallClock;
    private final boolean mark;

    private FutureStampGuard(long maxFutureSkewMs, LongSupplier wallClock, boolean mark) {
        if (maxFutureSkewMs < 0) {
            throw new IllegalArgumentException("maxFutureSkewMs must be >= 0: " + maxFutureSkewMs);
        }
        this.maxFutureSkewMs = maxFutureSkewMs;
        this.wallClock = wallClock;
        this.mark = mark;
    }

    /** For the flows topic: holds back and marks ({@link #HEADER}). */
    public static FutureStampGuard forFlows(long maxFutureSkewMs, LongSupplier wallClock) {
        return new FutureStampGuard(maxFutureSkewMs, wallClock, true);
    }

    /** For a control topic read in the flows' tasks: holds back, adds no header. */
    public FutureStampGuard forControlTopic() {
        return new FutureStampGuard(maxFutureSkewMs, wallClock, false);
    }

    @Override
    public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
        long ts = record.timestamp();
        Headers headers = record.headers();
        if (mark) {
            headers.remove(HEADER);
        }
        if (ts >= 0 && ts - wallClock.getAsLong() <= maxFutureSkewMs) {
            return ts;
        }
        if (mark) {
            headers.add(HEADER, Long.toString(ts).getBytes(StandardCharsets.US_ASCII));
        }
        return Math.max(partitionTime, 0L);
    }

    /** The record's own timestamp when this guard held it back, else empty. */
    public static OptionalLong heldBack(Headers headers) {
        Header h = headers == null ? null : headers.lastHeader(HEADER);
        if (h == null || h.value() == null) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(new String(h.value(), StandardCharsets.US_ASCII)));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }
}
