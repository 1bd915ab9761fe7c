package sif.firewall;

import java.util.Objects;
import java.util.function.LongSupplier;
import sif.firewall.metrics.FirewallMetrics;

/**
 * Pluggable parts of the topology that other modules supply.
 *
 * @param trustStep   the zero-trust step ({@link TrustStep#passThrough()} by default)
 * @param metrics     where to report counts and latencies ({@link FirewallMetrics#noop()} by default)
 * @param afterPolicy what else consumes the verdicts ({@link AfterPolicy#NONE} by default)
 * @param wallClock   the clock {@link FutureStampGuard} judges record timestamps by (the system clock by
 *                    default; a test on a driver with a clock of its own passes that one)
 */
public record FirewallExtensions(TrustStep trustStep, FirewallMetrics metrics, AfterPolicy afterPolicy,
                                 LongSupplier wallClock) {

    public FirewallExtensions {
        Objects.requireNonNull(trustStep, "trustStep");
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(afterPolicy, "afterPolicy");
        Objects.requireNonNull(wallClock, "wallClock");
    }

    public FirewallExtensions(TrustStep trustStep, FirewallMetrics metrics) {
        this(trustStep, metrics, AfterPolicy.NONE, System::currentTimeMillis);
    }

    public static FirewallExtensions defaults() {
        return new FirewallExtensions(TrustStep.passThrough(), FirewallMetrics.noop());
    }

    public FirewallExtensions withTrustStep(TrustStep step) {
        return new FirewallExtensions(step, metrics, afterPolicy, wallClock);
    }

    public FirewallExtensions withMetrics(FirewallMetrics m) {
        return new FirewallExtensions(trustStep, m, afterPolicy, wallClock);
    }

    public FirewallExtensions withAfterPolicy(AfterPolicy a) {
        return new FirewallExtensions(trustStep, metrics, a, wallClock);
    }

    public FirewallExtensions withWallClock(LongSupplier clock) {
        return new FirewallExtensions(trustStep, metrics, afterPolicy, clock);
    }
}
