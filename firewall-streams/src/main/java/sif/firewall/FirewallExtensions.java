package sif.firewall;

import java.util.Objects;
import sif.firewall.metrics.FirewallMetrics;

/**
 * Pluggable parts of the topology that other modules supply.
 *
 * @param trustStep   the zero-trust step ({@link TrustStep#passThrough()} by default)
 * @param metrics     where to report counts and latencies ({@link FirewallMetrics#noop()} by default)
 * @param afterPolicy what else consumes the verdicts ({@link AfterPolicy#NONE} by default)
 */
public record FirewallExtensions(TrustStep trustStep, FirewallMetrics metrics, AfterPolicy afterPolicy) {

    public FirewallExtensions {
        Objects.requireNonNull(trustStep, "trustStep");
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(afterPolicy, "afterPolicy");
    }

    public FirewallExtensions(TrustStep trustStep, FirewallMetrics metrics) {
        this(trustStep, metrics, AfterPolicy.NONE);
    }

    public static FirewallExtensions defaults() {
        return new FirewallExtensions(TrustStep.passThrough(), FirewallMetrics.noop(), AfterPolicy.NONE);
    }

    public FirewallExtensions withTrustStep(TrustStep step) {
        return new FirewallExtensions(step, metrics, afterPolicy);
    }

    public FirewallExtensions withMetrics(FirewallMetrics m) {
        return new FirewallExtensions(trustStep, m, afterPolicy);
    }

    public FirewallExtensions withAfterPolicy(AfterPolicy a) {
        return new FirewallExtensions(trustStep, metrics, a);
    }
}
