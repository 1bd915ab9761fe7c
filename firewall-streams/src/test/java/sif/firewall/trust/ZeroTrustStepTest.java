package sif.firewall.trust;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sif.firewall.FirewallConfig;
import sif.firewall.FlowContext;
import sif.firewall.metrics.FirewallMetrics;
import sif.flows.FlowFeatures;
import sif.flows.FlowRecord;
import sif.schemas.Flows;
import sif.schemas.avro.IdentityStatus;
import sif.schemas.avro.NetworkFlow;
import sif.schemas.serde.AvroSerdes;
import sif.trust.IdentityEvent;
import sif.trust.IdentityEventType;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The zero-trust step in a minimal topology (source → context → {@link ZeroTrustStep} → sink),
 * built with the same {@code apply} the firewall topology calls.
 */
class ZeroTrustStepTest {

    static final long T0 = 1_499_443_200_000L; // 2017-07-07T16:00:00Z
    static final long MIN = 60_000L;
    static final String HOST = "192.168.10.5";
    static final String P = "spiffe://cicids2017.sim/host/192.168.10.5";
    static final ObjectMapper M = new ObjectMapper();

    static final FirewallConfig CONFIG = FirewallConfig.of(Map.of("application.id", "zt-test"));
    /** A 20-flow limit keeps the count tests short (the 500-flow boundary is unit-tested in trust-policy). */
    static final FirewallConfig SMALL = FirewallConfig.of(Map.of("application.id", "zt-test",
            TrustConfig.MAX_FLOWS, "20"));
    static final Serde<NetworkFlow> FLOW_SERDE = AvroSerdes.serde(NetworkFlow.class, CONFIG.serdeConfig(), false);
    static final Serde<sif.schemas.avro.IdentityEvent> IDENTITY_SERDE =
            AvroSerdes.serde(sif.schemas.avro.IdentityEvent.class, CONFIG.serdeConfig(), false);

    @TempDir
    Path stateDir;
    TopologyTestDriver driver;
    TestInputTopic<String, NetworkFlow> flows;
    TestInputTopic<String, sif.schemas.avro.IdentityEvent> identities;
    TestOutputTopic<String, String> trusted;
    TestOutputTopic<String, String> challenges;
    int flowSeq;

    static Topology topology(FirewallConfig config) {
        return topology(config, "flows", "trusted");
    }

    /** The zero-trust step between a flow source on {@code input} and a summary sink on {@code output}. */
    static Topology topology(FirewallConfig config, String input, String output) {
        StreamsBuilder b = new StreamsBuilder();
        KStream<String, FlowContext> in = b.stream(input, Consumed.with(Serdes.String(), FLOW_SERDE)
                        .withName("test-source"))
                .mapValues(f -> new FlowContext(f, new float[FlowFeatures.COUNT], new byte[0], f.getEventTimeMs(),
                        "flows", 0, 0L, IdentityStatus.NOT_EVALUATED, null, List.of()), Named.as("test-context"));
        new ZeroTrustStep(FirewallMetrics.noop()).apply(b, in, config)
                .mapValues(c -> c.identityStatus() + "|" + c.principal() + "|" + c.reasons().size(),
                        Named.as("test-summary"))
                .to(output, Produced.with(Serdes.String(), Serdes.String()).withName("test-sink"));
        return b.build();
    }

    TopologyTestDriver open(Path dir, FirewallConfig config) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "zt-test");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "dummy:9092");
        p.put(StreamsConfig.STATE_DIR_CONFIG, dir.toString());
        TopologyTestDriver d = new TopologyTestDriver(topology(config), p);
        flows = d.createInputTopic("flows", Serdes.String().serializer(), FLOW_SERDE.serializer());
        identities = d.createInputTopic("identity", Serdes.String().serializer(), IDENTITY_SERDE.serializer());
        trusted = d.createOutputTopic("trusted", Serdes.String().deserializer(), Serdes.String().deserializer());
        challenges = d.createOutputTopic("identity.challenges", Serdes.String().deserializer(),
                Serdes.String().deserializer());
        return d;
    }


    @AfterEach
    void tearDown() {
        if (driver != null) {
            driver.close();
        }
    }

    static NetworkFlow flow(String id, String src, long t) {
        double[] f = new double[FlowFeatures.COUNT];
        Arrays.fill(f, 1.0);
        return Flows.toAvro(new FlowRecord(id, src, 40000, "192.168.10.50", 80, 6, t, f, "BENIGN", "t.csv", 1));
    }

    static IdentityEvent issued(String serial, long at) {
        return new IdentityEvent(P, IdentityEventType.ISSUED, List.of(HOST), serial, at - MIN, at + 60 * MIN, at,
                "mTLS", at, true, null);
    }

    void identity(IdentityEvent e) {
        identities.pipeInput(e.principal(), IdentityEvents.toAvro(e), e.eventTimeMs());
    }

    String pipe(String src, long t) {
        flows.pipeInput(src, flow("f" + (++flowSeq), src, t), t);
        List<KeyValue<String, String>> out = trusted.readKeyValuesToList();
        assertEquals(1, out.size(), "exactly one output per flow");
        assertEquals(src, out.get(0).key);
        return out.get(0).value;
    }

    @Test
    void identityEventsAndFlowsGiveExactStatuses() throws Exception {
        driver = open(stateDir, CONFIG);
        identity(issued("s1", T0));
        assertEquals("TRUSTED|" + P + "|1", pipe(HOST, T0 + 1_000));
        assertEquals("UNKNOWN|null|1", pipe("172.16.0.1", T0 + 2_000));
        assertEquals("TRUSTED|" + P + "|1", pipe(HOST, T0 + 5 * MIN));
        assertTrue(challenges.isEmpty());
        assertEquals("STALE|" + P + "|1", pipe(HOST, T0 + 5 * MIN + 1));
        List<TestRecord<String, String>> c = challenges.readRecordsToList();
        assertEquals(1, c.size());
        assertEquals(HOST, c.get(0).key());
        JsonNode challenge = M.readTree(c.get(0).value());
        assertEquals("STALE", challenge.get("status").asText());
        assertEquals(P, challenge.get("principal").asText());
        assertEquals(3, challenge.get("flowsSinceVerification").asLong());
        // duplicate and late events change nothing
        identity(issued("s1", T0));
        identity(new IdentityEvent(P, IdentityEventType.ISSUED, List.of(HOST), "s0", T0 - 2 * MIN, T0 + MIN,
                T0 - 2 * MIN, "mTLS", T0 - 2 * MIN, true, null));
        assertEquals("STALE|" + P + "|1", pipe(HOST, T0 + 6 * MIN));
        // re-verification (rotation) -> trusted again; revocation mid-stream -> revoked
        identity(new IdentityEvent(P, IdentityEventType.ROTATED, List.of(), "s2", T0, T0 + 60 * MIN, T0 + 7 * MIN,
                "mTLS", T0 + 7 * MIN, true, null));
        assertEquals("TRUSTED|" + P + "|1", pipe(HOST, T0 + 7 * MIN + 1));
        identity(new IdentityEvent(P, IdentityEventType.REVOKED, List.of(), "s2", T0, T0 + 60 * MIN, T0 + 7 * MIN,
                "mTLS", T0 + 8 * MIN, true, null));
        assertEquals("REVOKED|" + P + "|1", pipe(HOST, T0 + 8 * MIN + 1));
        // a tombstone on the identity topic removes the principal
        identities.pipeInput(P, null, T0 + 9 * MIN);
        assertEquals("UNKNOWN|null|1", pipe(HOST, T0 + 9 * MIN + 1));
        assertTrue(challenges.isEmpty());
    }

    /** A challenge is the firewall's record: none of its flow's headers (a producer's, of any size) go with it. */
    @Test
    void aChallengeCarriesNoneOfItsFlowsHeaders() {
        driver = open(stateDir, CONFIG);
        identity(issued("s1", T0));
        assertEquals("TRUSTED|" + P + "|1", pipe(HOST, T0 + 1_000));
        var headers = new org.apache.kafka.common.header.internals.RecordHeaders();
        headers.add("producer-header", new byte[100]);
        long t = T0 + 5 * MIN + 1;
        flows.pipeInput(new TestRecord<>(HOST, flow("stale", HOST, t), headers, t));
        assertTrue(trusted.readValuesToList().get(0).startsWith("STALE|"));
        List<TestRecord<String, String>> c = challenges.readRecordsToList();
        assertEquals(1, c.size());
        assertEquals(0, c.get(0).headers().toArray().length, c.get(0).headers().toString());
    }

    @Test
    void aMalformedRevocationStillRevokes() {
        driver = open(stateDir, CONFIG);
        identity(issued("s1", T0));
        assertEquals("TRUSTED|" + P + "|1", pipe(HOST, T0 + 1_000));
        // a revocation with an address that is no CIDR and a validity window that ends before it starts
        sif.schemas.avro.IdentityEvent bad = IdentityEvents.toAvro(new IdentityEvent(P, IdentityEventType.REVOKED,
                List.of(), "s1", T0, T0 + 60 * MIN, T0, "mTLS", T0 + 2_000, true, null));
        bad.setBoundAddresses(List.of("not-an-address"));
        bad.setNotAfterMs(T0 - 1);
        identities.pipeInput(P, bad, T0 + 2_000);
        assertEquals("REVOKED|" + P + "|1", pipe(HOST, T0 + 3_000));
        // a malformed ISSUED adds nothing: the principal stays revoked
        sif.schemas.avro.IdentityEvent badIssue = IdentityEvents.toAvro(issued("s2", T0 + 4_000));
        badIssue.setBoundAddresses(List.of("not-an-address"));
        identities.pipeInput(P, badIssue, T0 + 4_000);
        assertEquals("REVOKED|" + P + "|1", pipe(HOST, T0 + 5_000));
    }

    /**
     * A principal longer than {@link IdentityEvent#MAX_TEXT_CHARS} would travel into verdicts,
     * challenges, blocklist entries and the pending-flow changelog, possibly past their topics' limits
     * (a record the broker refuses fails its whole transaction): the event is skipped — an issue adds
     * no trust, and a revocation of such a principal has nothing to revoke — and flows go on.
     */
    @Test
    void anOverlongPrincipalIsSkippedNotTrustedAndNothingStops() {
        driver = open(stateDir, CONFIG);
        String overlong = "spiffe://example.org/" + "p".repeat(IdentityEvent.MAX_TEXT_CHARS);
        sif.schemas.avro.IdentityEvent issue = IdentityEvents.toAvro(issued("s1", T0));
        issue.setPrincipal(overlong);
        identities.pipeInput(overlong, issue, T0);
        assertEquals("UNKNOWN|null|1", pipe(HOST, T0 + 1_000));
        sif.schemas.avro.IdentityEvent revoke = IdentityEvents.toAvro(new IdentityEvent(P, IdentityEventType.REVOKED,
                List.of(), "s1", T0, T0 + 60 * MIN, T0, "mTLS", T0 + 2_000, true, null));
        revoke.setPrincipal(overlong);
        identities.pipeInput(overlong, revoke, T0 + 2_000);
        assertEquals("UNKNOWN|null|1", pipe(HOST, T0 + 3_000));
        identity(issued("s2", T0 + 4_000));
        assertEquals("TRUSTED|" + P + "|1", pipe(HOST, T0 + 5_000), "the identity store still works");
        assertThrows(IllegalArgumentException.class, () -> new IdentityEvent(P, IdentityEventType.ISSUED, List.of(HOST),
                "s".repeat(IdentityEvent.MAX_TEXT_CHARS + 1), T0, T0 + MIN, T0, "mTLS", T0, true, null));
    }

    @Test
    void recordTimestampsOnAnotherClockDoNotResetTheFlowCount() {
        // as ./sif replay sends: record timestamps are the time of sending, event times from 2017
        driver = open(stateDir, SMALL);
        identity(issued("s1", T0));
        long sent = System.currentTimeMillis();
        List<String> statuses = new ArrayList<>();
        for (int i = 1; i <= 22; i++) {
            // two eviction intervals of record time between flows: the stream-time punctuator runs each time
            flows.pipeInput(HOST, flow("r" + i, HOST, T0 + i * 1_000L), sent + i * 2 * MIN);
            String out = trusted.readValue();
            statuses.add(out.substring(0, out.indexOf('|')));
        }
        assertEquals(20, statuses.stream().filter("TRUSTED"::equals).count(), statuses.toString());
        assertEquals(List.of("STALE", "STALE"), statuses.subList(20, 22));
    }

    @Test
    void lateFlowsDoNotRestartTheFlowCount() {
        // long flows are stamped with their start and emitted when they end: one that started before the
        // re-verification arrives after it every 15 flows, and must not keep the source under its limit
        driver = open(stateDir, SMALL);
        identity(issued("s1", T0));
        identity(new IdentityEvent(P, IdentityEventType.ASSURANCE_CHANGED, List.of(), "s1", T0 - MIN, T0 + 60 * MIN,
                T0 + MIN, "mTLS", T0 + MIN, true, null));
        List<String> statuses = new ArrayList<>();
        for (int i = 1; i <= 40; i++) {
            long t = T0 + MIN + i * 100L;
            String out = pipe(HOST, t);
            statuses.add(out.substring(0, out.indexOf('|')));
            if (i % 15 == 0) {
                out = pipe(HOST, T0 + 30_000);
                statuses.add(out.substring(0, out.indexOf('|')));
            }
        }
        assertEquals(20, statuses.stream().filter("TRUSTED"::equals).count(), statuses.toString());
        assertEquals(22, statuses.stream().filter("STALE"::equals).count(), statuses.toString());
    }

    /**
     * Idleness is measured on the largest event time a task has seen, which one flow dated ahead of the
     * others moves (by up to {@code validation.max.future.skew.ms} in live traffic). At the smallest idle
     * time allowed (the age limit plus that skew) such a flow does not evict a source whose verification
     * is still fresh: eviction restarts its flow count, which would let it past the limit.
     */
    @Test
    void aForwardDatedFlowDoesNotEvictASourceStillWithinItsLimits() {
        long idle = 5 * MIN + 5 * MIN; // trust.max.age.ms + validation.max.future.skew.ms (defaults)
        driver = open(stateDir, FirewallConfig.of(Map.of("application.id", "zt-test", TrustConfig.MAX_FLOWS, "20",
                TrustConfig.SOURCE_IDLE_MS, Long.toString(idle), TrustConfig.EVICT_INTERVAL_MS, "1000")));
        identity(issued("s1", T0));
        List<String> statuses = new ArrayList<>();
        for (int i = 1; i <= 15; i++) {
            statuses.add(status(pipe(HOST, T0 + i * 1_000L)));
        }
        pipe("10.9.9.9", T0 + 15_000 + 5 * MIN); // another exporter's clock, five minutes ahead
        pipe("10.9.9.9", T0 + 15_000 + 5 * MIN + 1_000); // the punctuator runs
        for (int i = 16; i <= 30; i++) {
            statuses.add(status(pipe(HOST, T0 + i * 1_000L)));
        }
        assertEquals(20, statuses.stream().filter("TRUSTED"::equals).count(), statuses.toString());
        assertEquals(10, statuses.stream().filter("STALE"::equals).count(), statuses.toString());
    }

    /**
     * A source whose flows lag the newest event time of its task by more than the idle time (its sensor
     * drains a backlog while another exporter on the partition is live) is not idle while it sends: its
     * idleness is measured on the task's clock. Measured on its own flows' time, it was evicted at every
     * punctuation, its flow count restarted, and all 60 of its flows were trusted on one verification.
     */
    @Test
    void aSourceWhoseFlowsLagItsPartitionIsNotEvictedWhileItSends() {
        // defaults (idle 1 h, evicted every 60 s of stream time) but a 20-flow limit
        driver = open(stateDir, FirewallConfig.of(Map.of("application.id", "zt-test", TrustConfig.MAX_FLOWS, "20")));
        identity(issued("s1", T0));
        List<String> statuses = new ArrayList<>();
        for (int i = 1; i <= 60; i++) {
            pipe("10.9.9.9", T0 + 120 * MIN + i * 61_000L); // live, two hours ahead: the punctuator runs each time
            statuses.add(status(pipe(HOST, T0 + i * 1_000L))); // 60 flows within a minute of the verification
        }
        assertEquals(20, statuses.stream().filter("TRUSTED"::equals).count(), statuses.toString());
        assertEquals(40, statuses.stream().filter("STALE"::equals).count(), statuses.toString());
        pipe("10.9.9.9", T0 + 120 * MIN + 60 * 61_000L + 61 * MIN); // then an hour without a flow from HOST
        assertEquals(null, driver.getKeyValueStore(ZeroTrustProcessor.SOURCE_STORE).get(HOST), "idle: evicted");
    }

    /**
     * With {@code state.scan.max.entries=2} one eviction punctuation looks at two sources at most, on from
     * where the last one stopped: five idle sources go over three punctuations although two live sources
     * sort before them; a sweep that started at the first key every time would look at the live ones only
     * once both are there, and evict one idle source in all ({@code [4, 4, 4, 4, 4]}).
     */
    @Test
    void evictionLooksAtAtMostScanMaxEntriesPerPunctuationOnFromTheLast() {
        long idle = 10 * MIN;
        driver = open(stateDir, FirewallConfig.of(Map.of("application.id", "zt-test",
                TrustConfig.SOURCE_IDLE_MS, Long.toString(idle), TrustConfig.EVICT_INTERVAL_MS, "1000",
                FirewallConfig.STATE_SCAN_MAX_ENTRIES, "2")));
        KeyValueStore<String, byte[]> store = driver.getKeyValueStore(ZeroTrustProcessor.SOURCE_STORE);
        for (int i = 1; i <= 5; i++) {
            pipe("10.8.8." + i, T0 + i);
        }
        List<Integer> left = new ArrayList<>();
        for (int p = 0; p < 5; p++) {
            long now = T0 + idle + MIN + p * 1_000L; // later than the idle time: the first runs the punctuator
            pipe("10.0.0.1", now);
            pipe("10.0.0.2", now);
            int n = 0;
            for (int i = 1; i <= 5; i++) {
                n += store.get("10.8.8." + i) == null ? 0 : 1;
            }
            left.add(n);
        }
        // slices: 10.0.0.1 (live) and 10.8.8.1 (10.0.0.2 comes after the first punctuation) | 10.8.8.2 .3 |
        // .4 .5 | 10.0.0.1 .2 | ...
        assertEquals(List.of(4, 2, 0, 0, 0), left);
        assertTrue(store.get("10.0.0.1") != null && store.get("10.0.0.2") != null, "the live sources stay");
    }

    /**
     * A source-state value that cannot be read (corrupt, or a format this version does not know) is
     * replaced by one that has used up the flow limit since the newest verification: the source is STALE,
     * not trusted afresh and not failed, until it is verified again; and such a value does not stop the
     * eviction of the other sources (it is replaced there too, or deleted without an identity).
     */
    @Test
    void anUnreadableSourceStateIsNeverMoreTrustingAndDoesNotStopEviction() {
        long idle = 10 * MIN;
        driver = open(stateDir, FirewallConfig.of(Map.of("application.id", "zt-test", TrustConfig.MAX_FLOWS, "20",
                TrustConfig.SOURCE_IDLE_MS, Long.toString(idle), TrustConfig.EVICT_INTERVAL_MS, "1000")));
        KeyValueStore<String, byte[]> store = driver.getKeyValueStore(ZeroTrustProcessor.SOURCE_STORE);
        identity(issued("s1", T0));
        assertEquals("TRUSTED|" + P + "|1", pipe(HOST, T0 + 1_000));
        store.put(HOST, new byte[] {99}); // an unknown format version
        assertEquals("STALE|" + P + "|1", pipe(HOST, T0 + 2_000), "unreadable: the limit counts as used up");
        assertEquals(1, challenges.readRecordsToList().size(), "and the source is challenged");
        assertEquals("STALE|" + P + "|1", pipe(HOST, T0 + 3_000));
        identity(issued("s1", T0 + 4_000)); // verified again
        assertEquals("TRUSTED|" + P + "|1", pipe(HOST, T0 + 5_000));

        pipe("10.8.8.8", T0 + 6_000); // no identity; idle from here on
        store.put("10.7.7.7", new byte[] {1, 2}); // corrupt, no identity
        store.put(HOST, new byte[] {1}); // corrupt, with an identity
        long later = T0 + 6_000 + idle + MIN;
        assertEquals("UNKNOWN|null|1", pipe("10.9.9.9", later)); // the punctuator runs
        assertEquals(null, store.get("10.8.8.8"), "the idle source is evicted");
        assertEquals(null, store.get("10.7.7.7"), "the unreadable one without an identity is deleted");
        var replaced = SourceStateCodec.INSTANCE.decode(store.get(HOST), HOST);
        assertEquals(20, replaced.flowsSinceVerification());
        assertEquals(T0 + 4_000, replaced.verifiedAtMs());
        assertEquals(later, replaced.lastSeenMs(), "idle from the replacement on");
    }

    private static String status(String out) {
        return out.substring(0, out.indexOf('|'));
    }

    @Test
    void oneChallengePerSourcePerPeriod() {
        driver = open(stateDir, SMALL);
        identity(issued("s1", T0));
        for (int i = 1; i <= 60; i++) {
            String status = pipe(HOST, T0 + i * 1_000L); // 60 flows in 60 s
            assertEquals(i <= 20 ? "TRUSTED" : "STALE", status.substring(0, status.indexOf('|')), "flow " + i);
        }
        assertEquals(1, challenges.readRecordsToList().size(), "one challenge, at flow 21, not 40");
        for (int i = 1; i <= 30; i++) { // more stale flows within the period
            pipe(HOST, T0 + 60_000 + i * 5_000L);
        }
        assertTrue(challenges.isEmpty());
        // the period (5 min) after the first challenge at T0 + 21 s
        pipe(HOST, T0 + 21_000 + 5 * MIN - 1);
        assertTrue(challenges.isEmpty());
        pipe(HOST, T0 + 21_000 + 5 * MIN);
        assertEquals(1, challenges.readRecordsToList().size());
    }

    @Test
    void stateSurvivesARestart() {
        driver = open(stateDir, SMALL);
        identity(issued("s1", T0));
        for (int i = 1; i <= 19; i++) {
            pipe(HOST, T0 + i);
        }
        // What a restarted instance gets back: the changelog of the source-state store and the
        // identity topic (the global store is rebuilt by replaying it through its updater).
        List<KeyValue<String, byte[]>> changelog = driver.createOutputTopic(
                "zt-test-" + ZeroTrustProcessor.SOURCE_STORE + "-changelog",
                Serdes.String().deserializer(), Serdes.ByteArray().deserializer()).readKeyValuesToList();
        assertEquals(19, changelog.size());
        driver.close(); // TopologyTestDriver wipes its state directory on close
        driver = open(stateDir, SMALL);
        KeyValueStore<String, byte[]> restored = driver.getKeyValueStore(ZeroTrustProcessor.SOURCE_STORE);
        assertEquals(null, restored.get(HOST), "fresh driver: empty until restored");
        changelog.forEach(kv -> restored.put(kv.key, kv.value));
        identity(issued("s1", T0));
        assertEquals("TRUSTED|" + P + "|1", pipe(HOST, T0 + 20));
        assertEquals("STALE|" + P + "|1", pipe(HOST, T0 + 21), "the 21st flow counts the flows before the restart");
        assertEquals(1, challenges.readRecordsToList().size());
    }

    @Test
    void namesArePinned() {
        TopologyDescription d = topology(CONFIG).describe();
        List<String> names = new ArrayList<>();
        d.subtopologies().forEach(s -> s.nodes().forEach(n -> names.add(n.name())));
        d.globalStores().forEach(g -> {
            names.add(g.source().name());
            names.add(g.processor().name());
            names.addAll(g.processor().stores());
        });
        d.subtopologies().forEach(s -> s.nodes().forEach(n -> {
            if (n instanceof TopologyDescription.Processor p) {
                names.addAll(p.stores());
            }
        }));
        for (String expected : List.of(ZeroTrustStep.NAME, ZeroTrustStep.CHALLENGE_FILTER, ZeroTrustStep.CHALLENGE_JSON,
                ZeroTrustStep.CHALLENGE_SINK, ZeroTrustStep.FLOWS, IdentityStore.SOURCE, IdentityStore.UPDATER,
                IdentityStore.STORE, ZeroTrustProcessor.SOURCE_STORE)) {
            assertTrue(names.contains(expected), expected + " in " + names);
        }
    }
}
