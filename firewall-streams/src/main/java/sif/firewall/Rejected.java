package sif.firewall;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * A record bound to the dead-letter topic. The DLQ record's value is {@code rawValue}, the original
 * bytes as read from the input topic; why and where from travel as {@link DlqHeaders}.
 *
 * @param rawValue original value bytes (may be {@code null} for a tombstone)
 * @param reason   one of {@link DlqReason}
 * @param detail   what exactly was wrong
 * @param stage    the step that rejected it
 */
public record Rejected(byte[] rawValue, String reason, String detail, String stage) implements FirewallEvent {

    /**
     * A flow that failed after it was accepted (inference, policy): its original bytes while this
     * instance still holds them (not after a restart: the detail then says so and the headers point to
     * the input record).
     *
     * @param failure what failed, e.g. {@code "policy failed"}; the detail adds the flow id and the exception
     */
    static Rejected pendingFlow(PendingFlow p, String reason, String stage, String failure, RuntimeException e) {
        String detail = failure + " on flow " + shortId(p.flowId()) + ": " + e + (p.rawValue() == null
                ? " (original value not kept across the restart: see the source topic/partition/offset headers)"
                : "");
        return new Rejected(p.rawValue(), reason, detail, stage);
    }

    /** Longest flow id written whole into logs and dead-letter headers. */
    static final int MAX_ID_CHARS = 200;

    /**
     * {@code id}, or its first {@value #MAX_ID_CHARS} characters and its length when longer: a flow id
     * is the producer's, of any length, and the dead letter already holds the flow's bytes.
     */
    static String shortId(String id) {
        return id == null || id.length() <= MAX_ID_CHARS ? id
                : id.substring(0, MAX_ID_CHARS) + "...(" + id.length() + " chars)";
    }

    /** The {@code sif.dlq.*} headers of this rejection of the accepted flow {@code p}. */
    Headers headers(PendingFlow p, RuntimeException e) {
        Headers h = DlqHeaders.add(new RecordHeaders(), reason, detail, stage, p.sourceTopic(), p.sourcePartition(),
                p.sourceOffset());
        DlqHeaders.put(h, DlqHeaders.FLOW_ID, shortId(p.flowId()));
        DlqHeaders.put(h, DlqHeaders.EXCEPTION, e.getClass().getName());
        return h;
    }
}
