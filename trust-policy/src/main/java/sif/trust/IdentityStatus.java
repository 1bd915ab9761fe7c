package sif.trust;

/**
 * Outcome of the zero-trust check for one flow. Constant names equal the symbols of
 * {@code sif.schemas.avro.IdentityStatus}, so {@code IdentityStatus.valueOf(status.name())} maps
 * between them.
 */
public enum IdentityStatus {
    /** Zero trust was not applied to this flow (step disabled); not an identity verdict. */
    NOT_EVALUATED,
    /** Bound identity, valid credential, compliant device, verified recently enough. */
    TRUSTED,
    /** No identity is bound to the source address. */
    UNKNOWN,
    /** The credential is outside its validity period at the flow's event time. */
    EXPIRED,
    /** The bound credential (serial) was revoked. */
    REVOKED,
    /** Last verification too old, or too many flows since it (NIST SP 800-207 tenet 6). */
    STALE,
    /** The device posture was reported non-compliant. */
    NONCOMPLIANT;

    /** True for the statuses a flow may be ALLOWed with ({@link #TRUSTED}, {@link #NOT_EVALUATED}). */
    public boolean permitsAllow() {
        return this == TRUSTED || this == NOT_EVALUATED;
    }
}
