package sif.trust;

import java.util.List;

/**
 * One identity lifecycle event (plain Java twin of {@code sif.schemas.avro.IdentityEvent}; field
 * names are identical).
 *
 * @param principal        SPIFFE ID or certificate subject
 * @param type             lifecycle event type
 * @param boundAddresses   source IPs or CIDRs the principal may use; empty on a non-credential
 *                         event means "unchanged"
 * @param credentialSerial serial of the credential (certificate / token id) the event is about
 * @param notBeforeMs      credential validity start, epoch ms (inclusive)
 * @param notAfterMs       credential validity end, epoch ms (inclusive)
 * @param verifiedAtMs     event time of the last successful verification (mTLS handshake, OIDC
 *                         token check, ...)
 * @param method           verification method: mTLS, OIDC, ...
 * @param eventTimeMs      when the event happened (orders duplicates and late events)
 * @param compliant        device posture at the event
 * @param assuranceLevel   optional assurance level (CAEP), may be null
 */
public record IdentityEvent(
        String principal,
        IdentityEventType type,
        List<String> boundAddresses,
        String credentialSerial,
        long notBeforeMs,
        long notAfterMs,
        long verifiedAtMs,
        String method,
        long eventTimeMs,
        boolean compliant,
        String assuranceLevel) {

    /**
     * Longest principal or credential serial accepted: both travel into verdicts, challenges,
     * blocklist entries and the firewall's pending-flow changelog, and a record too large for its
     * topic cannot be written under exactly-once (SPIFFE IDs are limited to 2,048 bytes; real ones and
     * certificate subjects are far shorter).
     */
    public static final int MAX_TEXT_CHARS = 1024;

    public IdentityEvent {
        if (principal == null || principal.isBlank()) {
            throw new IllegalArgumentException("identity event without principal");
        }
        if (principal.length() > MAX_TEXT_CHARS) {
            throw new IllegalArgumentException("identity event with a principal of " + principal.length()
                    + " characters, more than " + MAX_TEXT_CHARS + ": " + principal.substring(0, 64) + "...");
        }
        if (type == null) {
            throw new IllegalArgumentException("identity event for '" + principal + "' without type");
        }
        if (credentialSerial == null || credentialSerial.isBlank()) {
            throw new IllegalArgumentException("identity event for '" + principal + "' without credential serial");
        }
        if (credentialSerial.length() > MAX_TEXT_CHARS) {
            throw new IllegalArgumentException("identity event for '" + principal + "' with a credential serial of "
                    + credentialSerial.length() + " characters, more than " + MAX_TEXT_CHARS);
        }
        if (notAfterMs < notBeforeMs) {
            throw new IllegalArgumentException("identity event for '" + principal + "' serial " + credentialSerial
                    + ": notAfter " + notAfterMs + " is before notBefore " + notBeforeMs);
        }
        boundAddresses = boundAddresses == null ? List.of() : List.copyOf(boundAddresses);
        for (String a : boundAddresses) {
            Cidr.parse(a); // fail early with the offending value
        }
        method = method == null ? "mTLS" : method;
    }
}
