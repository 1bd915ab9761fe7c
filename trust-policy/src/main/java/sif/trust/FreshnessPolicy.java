package sif.trust;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;

/**
 * Thresholds of the freshness rule (NIST SP 800-207 tenet 6: re-authenticate continually).
 *
 * <p>With {@code age = flowEventTime - verifiedAt} and {@code n} = flows from the source since
 * that verification <em>including the current one</em>, a flow is STALE when
 * {@code age > maxAge} or {@code n > maxFlows}. The limits themselves are still fresh: with the
 * defaults, a flow 5:00.000 after verification and the 500th flow are TRUSTED; 5:00.001 and the
 * 501st are STALE.
 *
 * @param maxAgeMs          maximum age of the last verification (default 5 min)
 * @param maxFlows          maximum flows per verification (default 500)
 * @param challengePeriodMs at most one challenge per source per this period (default 5 min)
 * @param challengeOn       statuses that trigger a re-verification challenge (default STALE,
 *                          EXPIRED)
 */
public record FreshnessPolicy(long maxAgeMs, long maxFlows, long challengePeriodMs, Set<IdentityStatus> challengeOn) {

    public static final long DEFAULT_MAX_AGE_MS = Duration.ofMinutes(5).toMillis();
    public static final long DEFAULT_MAX_FLOWS = 500;

    public FreshnessPolicy {
        if (maxAgeMs <= 0 || maxFlows <= 0 || challengePeriodMs <= 0) {
            throw new IllegalArgumentException("freshness limits must be positive: maxAgeMs=" + maxAgeMs
                    + " maxFlows=" + maxFlows + " challengePeriodMs=" + challengePeriodMs);
        }
        challengeOn = challengeOn == null || challengeOn.isEmpty()
                ? Set.of() : Set.copyOf(EnumSet.copyOf(challengeOn));
    }

    /** 5 minutes, 500 flows, one challenge per source per 5 minutes on STALE or EXPIRED. */
    public static FreshnessPolicy defaults() {
        return new FreshnessPolicy(DEFAULT_MAX_AGE_MS, DEFAULT_MAX_FLOWS, DEFAULT_MAX_AGE_MS,
                EnumSet.of(IdentityStatus.STALE, IdentityStatus.EXPIRED));
    }
}
