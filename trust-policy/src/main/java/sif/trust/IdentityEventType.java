package sif.trust;

/**
 * Identity lifecycle events, modelled on the SPIFFE SVID lifecycle (issue, rotate, revoke) and
 * OpenID CAEP (assurance level change, device compliance change).
 */
public enum IdentityEventType {
    ISSUED(0, true),
    ROTATED(1, true),
    ASSURANCE_CHANGED(2, false),
    DEVICE_NONCOMPLIANT(3, false),
    REVOKED(4, false);

    private final int tieRank;
    private final boolean definesCredential;

    IdentityEventType(int tieRank, boolean definesCredential) {
        this.tieRank = tieRank;
        this.definesCredential = definesCredential;
    }

    /** Order among events with the same serial and event time: the higher one wins. */
    int tieRank() {
        return tieRank;
    }

    /** ISSUED and ROTATED carry a (new) credential; the others change state of an existing one. */
    public boolean definesCredential() {
        return definesCredential;
    }
}
