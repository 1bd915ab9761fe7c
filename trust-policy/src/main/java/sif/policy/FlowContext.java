package sif.policy;

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
        IdentityStatus identityStatus) {
}
