package sif.firewall;

import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.record.Records;

/**
 * A valid flow whose record key was not its source's canonical address (no key, another address,
 * another spelling), re-keyed to that address and bound for the repartition topic
 * ({@link FirewallTopology#REKEY_TOPIC}): read back from there it lands in the task that owns its source,
 * with the rest of that source's flows. Carries the original value bytes; where the record was first
 * read, and its key, travel in headers ({@link #FROM_TOPIC} and its siblings), which stay on the record
 * so that a dead letter made of it, by a step or by Kafka Streams' processing handler, names the input
 * record rather than the repartition topic's.
 *
 * @param rawValue the input record's value, unchanged
 */
public record Misrouted(byte[] rawValue) implements FirewallEvent {

    /** Where a re-keyed flow was first read: topic, partition, offset (decimal text), and its key (absent: none). */
    public static final String FROM_TOPIC = "sif.rekeyed.from.topic";
    public static final String FROM_PARTITION = "sif.rekeyed.from.partition";
    public static final String FROM_OFFSET = "sif.rekeyed.from.offset";
    public static final String FROM_KEY = "sif.rekeyed.from.key";
    /** What the four names start with. */
    private static final String FROM = "sif.rekeyed.from.";

    /**
     * The origin headers without the key's value, from above: four names of under 32 bytes, a topic name
     * (at most 249 characters, ASCII), a partition and an offset as decimal text, and their length fields.
     */
    private static final int ORIGIN_HEADER_BYTES = 512;
    /**
     * The record key, a canonical address, from above: at most {@value FlowValidator#MAX_ADDRESS_CHARS}
     * characters were accepted, and the canonical text is at most 39 ASCII characters (one more than the
     * input's at most: {@code 1::2:3:4:5:6:7} is {@code 1:0:2:3:4:5:6:7}) and a zone kept as written, whose
     * characters take up to 3 bytes each in UTF-8: under 190 bytes.
     */
    private static final int ADDRESS_BYTES = 3 * FlowValidator.MAX_ADDRESS_CHARS;

    /**
     * The most bytes a re-keyed flow takes, as a record batch of its own: {@code maxValueBytes}
     * ({@code validation.max.record.bytes}) of value, a canonical address as its key, the producer's headers
     * ({@value DeadLetterCut#MAX_HEADER_BYTES} bytes, length fields included) and the origin headers with a
     * key of {@value DeadLetterCut#MAX_KEY_CHARS} characters. The repartition topic must take this much, or one
     * such flow fails its transaction (exactly-once stops the firewall on it).
     */
    static long maxBytes(int maxValueBytes) {
        return maxValueBytes + ADDRESS_BYTES + DeadLetterCut.MAX_HEADER_BYTES + 4L * DeadLetterCut.MAX_KEY_CHARS
                + ORIGIN_HEADER_BYTES + RecordSize.BATCH_OVERHEAD;
    }

    /**
     * What the internal topics Kafka Streams creates are given as their {@code max.message.bytes} unless
     * set otherwise ({@code streams.topic.max.message.bytes}): Kafka's default (1 MiB and a record batch's
     * log overhead), or {@link #maxBytes} when larger. A topic set so takes that much whatever the broker's
     * {@code message.max.bytes}, which a topic created with the broker's settings follows.
     */
    static long internalTopicLimit(int maxValueBytes) {
        return Math.max(1024 * 1024 + Records.LOG_OVERHEAD, maxBytes(maxValueBytes));
    }

    /**
     * Null when the repartition topic takes a re-keyed flow of {@link #maxBytes}; otherwise why not and what
     * to change. {@code limit} is a {@code max.message.bytes}: the topic's own ({@code created}), or the
     * setting Kafka Streams creates it with (null: unknown, nothing checked).
     */
    static String checkTopicLimit(String topic, String limit, boolean created, int maxValueBytes) {
        if (limit == null) {
            return null;
        }
        long need = maxBytes(maxValueBytes);
        long have;
        try {
            have = Long.parseLong(limit.trim());
        } catch (NumberFormatException e) {
            return (created ? "the repartition topic " + topic + "'s max.message.bytes" : "streams.topic.max.message.bytes")
                    + " '" + limit + "' is not a number of bytes; a flow keyed otherwise than by its source may take "
                    + need + " bytes there";
        }
        if (have >= need) {
            return null;
        }
        String fix = created
                ? "Raise it: kafka-configs.sh --alter --entity-type topics --entity-name " + topic
                        + " --add-config max.message.bytes=" + need
                : "Raise streams.topic.max.message.bytes to at least " + need;
        return (created ? "the repartition topic " + topic + " takes"
                        : "streams.topic.max.message.bytes, with which Kafka Streams creates the repartition topic "
                                + topic + ", lets it take")
                + " record batches of at most " + have + " bytes, but a flow keyed otherwise than by its source "
                + "may take " + need + " bytes there (" + FirewallConfig.VALIDATION_MAX_RECORD_BYTES + "="
                + maxValueBytes + " of value, up to " + DeadLetterCut.MAX_HEADER_BYTES + " bytes of the producer's "
                + "headers, and where it was read with its key); one the broker refused would stop the firewall "
                + "(exactly-once). " + fix + ", or lower " + FirewallConfig.VALIDATION_MAX_RECORD_BYTES;
    }

    /** Where a re-keyed flow was first read, and the key it had there (null: none). */
    public record Origin(String topic, int partition, long offset, String key) {}

    /** Whether {@code topic} is the repartition topic ({@code <application.id>-flows-by-source-repartition}). */
    static boolean isRepartitionTopic(String topic) {
        return topic != null && topic.endsWith("-" + FirewallTopology.REKEY_REPARTITION_TOPIC);
    }

    /** True for flows bound for the repartition topic. */
    static boolean is(Object key, FirewallEvent event) {
        return event instanceof Misrouted;
    }

    /**
     * The headers a re-keyed flow travels with: a copy of the input record's, as a dead letter keeps
     * them (none when they take more than 64 KiB, {@link DeadLetterCut#headers}: the repartition topic
     * must take the record, or one record would stop the firewall), without any header of these names a
     * producer set, and where it was read with its key (at most 1,024 characters of it).
     */
    static Headers headers(Headers original, String key, String topic, int partition, long offset) {
        Headers h = strip(DeadLetterCut.headers(original));
        h.add(FROM_TOPIC, utf8(topic == null ? "" : topic))
                .add(FROM_PARTITION, utf8(Integer.toString(partition)))
                .add(FROM_OFFSET, utf8(Long.toString(offset)));
        String shown = DeadLetterCut.key(key, h);
        if (shown != null) {
            h.add(FROM_KEY, utf8(shown));
        }
        return h;
    }

    /**
     * {@code headers} without any header of these names (a producer's): one pass over them (this runs
     * for every input flow, whose headers are mostly none).
     */
    static Headers strip(Headers headers) {
        for (Iterator<Header> it = headers.iterator(); it.hasNext(); ) {
            if (it.next().key().startsWith(FROM)) {
                it.remove();
            }
        }
        return headers;
    }

    /** Where a re-keyed flow was first read, from its headers; null when they do not say (not re-keyed). */
    static Origin origin(Headers headers) {
        String topic = text(headers, FROM_TOPIC);
        if (topic == null) {
            return null;
        }
        return new Origin(topic, (int) number(headers, FROM_PARTITION), number(headers, FROM_OFFSET),
                text(headers, FROM_KEY));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(Headers headers, String name) {
        return headers == null ? null : DlqHeaders.get(headers, name);
    }

    private static long number(Headers headers, String name) {
        String t = text(headers, name);
        try {
            return t == null ? -1 : Long.parseLong(t);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
