package sif.policy;

import java.util.List;
import sif.trust.IdentityStatus;

/**
 * What the policy sees of one classified flow.
 *
 * @param srcIp          source address literal
 * @param srcPort        source port
 * @param dstIp          destination address literal
 * @param dstPort        destination port
 * @param protocol       IP protocol number (6 tcp, 17 udp, 1 icmp)
 * @param principal      principal bound to the source by the zero-trust step, or null
 * @param predictedClass class predicted by the model (BENIGN, DDoS, DoS, PortScan, Other, ...)
 * @param confidence     calibrated probability of {@code predictedClass}
 * @param identityStatus zero-trust status; null means {@link IdentityStatus#NOT_EVALUATED}
 * @param outOfRange     the model inputs outside the values the model was trained on in the sequence it
 *                       judged the flow by: the flow's own by name, then those of earlier flows of its
 *                       sequence as {@code earlier:<input>}; empty (or null) when none is, or the model
 *                       cannot say
 */
public record FlowContext(
        String srcIp,
        int srcPort,
        String dstIp,
        int dstPort,
        int protocol,
        String principal,
        String predictedClass,
        double confidence,
        IdentityStatus identityStatus,
        List<String> outOfRange) {

    public FlowContext {
        outOfRange = outOfRange == null ? List.of() : outOfRange;
    }

    /** A flow whose inputs are all inside the model's training range. */
    public FlowContext(String srcIp, int srcPort, String dstIp, int dstPort, int protocol, String principal,
                       String predictedClass, double confidence, IdentityStatus identityStatus) {
        this(srcIp, srcPort, dstIp, dstPort, protocol, principal, predictedClass, confidence, identityStatus,
                List.of());
    }
}
