package sif.firewall;

import java.util.List;
import java.util.Objects;
import sif.schemas.avro.IdentityStatus;
import sif.schemas.avro.NetworkFlow;

/**
 * A validated flow on its way to the model, with what the firewall learnt about it so far.
 * Immutable; the zero-trust step returns a copy via {@link #withIdentity}.
 *
 * @param flow            the decoded flow
 * @param features        its 77 features as floats ({@code sif.flows.FlowFeatures.ALL} order)
 * @param rawValue        the original value bytes (for the dead-letter topic, should a later step fail)
 * @param ingestTimeMs    timestamp of the input record
 * @param sourceTopic     input topic, partition and offset of the record
 * @param identityStatus  set by the zero-trust step ({@link IdentityStatus#NOT_EVALUATED} until then)
 * @param principal       the identity bound to the source, or {@code null}
 * @param reasons         rules fired so far (e.g. by the zero-trust step), in order
 * @param identityAgeMs   set by the zero-trust step: the flow's time minus the verification covering it, or null
 * @param flowsSinceVerification set by the zero-trust step: the source's flows counted on that verification, or null
 */
public record FlowContext(
        NetworkFlow flow,
        float[] features,
        byte[] rawValue,
        long ingestTimeMs,
        String sourceTopic,
        int sourcePartition,
        long sourceOffset,
        IdentityStatus identityStatus,
        String principal,
        List<String> reasons,
        Long identityAgeMs,
        Long flowsSinceVerification) implements FirewallEvent {

    public FlowContext {
        Objects.requireNonNull(flow, "flow");
        Objects.requireNonNull(features, "features");
        Objects.requireNonNull(identityStatus, "identityStatus");
        reasons = reasons == null ? List.of() : List.copyOf(reasons);
    }

    /** A flow the zero-trust step has not seen (no identity age or count). */
    public FlowContext(NetworkFlow flow, float[] features, byte[] rawValue, long ingestTimeMs, String sourceTopic,
                       int sourcePartition, long sourceOffset, IdentityStatus identityStatus, String principal,
                       List<String> reasons) {
        this(flow, features, rawValue, ingestTimeMs, sourceTopic, sourcePartition, sourceOffset, identityStatus,
                principal, reasons, null, null);
    }

    /** The source address: the key of every per-source store. */
    public String srcIp() {
        return flow.getSrcIp();
    }

    /** A copy carrying the zero-trust step's findings. */
    public FlowContext withIdentity(IdentityStatus status, String principal, List<String> reasons, Long identityAgeMs,
                                    Long flowsSinceVerification) {
        return new FlowContext(flow, features, rawValue, ingestTimeMs, sourceTopic, sourcePartition, sourceOffset,
                status, principal, reasons, identityAgeMs, flowsSinceVerification);
    }
}
