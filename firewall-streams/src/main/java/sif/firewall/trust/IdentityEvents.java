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
