package sif.firewall.trust;

import java.util.List;
import sif.policy.alerts.AlertInput;
import sif.schemas.avro.Verdict;

/**
 * Input of the {@link BlocklistProcessor}: block a source (from a BLOCK verdict) or unblock it (an
 * operator's tombstone on the blocklist topic).
 *
 * @param source      source address (the key)
 * @param unblock     true for an unblock command
 * @param verdictId   flow id of the BLOCK verdict, or null
 * @param reason      deciding rule of the verdict, or "operator" for an unblock
 * @param eventTimeMs flow event time of the verdict (0 for unblock)
 */
public record BlockCommand(String source, boolean unblock, String verdictId, String reason, long eventTimeMs) {

    public static BlockCommand block(Verdict v) {
        List<String> reasons = v.getReasons() == null ? List.of() : v.getReasons();
        AlertInput tmp = new AlertInput(v.getFlowId(), v.getSrcIp(), 0, v.getDstIp(), 0, 0, null,
                v.getPredictedClass(), v.getConfidence(), sif.policy.Decision.BLOCK, reasons, null, 0, null);
        return new BlockCommand(v.getSrcIp(), false, v.getFlowId(), tmp.decidingReason(), v.getEventTimeMs());
    }

    public static BlockCommand unblock(String source) {
        return new BlockCommand(source, true, null, "operator", 0L);
    }
}
