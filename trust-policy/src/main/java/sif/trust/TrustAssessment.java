package sif.trust;

/**
 * Result of the zero-trust step for one flow.
 *
 * @param status    identity status
 * @param principal the bound principal, or null
 * @param detail    one human-readable reason ("no identity bound", "412 s since verification > 300 s", ...)
 * @param next      the source state to store
 * @param challenge a re-verification request to emit, or null
 */
public record TrustAssessment(IdentityStatus status, String principal, String detail, SourceState next,
                              Challenge challenge) {
}
