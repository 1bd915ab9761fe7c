package sif.trust;

/**
 * Result of the zero-trust step for one flow.
 *
 * @param status    identity status
 * @param principal the bound principal, or null
 * @param detail    one human-readable reason ("no identity bound", "412 s since verification > 300 s", ...)
 * @param next      the source state to store
 * @param challenge a re-verification request to emit, or null
 * @param identityAgeMs          the flow's event time minus the verification that covers it, or null (no
 *                               identity, or no verification at or before the flow)
 * @param flowsSinceVerification flows from this source counted since that verification, this one included, or
 *                               null without an identity
 */
public record TrustAssessment(IdentityStatus status, String principal, String detail, SourceState next,
                              Challenge challenge, Long identityAgeMs, Long flowsSinceVerification) {
}
