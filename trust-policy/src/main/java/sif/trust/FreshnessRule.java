package sif.trust;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * The per-flow zero-trust decision: pure function of the bound identity, the source's previous
 * state and the flow's event time. See {@link FreshnessPolicy} for the exact staleness boundary.
 *
 * <p>Checks in order: no identity → UNKNOWN; credential serial revoked → REVOKED; flow time
 * outside [notBefore, notAfter] → EXPIRED; device non-compliant → NONCOMPLIANT; the principal's newest
 * identity record unreadable ({@link PrincipalIdentity#unreadableEvent}) → STALE; stale → STALE;
 * otherwise TRUSTED.
 *
 * <p>The verification that counts for a flow is the latest one at or before the flow's time
 * ({@link PrincipalIdentity#verificationAtOrBefore}), so a flow evaluated late (consumer lag,
 * catching up after an outage) is not vouched for by a re-verification that happened after it. The
 * flow counter restarts when the source's principal or serial changes, or when a flow is covered by
 * a newer verification than the counter's (a re-verification); that also closes any open challenge.
 * A flow covered by an <em>older</em> verification than the counter's (a long flow, stamped with its
 * start and emitted when it ends, arriving after a re-verification) is judged against that older
 * verification's age and counted on the current counter; it never restarts the counter or moves
 * {@link SourceState#lastSeenMs} back, so late flows cannot keep a source under its flow limit.
 * A challenge is emitted when the
 * status is in {@link FreshnessPolicy#challengeOn()} and no challenge went out for this source
 * within {@code challengePeriodMs} (event time) — so one per source per period, not one per flow.
 */
public final class FreshnessRule {

    private final FreshnessPolicy policy;

    public FreshnessRule(FreshnessPolicy policy) {
        this.policy = policy;
    }

    public FreshnessPolicy policy() {
        return policy;
    }

    /**
     * The state to assess with when a source's stored state cannot be read (corrupt, or written in a
     * format this version does not know): never more trusting than the lost state could have been. The
     * source counts as having used up {@link FreshnessPolicy#maxFlows()} since the newest verification on
     * record, so it is STALE (and challenged) until it is verified again; without an identity, none is
     * needed (UNKNOWN is never trusted).
     *
     * @param identity the identity bound to the source, or null
     * @param timeMs   event time the state is replaced at (its {@link SourceState#lastSeenMs()})
     * @return the replacement, or null when {@code identity} is null
     */
    public SourceState unreadableState(PrincipalIdentity identity, long timeMs) {
        if (identity == null) {
            return null;
        }
        return new SourceState(identity.principal(), identity.credentialSerial(), identity.verifiedAtMs(),
                policy.maxFlows(), SourceState.NO_CHALLENGE, timeMs, IdentityStatus.STALE);
    }

    /**
     * Assesses one flow.
     *
     * @param sourceIp   the flow's source address
     * @param flowTimeMs the flow's event time
     * @param identity   the identity bound to the source, or null
     * @param previous   the source's state after its previous flow, or null
     */
    public TrustAssessment assess(String sourceIp, long flowTimeMs, PrincipalIdentity identity, SourceState previous) {
        long lastChallenge = previous == null ? SourceState.NO_CHALLENGE : previous.lastChallengeMs();
        if (identity == null) {
            boolean restart = previous != null && previous.principal() != null;
            if (restart) {
                lastChallenge = SourceState.NO_CHALLENGE;
            }
            long n = restart || previous == null ? 1 : previous.flowsSinceVerification() + 1;
            return finish(sourceIp, flowTimeMs, IdentityStatus.UNKNOWN, null, null, 0L, 0L, n, lastChallenge, previous,
                    "no identity bound to " + sourceIp, null);
        }
        // the verification that covers this flow: the latest at or before it, not the newest on record
        // (a firewall catching up on old flows already holds verifications made after them)
        long verifiedAt = identity.verificationAtOrBefore(flowTimeMs);
        long covered = verifiedAt == PrincipalIdentity.NONE ? 0L : verifiedAt; // what state and challenge record
        boolean reset = previous == null
                || !identity.principal().equals(previous.principal())
                || !identity.credentialSerial().equals(previous.credentialSerial())
                || covered > previous.verifiedAtMs();
        long n = reset ? 1 : previous.flowsSinceVerification() + 1;
        // the counter stays with the newest verification seen; a flow covered by an older one is counted on it
        long counterVerifiedAt = reset ? covered : previous.verifiedAtMs();
        if (reset) {
            lastChallenge = SourceState.NO_CHALLENGE;
        }
        IdentityStatus status;
        String detail;
        long age = flowTimeMs - verifiedAt;
        if (identity.revoked()) {
            status = IdentityStatus.REVOKED;
            detail = "credential " + identity.credentialSerial() + " revoked";
        } else if (!identity.validAt(flowTimeMs)) {
            status = IdentityStatus.EXPIRED;
            detail = "credential " + identity.credentialSerial() + " not valid at " + flowTimeMs
                    + " (valid " + identity.notBeforeMs() + ".." + identity.notAfterMs() + ")";
        } else if (!identity.compliant()) {
            status = IdentityStatus.NONCOMPLIANT;
            detail = "device of " + identity.principal() + " non-compliant";
        } else if (identity.unreadableEvent() != null) {
            status = IdentityStatus.STALE;
            detail = "newest identity event of " + identity.principal() + " unreadable (" + identity.unreadableEvent()
                    + "); not trusted until a readable one";
        } else if (verifiedAt == PrincipalIdentity.NONE) {
            status = IdentityStatus.STALE;
            detail = identity.verifications().isEmpty() ? "no verification on record"
                    : "flow at " + flowTimeMs + " precedes every verification on record (earliest "
                            + identity.verifications().get(0) + ")";
        } else if (age > policy.maxAgeMs()) {
            status = IdentityStatus.STALE;
            detail = "verified " + age + " ms ago > " + policy.maxAgeMs() + " ms";
        } else if (n > policy.maxFlows()) {
            status = IdentityStatus.STALE;
            detail = n + " flows since verification > " + policy.maxFlows();
        } else {
            status = IdentityStatus.TRUSTED;
            detail = "verified " + age + " ms ago, flow " + n + " of " + policy.maxFlows();
        }
        return finish(sourceIp, flowTimeMs, status, identity.principal(), identity.credentialSerial(),
                covered, counterVerifiedAt, n, lastChallenge, previous, detail,
                verifiedAt == PrincipalIdentity.NONE ? null : age);
    }

    private TrustAssessment finish(String sourceIp, long t, IdentityStatus status, String principal, String serial,
                                   long verifiedAt, long counterVerifiedAt, long n, long lastChallenge,
                                   SourceState previous, String detail, Long identityAgeMs) {
        Challenge challenge = null;
        if (policy.challengeOn().contains(status)
                && (lastChallenge == SourceState.NO_CHALLENGE || t - lastChallenge >= policy.challengePeriodMs())) {
            String idSeed = sourceIp + '|' + principal + '|' + serial + '|' + t;
            challenge = new Challenge(UUID.nameUUIDFromBytes(idSeed.getBytes(StandardCharsets.UTF_8)).toString(),
                    sourceIp, principal, serial, status, t, verifiedAt, n);
            lastChallenge = t;
        }
        // the source's newest flow time: a late flow does not move it back (it drives idle eviction)
        long lastSeen = previous == null ? t : Math.max(previous.lastSeenMs(), t);
        SourceState next = new SourceState(principal, serial, counterVerifiedAt, n, lastChallenge, lastSeen, status);
        return new TrustAssessment(status, principal, detail, next, challenge, identityAgeMs,
                principal == null ? null : n);
    }
}
