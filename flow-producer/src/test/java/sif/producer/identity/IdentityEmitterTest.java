package sif.producer.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import sif.flows.FlowFeatures;
import sif.flows.FlowRecord;
import sif.producer.FlowReplayer;
import sif.producer.FlowSource;
import sif.producer.ReplayOptions;
import sif.producer.ReplaySummary;
import sif.schemas.avro.IdentityEvent;
import sif.schemas.avro.IdentityEventType;
import sif.schemas.avro.NetworkFlow;
import sif.trust.FreshnessPolicy;
import sif.trust.FreshnessRule;
import sif.trust.IdentityResolver;
import sif.trust.PrincipalIdentity;
import sif.trust.SourceState;

class IdentityEmitterTest {

    private static final long T0 = 1_499_000_000_000L;
    private static final long MIN = 60_000;

    static FlowRecord flow(String id, String src, long ts) {
        return new FlowRecord(id, src, 40000, "192.168.10.50", 80, 6, ts, new double[FlowFeatures.COUNT], "BENIGN",
                "t.csv", 2);
    }

    /**
     * A MockProducer that appends "topic:key@eventTime" to a log shared by both producers, in send
     * order (identity records carry their event time as record timestamp; flow records leave the
     * timestamp to the producer and carry the event time in the payload).
     */
    static <V> MockProducer<String, V> logging(List<String> log) {
        return new MockProducer<>(true, null, new StringSerializer(), (topic, v) -> new byte[0]) {
            @Override
            public synchronized Future<RecordMetadata> send(ProducerRecord<String, V> r, Callback cb) {
                long eventTime = r.value() instanceof sif.schemas.avro.NetworkFlow f ? f.getEventTimeMs() : r.timestamp();
                log.add(r.topic() + ":" + r.key() + "@" + (eventTime - T0));
                return super.send(r, cb);
            }
        };
    }

    private static String p(String ip) {
        return "spiffe://cicids2017.sim/host/" + ip;
    }

    @Test
    void internalHostsGetIssuedBeforeTheirFirstFlowThenRotatedAndAttackersNothing() throws IOException {
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        MockProducer<String, NetworkFlow> flows = logging(log);
        MockProducer<String, IdentityEvent> ids = logging(log);
        IdentityEmitter emitter = new IdentityEmitter(ids, "identity", IdentitySchedule.cicids2017());
        List<FlowRecord> input = List.of(
                flow("f1", "192.168.10.5", T0),
                flow("f2", "172.16.0.1", T0 + 1_000),          // attacker (NATed): none
                flow("f3", "205.174.165.73", T0 + 2_000),      // attacker: none
                flow("f4", "192.168.10.8", T0 + MIN),
                flow("f5", "192.168.10.5", T0 + 3 * MIN),      // nothing due yet
                flow("f6", "192.168.10.5", T0 + 9 * MIN));     // .5 rotations at 4 and 8 min, .8 at 5 and 9 min
        FlowReplayer replayer = new FlowReplayer(flows, ReplayOptions.allOnce("flows")).beforeEachFlow(emitter);
        ReplaySummary s = replayer.replay(FlowSource.of("t", input::iterator));
        emitter.close();
        assertEquals(6, s.sent());

        long lead = 1_000;
        assertEquals(List.of(
                "identity:" + p("192.168.10.5") + "@" + (-lead),
                "flows:192.168.10.5@0",
                "flows:172.16.0.1@1000",
                "flows:205.174.165.73@2000",
                "identity:" + p("192.168.10.8") + "@" + (MIN - lead),
                "flows:192.168.10.8@" + MIN,
                "flows:192.168.10.5@" + 3 * MIN,
                "identity:" + p("192.168.10.5") + "@" + (4 * MIN - lead),
                "identity:" + p("192.168.10.8") + "@" + (5 * MIN - lead),
                "identity:" + p("192.168.10.5") + "@" + (8 * MIN - lead),
                "identity:" + p("192.168.10.8") + "@" + (9 * MIN - lead),
                "flows:192.168.10.5@" + 9 * MIN), log, "send order: identities before the flows they cover");

        List<IdentityEvent> events = ids.history().stream().map(ProducerRecord::value).toList();
        assertEquals(List.of(IdentityEventType.ISSUED, IdentityEventType.ISSUED, IdentityEventType.ROTATED,
                IdentityEventType.ROTATED, IdentityEventType.ROTATED, IdentityEventType.ROTATED),
                events.stream().map(IdentityEvent::getType).toList());
        IdentityEvent first = events.get(0);
        assertEquals(p("192.168.10.5"), first.getPrincipal());
        assertEquals(List.of("192.168.10.5"), first.getBoundAddresses());
        assertEquals("sim-192.168.10.5-0", first.getCredentialSerial());
        assertEquals(T0 - lead, first.getEventTimeMs());
        assertEquals(T0 - lead, first.getVerifiedAtMs());
        assertEquals(T0 - lead, first.getNotBeforeMs());
        assertEquals(T0 - lead + 10 * MIN, first.getNotAfterMs(), "TTL 10 min");
        assertEquals("mTLS", first.getMethod());
        assertEquals("simulated", first.getAssuranceLevel());
        IdentityEvent rotated = events.get(4);
        assertEquals("sim-192.168.10.5-2", rotated.getCredentialSerial());
        assertEquals(T0 - lead + 8 * MIN, rotated.getVerifiedAtMs());
        for (ProducerRecord<String, IdentityEvent> r : ids.history()) {
            assertEquals(r.value().getPrincipal(), r.key(), "key = principal");
            assertEquals(r.value().getEventTimeMs(), r.timestamp(), "record timestamp = event time");
            assertTrue(r.value().getBoundAddresses().get(0).startsWith("192.168.10."));
        }
        assertTrue(ids.flushed() || ids.history().size() == 6);
        assertEquals(6, emitter.sentTotal());
        assertEquals(2, emitter.sent(IdentityEventType.ISSUED));
        assertEquals(4, emitter.sent(IdentityEventType.ROTATED));
        assertEquals(0, emitter.errorsTotal());
        assertEquals(2, emitter.schedule().hostCount());
    }

    @Test
    void rotationCadenceFollowsEventTimeAndIsConfigurable() {
        IdentitySchedule s = new IdentitySchedule("192.168.10.0/24", Duration.ofMinutes(2), Duration.ofSeconds(5));
        List<sif.trust.IdentityEvent> all = new ArrayList<>();
        for (long t = 0; t <= 10 * MIN; t += 30_000) {
            all.addAll(s.before(flow("x" + t, "192.168.10.19", T0 + t)));
        }
        // issued at -5 s, then every 2 min while event time advances to 10 min
        List<Long> times = all.stream().map(e -> e.eventTimeMs() - T0).toList();
        assertEquals(List.of(-5_000L, 2 * MIN - 5_000, 4 * MIN - 5_000, 6 * MIN - 5_000, 8 * MIN - 5_000,
                10 * MIN - 5_000), times);
        assertEquals(sif.trust.IdentityEventType.ISSUED, all.get(0).type());
        assertTrue(all.stream().skip(1).allMatch(e -> e.type() == sif.trust.IdentityEventType.ROTATED));
        assertEquals(6, all.stream().map(sif.trust.IdentityEvent::credentialSerial).distinct().count(),
                "a new serial per rotation");
        for (int i = 1; i < all.size(); i++) {
            assertTrue(all.get(i).notBeforeMs() < all.get(i - 1).notAfterMs(), "credentials overlap: never a gap");
        }
    }

    /**
     * A busy host is re-verified every 400 flows as well, so the firewall's 500-flow rule never makes it
     * STALE (checked with the firewall's own rule). Before, its flows after the 500th were STALE until
     * its next rotation in event time: 4 minutes later, at any rate.
     */
    @Test
    void aBusyHostIsReVerifiedByFlowCountAndNeverStale() {
        IdentitySchedule s = IdentitySchedule.cicids2017();
        sif.trust.ZeroTrustEvaluator firewall = new sif.trust.ZeroTrustEvaluator(sif.trust.FreshnessPolicy.defaults());
        Map<sif.trust.IdentityStatus, Integer> statuses = new java.util.EnumMap<>(sif.trust.IdentityStatus.class);
        int rotations = 0;
        for (int i = 0; i < 5_000; i++) {
            long t = T0 + i; // 1,000 flows a second from one host, and another busy host beside it
            for (String host : List.of("192.168.10.5", "192.168.10.8")) {
                for (sif.trust.IdentityEvent e : s.before(flow("f" + i, host, t))) {
                    firewall.onIdentityEvent(e);
                    rotations += e.type() == sif.trust.IdentityEventType.ROTATED ? 1 : 0;
                }
                statuses.merge(firewall.onFlow(host, t).status(), 1, Integer::sum);
            }
        }
        assertEquals(Map.of(sif.trust.IdentityStatus.TRUSTED, 10_000), statuses);
        assertEquals(2 * (4_999 / IdentitySchedule.DEFAULT_ROTATE_EVERY_FLOWS), rotations,
                "one extra rotation per host every 400 flows");
    }

    @Test
    void aLongGapInEventTimeCatchesUpWithEveryMissedRotationBeforeTheNextFlow() {
        IdentitySchedule s = IdentitySchedule.cicids2017();
        assertEquals(1, s.before(flow("a", "192.168.10.3", T0)).size());
        assertEquals(List.of(), s.before(flow("b", "192.168.10.3", T0 + 3 * MIN)));
        List<sif.trust.IdentityEvent> caughtUp = s.before(flow("c", "10.0.0.9", T0 + 20 * MIN));
        assertEquals(5, caughtUp.size(), "rotations at 4, 8, 12, 16, 20 min (minus the lead), even before an outside flow");
        assertEquals(20 * MIN - 1_000, caughtUp.get(4).eventTimeMs() - T0);
    }

    @Test
    void outsideTheNetworkNetworkAndBroadcastAddressesAndFlowsWithoutTimeGetNothing() {
        IdentitySchedule s = IdentitySchedule.cicids2017();
        assertTrue(s.covers("192.168.10.1"));
        assertTrue(s.covers("192.168.10.254"));
        assertFalse(s.covers("192.168.10.0"));
        assertFalse(s.covers("192.168.10.255"));
        assertFalse(s.covers("192.168.1.5"));
        assertFalse(s.covers("172.16.0.1"));
        assertFalse(s.covers("205.174.165.73"));
        assertFalse(s.covers("fe80::1"));
        assertFalse(s.covers(null));
        assertEquals(List.of(), s.before(flow("a", "172.16.0.1", T0)));
        assertEquals(List.of(), s.before(flow("b", "192.168.10.9", -1)));
        assertEquals(0, s.hostCount());
        IdentitySchedule lab = new IdentitySchedule("10.77.0.0/24", Duration.ofMinutes(4), Duration.ZERO);
        assertEquals(T0, lab.before(flow("c", "10.77.0.2", T0)).get(0).eventTimeMs());
    }

    @Test
    void badSettingsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new IdentitySchedule("192.168.10.0/33",
                Duration.ofMinutes(4), Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> new IdentitySchedule("not-a-cidr",
                Duration.ofMinutes(4), Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> new IdentitySchedule("192.168.10.0/24",
                Duration.ZERO, Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> new IdentitySchedule("192.168.10.0/24",
                Duration.ofMinutes(4), Duration.ZERO, 0));
        assertThrows(IllegalArgumentException.class, () -> new IdentitySchedule("192.168.10.0/24",
                Duration.ofMinutes(4), Duration.ofSeconds(-1)));
        IdentitySchedule slow = new IdentitySchedule("192.168.10.0/24", Duration.ofMinutes(30), Duration.ZERO);
        assertTrue(slow.ttl().compareTo(Duration.ofMinutes(60)) > 0, "TTL outlives two rotations");
    }
    static final long RT0 = 1_499_443_200_000L;
    static final String RH = "192.168.10.5";

    /**
     * The flows of host {@link #RH} at {@code times}, with the identity events the default schedule sends
     * before them applied and each judged by the firewall's freshness rule: those not TRUSTED, described.
     */
    static List<String> notTrusted(long[] times) {
        IdentitySchedule s = new IdentitySchedule("192.168.10.0/24", Duration.ofMinutes(4), Duration.ofSeconds(1));
        FreshnessRule rule = new FreshnessRule(FreshnessPolicy.defaults());
        PrincipalIdentity id = null;
        SourceState prev = null;
        List<String> out = new ArrayList<>();
        for (int i = 0; i < times.length; i++) {
            long t = times[i];
            FlowRecord f = new FlowRecord("f" + (i + 1), RH, 40000, "10.0.0.1", 80, 6, t,
                    new double[FlowFeatures.COUNT], "BENIGN", null, i + 1);
            for (var e : s.before(f)) {
                id = IdentityResolver.apply(id, e);
            }
            var a = rule.assess(RH, t, id, prev);
            prev = a.next();
            if (a.status() != sif.trust.IdentityStatus.TRUSTED) {
                out.add((i + 1) + ":" + a.status() + " " + a.detail() + " serial " + id.credentialSerial());
            }
        }
        return out;
    }

    /**
     * One host, 1,200 flows in 12 s (event time), one of them late, at the flow count: its rotation is
     * stamped no earlier than the host's newest event. Before, it carried the late flow's time, the
     * firewall took it for a superseded event, and flows 901 and on were STALE (a reviewer's test).
     */
    @Test
    void aLateFlowAtTheFlowCountStillGetsARotationTheFirewallApplies() {
        long[] times = new long[1200];
        for (int i = 0; i < times.length; i++) {
            times[i] = RT0 + (i + 1) * 10L;
        }
        times[800] = RT0 + 1000; // flow 801 is late: it started before flow 401, which brought the first extra rotation
        List<String> stale = notTrusted(times);
        assertEquals(List.of(), stale.subList(0, Math.min(3, stale.size())), "non-TRUSTED flows: " + stale.size());
    }

    /**
     * CICIDS2017 CSV timestamps have minute resolution: a busy host sends thousands of flows stamped the
     * same minute, so its extra rotations share one event time and the higher serial wins. Before, the
     * serials were not zero-padded: {@code f10} lost to {@code f9}, and flows past the 4,100th were STALE.
     */
    @Test
    void thousandsOfFlowsStampedTheSameMinuteStayTrusted() {
        long[] times = new long[5000];
        java.util.Arrays.fill(times, RT0 + 60_000);
        List<String> stale = notTrusted(times);
        assertEquals(List.of(), stale.subList(0, Math.min(3, stale.size())), "non-TRUSTED flows: " + stale.size());
    }
}
