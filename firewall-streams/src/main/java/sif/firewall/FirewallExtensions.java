package sif.firewall;

import java.util.Objects;
import sif.firewall.metrics.FirewallMetrics;

/**
 * Pluggable parts of the topology that other modules supply: the zero-trust step and the metrics.
 *
 * @param trustStep the zero-trust step ({@link TrustStep#passThrough()} by default)
 * @param metrics   where to report counts and latencies ({@link FirewallMetrics#noop()} by default)
 */
public record FirewallExtensions(TrustStep trustStep, FirewallMetrics metrics) {

    public FirewallExtensions {
        Objects.requireNonNull(trustStep, "trustStep");
        Objects.requireNonNull(metrics, "metrics");
    }

    public static FirewallExtensions defaults() {
        return new FirewallExtensions(TrustStep.passThrough(), FirewallMetrics.noop());
    }

    public FirewallExtensions withTrustStep(TrustStep step) {
        return new FirewallExtensions(step, metrics);
    }

    public FirewallExtensions withMetrics(FirewallMetrics m) {
        return new FirewallExtensions(trustStep, m);
    }
}
