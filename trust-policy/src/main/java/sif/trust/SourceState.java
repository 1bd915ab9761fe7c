package sif.trust;

/**
 * Zero-trust state kept per source address.
 *
 * @param principal              principal bound at the last flow, or null
 * @param credentialSerial       serial seen at the last flow, or null
 * @param verifiedAtMs           verification time the flow counter refers to
 * @param flowsSinceVerification flows from this source since that verification, the last flow
 *                               included
 * @param lastChallengeMs        event time of the last challenge, or {@link #NO_CHALLENGE}
 * @param lastSeenMs             event time of the newest flow (for idle eviction); the firewall stores
 *                               at least its task's newest event time at that flow, so that idleness is
 *                               measured on the task's clock
 * @param lastStatus             status given to the last flow
 */
public record SourceState(
        String principal,
        String credentialSerial,
        long verifiedAtMs,
        long flowsSinceVerification,
        long lastChallengeMs,
        long lastSeenMs,
        IdentityStatus lastStatus) {

    public static final long NO_CHALLENGE = Long.MIN_VALUE;
}
