package sif.policy.alerts;

import sif.policy.Decision;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Aggregation of repeated alerts, pure: the caller keeps one {@link Alert} per (source, class)
 * and calls {@link #onVerdict} per verdict and {@link #close} when {@link #isExpired} (a verdict's own
 * time) or {@link #isIdle} (the caller's clock) says so.
 *
 * <p>Rules, all in flow event time:
 * <ul>
 *   <li>The first verdict for a (source, class), or the first after {@code windowMs} without
 *       one, opens a new alert (new id) and emits it at once (CREATE).</li>
 *   <li>Later verdicts inside the window only update the state (count, first/last seen, samples);
 *       an UPDATE is emitted when the decision escalates (ALERT → BLOCK) or at least
 *       {@code updateIntervalMs} passed since the last emission. A DDoS of 100,000 flows over one
 *       minute yields one CREATE plus at most one UPDATE per interval, not 100,000 alerts.</li>
 *   <li>An alert idle for more than {@code windowMs} is closed with a final CLOSE (the final
 *       count, status resolved).</li>
 * </ul>
 */
public final class AlertAggregator {

    /** Bound on the destination / port / flow-id samples kept per alert. */
    public static final int MAX_SAMPLES = 16;

    private final long windowMs;
    private final long updateIntervalMs;

    /** Result of one step: the state to keep and the alert to emit (null = emit nothing). */
    public record Step(Alert state, Alert emit, AlertActivity activity) {
    }

    /**
     * @param windowMs         inactivity gap that ends an alert (default 60 s)
     * @param updateIntervalMs minimum spacing of UPDATE emissions (default 10 s)
     */
    public AlertAggregator(long windowMs, long updateIntervalMs) {
        if (windowMs <= 0 || updateIntervalMs <= 0) {
            throw new IllegalArgumentException("alert window and update interval must be positive: " + windowMs
                    + ", " + updateIntervalMs);
        }
        this.windowMs = windowMs;
        this.updateIntervalMs = updateIntervalMs;
    }

    public static AlertAggregator defaults() {
        return new AlertAggregator(60_000, 10_000);
    }

    public long windowMs() {
        return windowMs;
    }

    /** The aggregation key of a verdict: source and class. */
    public static String key(String srcIp, String alertClass) {
        return srcIp + "|" + alertClass;
    }

    /** {@link #onVerdict(Alert, AlertInput, long)} on a clock that is the verdict's own event time. */
    public Step onVerdict(Alert current, AlertInput in) {
        return onVerdict(current, in, in.eventTimeMs());
    }

    /**
     * One verdict for the (source, class) of {@code current} (null: none open).
     *
     * @param clockMs the newest event time the caller has seen (at least the verdict's): the alert's
     *                activity, which {@link #isIdle} measures from
     */
    public Step onVerdict(Alert current, AlertInput in, long clockMs) {
        long activity = Math.max(clockMs, in.eventTimeMs());
        if (current == null || in.eventTimeMs() - current.lastSeenMs() > windowMs) {
            String seed = in.srcIp() + '|' + in.predictedClass() + '|' + in.eventTimeMs() + '|' + in.flowId();
            Alert a = new Alert(UUID.nameUUIDFromBytes(seed.getBytes(StandardCharsets.UTF_8)).toString(),
                    in.srcIp(), in.predictedClass(), 1, in.eventTimeMs(), in.eventTimeMs(), in.decision(),
                    in.decidingReason(), in.reasons(), in.confidence(), in.principal(), in.identityStatus(),
                    in.srcPort(), in.dstIp(), in.dstPort(), in.protocol(), List.of(in.dstIp()),
                    List.of(in.dstPort()), in.flowId() == null ? List.of() : List.of(in.flowId()),
                    in.modelVersion(), 0, 1, in.eventTimeMs(), activity);
            return new Step(a, a, AlertActivity.CREATE);
        }
        boolean escalates = in.decision() == Decision.BLOCK && current.decision() != Decision.BLOCK;
        Decision decision = escalates ? Decision.BLOCK : current.decision();
        String deciding = escalates ? in.decidingReason() : current.decidingRule();
        long last = Math.max(current.lastSeenMs(), in.eventTimeMs());
        Alert merged = new Alert(current.alertId(), current.srcIp(), current.alertClass(), current.count() + 1,
                Math.min(current.firstSeenMs(), in.eventTimeMs()), last, decision, deciding, in.reasons(),
                Math.max(current.maxConfidence(), in.confidence()), in.principal(), in.identityStatus(),
                in.srcPort(), in.dstIp(), in.dstPort(), in.protocol(),
                addSample(current.destinations(), in.dstIp()), addSample(current.dstPorts(), in.dstPort()),
                in.flowId() == null ? current.flowIds() : addSample(current.flowIds(), in.flowId()),
                in.modelVersion(), current.sequence(), current.emittedCount(), current.lastEmittedMs(),
                Math.max(current.lastActivityMs(), activity));
        if (escalates || in.eventTimeMs() - current.lastEmittedMs() >= updateIntervalMs) {
            Alert emitted = emitted(merged, in.eventTimeMs());
            return new Step(emitted, emitted, AlertActivity.UPDATE);
        }
        return new Step(merged, null, null);
    }

    /** True when a flow at {@code nowMs} comes more than the window after the alert's newest flow (own time). */
    public boolean isExpired(Alert a, long nowMs) {
        return nowMs - a.lastSeenMs() > windowMs;
    }

    /**
     * True when no flow joined the alert while the caller's clock ({@code clockMs}, the newest event time
     * it has seen) moved on by more than the window: the check that closes idle alerts. Measured from
     * {@link Alert#lastActivityMs}, not from the alert's own newest flow time, which for a source lagging
     * the others by more than the window would close (and then reopen) its alert at every check.
     */
    public boolean isIdle(Alert a, long clockMs) {
        return clockMs - Math.max(a.lastActivityMs(), a.lastSeenMs()) > windowMs; // (JSON of old states: 0)
    }

    /**
     * The final CLOSE emission of an expired alert, always: a SIEM learns that the alert is resolved even when
     * no flow joined it since its last emission (before, a one-flow alert's CREATE stayed "New" for ever).
     */
    public Alert close(Alert a, long nowMs) {
        return emitted(a, nowMs);
    }

    private static Alert emitted(Alert a, long atMs) {
        return new Alert(a.alertId(), a.srcIp(), a.alertClass(), a.count(), a.firstSeenMs(), a.lastSeenMs(),
                a.decision(), a.decidingRule(), a.reasons(), a.maxConfidence(), a.principal(), a.identityStatus(),
                a.lastSrcPort(), a.lastDstIp(), a.lastDstPort(), a.protocol(), a.destinations(), a.dstPorts(),
                a.flowIds(), a.modelVersion(), a.sequence() + 1, a.count(), Math.max(a.lastEmittedMs(), atMs),
                a.lastActivityMs());
    }

    private static <T> List<T> addSample(List<T> list, T value) {
        if (value == null || list.size() >= MAX_SAMPLES || list.contains(value)) {
            return list;
        }
        List<T> out = new ArrayList<>(list.size() + 1);
        out.addAll(list);
        out.add(value);
        return out;
    }
}
