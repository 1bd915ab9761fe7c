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

    public IdentityEvent {
        if (principal == null || principal.isBlank()) {
            throw new IllegalArgumentException("identity event without principal");
        }
        if (type == null) {
            throw new IllegalArgumentException("identity event for '" + principal + "' without type");
        }
        if (credentialSerial == null || credentialSerial.isBlank()) {
            throw new IllegalArgumentException("identity event for '" + principal + "' without credential serial");
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
