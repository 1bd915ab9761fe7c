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
 * @param verifications    the principal's recent verification times, ascending: those within
 *                         {@value #VERIFICATION_HISTORY_MS} ms of the newest, at most
 *                         {@value #MAX_VERIFICATIONS}; empty in states written before it existed,
 *                         which then know only {@code verifiedAtMs}
 * @param credentialNotBeforeMs validity start of the current credential itself, where the chain in
 *                         {@code notBeforeMs} may reach further back; a revocation of another serial
 *                         cuts the chain back to it. {@code null} (states written before it existed)
 *                         means {@code notBeforeMs}
 * @param unreadableEvent  where and why the principal's newest record on the identity topic could not
 *                         be read (a schema this firewall does not know, corrupt bytes), or null. It
 *                         could have been a revocation, so the principal is not trusted while this is
 *                         set ({@link FreshnessRule}: STALE); a newer readable event that issues or
 *                         rotates a credential (a re-verification) clears it, a late event, a revocation
 *                         or a posture change does not (the identity store's updater)
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
        List<String> revokedSerials,
        List<Long> verifications,
        Long credentialNotBeforeMs,
        String unreadableEvent) {

    /**
     * How far back (event time, from the newest) verification times are remembered: a flow evaluated
     * more than this behind the principal's newest verification finds none before it and is STALE.
     */
    public static final long VERIFICATION_HISTORY_MS = 3_600_000L;
    /** At most this many verification times per principal (the newest), whatever their spacing. */
    public static final int MAX_VERIFICATIONS = 1024;

    /** Sentinel of {@link #verificationAtOrBefore}: no verification on record at or before the time. */
    public static final long NONE = Long.MIN_VALUE;

    public PrincipalIdentity {
        boundAddresses = boundAddresses == null ? List.of() : List.copyOf(boundAddresses);
        revokedSerials = revokedSerials == null ? List.of() : List.copyOf(revokedSerials);
        verifications = verifications == null ? List.of() : List.copyOf(verifications);
        credentialNotBeforeMs = credentialNotBeforeMs == null ? Long.valueOf(notBeforeMs) : credentialNotBeforeMs;
    }

    /** A state read from every readable event so far ({@code unreadableEvent} null). */
    public PrincipalIdentity(String principal, List<String> boundAddresses, String credentialSerial, long notBeforeMs,
                             long notAfterMs, long verifiedAtMs, String method, long eventTimeMs,
                             IdentityEventType lastType, boolean compliant, String assuranceLevel,
                             List<String> revokedSerials, List<Long> verifications, Long credentialNotBeforeMs) {
        this(principal, boundAddresses, credentialSerial, notBeforeMs, notAfterMs, verifiedAtMs, method, eventTimeMs,
                lastType, compliant, assuranceLevel, revokedSerials, verifications, credentialNotBeforeMs, null);
    }

    /** Without a verification history (only {@code verifiedAtMs} is known), the credential's own validity start. */
    public PrincipalIdentity(String principal, List<String> boundAddresses, String credentialSerial, long notBeforeMs,
                             long notAfterMs, long verifiedAtMs, String method, long eventTimeMs,
                             IdentityEventType lastType, boolean compliant, String assuranceLevel,
                             List<String> revokedSerials) {
        this(principal, boundAddresses, credentialSerial, notBeforeMs, notAfterMs, verifiedAtMs, method, eventTimeMs,
                lastType, compliant, assuranceLevel, revokedSerials, List.of(), null, null);
    }

    /** This state, marked as followed by an unreadable identity record ({@code where}: its place and error). */
    public PrincipalIdentity withUnreadableEvent(String where) {
        return new PrincipalIdentity(principal, boundAddresses, credentialSerial, notBeforeMs, notAfterMs, verifiedAtMs,
                method, eventTimeMs, lastType, compliant, assuranceLevel, revokedSerials, verifications,
                credentialNotBeforeMs, where);
    }

    /**
     * The verification a flow at {@code timeMs} was covered by: the latest verification time at or
     * before it. A firewall catching up on old flows sees the principal's newest verification in its
     * store, which happened after those flows and does not vouch for them. {@link #NONE} when the flow
     * precedes every verification on record; {@code verifiedAtMs} when there is no history.
     */
    public long verificationAtOrBefore(long timeMs) {
        if (verifications.isEmpty()) {
            // no time at or before 0 is a verification (0 and below: never verified, e.g. a sentinel), and a
            // raw one of Long.MIN_VALUE + 1 would overflow the age into a negative, "fresh" one
            return verifiedAtMs > 0 ? verifiedAtMs : NONE;
        }
        for (int i = verifications.size() - 1; i >= 0; i--) { // newest first: live flows stop at once
            long v = verifications.get(i);
            if (v <= timeMs) {
                return v;
            }
        }
        return NONE;
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
