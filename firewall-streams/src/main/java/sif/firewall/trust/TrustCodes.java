package sif.firewall.trust;

import sif.policy.Decision;
import sif.trust.IdentityStatus;

/**
 * The enum code tables of the trust stores' binary formats: a constant is stored as its index
 * here + 1. Append new constants at the end; never reorder or remove one (stored values would
 * change meaning).
 */
final class TrustCodes {

    static final IdentityStatus[] IDENTITY_STATUS = {
        IdentityStatus.NOT_EVALUATED, IdentityStatus.TRUSTED, IdentityStatus.UNKNOWN, IdentityStatus.EXPIRED,
        IdentityStatus.REVOKED, IdentityStatus.STALE, IdentityStatus.NONCOMPLIANT,
    };

    static final Decision[] DECISION = {Decision.ALLOW, Decision.BLOCK, Decision.ALERT};

    private TrustCodes() {
    }
}
