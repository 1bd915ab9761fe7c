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
        String detail = failure + " on flow " + p.flowId() + ": " + e + (p.rawValue() == null
                ? " (original value not kept across the restart: see the source topic/partition/offset headers)"
                : "");
        return new Rejected(p.rawValue(), reason, detail, stage);
    }

    /** The {@code sif.dlq.*} headers of this rejection of the accepted flow {@code p}. */
    Headers headers(PendingFlow p, RuntimeException e) {
        Headers h = DlqHeaders.add(new RecordHeaders(), reason, detail, stage, p.sourceTopic(), p.sourcePartition(),
                p.sourceOffset());
        DlqHeaders.put(h, DlqHeaders.EXCEPTION, e.getClass().getName());
        return h;
    }
}
