package sif.pcap;

import java.time.Duration;

/**
 * Flow extraction settings.
 *
 * @param mode              CICFlowMeter behaviour to reproduce
 * @param flowTimeout       a flow ends this long after its first packet (CICFlowMeter: 120 s)
 * @param activityTimeout   a gap longer than this splits active and idle periods (CICFlowMeter: 5 s)
 * @param snapshotInterval  if positive, a long-lived flow also emits interim snapshots this often
 *                          (packet time); zero for none
 * @param ipv6              decode IPv6 packets too (CICFlowMeter reads IPv4 only)
 * @param maxOpenFlows      memory cap: when more flows are open, the oldest are ended early (as on
 *                          timeout); CICFlowMeter has no cap
 */
public record ExtractorConfig(CicMode mode, Duration flowTimeout, Duration activityTimeout,
                              Duration snapshotInterval, boolean ipv6, int maxOpenFlows) {

    /** Default {@link #maxOpenFlows()}: about 200 MB of flow state. */
    public static final int DEFAULT_MAX_OPEN_FLOWS = 200_000;

    public ExtractorConfig {
        if (mode == null) {
            throw new IllegalArgumentException("mode is required");
        }
        if (flowTimeout == null || flowTimeout.isNegative() || flowTimeout.isZero()) {
            throw new IllegalArgumentException("flow timeout must be positive, got " + flowTimeout);
        }
        if (activityTimeout == null || activityTimeout.isNegative() || activityTimeout.isZero()) {
            throw new IllegalArgumentException("activity timeout must be positive, got " + activityTimeout);
        }
        if (snapshotInterval == null || snapshotInterval.isNegative()) {
            throw new IllegalArgumentException("snapshot interval must be zero or positive, got " + snapshotInterval);
        }
        if (maxOpenFlows < 1) {
            throw new IllegalArgumentException("max open flows must be positive, got " + maxOpenFlows);
        }
    }

    /**
     * CICFlowMeter defaults: 120 s flow timeout, 5 s activity timeout, no snapshots, IPv4 only; at most
     * {@value #DEFAULT_MAX_OPEN_FLOWS} open flows.
     */
    public static ExtractorConfig defaults(CicMode mode) {
        return new ExtractorConfig(mode, Duration.ofSeconds(120), Duration.ofSeconds(5), Duration.ZERO, false,
                DEFAULT_MAX_OPEN_FLOWS);
    }

    public ExtractorConfig withMaxOpenFlows(int max) {
        return new ExtractorConfig(mode, flowTimeout, activityTimeout, snapshotInterval, ipv6, max);
    }

    public ExtractorConfig withTimeouts(Duration flow, Duration activity) {
        return new ExtractorConfig(mode, flow, activity, snapshotInterval, ipv6, maxOpenFlows);
    }

    public ExtractorConfig withSnapshotInterval(Duration interval) {
        return new ExtractorConfig(mode, flowTimeout, activityTimeout, interval, ipv6, maxOpenFlows);
    }

    public ExtractorConfig withIpv6(boolean on) {
        return new ExtractorConfig(mode, flowTimeout, activityTimeout, snapshotInterval, on, maxOpenFlows);
    }

    long flowTimeoutMicros() {
        return flowTimeout.toNanos() / 1000;
    }

    long activityTimeoutMicros() {
        return activityTimeout.toNanos() / 1000;
    }

    long snapshotIntervalMicros() {
        return snapshotInterval.toNanos() / 1000;
    }
}
