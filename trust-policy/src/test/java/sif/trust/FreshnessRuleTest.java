package sif.trust;

import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

class FreshnessRuleTest {

    static final String P = "spiffe://sif.example/host/192.168.10.5";
    static final String IP = "192.168.10.5";
    static final long T0 = 1_499_000_000_000L; // verification time
    static final long MIN = 60_000L;
    static final long SEC = 1_000L;

    static IdentityEvent issued(String serial, long verifiedAt, long eventTime) {
        return new IdentityEvent(P, IdentityEventType.ISSUED, List.of(IP), serial, T0 - 3_600_000L,
                T0 + 24 * 3_600_000L, verifiedAt, "mTLS", eventTime, true, null);
    }

    static IdentityEvent event(IdentityEventType type, String serial, long verifiedAt, long eventTime) {
        return new IdentityEvent(P, type, List.of(), serial, T0 - 3_600_000L, T0 + 24 * 3_600_000L, verifiedAt,
                "mTLS", eventTime, true, null);
    }

    private static ZeroTrustEvaluator evaluator() {
        ZeroTrustEvaluator zt = new ZeroTrustEvaluator(FreshnessPolicy.defaults());
        zt.onIdentityEvent(issued("s1", T0, T0));
        return zt;
    }

    @Test
    void ageBoundary_4m59_and_5m00_are_trusted_5m01_is_stale() {
        assertEquals(IdentityStatus.TRUSTED, evaluator().onFlow(IP, T0 + 4 * MIN + 59 * SEC).status());
        assertEquals(IdentityStatus.TRUSTED, evaluator().onFlow(IP, T0 + 5 * MIN).status());
        assertEquals(IdentityStatus.STALE, evaluator().onFlow(IP, T0 + 5 * MIN + SEC).status());
        // the exact boundary is inclusive to the millisecond
        assertEquals(IdentityStatus.STALE, evaluator().onFlow(IP, T0 + 5 * MIN + 1).status());
    }

    @Test
    void flowBoundary_499_and_500_are_trusted_501_is_stale() {
        ZeroTrustEvaluator zt = evaluator();
        for (int n = 1; n <= 498; n++) {
            assertEquals(IdentityStatus.TRUSTED, zt.onFlow(IP, T0 + n).status(), "flow " + n);
        }
        TrustAssessment f499 = zt.onFlow(IP, T0 + 499);
        TrustAssessment f500 = zt.onFlow(IP, T0 + 500);
        TrustAssessment f501 = zt.onFlow(IP, T0 + 501);
        assertEquals(IdentityStatus.TRUSTED, f499.status());
        assertEquals(499, f499.next().flowsSinceVerification());
        assertEquals(IdentityStatus.TRUSTED, f500.status());
        assertEquals(IdentityStatus.STALE, f501.status());
        assertEquals(501, f501.next().flowsSinceVerification());
    }

    @Test
    void reverificationResetsCounterAndAge() {
        ZeroTrustEvaluator zt = evaluator();
        for (int n = 1; n <= 501; n++) {
            zt.onFlow(IP, T0 + n);
        }
        assertEquals(IdentityStatus.STALE, zt.onFlow(IP, T0 + 600).status());
        zt.onIdentityEvent(event(IdentityEventType.ASSURANCE_CHANGED, "s1", T0 + 700, T0 + 700));
        TrustAssessment a = zt.onFlow(IP, T0 + 800);
        assertEquals(IdentityStatus.TRUSTED, a.status());
        assertEquals(1, a.next().flowsSinceVerification());
    }

    @Test
    void unknownSource() {
        TrustAssessment a = evaluator().onFlow("172.16.0.1", T0);
        assertEquals(IdentityStatus.UNKNOWN, a.status());
        assertNull(a.principal());
        assertNull(a.challenge(), "UNKNOWN is not in the default challenge set");
    }

    @Test
    void revocationMidStream() {
        ZeroTrustEvaluator zt = evaluator();
        assertEquals(IdentityStatus.TRUSTED, zt.onFlow(IP, T0 + SEC).status());
        assertEquals(IdentityStatus.TRUSTED, zt.onFlow(IP, T0 + 2 * SEC).status());
        zt.onIdentityEvent(event(IdentityEventType.REVOKED, "s1", T0, T0 + 3 * SEC));
        assertEquals(IdentityStatus.REVOKED, zt.onFlow(IP, T0 + 4 * SEC).status());
        // a re-issue of the revoked serial, even newer, stays revoked
        zt.onIdentityEvent(issued("s1", T0 + 5 * SEC, T0 + 5 * SEC));
        assertEquals(IdentityStatus.REVOKED, zt.onFlow(IP, T0 + 6 * SEC).status());
        // a new credential is trusted again
        zt.onIdentityEvent(event(IdentityEventType.ROTATED, "s2", T0 + 7 * SEC, T0 + 7 * SEC));
        assertEquals(IdentityStatus.TRUSTED, zt.onFlow(IP, T0 + 8 * SEC).status());
    }

    @Test
    void aRevokedCurrentCredentialStaysRevokedWhenManyOlderSerialsAreRevokedAfterIt() {
        ZeroTrustEvaluator zt = evaluator();
        zt.onIdentityEvent(event(IdentityEventType.REVOKED, "s1", T0, T0 + SEC));
        // an incident sweep revokes more older serials than the list keeps
        for (int i = 0; i < IdentityResolver.MAX_REVOKED_SERIALS + 5; i++) {
            zt.onIdentityEvent(event(IdentityEventType.REVOKED, "old-" + i, T0, T0 + 2 * SEC + i));
        }
        PrincipalIdentity p = zt.registry().byPrincipal(P);
        assertEquals("s1", p.credentialSerial());
        assertEquals(IdentityResolver.MAX_REVOKED_SERIALS, p.revokedSerials().size());
        assertEquals(true, p.revokedSerials().contains("s1"));
        assertEquals(false, p.revokedSerials().contains("old-0"), "the oldest of the others is forgotten");
        // a fresh verification of the revoked credential does not trust it again
        zt.onIdentityEvent(event(IdentityEventType.ASSURANCE_CHANGED, "s1", T0 + MIN, T0 + MIN));
        assertEquals(IdentityStatus.REVOKED, zt.onFlow(IP, T0 + MIN + SEC).status());
    }

    @Test
    void anUnreadableStateCountsAsTheFlowLimitUsedUpSinceTheNewestVerification() {
        FreshnessRule rule = new FreshnessRule(FreshnessPolicy.defaults());
        PrincipalIdentity id = IdentityResolver.apply(null, issued("s1", T0, T0));
        id = IdentityResolver.apply(id, event(IdentityEventType.ASSURANCE_CHANGED, "s1", T0 + MIN, T0 + MIN));
        assertNull(rule.unreadableState(null, T0), "no identity: nothing to carry (UNKNOWN is never trusted)");
        SourceState lost = rule.unreadableState(id, T0 + MIN + SEC);
        assertEquals(500, lost.flowsSinceVerification());
        assertEquals(T0 + MIN, lost.verifiedAtMs());
        TrustAssessment a = rule.assess(IP, T0 + MIN + 2 * SEC, id, lost);
        assertEquals(IdentityStatus.STALE, a.status());
        assertEquals(501, a.next().flowsSinceVerification());
        assertNotNull(a.challenge());
        // a flow covered by the older verification is not trusted either
        assertEquals(IdentityStatus.STALE, rule.assess(IP, T0 + SEC, id, lost).status());
        // verified again: trusted from the first flow
        PrincipalIdentity again = IdentityResolver.apply(id,
                event(IdentityEventType.ASSURANCE_CHANGED, "s1", T0 + 2 * MIN, T0 + 2 * MIN));
        TrustAssessment b = rule.assess(IP, T0 + 2 * MIN + SEC, again, lost);
        assertEquals(IdentityStatus.TRUSTED, b.status());
        assertEquals(1, b.next().flowsSinceVerification());
    }

    @Test
    void lateRevocationOfOldSerialDoesNotRevokeCurrent() {
        ZeroTrustEvaluator zt = evaluator();
        zt.onIdentityEvent(event(IdentityEventType.ROTATED, "s2", T0 + 10 * SEC, T0 + 10 * SEC));
        zt.onIdentityEvent(event(IdentityEventType.REVOKED, "s1", T0, T0 + 20 * SEC));
        TrustAssessment a = zt.onFlow(IP, T0 + 30 * SEC);
        assertEquals(IdentityStatus.TRUSTED, a.status());
        assertEquals("s2", zt.registry().byPrincipal(P).credentialSerial());
    }

    @Test
    void expiredCredential_bothEndsInclusive() {
        ZeroTrustEvaluator zt = new ZeroTrustEvaluator(FreshnessPolicy.defaults());
        zt.onIdentityEvent(new IdentityEvent(P, IdentityEventType.ISSUED, List.of(IP), "s1", T0, T0 + MIN, T0,
                "mTLS", T0, true, null));
        assertEquals(IdentityStatus.TRUSTED, zt.onFlow(IP, T0 + MIN).status());
        assertEquals(IdentityStatus.EXPIRED, zt.onFlow(IP, T0 + MIN + 1).status());
        assertEquals(IdentityStatus.EXPIRED, zt.onFlow(IP, T0 - 1).status());
    }

    @Test
    void deviceNoncompliantThenRemediated() {
        ZeroTrustEvaluator zt = evaluator();
        zt.onIdentityEvent(event(IdentityEventType.DEVICE_NONCOMPLIANT, "s1", T0, T0 + SEC));
        assertEquals(IdentityStatus.NONCOMPLIANT, zt.onFlow(IP, T0 + 2 * SEC).status());
        zt.onIdentityEvent(event(IdentityEventType.ASSURANCE_CHANGED, "s1", T0 + 3 * SEC, T0 + 3 * SEC));
        assertEquals(IdentityStatus.TRUSTED, zt.onFlow(IP, T0 + 4 * SEC).status());
    }

    @Test
    void lateAndDuplicateEventsAreResolvedByEventTime() {
        PrincipalIdentity s = IdentityResolver.apply(null, issued("s2", T0 + 10 * SEC, T0 + 10 * SEC));
        // duplicate: no change, same instance
        assertEquals(s, IdentityResolver.apply(s, issued("s2", T0 + 10 * SEC, T0 + 10 * SEC)));
        // late event for an older credential: ignored
        PrincipalIdentity late = IdentityResolver.apply(s, issued("s1", T0, T0));
        assertEquals("s2", late.credentialSerial());
        assertEquals(T0 + 10 * SEC, late.verifiedAtMs());
        // same result whatever the order
        PrincipalIdentity other = IdentityResolver.apply(IdentityResolver.apply(null, issued("s1", T0, T0)),
                issued("s2", T0 + 10 * SEC, T0 + 10 * SEC));
        assertEquals(late, other);
        // late revocation arriving before its ISSUED: still revoked
        PrincipalIdentity r = IdentityResolver.apply(null, event(IdentityEventType.REVOKED, "s3", T0, T0 + 50 * SEC));
        r = IdentityResolver.apply(r, issued("s3", T0 + 40 * SEC, T0 + 40 * SEC));
        assertEquals(true, r.revoked());
    }

    @Test
    void oneChallengePerSourcePerPeriod() {
        ZeroTrustEvaluator zt = evaluator();
        long stale = T0 + 6 * MIN;
        TrustAssessment first = zt.onFlow(IP, stale);
        assertEquals(IdentityStatus.STALE, first.status());
        assertNotNull(first.challenge());
        assertEquals(IP, first.challenge().source());
        assertEquals(P, first.challenge().principal());
        int challenges = 1;
        // 1000 more stale flows within the next 4:59 -> no more challenges
        for (int i = 1; i <= 1000; i++) {
            if (zt.onFlow(IP, stale + i * 299L).challenge() != null) {
                challenges++;
            }
        }
        assertEquals(1, challenges);
        // exactly one period after the first challenge: a second one
        assertNotNull(zt.onFlow(IP, stale + 5 * MIN).challenge());
        assertNull(zt.onFlow(IP, stale + 5 * MIN + 1).challenge());
    }

    @Test
    void challengeStatusesAreConfigurable() {
        ZeroTrustEvaluator zt = new ZeroTrustEvaluator(new FreshnessPolicy(5 * MIN, 500, MIN,
                EnumSet.of(IdentityStatus.UNKNOWN)));
        assertNotNull(zt.onFlow("10.9.9.9", T0).challenge());
        assertNull(zt.onFlow("10.9.9.9", T0 + 1).challenge());
        assertNotNull(zt.onFlow("10.9.9.9", T0 + MIN).challenge());
    }

    @Test
    void cidrBindingsMostSpecificWins() {
        IdentityRegistry reg = new IdentityRegistry();
        reg.apply(new IdentityEvent("net", IdentityEventType.ISSUED, List.of("192.168.10.0/24"), "a", 0, 10, 0,
                "mTLS", 1, true, null));
        reg.apply(new IdentityEvent("host", IdentityEventType.ISSUED, List.of("192.168.10.7"), "b", 0, 10, 0,
                "mTLS", 1, true, null));
        reg.apply(new IdentityEvent("v6", IdentityEventType.ISSUED, List.of("2001:db8::/64"), "c", 0, 10, 0,
                "OIDC", 1, true, null));
        assertEquals("host", reg.bySource("192.168.10.7").principal());
        assertEquals("net", reg.bySource("192.168.10.8").principal());
        assertEquals("v6", reg.bySource("2001:db8::1").principal());
        assertNull(reg.bySource("192.168.11.1"));
        assertNull(reg.bySource("not-an-ip"));
    }

    private static IdentityEvent credential(IdentityEventType type, String serial, long notBefore, long notAfter,
                                            long verifiedAt) {
        return new IdentityEvent(P, type, List.of(IP), serial, notBefore, notAfter, verifiedAt, "mTLS", verifiedAt,
                true, null);
    }

    @Test
    void aRotationDoesNotExpireFlowsMadeUnderThePreviousCredentialButEvaluatedLate() {
        ZeroTrustEvaluator zt = new ZeroTrustEvaluator(FreshnessPolicy.defaults());
        zt.onIdentityEvent(credential(IdentityEventType.ISSUED, "s1", T0, T0 + 10 * MIN, T0));
        // consumer lag: the rotation at T0+4min is applied before a flow made at T0+1min is evaluated
        zt.onIdentityEvent(credential(IdentityEventType.ROTATED, "s2", T0 + 4 * MIN, T0 + 14 * MIN, T0 + 4 * MIN));
        assertEquals(IdentityStatus.TRUSTED, zt.onFlow(IP, T0 + MIN).status());
        // but nothing before the chain started
        assertEquals(IdentityStatus.EXPIRED, zt.onFlow(IP, T0 - 1).status());
    }

    @Test
    void aFlowEvaluatedLateIsCoveredByTheVerificationBeforeItNotTheNewest() {
        ZeroTrustEvaluator zt = evaluator(); // verified at T0
        // catching up after an outage: the re-verification at T0+30min is already in the store
        zt.onIdentityEvent(event(IdentityEventType.ASSURANCE_CHANGED, "s1", T0 + 30 * MIN, T0 + 30 * MIN));
        TrustAssessment early = zt.onFlow(IP, T0 + 4 * MIN);
        assertEquals(IdentityStatus.TRUSTED, early.status(), "4 min after the verification before it");
        assertEquals(T0, early.next().verifiedAtMs());
        TrustAssessment stale = zt.onFlow(IP, T0 + 6 * MIN);
        assertEquals(IdentityStatus.STALE, stale.status(), "6 min after the verification before it: "
                + stale.detail());
        assertEquals(IdentityStatus.STALE, zt.onFlow(IP, T0 + 29 * MIN).status());
        TrustAssessment after = zt.onFlow(IP, T0 + 31 * MIN);
        assertEquals(IdentityStatus.TRUSTED, after.status(), "covered by the re-verification");
        assertEquals(1, after.next().flowsSinceVerification(), "a new verification restarts the count");
        // a flow before every verification on record is not vouched for
        assertEquals(IdentityStatus.STALE, zt.onFlow(IP, T0 - 1).status());
        // history reaches an hour back from the newest verification: a flow further behind is STALE
        zt.onIdentityEvent(event(IdentityEventType.ASSURANCE_CHANGED, "s1", T0 + 62 * MIN, T0 + 62 * MIN));
        TrustAssessment forgotten = zt.onFlow(IP, T0 + 2 * MIN);
        assertEquals(IdentityStatus.STALE, forgotten.status(), forgotten.detail());
        assertEquals(IdentityStatus.TRUSTED, zt.onFlow(IP, T0 + 33 * MIN).status());
    }

    @Test
    void aFlowCoveredByAnOlderVerificationNeitherRestartsTheCountNorIsTrustedPastTheLimit() {
        ZeroTrustEvaluator zt = evaluator(); // verified at T0
        zt.onIdentityEvent(event(IdentityEventType.ASSURANCE_CHANGED, "s1", T0 + MIN, T0 + MIN));
        int trusted = 0;
        for (int i = 1; i <= 1000; i++) {
            if (zt.onFlow(IP, T0 + MIN + SEC + i).status() == IdentityStatus.TRUSTED) {
                trusted++;
            }
            if (i % 400 == 0) { // a long flow, stamped with its start before the re-verification, ends now
                TrustAssessment late = zt.onFlow(IP, T0 + 30 * SEC);
                if (late.status() == IdentityStatus.TRUSTED) {
                    trusted++;
                }
                assertEquals(T0 + MIN, late.next().verifiedAtMs(), "the counter stays with the newest verification");
                assertEquals(T0 + MIN + SEC + i, late.next().lastSeenMs(), "a late flow does not move lastSeen back");
            }
        }
        assertEquals(500, trusted, "of the flows since the re-verification, late ones included, 500 are trusted");
        TrustAssessment lateStale = zt.onFlow(IP, T0 + 30 * SEC);
        assertEquals(IdentityStatus.STALE, lateStale.status(), "counted on the current counter: " + lateStale.detail());
        assertEquals(IdentityStatus.STALE, zt.onFlow(IP, T0 + 2 * MIN).status());
        zt.onIdentityEvent(event(IdentityEventType.ASSURANCE_CHANGED, "s1", T0 + 3 * MIN, T0 + 3 * MIN));
        TrustAssessment fresh = zt.onFlow(IP, T0 + 3 * MIN + SEC);
        assertEquals(IdentityStatus.TRUSTED, fresh.status(), "a newer verification restarts the count");
        assertEquals(1, fresh.next().flowsSinceVerification());
    }

    @Test
    void aRevocationOfThePreviousCredentialCutsTheChainWhateverItsArrival() {
        IdentityEvent issued = credential(IdentityEventType.ISSUED, "s1", T0, T0 + 10 * MIN, T0);
        IdentityEvent revoked = event(IdentityEventType.REVOKED, "s1", 0, T0 + 2 * MIN);
        IdentityEvent revokedAfter = event(IdentityEventType.REVOKED, "s1", 0, T0 + 5 * MIN);
        IdentityEvent rotated = credential(IdentityEventType.ROTATED, "s2", T0 + 4 * MIN, T0 + 14 * MIN, T0 + 4 * MIN);
        List<List<IdentityEvent>> orders = List.of(
                List.of(issued, revoked, rotated),      // in order
                List.of(issued, rotated, revoked),      // the revocation arrives late
                List.of(issued, rotated, revokedAfter)); // revoked after the rotation
        for (List<IdentityEvent> order : orders) {
            ZeroTrustEvaluator zt = new ZeroTrustEvaluator(FreshnessPolicy.defaults());
            order.forEach(zt::onIdentityEvent);
            String which = order.get(1).type() + " then " + order.get(2).type() + "@" + order.get(2).eventTimeMs();
            assertEquals(IdentityStatus.EXPIRED, zt.onFlow(IP, T0 + 3 * MIN).status(), which);
            assertEquals(IdentityStatus.EXPIRED, zt.onFlow(IP, T0 + MIN).status(), which);
            assertEquals(IdentityStatus.TRUSTED, zt.onFlow(IP, T0 + 4 * MIN + SEC).status(), which);
            assertEquals("s2", zt.registry().byPrincipal(P).credentialSerial(), which);
        }
        // a duplicate revocation of a serial already known revoked changes nothing
        ZeroTrustEvaluator chain = new ZeroTrustEvaluator(FreshnessPolicy.defaults());
        chain.onIdentityEvent(credential(IdentityEventType.ISSUED, "s2", T0, T0 + 10 * MIN, T0));
        chain.onIdentityEvent(event(IdentityEventType.REVOKED, "s0", 0, T0 + SEC));
        chain.onIdentityEvent(credential(IdentityEventType.ROTATED, "s3", T0 + 4 * MIN, T0 + 14 * MIN, T0 + 4 * MIN));
        chain.onIdentityEvent(event(IdentityEventType.REVOKED, "s0", 0, T0 + SEC));
        assertEquals(IdentityStatus.TRUSTED, chain.onFlow(IP, T0 + 3 * MIN).status(), "s2 -> s3 is unbroken");
    }

    @Test
    void aRotationAfterRevocationOrAGapStartsANewValidity() {
        ZeroTrustEvaluator revoked = new ZeroTrustEvaluator(FreshnessPolicy.defaults());
        revoked.onIdentityEvent(credential(IdentityEventType.ISSUED, "s1", T0, T0 + 10 * MIN, T0));
        revoked.onIdentityEvent(event(IdentityEventType.REVOKED, "s1", T0, T0 + 2 * MIN));
        revoked.onIdentityEvent(credential(IdentityEventType.ROTATED, "s2", T0 + 4 * MIN, T0 + 14 * MIN, T0 + 4 * MIN));
        assertEquals(IdentityStatus.EXPIRED, revoked.onFlow(IP, T0 + MIN).status(), "the revoked credential is not extended");

        ZeroTrustEvaluator gap = new ZeroTrustEvaluator(FreshnessPolicy.defaults());
        gap.onIdentityEvent(credential(IdentityEventType.ISSUED, "s1", T0, T0 + 2 * MIN, T0));
        gap.onIdentityEvent(credential(IdentityEventType.ROTATED, "s2", T0 + 4 * MIN, T0 + 14 * MIN, T0 + 4 * MIN));
        assertEquals(IdentityStatus.EXPIRED, gap.onFlow(IP, T0 + 3 * MIN).status(), "not valid in the gap");
        assertEquals(IdentityStatus.EXPIRED, gap.onFlow(IP, T0 + MIN).status(), "a gap breaks the chain");
    }

    private static IdentityEvent timed(IdentityEventType t, String serial, long notBefore, long verifiedAt,
                                            long eventTime) {
        return new IdentityEvent(P, t, List.of(IP), serial, notBefore, notBefore + 60 * MIN, verifiedAt, "mTLS",
                eventTime, true, null);
    }

    private static IdentityEvent revocation(String serial, long eventTime) {
        return new IdentityEvent(P, IdentityEventType.REVOKED, List.of(), serial, 0, 0, 0, "mTLS", eventTime, true, null);
    }

    /**
     * ROTATED s2, then REVOKED s2; in order the principal is REVOKED. With the revocation delivered before
     * the rotation, the rotation was ignored as late and its verification kept s1 fresh: TRUSTED. Then a
     * ROTATED s3 must not chain back through the revoked s2 either: a flow between the revocation and s3
     * is never trusted, whatever the order.
     */
    @Test
    void aRevocationDeliveredBeforeItsRotationStillRevokes() {
        IdentityEvent issued = timed(IdentityEventType.ISSUED, "s1", T0, T0, T0);
        IdentityEvent rotated = timed(IdentityEventType.ROTATED, "s2", T0 + 4 * MIN, T0 + 4 * MIN, T0 + 4 * MIN);
        IdentityEvent revoked = revocation("s2", T0 + 5 * MIN);
        IdentityEvent rotated3 = timed(IdentityEventType.ROTATED, "s3", T0 + 8 * MIN, T0 + 8 * MIN, T0 + 8 * MIN);
        for (List<IdentityEvent> order : List.of(List.of(issued, rotated, revoked), List.of(issued, revoked, rotated))) {
            ZeroTrustEvaluator zt = new ZeroTrustEvaluator(FreshnessPolicy.defaults());
            order.forEach(zt::onIdentityEvent);
            assertEquals(IdentityStatus.REVOKED, zt.onFlow(IP, T0 + 6 * MIN).status(), order.get(1).type() + " first");
            zt.onIdentityEvent(rotated3);
            IdentityStatus between = zt.onFlow(IP, T0 + 6 * MIN + SEC).status();
            assertEquals(true, between != IdentityStatus.TRUSTED, order.get(1).type() + " first, then s3: " + between);
        }
    }

    /** A verification time of 0 or below (a "never" sentinel) is no verification: STALE, not a crash or TRUSTED. */
    @Test
    void aVerificationTimeAtOrBelowZeroIsNoVerification() {
        for (long v : new long[] {Long.MIN_VALUE, Long.MIN_VALUE + 1, 0}) {
            ZeroTrustEvaluator zt = new ZeroTrustEvaluator(FreshnessPolicy.defaults());
            zt.onIdentityEvent(timed(IdentityEventType.ISSUED, "s1", T0, v, T0));
            TrustAssessment a = zt.onFlow(IP, T0 + MIN);
            assertEquals(IdentityStatus.STALE, a.status(), "verifiedAt " + v + ": " + a.detail());
        }
    }
}
