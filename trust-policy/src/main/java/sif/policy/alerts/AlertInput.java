package sif.policy.alerts;

import sif.policy.Decision;
import sif.trust.IdentityStatus;

import java.util.List;

/**
 * One non-suppressed ALERT or BLOCK verdict offered to the aggregator.
 *
 * @param flowId         flow id
 * @param srcIp          source address (aggregation key, with the class)
 * @param srcPort        source port
 * @param dstIp          destination address
 * @param dstPort        destination port
 * @param protocol       IP protocol number
 * @param principal      principal bound to the source, or null
 * @param predictedClass model class (aggregation key, with the source)
 * @param confidence     calibrated probability of the class
 * @param decision       ALERT or BLOCK
 * @param reasons        the rules that fired, in order
 * @param identityStatus zero-trust status
 * @param eventTimeMs    flow event time
 * @param modelVersion   model version, or null
 */
public record AlertInput(
        String flowId,
        String srcIp,
        int srcPort,
        String dstIp,
        int dstPort,
        int protocol,
        String principal,
        String predictedClass,
        double confidence,
        Decision decision,
        List<String> reasons,
        IdentityStatus identityStatus,
        long eventTimeMs,
        String modelVersion) {

    public AlertInput {
        reasons = reasons == null ? List.of() : List.copyOf(reasons);
        identityStatus = identityStatus == null ? IdentityStatus.NOT_EVALUATED : identityStatus;
    }

    /** The reason that set the decision: the last one containing {@code =>}, else the last one. */
    public String decidingReason() {
        for (int i = reasons.size() - 1; i >= 0; i--) {
            if (reasons.get(i).contains("=>")) {
                return reasons.get(i);
            }
        }
        return reasons.isEmpty() ? "model:" + predictedClass : reasons.get(reasons.size() - 1);
    }
}
