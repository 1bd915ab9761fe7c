package sif.firewall.trust;

import java.util.List;
import sif.trust.IdentityEvent;
import sif.trust.IdentityEventType;

/** Maps between the Avro identity event of the {@code identity} topic and the plain Java one. */
public final class IdentityEvents {

    private IdentityEvents() {
    }

    /**
     * @throws IllegalArgumentException when the event is invalid (no principal, bad address, ...)
     */
    public static IdentityEvent fromAvro(sif.schemas.avro.IdentityEvent e) {
        return new IdentityEvent(e.getPrincipal(), IdentityEventType.valueOf(e.getType().name()),
                e.getBoundAddresses() == null ? List.of() : List.copyOf(e.getBoundAddresses()),
                e.getCredentialSerial(), e.getNotBeforeMs(), e.getNotAfterMs(), e.getVerifiedAtMs(), e.getMethod(),
                e.getEventTimeMs(), e.getCompliant(), e.getAssuranceLevel());
    }

    /**
     * The trust-reducing part of an event that failed validation (a bad CIDR among its addresses, a
     * validity window ending before it starts, ...): a REVOKED or DEVICE_NONCOMPLIANT event that names
     * its principal and serial, as a valid event with no addresses, an empty validity window and no
     * verification time — all a revocation or a posture change needs, and nothing that could add
     * trust. Null for any other event (which adds trust and is therefore dropped), and for one whose
     * principal or serial is longer than {@link sif.trust.IdentityEvent#MAX_TEXT_CHARS}: no such
     * credential can have been issued, so there is nothing to revoke.
     */
    public static IdentityEvent failClosed(sif.schemas.avro.IdentityEvent e) {
        if (e == null || e.getType() == null || e.getPrincipal() == null || e.getPrincipal().isBlank()
                || e.getCredentialSerial() == null || e.getCredentialSerial().isBlank()
                || e.getPrincipal().length() > IdentityEvent.MAX_TEXT_CHARS
                || e.getCredentialSerial().length() > IdentityEvent.MAX_TEXT_CHARS) {
            return null;
        }
        IdentityEventType type = IdentityEventType.valueOf(e.getType().name());
        if (type != IdentityEventType.REVOKED && type != IdentityEventType.DEVICE_NONCOMPLIANT) {
            return null;
        }
        return new IdentityEvent(e.getPrincipal(), type, List.of(), e.getCredentialSerial(), 0L, 0L, 0L,
                e.getMethod(), e.getEventTimeMs(), false, e.getAssuranceLevel());
    }

    /** For producers (e.g. {@code ./sif replay --identities} with {@code SimulatedIdentities}). */
    public static sif.schemas.avro.IdentityEvent toAvro(IdentityEvent e) {
        return sif.schemas.avro.IdentityEvent.newBuilder()
                .setPrincipal(e.principal())
                .setType(sif.schemas.avro.IdentityEventType.valueOf(e.type().name()))
                .setBoundAddresses(e.boundAddresses())
                .setCredentialSerial(e.credentialSerial())
                .setNotBeforeMs(e.notBeforeMs())
                .setNotAfterMs(e.notAfterMs())
                .setVerifiedAtMs(e.verifiedAtMs())
                .setMethod(e.method())
                .setEventTimeMs(e.eventTimeMs())
                .setCompliant(e.compliant())
                .setAssuranceLevel(e.assuranceLevel())
                .build();
    }
}
