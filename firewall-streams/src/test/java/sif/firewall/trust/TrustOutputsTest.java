package sif.firewall.trust;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.processor.FailOnInvalidTimestamp;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sif.firewall.FirewallConfig;
import sif.firewall.StoreEntries;
import sif.firewall.metrics.FirewallMetrics;
import sif.schemas.avro.Decision;
import sif.schemas.avro.IdentityStatus;
import sif.schemas.avro.Verdict;
import sif.schemas.serde.AvroSerdes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Alert documents and the blocklist, wired by {@link TrustOutputs#addTo} after a verdict source. */
class TrustOutputsTest {

    static final long T0 = 1_499_443_200_000L;
    static final ObjectMapper M = new ObjectMapper();
    static final FirewallConfig CONFIG = FirewallConfig.of(Map.of("application.id", "out-test",
            TrustConfig.ALERTS_FORMAT, "ocsf"));
    static final Serde<Verdict> VERDICT_SERDE = AvroSerdes.serde(Verdict.class, CONFIG.serdeConfig(), false);

    @TempDir
    Path stateDir;
    TopologyTestDriver driver;
    TestInputTopic<String, Verdict> verdicts;
    TestInputTopic<String, String> blocklistIn;
    TestOutputTopic<String, String> alerts;
    TestOutputTopic<String, String> blocklist;
    int seq;

    void open(FirewallConfig config) {
        StreamsBuilder b = new StreamsBuilder();
        TrustOutputs.addTo(b, b.stream("verdicts", Consumed.with(Serdes.String(), VERDICT_SERDE)
                .withName("test-verdicts")), TrustConfig.from(config), FirewallMetrics.noop(), "test",
                new FailOnInvalidTimestamp());
        Topology t = b.build();
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "out-test");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "dummy:9092");
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(t, p);
        verdicts = driver.createInputTopic("verdicts", Serdes.String().serializer(), VERDICT_SERDE.serializer());
        blocklistIn = driver.createInputTopic("blocklist", Serdes.String().serializer(), Serdes.String().serializer());
        alerts = driver.createOutputTopic("alerts", Serdes.String().deserializer(), Serdes.String().deserializer());
        blocklist = driver.createOutputTopic("blocklist", Serdes.String().deserializer(), Serdes.String().deserializer());
    }

    @AfterEach
    void close() {
        if (driver != null) {
            driver.close();
        }
    }

    Verdict verdict(String src, long t, Decision d, String cls, boolean suppressed) {
        return Verdict.newBuilder().setFlowId("f" + (++seq)).setSrcIp(src).setSrcPort(40000).setDstIp("192.168.10.50")
                .setDstPort(80).setProtocol(6).setEventTimeMs(t).setDecision(d).setPredictedClass(cls)
                .setConfidence(0.97).setProbabilities(Map.of(cls, 0.97)).setModelVersion("m1")
                .setReasons(List.of("identity:UNKNOWN no identity bound to " + src,
                        "model:" + cls + " p=0.970>0.850=>" + d, "zero-trust:UNKNOWN"))
                .setIdentityStatus(IdentityStatus.UNKNOWN).setSuppressed(suppressed).build();
    }

    void pipe(String src, long t, Decision d, String cls, boolean suppressed) {
        verdicts.pipeInput(src, verdict(src, t, d, cls, suppressed), t);
    }

    @Test
    void repeatsAggregateIntoOneAlertWithUpdates() throws Exception {
        open(CONFIG);
        for (int i = 0; i < 30; i++) { // 30 DDoS blocks over 30 s
            pipe("172.16.0.1", T0 + i * 1_000L, Decision.BLOCK, "DDoS", false);
        }
        pipe("172.16.0.1", T0 + 100, Decision.ALERT, "PortScan", false);
        pipe("172.16.0.9", T0 + 200, Decision.BLOCK, "DDoS", true); // suppressed: recorded elsewhere, no alert
        pipe("172.16.0.9", T0 + 300, Decision.ALLOW, "BENIGN", false);
        List<TestRecord<String, String>> docs = alerts.readRecordsToList();
        // DDoS: CREATE at 0 s, UPDATE at 10 s and 20 s; PortScan: CREATE
        assertEquals(4, docs.size());
        JsonNode create = M.readTree(docs.get(0).value());
        assertEquals(2004, create.get("class_uid").asInt());
        assertEquals(1, create.get("activity_id").asInt());
        assertEquals(1, create.get("count").asInt());
        String id = create.at("/finding_info/uid").asText();
        assertEquals(id, docs.get(0).key());
        JsonNode update = M.readTree(docs.get(2).value());
        assertEquals(id, update.at("/finding_info/uid").asText());
        assertEquals(2, update.get("activity_id").asInt());
        assertEquals(21, update.get("count").asInt());
        assertEquals(T0, update.get("start_time").asLong());
        assertEquals(T0 + 20_000, update.get("end_time").asLong());
        assertEquals("PortScan", M.readTree(docs.get(3).value()).at("/finding_info/types/0").asText());
        // after the 60 s window without DDoS from 172.16.0.1: CLOSE with the final count
        pipe("10.0.0.1", T0 + 29_000 + 60_001 + 10_000, Decision.ALERT, "Other", false);
        List<JsonNode> later = alerts.readValuesToList().stream().map(s -> {
            try {
                return M.readTree(s);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).toList();
        JsonNode close = later.stream().filter(n -> n.at("/finding_info/uid").asText().equals(id)).findFirst()
                .orElseThrow();
        assertEquals(3, close.get("activity_id").asInt());
        assertEquals(30, close.get("count").asInt());
    }

    @Test
    void storesHoldBinaryStateAndTheTopicJson() throws Exception {
        open(CONFIG);
        for (int i = 0; i < 20; i++) {
            pipe("172.16.0.1", T0 + i * 1_000L, Decision.BLOCK, "DDoS", false);
        }
        byte[] stored = driver.<String, byte[]>getKeyValueStore(AlertAggregationProcessor.STORE).get("172.16.0.1|DDoS");
        assertEquals(AlertCodec.INSTANCE.version(), stored[0]);
        var alert = AlertCodec.INSTANCE.decode(stored, "172.16.0.1|DDoS");
        assertEquals(20, alert.count());
        assertEquals(16, alert.flowIds().size());
        assertEquals(List.of("192.168.10.50"), alert.destinations());
        BlocklistEntry entry = BlocklistEntryCodec.INSTANCE.decode(
                driver.<String, byte[]>getKeyValueStore(BlocklistProcessor.STORE).get("172.16.0.1"), "172.16.0.1");
        assertEquals(20, entry.count());
        assertEquals(List.of("f11", "f12", "f13", "f14", "f15", "f16", "f17", "f18", "f19", "f20"), entry.verdictIds());
        // the published entry (the first BLOCK) is JSON with exactly the documented fields, in this order (an
        // enforcement point's parser breaks on a rename; the store's own emittedUntilMs is not published)
        String json = blocklist.readValue();
        var fields = new java.util.ArrayList<String>();
        M.readTree(json).fieldNames().forEachRemaining(fields::add);
        assertEquals(List.of("source", "blockedUntilMs", "firstBlockedMs", "lastBlockedMs", "reason", "verdictIds",
                "count"), fields, json);
        BlocklistEntry published = M.readValue(json, BlocklistEntry.class);
        assertEquals(new BlocklistEntry("172.16.0.1", T0 + 600_000, T0, T0, entry.reason(), List.of("f1"), 1,
                0), published);
    }

    @Test
    void namesArePinned() {
        StreamsBuilder b = new StreamsBuilder();
        TrustOutputs.addTo(b, b.stream("verdicts", Consumed.with(Serdes.String(), VERDICT_SERDE)
                .withName("test-verdicts")), TrustConfig.from(CONFIG), FirewallMetrics.noop(), "test",
                new FailOnInvalidTimestamp());
        String described = b.build().describe().toString();
        for (String name : List.of(TrustOutputs.ALERT_FILTER, TrustOutputs.ALERTS, TrustOutputs.ALERTS_SINK,
                TrustOutputs.BLOCK_FILTER, TrustOutputs.BLOCK_COMMANDS, TrustOutputs.BLOCKLIST_SOURCE,
                TrustOutputs.UNBLOCK_FILTER, TrustOutputs.UNBLOCK_COMMANDS, TrustOutputs.BLOCK_MERGE,
                TrustOutputs.BLOCKLIST, TrustOutputs.BLOCKLIST_SINK, AlertAggregationProcessor.STORE,
                BlocklistProcessor.STORE)) {
            assertTrue(described.contains(name + " ") || described.contains(name + "\n")
                    || described.contains("[" + name + "]") || described.contains(name + ")"), name);
        }
    }

    @Test
    void blocklistTtlExpiryAndOperatorUnblock() throws Exception {
        open(CONFIG); // ttl 10 min, expiry checked every 10 s of stream time
        for (int i = 0; i < 20; i++) {
            pipe("172.16.0.1", T0 + i * 1_000L, Decision.BLOCK, "DDoS", false);
        }
        List<TestRecord<String, String>> entries = blocklist.readRecordsToList();
        assertEquals(1, entries.size(), "published once, not per BLOCK verdict");
        JsonNode e = M.readTree(entries.get(0).value());
        assertEquals("172.16.0.1", entries.get(0).key());
        assertEquals(T0 + 600_000, e.get("blockedUntilMs").asLong());
        assertEquals("model:DDoS p=0.970>0.850=>BLOCK", e.get("reason").asText());
        // a block 5 min later extends by >= ttl/2: re-published
        pipe("172.16.0.1", T0 + 300_000, Decision.BLOCK, "DDoS", false);
        JsonNode extended = M.readTree(blocklist.readValue());
        assertEquals(T0 + 900_000, extended.get("blockedUntilMs").asLong());
        assertEquals(21, extended.get("count").asLong());
        assertTrue(blocklist.isEmpty());
        // ALERT verdicts do not block; time passes beyond the expiry -> tombstone tagged as ours
        pipe("10.9.9.9", T0 + 900_000 + 10_000, Decision.ALERT, "Other", false);
        TestRecord<String, String> tomb = blocklist.readRecord();
        assertEquals("172.16.0.1", tomb.key());
        assertNull(tomb.value());
        assertEquals("firewall", new String(tomb.headers().lastHeader(BlocklistProcessor.ORIGIN_HEADER).value(),
                StandardCharsets.UTF_8));
        assertTrue(blocklist.isEmpty());
        assertNull(driver.getKeyValueStore(BlocklistProcessor.STORE).get("172.16.0.1"));
        // our own tombstone read back is ignored; an operator tombstone unblocks at once
        pipe("172.16.0.2", T0 + 1_000_000, Decision.BLOCK, "DoS", false);
        assertEquals(1, blocklist.readRecordsToList().size());
        RecordHeaders own = new RecordHeaders();
        own.add(BlocklistProcessor.ORIGIN_HEADER, "firewall".getBytes(StandardCharsets.UTF_8));
        blocklistIn.pipeInput(new TestRecord<>("172.16.0.2", null, own, T0 + 1_000_001));
        assertTrue(driver.getKeyValueStore(BlocklistProcessor.STORE).get("172.16.0.2") != null);
        blocklistIn.pipeInput("172.16.0.2", null, T0 + 1_000_002);
        assertNull(driver.getKeyValueStore(BlocklistProcessor.STORE).get("172.16.0.2"));
        pipe("172.16.0.2", T0 + 1_000_003, Decision.BLOCK, "DoS", false);
        assertEquals(1, blocklist.readRecordsToList().size(), "blocked again after the operator's unblock");
    }

    /**
     * With {@code state.scan.max.entries=2}, one expiry punctuation looks at two blocklist entries and one
     * CLOSE punctuation at two open alerts, on from where the last one stopped: the stores (RocksDB behind
     * the record cache, as the firewall builds them) are gone through in slices. An entry that stays
     * (10.0.0.1, blocked and alerting at a later event time) sorts before the five that go, so a sweep
     * that started at the first key every time would end one of them per punctuation ({@code [1, 1, 1, 1]}),
     * and one without a limit all five at once ({@code [5, 0, 0, 0]}). Each clock tick is an ALLOW verdict
     * 10 s of record time later, which runs each stream-time punctuator once.
     */
    @Test
    void expiryAndCloseLookAtAtMostScanMaxEntriesPerPunctuation() throws Exception {
        open(FirewallConfig.of(Map.of("application.id", "out-test", TrustConfig.ALERTS_FORMAT, "ocsf",
                FirewallConfig.STATE_SCAN_MAX_ENTRIES, "2")));
        for (int i = 1; i <= 5; i++) {
            pipe("172.16.0." + i, T0 + i, Decision.BLOCK, "DDoS", false);
        }
        long later = T0 + 700_000; // every block (10 min) and alert (60 s idle) above has expired by then
        verdicts.pipeInput("10.0.0.1", verdict("10.0.0.1", later, Decision.BLOCK, "DDoS", false), T0 + 6);
        assertEquals(6, blocklist.readRecordsToList().size());
        assertEquals(6, alerts.readRecordsToList().size(), "one CREATE per source");
        List<Integer> unblocked = new ArrayList<>();
        List<Integer> closed = new ArrayList<>();
        for (int p = 0; p < 4; p++) {
            verdicts.pipeInput("10.0.0.2", verdict("10.0.0.2", later, Decision.ALLOW, "BENIGN", false),
                    T0 + 10_001 + p * 10_000L);
            List<TestRecord<String, String>> tombs = blocklist.readRecordsToList();
            assertTrue(tombs.stream().allMatch(r -> r.value() == null && !r.key().equals("10.0.0.1")), "unblocks only");
            unblocked.add(tombs.size());
            int closes = 0;
            for (String doc : alerts.readValuesToList()) {
                assertEquals(3, M.readTree(doc).get("activity_id").asInt(), "CLOSE only");
                closes++;
            }
            closed.add(closes);
        }
        // slices: 10.0.0.1 (stays) and 172.16.0.1 | .2 .3 | .4 .5 | 10.0.0.1
        assertEquals(List.of(1, 2, 2, 0), unblocked);
        assertEquals(List.of(1, 2, 2, 0), closed);
        assertEquals(1, StoreEntries.count(driver.getKeyValueStore(BlocklistProcessor.STORE)));
        assertEquals(1, StoreEntries.count(driver.getKeyValueStore(AlertAggregationProcessor.STORE)));
    }

    /** Operator unblocks reach the task holding the entry only when the blocklist is partitioned like the flows. */
    @Test
    void aBlocklistPartitionedUnlikeTheFlowsIsReported() {
        assertNull(TrustOutputs.blocklistPartitionProblem("flows", 4, "blocklist", 4));
        String p = TrustOutputs.blocklistPartitionProblem("flows", 2, "blocklist", 1);
        assertTrue(p.startsWith("blocklist topic 'blocklist' has 1 partition(s) and flow topic 'flows' 2"), p);
        assertTrue(p.contains("--partitions 2") && p.contains(TrustConfig.BLOCKLIST_OPERATOR_UNBLOCK + "=false"), p);
    }
}
