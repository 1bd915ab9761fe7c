package sif.firewall.trust;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sif.firewall.FirewallConfig;
import sif.firewall.FirewallExtensions;
import sif.firewall.FirewallTopology;
import sif.firewall.FirewallWiring;
import sif.firewall.SequenceInferenceProcessor;
import sif.firewall.metrics.FirewallMetrics;
import sif.schemas.avro.NetworkFlow;
import sif.schemas.avro.Verdict;
import sif.schemas.serde.AvroSerdes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A record stamped ahead of the firewall's clock does not move its task's stream time
 * ({@link sif.firewall.FutureStampGuard}): before, one such record, dead-lettered, held back every stream-time
 * punctuation of its task (blocklist expiry, alert CLOSE, eviction) by as far as it was ahead, and the
 * punctuation at the jump stamped its outputs that far ahead. The standard topology with zero trust and
 * the stub classifier of {@link FirewallWithZeroTrustTest}; the guard judges by the driver's clock.
 */
class FutureStampedRecordTest {

    static final long T0 = ZeroTrustStepTest.T0;
    static final long MIN = 60_000L;
    static final String ATTACKER = "172.16.0.1";

    @TempDir
    Path stateDir;
    TopologyTestDriver d;
    TestInputTopic<String, byte[]> flows;
    TestOutputTopic<String, String> blocklist;
    TestOutputTopic<String, String> alerts;
    TestOutputTopic<String, byte[]> dlq;
    TestOutputTopic<String, Verdict> blocked;
    Serde<NetworkFlow> flowSerde;
    int seq;
    /** The driver's wall clock, advanced with it ({@link #advance}). */
    long clock = T0;

    @AfterEach
    void close() {
        if (d != null) {
            d.close();
        }
    }

    void open(Map<String, String> extra) {
        try {
            open0(extra);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    void open0(Map<String, String> extra) throws Exception {
        Map<String, String> m = new HashMap<>(Map.of(FirewallConfig.APPLICATION_ID, "fw-stamps",
                FirewallConfig.BATCH_SIZE, "1", FirewallConfig.METRICS_PORT, "-1",
                FirewallConfig.INFERENCE_PIPELINED, "false"));
        m.putAll(extra);
        FirewallConfig config = FirewallConfig.of(m);
        var classifier = new FirewallWithZeroTrustTest.StubClassifier();
        var wiring = FirewallWiring.standard(config, classifier, FirewallMetrics.noop());
        var topology = FirewallTopology.buildTopology(config, classifier, wiring.policy(),
                wiring.extensions().withWallClock(() -> clock));
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "fw-stamps");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "dummy:9092");
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        d = new TopologyTestDriver(topology, p, Instant.ofEpochMilli(T0));
        flowSerde = AvroSerdes.serde(NetworkFlow.class, config.serdeConfig(), false);
        var verdictSerde = AvroSerdes.serde(Verdict.class, config.serdeConfig(), false);
        flows = d.createInputTopic("flows", Serdes.String().serializer(), Serdes.ByteArray().serializer());
        blocklist = d.createOutputTopic("blocklist", Serdes.String().deserializer(), Serdes.String().deserializer());
        alerts = d.createOutputTopic("alerts", Serdes.String().deserializer(), Serdes.String().deserializer());
        dlq = d.createOutputTopic("flows.dlq", Serdes.String().deserializer(), Serdes.ByteArray().deserializer());
        blocked = d.createOutputTopic("flows.blocked", Serdes.String().deserializer(), verdictSerde.deserializer());
    }

    void advance(Duration by) {
        clock += by.toMillis();
        d.advanceWallClockTime(by);
    }

    void pipe(String key, String src, long eventTime, long recordTs) {
        NetworkFlow f = ZeroTrustStepTest.flow("f" + (++seq), src, eventTime);
        flows.pipeInput(key, flowSerde.serializer().serialize("flows", f), recordTs);
    }

    /** Blocks ATTACKER at T0+1s, optionally one bad record, then 20 min of traffic from another source. */
    List<TestRecord<String, String>> blockThenTraffic(boolean badRecord) {
        open(Map.of());
        pipe(ATTACKER, ATTACKER, T0 + 1_000, T0 + 1_000);
        if (badRecord) {
            // a producer with a clock 50 min ahead (Kafka 4's broker takes up to 1 h): dead-lettered
            pipe("10.0.0.99", "10.0.0.99", T0 + 2_000, T0 + 50 * MIN);
            assertEquals(1, dlq.readRecordsToList().size(), "the bad record is a dead letter");
        }
        for (int i = 1; i <= 40; i++) {
            advance(Duration.ofSeconds(30));
            pipe("192.168.10.77", "192.168.10.77", T0 + i * 30_000L, T0 + i * 30_000L);
        }
        return blocklist.readRecordsToList();
    }

    /** Without a record stamped ahead: the attacker's block expires (tombstone) after its 10 min TTL. */
    @Test
    void aBlockExpiresAndItsAlertClosesAfterTheirTimes() {
        List<TestRecord<String, String>> out = blockThenTraffic(false);
        long tombstones = out.stream().filter(r -> r.key().equals(ATTACKER) && r.value() == null).count();
        assertEquals(1, tombstones, "control: one unblock of " + ATTACKER);
        long closes = alerts.readRecordsToList().stream().filter(r -> r.value().contains(ATTACKER)).count();
        assertEquals(2, closes, "control: CREATE and CLOSE for " + ATTACKER);
    }

    /**
     * One dead-lettered record stamped 50 min ahead: before, it moved the task's stream time, and every
     * stream-time punctuation (blocklist expiry, alert CLOSE, zero-trust eviction) waited 50 min
     * ({@code [0, 1]}: no unblock, no CLOSE document).
     */
    @Test
    void aRecordStampedAheadHoldsBackNeitherBlocklistExpiryNorAlertClose() {
        List<TestRecord<String, String>> out = blockThenTraffic(true);
        long tombstones = out.stream().filter(r -> r.key().equals(ATTACKER) && r.value() == null).count();
        long closes = alerts.readRecordsToList().stream().filter(r -> r.value().contains(ATTACKER)).count();
        assertEquals(List.of(1L, 2L), List.of(tombstones, closes),
                "after a rejected record stamped 50 min ahead, 20 min of event time later: [unblocks, alert docs] of "
                        + ATTACKER + " (blocklist TTL 10 min, alert window 1 min)");
    }

    /**
     * The same through the blocklist topic, read in the flows' task: an operator's unblock (a tombstone)
     * from a host whose clock is 50 min ahead held back expiry before.
     */
    @Test
    void anOperatorUnblockStampedAheadHoldsBackNoBlocklistExpiry() {
        open(Map.of());
        TestInputTopic<String, String> operator = d.createInputTopic("blocklist", Serdes.String().serializer(),
                Serdes.String().serializer());
        pipe(ATTACKER, ATTACKER, T0 + 1_000, T0 + 1_000);
        operator.pipeInput("10.0.0.98", null, T0 + 50 * MIN);
        for (int i = 1; i <= 40; i++) {
            advance(Duration.ofSeconds(30));
            pipe("192.168.10.77", "192.168.10.77", T0 + i * 30_000L, T0 + i * 30_000L);
        }
        long tombstones = blocklist.readRecordsToList().stream()
                .filter(r -> r.key().equals(ATTACKER) && r.value() == null).count();
        assertEquals(1, tombstones, "unblocks of " + ATTACKER + " 20 min after its 10-min block, after an operator "
                + "tombstone (for another source) stamped 50 min ahead");
    }

    /**
     * Before, the punctuation that fired at the jump stamped its outputs with the jumped stream time: behind
     * an input topic that takes records far ahead ({@code message.timestamp.after.max.ms} raised), a
     * tombstone 2 h ahead, which the blocklist topic (Kafka 4's default limit: 1 h) refuses, and under
     * exactly-once the firewall stops ({@code FirewallBadInputIT.aRejectedFarFutureRecordDoesNotStopTheFirewall}). Now no punctuation fires at it.
     */
    @Test
    void noOutputIsStampedAheadOfTheClockByARecordStampedAhead() {
        open(Map.of());
        pipe(ATTACKER, ATTACKER, T0 + 1_000, T0 + 1_000);
        // event time moves past the TTL while record time stays in the same 10-s punctuation slot
        // (record timestamp = send time, event time = flow start: independent clocks)
        advance(Duration.ofMinutes(12));
        pipe("192.168.10.77", "192.168.10.77", T0 + 11 * MIN, T0 + 2_000);
        blocklist.readRecordsToList();
        // the input topic takes a record 2 h ahead: dead-lettered, and no punctuation fires at it
        pipe("10.0.0.99", "10.0.0.99", T0 + 11 * MIN, clock + 120 * MIN);
        assertEquals(List.of(), blocklist.readRecordsToList(), "outputs at the record stamped 2 h ahead");
        assertEquals(1, dlq.readRecordsToList().size(), "the record stamped ahead is a dead letter");
        // the next record in the partition's time moves stream time past the 10-s expiry interval
        pipe("192.168.10.77", "192.168.10.77", T0 + 11 * MIN + 1, T0 + 13_000);
        List<TestRecord<String, String>> out = blocklist.readRecordsToList();
        TestRecord<String, String> tomb = out.stream().filter(r -> r.key().equals(ATTACKER) && r.value() == null)
                .findFirst().orElseThrow(() -> new AssertionError("no unblock of " + ATTACKER + ": " + out));
        assertTrue(tomb.timestamp() <= clock, "tombstone stamped " + (tomb.timestamp() - clock)
                + " ms ahead of the firewall's clock (a topic with the default message.timestamp.after.max.ms "
                + "of 1 h refuses it 2 h ahead)");
    }
}
