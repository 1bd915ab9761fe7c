package sif.trust;

import java.util.ArrayList;
import java.util.List;

/**
 * Folds identity lifecycle events into a {@link PrincipalIdentity}; pure and deterministic.
 *
 * <p>Resolution rules (duplicates and out-of-order delivery):
 * <ol>
 *   <li>Revocation is sticky: a REVOKED event adds its serial to the revoked set whenever it
 *       arrives, even late; a revoked serial never becomes trusted again.</li>
 *   <li>Otherwise the newest event wins, ordered by {@code eventTimeMs}; at equal event time and
 *       equal serial the higher-ranked type wins (ISSUED &lt; ROTATED &lt; ASSURANCE_CHANGED &lt;
 *       DEVICE_NONCOMPLIANT &lt; REVOKED); at equal event time and different serials the
 *       lexicographically greater serial wins. An event that does not win is ignored (late event),
 *       and an identical event is a no-op (duplicate).</li>
 *   <li>Only ISSUED / ROTATED replace the credential (serial, validity, bindings, method); a
 *       ROTATED credential continuing an unrevoked one keeps the chain's validity start. A
 *       revocation of another serial that arrives after such a rotation (late or not) cuts the chain
 *       back to the current credential's own validity start: the revoked credential may have been in
 *       it, and had the revocation come first the chain would not reach past it. (In that order a
 *       chain s1, s2, s3 with s1 revoked starts at s2; revoked after the rotations it starts at s3:
 *       never more trusting than in order.) A late ISSUED / ROTATED of a serial already revoked, whose
 *       credential starts after the current one's, replaces the current credential all the same (it is
 *       revoked: the principal is REVOKED, as in order), and no late event credits the verification of
 *       a revoked serial to the principal. A newer
 *       ASSURANCE_CHANGED / DEVICE_NONCOMPLIANT / REVOKED about a different (older) serial changes
 *       posture (compliance, assurance) but never swaps the current credential back.</li>
 *   <li>A non-credential event about the current serial may raise {@code verifiedAtMs} (a
 *       re-verification), never lower it; an empty {@code boundAddresses} keeps the bindings.</li>
 * </ol>
 */
public final class IdentityResolver {

    /**
     * How many revoked serials are remembered per principal (the oldest are forgotten first, the
     * current credential's never).
     */
    public static final int MAX_REVOKED_SERIALS = 32;

    private IdentityResolver() {
    }

    /**
     * Applies {@code event} to {@code current}.
     *
     * @param current the state so far, or null when the principal is new
     * @return the new state (the same instance when the event changes nothing)
     * @throws IllegalArgumentException when the event names another principal
     */
    public static PrincipalIdentity apply(PrincipalIdentity current, IdentityEvent event) {
        PrincipalIdentity after = resolve(current, event);
        List<Long> history = verifications(current, event, after);
        if (history.equals(after.verifications())) {
            return after;
        }
        return new PrincipalIdentity(after.principal(), after.boundAddresses(), after.credentialSerial(),
                after.notBeforeMs(), after.notAfterMs(), after.verifiedAtMs(), after.method(), after.eventTimeMs(),
                after.lastType(), after.compliant(), after.assuranceLevel(), after.revokedSerials(), history,
                after.credentialNotBeforeMs());
    }

    /**
     * The verification times after {@code event}: those before it, the event's own when it reports a
     * verification (any event but a revocation, about a credential it defines or the current one —
     * late ones too: the verification happened), and the resulting {@code verifiedAtMs}; ascending,
     * within {@link PrincipalIdentity#VERIFICATION_HISTORY_MS} of the newest, at most
     * {@link PrincipalIdentity#MAX_VERIFICATIONS}.
     */
    private static List<Long> verifications(PrincipalIdentity current, IdentityEvent event, PrincipalIdentity after) {
        java.util.TreeSet<Long> times = new java.util.TreeSet<>();
        if (current != null) {
            times.addAll(current.verifications());
            if (current.verifications().isEmpty() && current.verifiedAtMs() > 0) {
                times.add(current.verifiedAtMs()); // a state from before the history existed
            }
        }
        boolean aboutCurrent = current != null && event.credentialSerial().equals(current.credentialSerial());
        // a verification of a credential revoked by now vouches for nothing: it would keep an older
        // credential fresh (its revocation arriving before the rotation that made it current)
        boolean ofRevoked = current != null && !aboutCurrent && after.revokedSerials().contains(event.credentialSerial());
        if (event.type() != IdentityEventType.REVOKED && event.verifiedAtMs() > 0 && !ofRevoked
                && (event.type().definesCredential() || aboutCurrent || current == null)) {
            times.add(event.verifiedAtMs());
        }
        if (after.verifiedAtMs() > 0) {
            times.add(after.verifiedAtMs());
        }
        while (!times.isEmpty() && (times.size() > PrincipalIdentity.MAX_VERIFICATIONS
                || times.first() < times.last() - PrincipalIdentity.VERIFICATION_HISTORY_MS)) {
            times.pollFirst();
        }
        return List.copyOf(times);
    }

    private static PrincipalIdentity resolve(PrincipalIdentity current, IdentityEvent event) {
        if (current != null && !current.principal().equals(event.principal())) {
            throw new IllegalArgumentException("event for '" + event.principal() + "' applied to state of '"
                    + current.principal() + "'");
        }
        boolean compliant = event.type() != IdentityEventType.DEVICE_NONCOMPLIANT && event.compliant();
        if (current == null) {
            List<String> revoked = event.type() == IdentityEventType.REVOKED
                    ? List.of(event.credentialSerial()) : List.of();
            return new PrincipalIdentity(event.principal(), event.boundAddresses(), event.credentialSerial(),
                    event.notBeforeMs(), event.notAfterMs(), event.verifiedAtMs(), event.method(),
                    event.eventTimeMs(), event.type(), compliant, event.assuranceLevel(), revoked);
        }
        List<String> revoked = current.revokedSerials();
        boolean revokesAnother = false;
        if (event.type() == IdentityEventType.REVOKED && !revoked.contains(event.credentialSerial())) {
            List<String> r = new ArrayList<>(revoked);
            r.add(event.credentialSerial());
            // forget the oldest, but never the current credential's serial: that would trust it again
            for (int i = 0; r.size() > MAX_REVOKED_SERIALS && i < r.size(); ) {
                if (r.get(i).equals(current.credentialSerial())) {
                    i++;
                } else {
                    r.remove(i);
                }
            }
            revoked = r;
            revokesAnother = !event.credentialSerial().equals(current.credentialSerial());
        }
        // the chain may run through the serial just revoked: back to the current credential's own start
        long notBefore = revokesAnother ? current.credentialNotBeforeMs() : current.notBeforeMs();
        if (!isNewer(event, current)) {
            if (event.type().definesCredential() && revoked.contains(event.credentialSerial())
                    && !event.credentialSerial().equals(current.credentialSerial())
                    && event.notBeforeMs() > current.credentialNotBeforeMs()) {
                // a late credential that came after the current one and has been revoked since: in order,
                // it would have replaced the current credential and then been revoked, so the principal
                // holds a revoked credential (REVOKED), not the one before it
                List<String> bindings = event.boundAddresses().isEmpty() ? current.boundAddresses()
                        : event.boundAddresses();
                return new PrincipalIdentity(current.principal(), bindings, event.credentialSerial(),
                        event.notBeforeMs(), event.notAfterMs(), current.verifiedAtMs(), event.method(),
                        current.eventTimeMs(), current.lastType(), current.compliant(), current.assuranceLevel(),
                        revoked, current.verifications(), event.notBeforeMs());
            }
            return revoked == current.revokedSerials() ? current : withRevoked(current, revoked, notBefore);
        }
        boolean sameSerial = event.credentialSerial().equals(current.credentialSerial());
        List<String> bound = event.boundAddresses().isEmpty() ? current.boundAddresses() : event.boundAddresses();
        String assurance = event.assuranceLevel() != null ? event.assuranceLevel() : current.assuranceLevel();
        if (event.type().definesCredential()) {
            long verified = sameSerial ? Math.max(current.verifiedAtMs(), event.verifiedAtMs()) : event.verifiedAtMs();
            return new PrincipalIdentity(current.principal(), bound, event.credentialSerial(), chainStart(current, event),
                    event.notAfterMs(), verified, event.method(), event.eventTimeMs(), event.type(), compliant,
                    assurance, revoked, List.of(), event.notBeforeMs());
        }
        if (sameSerial) {
            return new PrincipalIdentity(current.principal(), bound, current.credentialSerial(),
                    current.notBeforeMs(), current.notAfterMs(),
                    Math.max(current.verifiedAtMs(), event.verifiedAtMs()), current.method(), event.eventTimeMs(),
                    event.type(), compliant, assurance, revoked, List.of(), current.credentialNotBeforeMs());
        }
        // posture or revocation about another serial: posture changes, the credential does not
        boolean postureCompliant = event.type() == IdentityEventType.REVOKED ? current.compliant() : compliant;
        return new PrincipalIdentity(current.principal(), current.boundAddresses(), current.credentialSerial(),
                notBefore, current.notAfterMs(), current.verifiedAtMs(), current.method(),
                event.eventTimeMs(), current.lastType(), postureCompliant,
                event.type() == IdentityEventType.REVOKED ? current.assuranceLevel() : assurance, revoked, List.of(),
                current.credentialNotBeforeMs());
    }

    /**
     * Validity start of the new credential. A ROTATED credential that continues an unrevoked one
     * (it starts no later than the old one ends) extends the old chain backwards: a flow that
     * happened under the previous credential but is evaluated after the rotation (consumer lag,
     * late flows) is not EXPIRED just because the credential it used has since been replaced.
     */
    private static long chainStart(PrincipalIdentity current, IdentityEvent event) {
        boolean continues = event.type() == IdentityEventType.ROTATED
                && !current.revoked()
                && event.notBeforeMs() <= current.notAfterMs();
        return continues ? Math.min(current.notBeforeMs(), event.notBeforeMs()) : event.notBeforeMs();
    }

    private static boolean isNewer(IdentityEvent e, PrincipalIdentity s) {
        if (e.eventTimeMs() != s.eventTimeMs()) {
            return e.eventTimeMs() > s.eventTimeMs();
        }
        int bySerial = e.credentialSerial().compareTo(s.credentialSerial());
        if (bySerial != 0) {
            return bySerial > 0;
        }
        return e.type().tieRank() > s.lastType().tieRank();
    }

    private static PrincipalIdentity withRevoked(PrincipalIdentity s, List<String> revoked, long notBeforeMs) {
        return new PrincipalIdentity(s.principal(), s.boundAddresses(), s.credentialSerial(), notBeforeMs,
                s.notAfterMs(), s.verifiedAtMs(), s.method(), s.eventTimeMs(), s.lastType(), s.compliant(),
                s.assuranceLevel(), revoked, s.verifications(), s.credentialNotBeforeMs());
    }
}
