package sif.trust.sim;

import org.junit.jupiter.api.Test;
import sif.trust.FreshnessPolicy;
import sif.trust.IdentityEvent;
import sif.trust.IdentityEventType;
import sif.trust.IdentityStatus;
import sif.trust.ZeroTrustEvaluator;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SimulatedIdentitiesTest {

    static final long START = 1_499_088_000_000L; // 2017-07-03 13:20 UTC
    static final long MIN = 60_000L;

    @Test
    void scheduleIsDeterministicAndWindowed() {
        SimulatedIdentities sim = SimulatedIdentities.cicids2017(START);
        List<IdentityEvent> all = sim.eventsBetween(START, START + 60 * MIN);
        // 13 hosts, rotations at 0,4,...,56 min -> 15 events each
        assertEquals(13 * 15, all.size());
        List<IdentityEvent> stitched = new ArrayList<>(sim.eventsBetween(START, START + 17 * MIN));
        stitched.addAll(sim.eventsBetween(START + 17 * MIN, START + 60 * MIN));
        assertEquals(all, stitched);
        IdentityEvent first = all.get(0);
        assertEquals(IdentityEventType.ISSUED, first.type());
        assertEquals("spiffe://cicids2017.sim/host/192.168.10.3", first.principal());
        assertTrue(all.stream().allMatch(e -> e.boundAddresses().get(0).startsWith("192.168.10.")));
        assertTrue(all.stream().skip(13).allMatch(e -> e.type() == IdentityEventType.ROTATED));
    }

    @Test
    void attackersGetNoIdentityAndVictimsStayFreshByAge() {
        SimulatedIdentities sim = SimulatedIdentities.cicids2017(START);
        assertFalse(sim.covers("172.16.0.1"));
        assertFalse(sim.covers("205.174.165.73"));
        ZeroTrustEvaluator zt = new ZeroTrustEvaluator(FreshnessPolicy.defaults());
        // identity events are replayed interleaved with flows, in event-time order
        for (int minute = 0; minute < 30; minute++) {
            sim.eventsBetween(START + minute * MIN, START + (minute + 1) * MIN).forEach(zt::onIdentityEvent);
            assertEquals(IdentityStatus.TRUSTED, zt.onFlow("192.168.10.5", START + minute * MIN + 30_000).status(),
                    "minute " + minute);
        }
        assertEquals(IdentityStatus.UNKNOWN, zt.onFlow("172.16.0.1", START + 20 * MIN).status());
    }
}
