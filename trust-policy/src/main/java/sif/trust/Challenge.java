package sif.trust;

/**
 * A re-verification request for one source (value of the {@code identity.challenges} topic,
 * keyed by {@link #source}).
 *
 * @param challengeId            deterministic id (source, principal, serial, request time), so a
 *                               reprocessed flow yields the same id
 * @param source                 the source address that must re-verify
 * @param principal              the principal bound to it, or null
 * @param credentialSerial       the credential serial in use, or null
 * @param status                 why: STALE, EXPIRED, ...
 * @param requestedAtMs          event time of the flow that triggered it
 * @param verifiedAtMs           the last verification time, or 0
 * @param flowsSinceVerification flows since that verification
 */
public record Challenge(
        String challengeId,
        String source,
        String principal,
        String credentialSerial,
        IdentityStatus status,
        long requestedAtMs,
        long verifiedAtMs,
        long flowsSinceVerification) {
}
