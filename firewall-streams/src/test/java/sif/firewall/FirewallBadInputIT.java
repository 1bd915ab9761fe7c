package sif.firewall;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static sif.firewall.TestFlows.T0;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import sif.firewall.metrics.FirewallMetrics;
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
        sends.put("nan", TestFlows.bytes(TestFlows.withFeature(good, "flowIATStd", Double.NaN)));
        sends.put("pos-inf", TestFlows.bytes(TestFlows.withFeature(good, "flowPacketsPerSec", Double.POSITIVE_INFINITY)));
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
            var snapshot = metrics.snapshot();
            assertEquals(15, snapshot.flowsIn());
            assertEquals(11, snapshot.dlq());
            assertEquals(2, snapshot.allowed());
            assertEquals(1, snapshot.blocked());
            assertEquals(1, snapshot.alerts());
        }
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
