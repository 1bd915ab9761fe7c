package sif.trust;

import java.util.List;

/**
 * The resolved identity state of one principal after applying its lifecycle events in
 * {@link IdentityResolver}.
 *
 * @param principal        SPIFFE ID or certificate subject
 * @param boundAddresses   bound source IPs/CIDRs
 * @param credentialSerial current credential serial
 * @param notBeforeMs      validity start (inclusive) of the unbroken chain of unrevoked credentials
 *                         ending in the current one (see {@link IdentityResolver})
 * @param notAfterMs       validity end (inclusive)
 * @param verifiedAtMs     event time of the last verification
 * @param method           verification method
 * @param eventTimeMs      event time of the newest event applied
 * @param lastType         type of the newest event applied
 * @param compliant        device posture
 * @param assuranceLevel   assurance level, may be null
 * @param revokedSerials   serials known to be revoked (most recent last, bounded)
 */
public record PrincipalIdentity(
        String principal,
        List<String> boundAddresses,
        String credentialSerial,
        long notBeforeMs,
        long notAfterMs,
        long verifiedAtMs,
        String method,
        long eventTimeMs,
        IdentityEventType lastType,
        boolean compliant,
        String assuranceLevel,
        List<String> revokedSerials) {

    public PrincipalIdentity {
        boundAddresses = boundAddresses == null ? List.of() : List.copyOf(boundAddresses);
        revokedSerials = revokedSerials == null ? List.of() : List.copyOf(revokedSerials);
    }

    /** True when the current credential serial has been revoked. */
    public boolean revoked() {
        return revokedSerials.contains(credentialSerial);
    }

    /** True when {@code timeMs} lies inside [notBefore, notAfter] (both inclusive). */
    public boolean validAt(long timeMs) {
        return timeMs >= notBeforeMs && timeMs <= notAfterMs;
    }
}
