package sif.firewall;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static sif.firewall.TestFlows.T0;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import sif.firewall.metrics.FirewallMetrics;
import sif.firewall.trust.TrustConfig;
import sif.kafka.EmbeddedKafka;
import sif.schemas.avro.NetworkFlow;
import sif.schemas.avro.Verdict;
import sif.schemas.serde.AvroSerdes;

/**
 * Bad input on a real broker: garbage bytes, truncated Avro, an unknown schema fingerprint,
 * NaN / +Inf / -Inf / negative / absurdly large features, a missing source address, an impossible
 * port and a tombstone each land in the DLQ with their reason and original bytes; good flows around
 * them get verdicts; the firewall keeps running; counts are exact.
 */
class FirewallBadInputIT {

    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startBroker() {
        kafka = KafkaIT.startBroker();
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void everyBadRecordReachesTheDlqWithItsReasonAndTheAppKeepsRunning() throws Exception {
        FirewallConfig config = KafkaIT.topicsAndConfig(kafka, "bad", 1, Map.of());
        NetworkFlow good = TestFlows.flow("good-1", "10.9.0.1", T0, 500, 5);
        byte[] goodBytes = TestFlows.bytes(good);
        byte[] unknownFp = goodBytes.clone();
        unknownFp[4] ^= 0x33;
        NetworkFlow badPort = TestFlows.flow("bad-port", "10.9.0.1", T0, 500, 5);
        badPort.setSrcPort(99999);

        // key -> value, in send order (one partition: offsets 0..n-1)
        Map<String, byte[]> sends = new LinkedHashMap<>();
        sends.put("good-1", goodBytes);
        sends.put("garbage", "\u0000\u00ff garbage bytes, not Avro".getBytes());
        sends.put("truncated", Arrays.copyOf(goodBytes, goodBytes.length / 2));
        sends.put("unknown-fingerprint", unknownFp);
        sends.put("nan", TestFlows.bytes(TestFlows.withFeature(good, "fwdPacketLengthStd", Double.NaN)));
        sends.put("pos-inf", TestFlows.bytes(TestFlows.withFeature(good, "bwdPacketsPerSec", Double.POSITIVE_INFINITY)));
        sends.put("neg-inf", TestFlows.bytes(TestFlows.withFeature(good, "bwdIATMean", Double.NEGATIVE_INFINITY)));
        sends.put("negative", TestFlows.bytes(TestFlows.withFeature(good, "totalLengthOfFwdPackets", -40)));
        sends.put("absurd", TestFlows.bytes(TestFlows.withFeature(good, "packetLengthVariance", 1e300)));
        sends.put("no-source", TestFlows.bytes(TestFlows.flow("no-source", "", T0, 500, 5)));
        sends.put("bad-port", TestFlows.bytes(badPort));
        sends.put("tombstone", null);
        sends.put("good-2", TestFlows.bytes(TestFlows.flow("good-2", "10.9.0.2", T0 + 1, 500, 5000)));
        sends.put("good-3", TestFlows.bytes(TestFlows.flow("good-3", "10.9.0.3", T0 + 2, 500, 200)));

        Map<String, String> expectedReasons = new TreeMap<>();
        expectedReasons.put("garbage", DlqReason.UNDECODABLE);
        expectedReasons.put("truncated", DlqReason.UNDECODABLE);
        expectedReasons.put("unknown-fingerprint", DlqReason.UNDECODABLE);
        expectedReasons.put("nan", DlqReason.NAN_FEATURE);
        expectedReasons.put("pos-inf", DlqReason.INFINITE_FEATURE);
        expectedReasons.put("neg-inf", DlqReason.INFINITE_FEATURE);
        expectedReasons.put("negative", DlqReason.NEGATIVE_FEATURE);
        expectedReasons.put("absurd", DlqReason.ABSURD_FEATURE);
        expectedReasons.put("no-source", DlqReason.MISSING_FIELD);
        expectedReasons.put("bad-port", DlqReason.BAD_5TUPLE);
        expectedReasons.put("tombstone", DlqReason.MISSING_FIELD);

        try (var metrics = FirewallMetrics.prometheus(RuleClassifier.CLASSES);
             FirewallApp app = KafkaIT.startRuleFirewall(config, metrics)) {
            KafkaIT.send(config, sends);

            List<ConsumerRecord<String, byte[]>> out = KafkaIT.readUntil(config.bootstrapServers(),
                    List.of(config.allowedTopic(), config.blockedTopic(), config.alertedTopic(), config.dlqTopic()),
                    sends.size(), Duration.ofMinutes(2));
            assertEquals(sends.size(), out.size(), "one output per input record");

            List<ConsumerRecord<String, byte[]>> dlq = KafkaIT.ofTopic(out, config.dlqTopic());
            Map<String, String> reasons = new TreeMap<>();
            List<String> keys = List.copyOf(sends.keySet());
            for (ConsumerRecord<String, byte[]> r : dlq) {
                reasons.put(r.key(), DlqHeaders.get(r.headers(), DlqHeaders.REASON));
                if (sends.get(r.key()) == null) {
                    assertNull(r.value());
                } else {
                    assertArrayEquals(sends.get(r.key()), r.value(), "original bytes of " + r.key());
                }
                assertEquals("validate", DlqHeaders.get(r.headers(), DlqHeaders.STAGE));
                assertEquals(config.inputTopic(), DlqHeaders.get(r.headers(), DlqHeaders.SOURCE_TOPIC));
                assertEquals("0", DlqHeaders.get(r.headers(), DlqHeaders.SOURCE_PARTITION));
                assertEquals(String.valueOf(keys.indexOf(r.key())), DlqHeaders.get(r.headers(), DlqHeaders.SOURCE_OFFSET));
                assertTrue(DlqHeaders.get(r.headers(), DlqHeaders.DETAIL) != null);
            }
            assertEquals(expectedReasons, reasons);
            assertTrue(DlqHeaders.get(dlq.get(2).headers(), DlqHeaders.DETAIL).contains("unknown schema fingerprint"),
                    DlqHeaders.get(dlq.get(2).headers(), DlqHeaders.DETAIL));

            Deserializer<Verdict> verdicts = AvroSerdes.singleObject(Verdict.class).deserializer();
            Map<String, String> decisions = new TreeMap<>();
            for (ConsumerRecord<String, byte[]> r : out) {
                if (!r.topic().equals(config.dlqTopic())) {
                    Verdict v = verdicts.deserialize(r.topic(), r.value());
                    decisions.put(v.getFlowId(), v.getDecision() + " " + v.getPredictedClass());
                }
            }
            assertEquals(Map.of("good-1", "ALLOW BENIGN", "good-2", "BLOCK DDoS", "good-3", "ALERT DoS"), decisions);
            assertEquals(KafkaStreams.State.RUNNING, app.state());
            assertNull(app.failure());

            // still running: one more good flow gets its verdict
            KafkaIT.send(config, Map.of("good-4", TestFlows.bytes(TestFlows.flow("good-4", "10.9.0.4", T0 + 3, 500, 5))));
            List<ConsumerRecord<String, byte[]>> after = KafkaIT.readUntil(config.bootstrapServers(),
                    List.of(config.allowedTopic()), 2, Duration.ofMinutes(1));
            assertEquals(2, after.size());
            var snapshot = KafkaIT.counted(metrics, 15);
            assertEquals(15, snapshot.flowsIn());
            assertEquals(11, snapshot.dlq());
            assertEquals(2, snapshot.allowed());
            assertEquals(1, snapshot.blocked());
            assertEquals(1, snapshot.alerts());
        }
    }

    /**
     * A verdict topic that takes less than a verdict ({@code max.message.bytes} 100) under exactly-once:
     * the firewall reads the limit at start and the policy step sends the flow whose verdict would not
     * fit to the dead-letter topic, with its original bytes; the other flows are routed and it goes on.
     * Before, the broker's refusal failed the transaction: the handler dead-lettered the transaction's
     * other verdicts too (for topics that took them) and the stream thread died.
     */
    @Test
    void aVerdictItsTopicCannotTakeSendsItsFlowToTheDlqUnderExactlyOnce() throws Exception {
        FirewallConfig config = KafkaIT.topicsAndConfig(kafka, "refused", 1, Map.of());
        limitBlockedTopic(config, 100);
        Map<String, byte[]> sends = fourFlows();
        try (var metrics = FirewallMetrics.prometheus(RuleClassifier.CLASSES);
             FirewallApp app = KafkaIT.startRuleFirewall(config, metrics)) {
            KafkaIT.send(config, sends);
            List<ConsumerRecord<String, byte[]>> out = outputs(config, sends.size());
            assertOnlyGood2DeadLettered(config, out);
            ConsumerRecord<String, byte[]> dead = KafkaIT.ofTopic(out, config.dlqTopic()).get(0);
            assertArrayEquals(sends.get("good-2"), dead.value(), "the flow's original bytes");
            assertEquals(DlqReason.VERDICT_UNWRITABLE, DlqHeaders.get(dead.headers(), DlqHeaders.REASON));
            assertEquals("good-2", DlqHeaders.get(dead.headers(), DlqHeaders.FLOW_ID));
            assertEquals("1", DlqHeaders.get(dead.headers(), DlqHeaders.SOURCE_OFFSET));
            assertTrue(DlqHeaders.get(dead.headers(), DlqHeaders.DETAIL).contains("max.message.bytes"),
                    DlqHeaders.get(dead.headers(), DlqHeaders.DETAIL));
            assertEquals(KafkaStreams.State.RUNNING, app.state());
            assertNull(app.failure());
            var snapshot = KafkaIT.counted(metrics, 4);
            assertEquals(4, snapshot.flowsIn());
            assertEquals(3, snapshot.allowed() + snapshot.blocked() + snapshot.alerts());
            assertEquals(1, snapshot.dlq());
            assertEquals(0, metrics.outputsRefused());
        }
    }

    /**
     * The same limit set while an exactly-once firewall runs (after it read the limits at start): the
     * broker refuses the verdict, which fails its transaction. The production handler reads the limits
     * again, finds the topic's lowered, and fails; the firewall replaces the stream thread, whose tasks
     * resume from their last commit, and the policy step — now knowing the limit — dead-letters the flow.
     * Every flow has one output, read committed. Before, the firewall stopped.
     */
    @Test
    void aVerdictTopicLimitLoweredWhileRunningReplacesTheThreadAndDeadLettersTheFlow() throws Exception {
        FirewallConfig config = KafkaIT.topicsAndConfig(kafka, "lowered", 1, Map.of());
        Map<String, byte[]> sends = fourFlows();
        try (var metrics = FirewallMetrics.prometheus(RuleClassifier.CLASSES);
             FirewallApp app = KafkaIT.startRuleFirewall(config, metrics)) {
            List<ConsumerRecord<String, byte[]>> out = lowerTheBlockedLimitThenSend(config, sends);
            ConsumerRecord<String, byte[]> dead = KafkaIT.ofTopic(out, config.dlqTopic()).get(0);
            assertEquals(DlqReason.VERDICT_UNWRITABLE, DlqHeaders.get(dead.headers(), DlqHeaders.REASON));
            assertArrayEquals(sends.get("good-2"), dead.value(), "the flow's original bytes");
            assertEquals(KafkaStreams.State.RUNNING, app.state());
            assertNull(app.failure());
            assertEquals(1, app.replacedThreads(), "one stream thread replaced");
            // the counters count what was committed: the flows processed again after the replacement once
            var snapshot = KafkaIT.counted(metrics, 4);
            assertEquals(4, snapshot.flowsIn(), "flows in");
            assertEquals(List.of(2L, 0L, 1L, 1L), List.of(snapshot.allowed(), snapshot.blocked(), snapshot.alerts(),
                    snapshot.dlq()), "allowed, blocked, alerts, dlq");
        }
    }

    /**
     * The same limit set while an at-least-once firewall runs (after it read the limits): the broker
     * refuses the verdict, and the production handler sends that verdict — not the stream thread's
     * current input record — to the dead-letter topic with its flow id, counts it as refused, and the
     * firewall goes on.
     */
    @Test
    void aVerdictTheBrokerRefusesGoesToTheDlqAsItselfUnderAtLeastOnce() throws Exception {
        FirewallConfig config = KafkaIT.topicsAndConfig(kafka, "refused-alos", 1,
                Map.of("streams.processing.guarantee", "at_least_once"));
        Map<String, byte[]> sends = fourFlows();
        try (var metrics = FirewallMetrics.prometheus(RuleClassifier.CLASSES);
             FirewallApp app = KafkaIT.startRuleFirewall(config, metrics)) {
            List<ConsumerRecord<String, byte[]>> out = lowerTheBlockedLimitThenSend(config, sends);
            ConsumerRecord<String, byte[]> dead = KafkaIT.ofTopic(out, config.dlqTopic()).get(0);
            assertEquals("good-2", DlqHeaders.get(dead.headers(), DlqHeaders.FLOW_ID));
            assertEquals(DlqReason.PRODUCTION_ERROR, DlqHeaders.get(dead.headers(), DlqHeaders.REASON));
            assertEquals("sink:" + config.blockedTopic(), DlqHeaders.get(dead.headers(), DlqHeaders.STAGE));
            assertEquals(KafkaStreams.State.RUNNING, app.state());
            assertNull(app.failure());
            var snapshot = KafkaIT.counted(metrics, 4);
            assertEquals(4, snapshot.flowsIn());
            assertEquals(4, snapshot.allowed() + snapshot.blocked() + snapshot.alerts(), "decided: four verdicts");
            assertEquals(0, snapshot.dlq(), "no flow dead-lettered before its verdict");
            assertEquals(1, metrics.outputsRefused(), "one verdict refused");
        }
    }

    /**
     * An input record near the broker's limit (1,028,400 bytes of garbage and a 20,000-byte header: ~100 bytes below the broker's default limit):
     * its dead letter — original bytes plus the {@code sif.dlq.*} headers — would be too large for the
     * dead-letter topic, and under exactly-once a refused record fails its transaction and would be
     * refused again on every retry: one record would stop the firewall for good. The validate step
     * rejects records over {@code validation.max.record.bytes} and their dead letter keeps the first
     * bytes only, saying so; the flows around it get their verdicts.
     */
    @Test
    void anInputRecordNearTheBrokersLimitIsDeadLetteredTruncatedAndTheFirewallGoesOn() throws Exception {
        FirewallConfig config = KafkaIT.topicsAndConfig(kafka, "huge", 1, Map.of());
        byte[] huge = new byte[1_028_400]; // with the header, within ~100 bytes of the broker's 1,048,588
        java.util.Arrays.fill(huge, (byte) 'x');
        Map<String, byte[]> sends = new LinkedHashMap<>();
        sends.put("good-1", TestFlows.bytes(TestFlows.flow("good-1", "10.9.0.1", T0, 500, 5)));
        try (var metrics = FirewallMetrics.prometheus(RuleClassifier.CLASSES);
             FirewallApp app = KafkaIT.startRuleFirewall(config, metrics)) {
            KafkaIT.send(config, sends);
            var r = new org.apache.kafka.clients.producer.ProducerRecord<String, byte[]>(config.inputTopic(), "huge", huge);
            r.headers().add("big", new byte[20_000]);
            sendRaw(config, r, Map.of(org.apache.kafka.clients.producer.ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2_000_000));
            KafkaIT.send(config, Map.of("good-2", TestFlows.bytes(TestFlows.flow("good-2", "10.9.0.2", T0 + 1, 500, 5))));
            List<ConsumerRecord<String, byte[]>> out = outputs(config, 3);
            assertEquals(3, out.size(), "one output per input record: " + out.stream().map(ConsumerRecord::topic).toList());
            ConsumerRecord<String, byte[]> dead = KafkaIT.ofTopic(out, config.dlqTopic()).get(0);
            assertEquals("huge", dead.key());
            assertEquals(DlqReason.OVERSIZED_RECORD, DlqHeaders.get(dead.headers(), DlqHeaders.REASON));
            assertEquals(String.valueOf(huge.length), DlqHeaders.get(dead.headers(), DlqHeaders.VALUE_TRUNCATED_FROM));
            assertArrayEquals(java.util.Arrays.copyOf(huge, config.maxRecordBytes()), dead.value(),
                    "the first bytes of the original value");
            assertEquals(KafkaStreams.State.RUNNING, app.state());
            assertNull(app.failure());
            var snapshot = KafkaIT.counted(metrics, 3);
            assertEquals(3, snapshot.flowsIn());
            assertEquals(1, snapshot.dlq());
            assertEquals(2, snapshot.allowed());
        }
    }

    /**
     * An input topic that takes records from the future (its {@code message.timestamp.after.max.ms}
     * raised) in front of verdict topics that do not (Kafka 4's default: one hour): a record stamped two
     * hours ahead would give a verdict its topic refuses, which under exactly-once stops the firewall.
     * It is dead-lettered as {@code bad-timestamp}, at the firewall's time, and the firewall goes on.
     */
    @Test
    void aRecordStampedHoursAheadIsDeadLetteredNotSentOnToATopicThatRefusesIt() throws Exception {
        FirewallConfig config = KafkaIT.topicsAndConfig(kafka, "ahead", 1, Map.of());
        setTopicConfig(config, config.inputTopic(), "message.timestamp.after.max.ms", Long.toString(Long.MAX_VALUE));
        try (var metrics = FirewallMetrics.prometheus(RuleClassifier.CLASSES);
             FirewallApp app = KafkaIT.startRuleFirewall(config, metrics)) {
            long ahead = System.currentTimeMillis() + 2 * 3_600_000L;
            sendRaw(config, new org.apache.kafka.clients.producer.ProducerRecord<>(config.inputTopic(), null, ahead,
                    "ahead", TestFlows.bytes(TestFlows.flow("ahead", "10.9.0.1", T0, 500, 5))), Map.of());
            KafkaIT.send(config, Map.of("good-2", TestFlows.bytes(TestFlows.flow("good-2", "10.9.0.2", T0 + 1, 500, 5))));
            List<ConsumerRecord<String, byte[]>> out = outputs(config, 2);
            assertEquals(2, out.size(), "one output per input record: " + out.stream().map(ConsumerRecord::topic).toList());
            ConsumerRecord<String, byte[]> dead = KafkaIT.ofTopic(out, config.dlqTopic()).get(0);
            assertEquals(DlqReason.BAD_TIMESTAMP, DlqHeaders.get(dead.headers(), DlqHeaders.REASON));
            assertTrue(dead.timestamp() < ahead - 3_000_000L, "the firewall's time, not the record's: " + dead.timestamp());
            assertEquals(1, KafkaIT.ofTopic(out, config.allowedTopic()).size());
            assertEquals(KafkaStreams.State.RUNNING, app.state());
            assertNull(app.failure());
        }
    }

    /**
     * The same input topic behind the zero-trust outputs. Before {@link FutureStampGuard}, the record
     * stamped ahead was dead-lettered but its timestamp still moved the task's stream time; the blocklist
     * expiry it triggered stamped the tombstone 2 h ahead, which the blocklist topic (Kafka 4's default:
     * 1 h) refused, stopping the firewall under exactly-once. Now it is read at stream time, and a good
     * record 11 s later lifts the expired block with a tombstone stamped at that time.
     */
    @Test
    void aRejectedFarFutureRecordDoesNotStopTheFirewall() throws Exception {
        Map<String, String> trust = KafkaIT.trustTopics(kafka, "fut-" + UUID.randomUUID().toString().substring(0, 8)
                + ".", new HashMap<>());
        FirewallConfig config = KafkaIT.topicsAndConfig(kafka, "fut", 1, trust);
        setTopicConfig(config, config.inputTopic(), "message.timestamp.after.max.ms", Long.toString(Long.MAX_VALUE));
        String blocklistTopic = TrustConfig.from(config).blocklistTopic();
        RuleClassifier classifier = new RuleClassifier();
        try (var metrics = FirewallMetrics.prometheus(classifier.info().classNames())) {
            try (FirewallApp app = KafkaIT.startStandardFirewall(config, classifier, metrics)) {
                long now = System.currentTimeMillis();
                long e0 = now - 30 * 60_000L;
                String in = config.inputTopic();
                // UNKNOWN source: BLOCKed at event time e0 (blocklist TTL 10 min)
                sendRaw(config, new ProducerRecord<>(in, 0, now, "172.16.0.1",
                        TestFlows.bytes(TestFlows.flow("a1", "172.16.0.1", e0, 500, 5))), Map.of());
                // event time moves past the TTL; same record timestamp: no stream-time punctuation
                sendRaw(config, new ProducerRecord<>(in, 0, now, "10.0.0.7",
                        TestFlows.bytes(TestFlows.flow("b1", "10.0.0.7", e0 + 11 * 60_000L, 500, 5))), Map.of());
                // both verdicts (inference is pipelined) reach the blocklist before stream time moves on
                List<String> outputTopics = List.of(config.allowedTopic(), config.blockedTopic(), config.alertedTopic(),
                        config.dlqTopic());
                KafkaIT.readUntil(config.bootstrapServers(), outputTopics, 2, Duration.ofSeconds(60));
                // a sensor with a clock 2 h ahead: dead-lettered (bad-timestamp); stream time stays
                sendRaw(config, new ProducerRecord<>(in, 0, now + 2 * 3_600_000L, "10.0.0.8",
                        TestFlows.bytes(TestFlows.flow("c1", "10.0.0.8", e0 + 11 * 60_000L, 500, 5))), Map.of());
                // a good record 11 s later: stream time passes the 10 s expiry interval
                sendRaw(config, new ProducerRecord<>(in, 0, now + 11_000L, "10.0.0.7",
                        TestFlows.bytes(TestFlows.flow("b2", "10.0.0.7", e0 + 11 * 60_000L + 1, 500, 5))), Map.of());
                List<ConsumerRecord<String, byte[]>> out = KafkaIT.readUntil(config.bootstrapServers(), outputTopics, 4,
                        Duration.ofSeconds(60));
                // every source here is unknown (no identity): 172.16.0.1 and 10.0.0.7 are blocked
                List<ConsumerRecord<String, byte[]>> blocklist = KafkaIT.readUntil(config.bootstrapServers(),
                        List.of(blocklistTopic), 3, Duration.ofSeconds(60)).stream()
                        .filter(r -> r.key().equals("172.16.0.1")).toList();
                String seen = "blocklist: " + blocklist.stream().map(r -> r.key() + "@now+" + (r.timestamp() - now)
                        + "=" + (r.value() == null ? "tombstone" : "entry")).toList();
                assertEquals(KafkaStreams.State.RUNNING, app.state(), "firewall after one dead-lettered record "
                        + "stamped 2 h ahead; failure: " + app.failure() + "; threads replaced: " + app.replacedThreads());
                assertEquals(4, out.size(), "every flow has one outcome");
                List<ConsumerRecord<String, byte[]>> dead = KafkaIT.ofTopic(out, config.dlqTopic());
                assertEquals(1, dead.size(), "the record stamped ahead is dead-lettered");
                assertEquals("10.0.0.8", dead.get(0).key());
                assertEquals(Long.toString(now + 2 * 3_600_000L), new String(
                        dead.get(0).headers().lastHeader(FutureStampGuard.HEADER).value(), StandardCharsets.US_ASCII),
                        "read at stream time, its own timestamp in the guard's header");
                assertEquals(2, blocklist.size(), "entry + unblock of 172.16.0.1; " + seen);
                assertNull(blocklist.get(1).value(), "the unblock is a tombstone; " + seen);
                assertTrue(blocklist.get(1).timestamp() <= now + 5 * 60_000L,
                        "the tombstone is stamped at stream time, not 2 h ahead; " + seen);
            }
        }
    }

    /**
     * A dead-letter topic that takes less than a dead letter may need ({@code max.message.bytes} 150,000
     * against 178,694 with the default {@code validation.max.record.bytes}): under exactly-once the first
     * large bad record would stop the firewall, so it refuses to start and says what to change; with
     * {@code validation.max.record.bytes} lowered as the message suggests, it starts.
     */
    @Test
    void aDeadLetterTopicTooSmallForADeadLetterIsRefusedAtStart() throws Exception {
        FirewallConfig config = KafkaIT.topicsAndConfig(kafka, "dlqlimit", 1, Map.of());
        setTopicConfig(config, config.dlqTopic(), "max.message.bytes", "150000");
        String refused = refusedStart(config);
        assertTrue(refused.startsWith("the dead-letter topic " + config.dlqTopic()
                + " takes record batches of at most 150000 bytes"), refused);
        assertTrue(refused.contains("at least " + DeadLetterCut.maxBytes(config.maxRecordBytes())), refused);
        FirewallConfig lowered = config.with(Map.of(FirewallConfig.VALIDATION_MAX_RECORD_BYTES, "16384"));
        try (var metrics = FirewallMetrics.prometheus(RuleClassifier.CLASSES);
             FirewallApp app = KafkaIT.startRuleFirewall(lowered, metrics)) {
            KafkaIT.send(lowered, Map.of("good-1", TestFlows.bytes(TestFlows.flow("good-1", "10.9.0.1", T0, 500, 5))));
            assertEquals(1, outputs(lowered, 1).size());
            assertEquals(KafkaStreams.State.RUNNING, app.state());
        }
    }

    /**
     * Flows of one source keyed otherwise than by it (no key, other text) and written to the other of
     * two partitions, with zero trust on (the blocklist topic, a source of the same tasks, has two
     * partitions too): each goes through the repartition topic to the task that owns the source, so one
     * window grows over all of them (sequence lengths 1..6, where a split source restarts at 1 in the
     * other task: 1, 1, 2, 2, 3, 3 before), counted once in and once as re-keyed.
     */
    @Test
    void flowsKeyedOtherwiseReachTheirSourcesTaskThroughTheRepartitionTopic() throws Exception {
        oneSourceKeyedSeveralWays(2, 2, 2);
    }

    /**
     * One flows partition and a blocklist topic of three: Kafka Streams makes the repartition topic as
     * large as the largest source of the flows' tasks (three), and its own modulo would send a re-keyed
     * flow to task 0_1 or 0_2, away from its source's state in 0_0 (a review's broker run: sequence
     * lengths 1, 1, 2, 2, 3, 3). {@link RekeyPartitioner} takes the flows topic's count.
     */
    @Test
    void aBlocklistTopicOfMorePartitionsDoesNotSendReKeyedFlowsElsewhere() throws Exception {
        oneSourceKeyedSeveralWays(1, 3, 1);
    }

    /**
     * A partition added to the flows topic of a running firewall (one becomes two, beside a blocklist of
     * three, so that Kafka Streams keeps its repartition topic of three): a source's correctly keyed
     * flows now go to the new partition, and after the rebalance that brings re-keyed flows follow them
     * (before, they went by the count read at start, to task 0_0: sequence lengths 1, 1, 2, 2, 3, 3).
     */
    @Test
    void reKeyedFlowsFollowPartitionsAddedToTheFlowsTopic() throws Exception {
        oneSourceKeyedSeveralWays(1, 3, 2);
    }

    /**
     * A partition added to a flows topic of one, beside no blocklist: at the rebalance this brings, Kafka
     * Streams needs internal topics (changelogs, the repartition topic) of two partitions, refuses those of
     * one ("has invalid partitions") and the firewall stops, with the way out in its log
     * ({@link FirewallApp#partitionsHint}). That way out works and loses nothing: with the firewall stopped
     * and each internal topic raised to two partitions, the next start keeps its stores (a source that stays
     * in partition 0 goes on with its window: sequence length 2), and a flow keyed otherwise is decided.
     */
    @Test
    void partitionsAddedBeyondTheTaskCountStopTheFirewallUntilItsInternalTopicsAreRaised() throws Exception {
        FirewallConfig config = KafkaIT.topicsAndConfig(kafka, "rekeygrow", 1,
                Map.of("streams.metadata.max.age.ms", "1000"));
        String stays = "10.9.9.1";
        for (int i = 2; RekeyPartitioner.of(stays, 2) != 0; i++) {
            stays = "10.9.9." + i;
        }
        Deserializer<Verdict> verdicts = AvroSerdes.singleObject(Verdict.class).deserializer();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers()))) {
            try (var metrics = FirewallMetrics.prometheus(RuleClassifier.CLASSES);
                 FirewallApp app = KafkaIT.startRuleFirewall(config, metrics)) {
                KafkaIT.send(config, Map.of(stays, TestFlows.bytes(TestFlows.flow("before", stays, T0, 500, 5))));
                assertEquals(1, outputs(config, 1).size());
                admin.createPartitions(Map.of(config.inputTopic(),
                        org.apache.kafka.clients.admin.NewPartitions.increaseTo(2))).all().get();
                assertTrue(app.awaitStopped(Duration.ofMinutes(1)), "stopped; state " + app.state());
                assertTrue(app.failure() != null && !FirewallApp.partitionsHint(app.failure(), "app").isEmpty(),
                        "Kafka Streams' refusal of an internal topic: " + app.failure());
            }
            List<String> internal = admin.listTopics().names().get().stream()
                    .filter(t -> t.startsWith(config.applicationId() + "-")
                            && (t.endsWith("-changelog") || t.endsWith("-repartition")))
                    .toList();
            assertTrue(internal.contains(config.applicationId() + "-" + FirewallTopology.REKEY_REPARTITION_TOPIC),
                    internal.toString());
            Map<String, org.apache.kafka.clients.admin.NewPartitions> raised = new HashMap<>();
            internal.forEach(t -> raised.put(t, org.apache.kafka.clients.admin.NewPartitions.increaseTo(2)));
            admin.createPartitions(raised).all().get();
            try (var metrics = FirewallMetrics.prometheus(RuleClassifier.CLASSES);
                 FirewallApp app = KafkaIT.startRuleFirewall(config, metrics)) {
                KafkaIT.send(config, Map.of(stays, TestFlows.bytes(TestFlows.flow("after", stays, T0 + 1, 500, 5))));
                sendRaw(config, new ProducerRecord<>(config.inputTopic(), 1, null,
                        TestFlows.bytes(TestFlows.flow("rekeyed", stays, T0 + 2, 500, 5))), Map.of());
                Map<String, Integer> lengths = new TreeMap<>();
                for (ConsumerRecord<String, byte[]> r : outputs(config, 3)) {
                    assertEquals(config.allowedTopic(), r.topic());
                    Verdict v = verdicts.deserialize(r.topic(), r.value());
                    lengths.put(v.getFlowId(), v.getSequenceLength());
                }
                assertEquals(Map.of("before", 1, "after", 2, "rekeyed", 3), lengths, "one window, kept over the stop");
                assertEquals(KafkaStreams.State.RUNNING, app.state());
                assertEquals(1.0, metrics.registry().get("sif.flows.miskeyed").counter().count());
            }
        }
    }

    /**
     * One source's six flows, half keyed otherwise and written to another partition than its own, on
     * flows and blocklist topics of {@code startPartitions} and {@code blocklistPartitions}; the flows
     * topic is grown to {@code flowPartitions} after the firewall started. One window must hold them all.
     */
    private static void oneSourceKeyedSeveralWays(int startPartitions, int blocklistPartitions, int flowPartitions)
            throws Exception {
        Map<String, String> trust = KafkaIT.trustTopics(kafka, "rekey-" + UUID.randomUUID().toString().substring(0, 8)
                + ".", new HashMap<>(), blocklistPartitions);
        // a rebalance soon after partitions are added (Kafka's default: within 5 minutes)
        trust.put("streams.metadata.max.age.ms", "1000");
        FirewallConfig config = KafkaIT.topicsAndConfig(kafka, "rekey", startPartitions, trust);
        // a source whose partition differs under every other count in play, so that a wrong one would show
        String source = "10.9.9.1";
        for (int i = 2; wrongCountsAgree(source, flowPartitions, startPartitions, blocklistPartitions); i++) {
            source = "10.9.9." + i;
        }
        int owner = RekeyPartitioner.of(source, flowPartitions);
        RuleClassifier classifier = new RuleClassifier();
        try (var metrics = FirewallMetrics.prometheus(classifier.info().classNames());
             FirewallApp app = KafkaIT.startStandardFirewall(config, classifier, metrics)) {
            if (flowPartitions > startPartitions) {
                try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                        config.bootstrapServers()))) {
                    admin.createPartitions(Map.of(config.inputTopic(),
                            org.apache.kafka.clients.admin.NewPartitions.increaseTo(flowPartitions))).all().get();
                }
                long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
                while (app.rekeyFlowPartitions() != flowPartitions && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                assertEquals(flowPartitions, app.rekeyFlowPartitions(), "the count after the rebalance");
                // the count can be read before the rebalance it brings (the start's own check may see it)
                assertTrue(app.awaitRunning(Duration.ofMinutes(1)), "running after the rebalance");
            }
            List<String> keys = Arrays.asList(source, null, source, "not-an-address", source, "::ffff:" + source);
            Deserializer<Verdict> verdicts = AvroSerdes.singleObject(Verdict.class).deserializer();
            List<String> out = List.of(config.allowedTopic(), config.blockedTopic(), config.alertedTopic(),
                    config.dlqTopic());
            Map<String, Verdict> byFlow = new TreeMap<>();
            for (int i = 0; i < keys.size(); i++) {
                String key = keys.get(i);
                byte[] flow = TestFlows.bytes(TestFlows.flow("f" + i, source, T0 + i, 500, 5));
                // keyed by the source: the partition its key hashes to; otherwise the next one (with one: it)
                sendRaw(config, source.equals(key) ? new ProducerRecord<>(config.inputTopic(), key, flow)
                        : new ProducerRecord<>(config.inputTopic(), (owner + 1) % flowPartitions, key, flow), Map.of());
                // one at a time: each flow's verdict before the next flow (a re-keyed one comes a commit later)
                List<ConsumerRecord<String, byte[]>> got = KafkaIT.readUntil(config.bootstrapServers(), out,
                        i + 1, Duration.ofMinutes(1));
                assertEquals(i + 1, got.size(), "outputs after flow " + i + ": " + got);
                for (ConsumerRecord<String, byte[]> r : got) {
                    assertTrue(!r.topic().equals(config.dlqTopic()), "dead-lettered: " + r);
                    assertEquals(source, r.key());
                    Verdict v = verdicts.deserialize(r.topic(), r.value());
                    byFlow.put(v.getFlowId(), v);
                }
            }
            List<Integer> lengths = byFlow.values().stream().map(Verdict::getSequenceLength).toList();
            assertEquals(List.of(1, 2, 3, 4, 5, 6), lengths, "one window for the source, in its owner's task");
            var snapshot = KafkaIT.counted(metrics, keys.size());
            assertEquals(keys.size(), snapshot.flowsIn(), "each flow counted in once");
            assertEquals(3.0, metrics.registry().get("sif.flows.miskeyed").counter().count());
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                    config.bootstrapServers()))) {
                String repartition = config.applicationId() + "-" + FirewallTopology.REKEY_REPARTITION_TOPIC;
                assertEquals(Math.max(flowPartitions, blocklistPartitions), admin.describeTopics(List.of(repartition))
                        .allTopicNames().get().get(repartition).partitions().size(), "Kafka Streams' count");
            }
            assertEquals(KafkaStreams.State.RUNNING, app.state());
        }
    }

    /** Whether {@code source}'s partition under {@code right} partitions is also its partition under a wrong count. */
    private static boolean wrongCountsAgree(String source, int right, int... wrong) {
        for (int n : wrong) {
            if (n != right && RekeyPartitioner.of(source, n) == RekeyPartitioner.of(source, right)) {
                return true;
            }
        }
        return false;
    }

    /**
     * A flow keyed otherwise whose input record is near the broker's limit because of its headers: the
     * re-keyed record would add a key and the {@code sif.rekeyed.from.*} headers and be refused, which
     * under exactly-once stopped the firewall (a review's broker run: ERROR, the next flow never
     * decided). It travels without the producer's headers when they take over 64 KiB, as a dead letter
     * does, and is decided; so is the next flow.
     */
    @Test
    void aReKeyedFlowWithHeadersNearTheBrokersLimitIsDecided() throws Exception {
        FirewallConfig config = KafkaIT.topicsAndConfig(kafka, "rekeybig", 1, Map.of());
        String source = "10.9.9.1";
        byte[] flow = TestFlows.bytes(TestFlows.flow("big", source, T0, 500, 5));
        int pad = 1_000_000;
        while (org.apache.kafka.common.record.AbstractRecords.estimateSizeInBytesUpperBound(
                org.apache.kafka.common.record.RecordBatch.CURRENT_MAGIC_VALUE,
                org.apache.kafka.common.record.CompressionType.NONE, null, flow,
                new org.apache.kafka.common.header.Header[] {
                        new org.apache.kafka.common.header.internals.RecordHeader("pad", new byte[pad + 1])})
                <= 1_048_576 - 40) {
            pad++;
        }
        aPaddedFlowKeyedOtherwiseThenOneKeyedByItsSourceAreAllowed(config, flow, pad);
    }

    /** Why a rule firewall on {@code config} refuses to start (it must). */
    private static String refusedStart(FirewallConfig config) {
        RuleClassifier classifier = new RuleClassifier();
        try (FirewallApp app = new FirewallApp(config, classifier, FirewallTopology.defaultPolicy(config,
                classifier.info()), FirewallExtensions.defaults())) {
            return org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, app::start).getMessage();
        }
    }

    /**
     * Starts a rule firewall, sends {@code flow} (of source 10.9.9.1) keyed by nothing with a header of
     * {@code pad} bytes, then the source's next flow keyed by it: both must be allowed, the firewall still
     * running, the first counted as re-keyed.
     */
    private static void aPaddedFlowKeyedOtherwiseThenOneKeyedByItsSourceAreAllowed(FirewallConfig config, byte[] flow,
                                                                                   int pad) throws Exception {
        String source = "10.9.9.1";
        try (var metrics = FirewallMetrics.prometheus(RuleClassifier.CLASSES);
             FirewallApp app = KafkaIT.startRuleFirewall(config, metrics)) {
            ProducerRecord<String, byte[]> padded = new ProducerRecord<>(config.inputTopic(), 0, null, flow);
            padded.headers().add("pad", new byte[pad]);
            sendRaw(config, padded, Map.of());
            KafkaIT.send(config, Map.of(source, TestFlows.bytes(TestFlows.flow("next", source, T0 + 1, 500, 5))));
            List<ConsumerRecord<String, byte[]>> out = outputs(config, 2);
            assertEquals(List.of(config.allowedTopic(), config.allowedTopic()),
                    out.stream().map(ConsumerRecord::topic).toList());
            assertEquals(KafkaStreams.State.RUNNING, app.state());
            assertNull(app.failure());
            var snapshot = KafkaIT.counted(metrics, 2);
            assertEquals(2, snapshot.flowsIn());
            assertEquals(2, snapshot.allowed());
            assertEquals(1.0, metrics.registry().get("sif.flows.miskeyed").counter().count());
        }
    }

    /**
     * A broker whose default record limit ({@code message.max.bytes}, 30,000 bytes here) is below what a
     * re-keyed flow may take: Kafka Streams creates the repartition topic with SIF's
     * {@code topic.max.message.bytes} rather than the broker's default, so a flow keyed otherwise with 40 KB
     * of headers is decided, and so is the next (with the broker's default the repartition topic refused it
     * and the firewall stopped). The other topics are given 1 MiB of their own. A firewall set to create
     * the topic smaller refuses to start, as does one whose topic is there and smaller.
     */
    @Test
    void theRepartitionTopicTakesAReKeyedFlowWhateverTheBrokersDefault() throws Exception {
        FirewallConfig config = KafkaIT.topicsAndConfig(kafka, "rekeylimit", 1, Map.of());
        for (String t : List.of(config.inputTopic(), config.allowedTopic(), config.blockedTopic(), config.alertedTopic(),
                config.dlqTopic())) {
            setTopicConfig(config, t, "max.message.bytes", "1048588");
        }
        String repartition = config.applicationId() + "-" + FirewallTopology.REKEY_REPARTITION_TOPIC;
        FirewallConfig smaller = config.with(Map.of("streams.topic.max.message.bytes", "100000"));
        String refused = refusedStart(smaller);
        assertTrue(refused.startsWith("streams.topic.max.message.bytes, with which Kafka Streams creates the "
                + "repartition topic " + repartition + ", lets it take record batches of at most 100000"), refused);
        ConfigResource brokers = new ConfigResource(ConfigResource.Type.BROKER, "");
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers()))) {
            admin.incrementalAlterConfigs(Map.of(brokers, List.of(new AlterConfigOp(
                    new ConfigEntry("message.max.bytes", "30000"), AlterConfigOp.OpType.SET)))).all().get();
            try {
                String broker = admin.describeCluster().nodes().get().iterator().next().idString();
                ConfigResource node = new ConfigResource(ConfigResource.Type.BROKER, broker);
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (!"30000".equals(admin.describeConfigs(List.of(node)).all().get().get(node)
                        .get("message.max.bytes").value()) && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                aPaddedFlowKeyedOtherwiseThenOneKeyedByItsSourceAreAllowed(config,
                        TestFlows.bytes(TestFlows.flow("padded", "10.9.9.1", T0, 500, 5)), 40_000);
                ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, repartition);
                assertEquals(Long.toString(Misrouted.internalTopicLimit(config.maxRecordBytes())), admin.describeConfigs(
                        List.of(topic)).all().get().get(topic).get("max.message.bytes").value());
                // the topic there and smaller (set so by hand): the next start is refused
                setTopicConfig(config, repartition, "max.message.bytes", "30000");
                refused = refusedStart(config);
                assertTrue(refused.startsWith("the repartition topic " + repartition
                        + " takes record batches of at most 30000 bytes"), refused);
            } finally {
                admin.incrementalAlterConfigs(Map.of(brokers, List.of(new AlterConfigOp(
                        new ConfigEntry("message.max.bytes", ""), AlterConfigOp.OpType.DELETE)))).all().get();
            }
        }
    }

    /**
     * {@link #fourFlows}' outputs: one per flow, good-2 (the BLOCK) in the dead-letter topic (found by
     * its {@value DlqHeaders#FLOW_ID} header), the others in their verdict topics.
     */
    private static void assertOnlyGood2DeadLettered(FirewallConfig config, List<ConsumerRecord<String, byte[]>> out) {
        Deserializer<Verdict> verdicts = AvroSerdes.singleObject(Verdict.class).deserializer();
        Map<String, String> where = new TreeMap<>();
        for (ConsumerRecord<String, byte[]> r : out) {
            where.merge(r.topic().equals(config.dlqTopic()) ? DlqHeaders.get(r.headers(), DlqHeaders.FLOW_ID)
                    : verdicts.deserialize(r.topic(), r.value()).getFlowId(), r.topic(), (a, b) -> a + "," + b);
        }
        assertEquals(Map.of("good-1", config.allowedTopic(), "good-2", config.dlqTopic(),
                "good-3", config.alertedTopic(), "good-4", config.allowedTopic()), where, "one output per flow");
    }

    /**
     * Lowers the blocked topic's limit under a running firewall, sends {@code sends} and returns their
     * outputs, checked by {@link #assertOnlyGood2DeadLettered}.
     */
    private static List<ConsumerRecord<String, byte[]>> lowerTheBlockedLimitThenSend(FirewallConfig config,
            Map<String, byte[]> sends) throws Exception {
        limitBlockedTopic(config, 100);
        Thread.sleep(1_000); // the broker applies the topic's new config
        KafkaIT.send(config, sends);
        List<ConsumerRecord<String, byte[]>> out = outputs(config, sends.size());
        assertOnlyGood2DeadLettered(config, out);
        return out;
    }

    /** ALLOW, BLOCK, ALERT, ALLOW (the rule classifier), keyed by flow id. */
    private static Map<String, byte[]> fourFlows() {
        Map<String, byte[]> sends = new LinkedHashMap<>();
        sends.put("good-1", TestFlows.bytes(TestFlows.flow("good-1", "10.9.0.1", T0, 500, 5)));
        sends.put("good-2", TestFlows.bytes(TestFlows.flow("good-2", "10.9.0.2", T0 + 1, 500, 5000)));
        sends.put("good-3", TestFlows.bytes(TestFlows.flow("good-3", "10.9.0.3", T0 + 2, 500, 200)));
        sends.put("good-4", TestFlows.bytes(TestFlows.flow("good-4", "10.9.0.4", T0 + 3, 500, 5)));
        return sends;
    }

    /** Sets the blocked topic's {@code max.message.bytes}. */
    private static void limitBlockedTopic(FirewallConfig config, int bytes) throws Exception {
        setTopicConfig(config, config.blockedTopic(), "max.message.bytes", Integer.toString(bytes));
    }

    /** Sets one of {@code topic}'s settings on {@code config}'s cluster. */
    private static void setTopicConfig(FirewallConfig config, String topic, String key, String value) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers()))) {
            admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, topic),
                    List.of(new AlterConfigOp(new ConfigEntry(key, value), AlterConfigOp.OpType.SET)))).all().get();
        }
    }

    /** Sends one raw record to the input topic, with producer settings {@code extra}, acknowledged. */
    private static void sendRaw(FirewallConfig config, org.apache.kafka.clients.producer.ProducerRecord<String, byte[]> r,
                                Map<String, Object> extra) throws Exception {
        java.util.Properties p = new java.util.Properties();
        p.put(org.apache.kafka.clients.producer.ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.putAll(extra);
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<>(p,
                new org.apache.kafka.common.serialization.StringSerializer(),
                new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            producer.send(r).get();
        }
    }

    /** The outputs of {@code n} flows, then 2 s more to see that nothing else comes (no repeats). */
    private static List<ConsumerRecord<String, byte[]>> outputs(FirewallConfig config, int n) throws Exception {
        List<String> topics = List.of(config.allowedTopic(), config.blockedTopic(), config.alertedTopic(),
                config.dlqTopic());
        KafkaIT.readUntil(config.bootstrapServers(), topics, n, Duration.ofMinutes(2));
        Thread.sleep(2_000);
        return KafkaIT.readUntil(config.bootstrapServers(), topics, n + 1, Duration.ofSeconds(5));
    }

    /**
     * An output topic the cluster does not know (a typo, on a cluster that does not create topics on
     * first use): the producer's answer, "not present in metadata" after {@code max.block.ms}, is a
     * retriable error, yet retrying cannot help. The handler asks the cluster ({@link TopicCheck}),
     * which says it does not know the topic, and the firewall stops with the topic in its error instead
     * of retrying forever — at least once here, where a retried task would otherwise loop while the
     * client stays RUNNING (without the check: still RUNNING after 90 s, 30 retries).
     */
    @Test
    void aMissingOutputTopicStopsTheFirewallWithTheTopicInItsError() throws Exception {
        try (EmbeddedKafka strict = EmbeddedKafka.builder().config("auto.create.topics.enable", "false").start()) {
            FirewallConfig created = KafkaIT.topicsAndConfig(strict, "missing", 1, Map.of(
                    "streams.processing.guarantee", "at_least_once", "streams.producer.max.block.ms", "3000"));
            String missing = created.allowedTopic() + "-typo";
            FirewallConfig config = created.with(Map.of(FirewallConfig.TOPIC_ALLOWED, missing));
            try (TopicCheck check = TopicCheck.create(config)) {
                assertEquals(TopicCheck.Answer.EXISTS, check.ask(config.blockedTopic()));
                assertEquals(TopicCheck.Answer.MISSING, check.ask(missing));
            }
            try (var metrics = FirewallMetrics.prometheus(RuleClassifier.CLASSES);
                 FirewallApp app = KafkaIT.startRuleFirewall(config, metrics)) {
                // an allowed flow: its verdict is for the missing topic
                KafkaIT.send(config, Map.of("good-1", TestFlows.bytes(TestFlows.flow("good-1", "10.9.0.1", T0, 500, 5))));
                long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
                while (app.state() != KafkaStreams.State.ERROR && System.nanoTime() < deadline) {
                    Thread.sleep(200);
                }
                assertEquals(KafkaStreams.State.ERROR, app.state(), "the firewall stopped");
                StringBuilder causes = new StringBuilder();
                for (Throwable t = app.failure(); t != null; t = t.getCause()) {
                    causes.append(t).append(" | ");
                }
                assertTrue(causes.toString().contains("Topic " + missing + " not present in metadata"), causes.toString());
                assertEquals(0.0, metrics.registry().get("sif.production.retries").counter().count(),
                        "not retried: retrying cannot create the topic");
            }
        }
    }
}
