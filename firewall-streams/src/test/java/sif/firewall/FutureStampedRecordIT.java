package sif.firewall;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import sif.firewall.metrics.FirewallMetrics;
import sif.kafka.EmbeddedKafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * On a real broker: a flows topic that takes records stamped far ahead (message.timestamp.after.max.ms
 * raised, or a pre-4.0 broker's default). Before {@link FutureStampGuard}, the firewall dead-lettered such
 * a record, but its timestamp still moved the task's stream time; the blocklist expiry it triggered
 * stamped the tombstone 2 h ahead, which the blocklist topic (Kafka 4's default: 1 h) refused, stopping
 * the firewall under exactly-once.
 */
class FutureStampedRecordIT {

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
    void aRejectedFarFutureRecordDoesNotStopTheFirewall() throws Exception {
        String p = "fut-" + UUID.randomUUID().toString().substring(0, 8) + ".";
        kafka.createTopic(p + "flows", 1, Map.of("message.timestamp.after.max.ms", Long.toString(Long.MAX_VALUE)));
        kafka.createTopics(Map.of(p + "allowed", 1, p + "blocked", 1, p + "alerts", 1, p + "dlq", 1));
        FirewallConfig config = FirewallConfig.of(KafkaIT.trustTopics(kafka, p, KafkaIT.settings(kafka,
                p + "firewall", p, Path.of(System.getProperty("java.io.tmpdir"), "sif-it-state", p))));
        RuleClassifier classifier = new RuleClassifier();
        try (var metrics = FirewallMetrics.prometheus(classifier.info().classNames())) {
            FirewallWiring w = FirewallWiring.standard(config, classifier, metrics);
            try (FirewallApp app = new FirewallApp(config, classifier, w.policy(), w.extensions().withMetrics(metrics))) {
                app.start();
                assertEquals(true, app.awaitRunning(Duration.ofSeconds(60)), "running");
                long now = System.currentTimeMillis();
                long e0 = now - 30 * 60_000L;
                Properties pp = new Properties();
                pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
                try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(pp, new StringSerializer(),
                        new ByteArraySerializer())) {
                    // UNKNOWN source: BLOCKed at event time e0 (blocklist TTL 10 min)
                    producer.send(new ProducerRecord<>(p + "flows", 0, now, "172.16.0.1",
                            TestFlows.bytes(TestFlows.flow("a1", "172.16.0.1", e0, 500, 5)))).get();
                    // event time moves past the TTL; same record timestamp: no stream-time punctuation
                    producer.send(new ProducerRecord<>(p + "flows", 0, now, "10.0.0.7",
                            TestFlows.bytes(TestFlows.flow("b1", "10.0.0.7", e0 + 11 * 60_000L, 500, 5)))).get();
                    // a sensor with a clock 2 h ahead: dead-lettered (bad-timestamp); stream time stays
                    producer.send(new ProducerRecord<>(p + "flows", 0, now + 2 * 3_600_000L, "10.0.0.8",
                            TestFlows.bytes(TestFlows.flow("c1", "10.0.0.8", e0 + 11 * 60_000L, 500, 5)))).get();
                    // a good record 11 s later: stream time passes the 10 s expiry interval
                    producer.send(new ProducerRecord<>(p + "flows", 0, now + 11_000L, "10.0.0.7",
                            TestFlows.bytes(TestFlows.flow("b2", "10.0.0.7", e0 + 11 * 60_000L + 1, 500, 5)))).get();
                }
                List<ConsumerRecord<String, byte[]>> out = KafkaIT.readUntil(config.bootstrapServers(),
                        List.of(config.allowedTopic(), config.blockedTopic(), config.alertedTopic(), config.dlqTopic()),
                        4, Duration.ofSeconds(60));
                // every source here is unknown (no identity): 172.16.0.1 and 10.0.0.7 are blocked
                List<ConsumerRecord<String, byte[]>> blocklist = KafkaIT.readUntil(config.bootstrapServers(),
                        List.of(p + "blocklist"), 3, Duration.ofSeconds(60)).stream()
                        .filter(r -> r.key().equals("172.16.0.1")).toList();
                String seen = "blocklist: " + blocklist.stream().map(r -> r.key() + "@now+" + (r.timestamp() - now)
                        + "=" + (r.value() == null ? "tombstone" : "entry")).toList();
                assertEquals(KafkaStreams.State.RUNNING, app.state(), "firewall after one dead-lettered record "
                        + "stamped 2 h ahead; failure: " + app.failure() + "; threads replaced: " + app.replacedThreads());
                assertEquals(4, out.size(), "every flow has one outcome");
                List<ConsumerRecord<String, byte[]>> dead = out.stream()
                        .filter(r -> r.topic().equals(config.dlqTopic())).toList();
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
}
