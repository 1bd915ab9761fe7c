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
 */
public record ExtractorConfig(CicMode mode, Duration flowTimeout, Duration activityTimeout,
                              Duration snapshotInterval, boolean ipv6) {

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
    }

    /** CICFlowMeter defaults: 120 s flow timeout, 5 s activity timeout, no snapshots, IPv4 only. */
    public static ExtractorConfig defaults(CicMode mode) {
        return new ExtractorConfig(mode, Duration.ofSeconds(120), Duration.ofSeconds(5), Duration.ZERO, false);
    }

    public ExtractorConfig withTimeouts(Duration flow, Duration activity) {
        return new ExtractorConfig(mode, flow, activity, snapshotInterval, ipv6);
    }

    public ExtractorConfig withSnapshotInterval(Duration interval) {
        return new ExtractorConfig(mode, flowTimeout, activityTimeout, interval, ipv6);
    }

    public ExtractorConfig withIpv6(boolean on) {
        return new ExtractorConfig(mode, flowTimeout, activityTimeout, snapshotInterval, on);
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
