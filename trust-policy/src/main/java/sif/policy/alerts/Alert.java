package sif.policy.alerts;

import sif.policy.Decision;
import sif.trust.IdentityStatus;

import java.util.List;

/**
 * One aggregated alert: repeats of the same (source, class) inside the window.
 *
 * @param alertId        stable id across updates (SIEM upsert key)
 * @param srcIp          source address
 * @param alertClass     predicted class
 * @param count          flows aggregated so far
 * @param firstSeenMs    earliest flow event time
 * @param lastSeenMs     latest flow event time
 * @param decision       most severe decision seen (BLOCK over ALERT)
 * @param decidingRule   reason that set the decision of the most severe flow
 * @param reasons        reasons of the latest flow
 * @param maxConfidence  highest confidence seen
 * @param principal      principal of the latest flow, or null
 * @param identityStatus status of the latest flow
 * @param lastSrcPort    source port of the latest flow
 * @param lastDstIp      destination of the latest flow
 * @param lastDstPort    destination port of the latest flow
 * @param protocol       protocol of the latest flow
 * @param destinations   distinct destination addresses (first {@link AlertAggregator#MAX_SAMPLES})
 * @param dstPorts       distinct destination ports (first {@link AlertAggregator#MAX_SAMPLES})
 * @param flowIds        first flow ids (first {@link AlertAggregator#MAX_SAMPLES})
 * @param modelVersion   model version of the latest flow, or null
 * @param sequence       0 for the first emission, +1 for each update emitted
 * @param emittedCount   {@code count} at the last emission
 * @param lastEmittedMs  event time of the last emission
 * @param lastActivityMs the newest event time the aggregating task had seen when a flow last joined (at
 *                       least {@code lastSeenMs}): idleness is measured from it, so the alert of a source
 *                       whose flows lag its partition's newest is not closed while that source sends
 */
public record Alert(
        String alertId,
        String srcIp,
        String alertClass,
        long count,
        long firstSeenMs,
        long lastSeenMs,
        Decision decision,
        String decidingRule,
        List<String> reasons,
        double maxConfidence,
        String principal,
        IdentityStatus identityStatus,
        int lastSrcPort,
        String lastDstIp,
        int lastDstPort,
        int protocol,
        List<String> destinations,
        List<Integer> dstPorts,
        List<String> flowIds,
        String modelVersion,
        int sequence,
        long emittedCount,
        long lastEmittedMs,
        long lastActivityMs) {

    public Alert {
        reasons = List.copyOf(reasons);
        destinations = List.copyOf(destinations);
        dstPorts = List.copyOf(dstPorts);
        flowIds = List.copyOf(flowIds);
    }

    /** An alert whose activity is its own newest flow ({@code lastActivityMs = lastSeenMs}). */
    public Alert(String alertId, String srcIp, String alertClass, long count, long firstSeenMs, long lastSeenMs,
                 Decision decision, String decidingRule, List<String> reasons, double maxConfidence, String principal,
                 IdentityStatus identityStatus, int lastSrcPort, String lastDstIp, int lastDstPort, int protocol,
                 List<String> destinations, List<Integer> dstPorts, List<String> flowIds, String modelVersion,
                 int sequence, long emittedCount, long lastEmittedMs) {
        this(alertId, srcIp, alertClass, count, firstSeenMs, lastSeenMs, decision, decidingRule, reasons, maxConfidence,
                principal, identityStatus, lastSrcPort, lastDstIp, lastDstPort, protocol, destinations, dstPorts, flowIds,
                modelVersion, sequence, emittedCount, lastEmittedMs, lastSeenMs);
    }
}
