package sif.firewall.trust;

import java.util.List;
import sif.policy.alerts.AlertInput;
import sif.schemas.avro.Decision;
import sif.schemas.avro.Verdict;

/**
 * Input of the {@link BlocklistProcessor}: block a source (a BLOCK verdict), advance its clock (any
 * other verdict: event time passes, so blocks can expire), or unblock a source (an operator's
 * tombstone on the blocklist topic).
 *
 * @param source      source address (the key)
 * @param kind        what to do
 * @param verdictId   flow id of the verdict, or null
 * @param reason      deciding rule of the verdict, or "operator" for an unblock
 * @param eventTimeMs flow event time of the verdict (0 for unblock)
 */
public record BlockCommand(String source, Kind kind, String verdictId, String reason, long eventTimeMs)
        implements sif.firewall.OfVerdict {

    /** The verdict's flow id for BLOCK and TICK; null for an operator's UNBLOCK (a record of its own). */
    @Override
    public String verdictFlowId() {
        return kind == Kind.UNBLOCK ? null : verdictId;
    }

    /** Command kinds. */
    public enum Kind { BLOCK, TICK, UNBLOCK }

    /** BLOCK for a BLOCK verdict, TICK for the others. */
    public static BlockCommand of(Verdict v) {
        if (v.getDecision() != Decision.BLOCK) {
            return new BlockCommand(v.getSrcIp(), Kind.TICK, v.getFlowId(), null, v.getEventTimeMs());
        }
        List<String> reasons = v.getReasons() == null ? List.of() : v.getReasons();
        AlertInput tmp = new AlertInput(v.getFlowId(), v.getSrcIp(), 0, v.getDstIp(), 0, 0, null,
                v.getPredictedClass(), v.getConfidence(), sif.policy.Decision.BLOCK, reasons, null, 0, null);
        return new BlockCommand(v.getSrcIp(), Kind.BLOCK, v.getFlowId(), tmp.decidingReason(), v.getEventTimeMs());
    }

    public static BlockCommand unblock(String source) {
        return new BlockCommand(source, Kind.UNBLOCK, null, "operator", 0L);
    }
}
