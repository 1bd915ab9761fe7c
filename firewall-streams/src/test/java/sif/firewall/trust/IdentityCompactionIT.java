package sif.firewall.trust;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import sif.firewall.FirewallConfig;
import sif.firewall.TopicCheck;
import sif.kafka.EmbeddedKafka;
import sif.schemas.Topics;
import sif.schemas.avro.NetworkFlow;
import sif.trust.IdentityEvent;
import sif.trust.IdentityEventType;

/**
 * What log compaction of the identity topic does to a firewall that rebuilds its identity store, on
 * a real broker whose log cleaner really runs. A principal's credential s1 is issued, revoked, and
 * then a late copy of an older ISSUED(s1) arrives: a firewall that saw all three treats s1 as
 * revoked (revocation is sticky). With the broker's default {@code min.compaction.lag.ms} (0) the
 * cleaner leaves only the late ISSUED, and a firewall started on a fresh state directory trusts the
 * revoked credential. With the topic as SIF creates it ({@link Topics#creationConfig}: a one-day lag
 * in broker time) the cleaner keeps all three and the rebuilt firewall still says REVOKED. The start
 * check ({@link IdentityTopicCheck}) warns about the first topic and not the second.
 */
class IdentityCompactionIT {

    static EmbeddedKafka kafka;

    @BeforeAll
    static void start() {
        // the cleaner looks for work every 200 ms instead of every 15 s
        kafka = EmbeddedKafka.builder().config("log.cleaner.backoff.ms", "200").start();
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    static final String P = ZeroTrustStepTest.P;
    static final long T0 = ZeroTrustStepTest.T0;
    static final long MIN = 60_000L;

    @Test
    void aRevocationSurvivesCompactionOnlyWithTheCompactionLag() throws Exception {
        String p = "idc-" + UUID.randomUUID().toString().substring(0, 8) + ".";
        Map<String, String> fast = Map.of("segment.ms", "100", "min.cleanable.dirty.ratio", "0.01");
        Map<String, String> brokerDefault = new HashMap<>(fast);
        brokerDefault.put("cleanup.policy", "compact");
        Map<String, String> asSifCreatesIt = new HashMap<>(fast);
        asSifCreatesIt.putAll(Topics.defaults().creationConfig("identity"));
        kafka.createTopic(p + "identity.default", 1, brokerDefault);
        kafka.createTopic(p + "identity.sif", 1, asSifCreatesIt);

        for (String topic : List.of(p + "identity.default", p + "identity.sif")) {
            publish(topic);
        }
        // the cleaner compacts the default topic down to the late ISSUED; the SIF topic keeps all three
        awaitRecordsOf(p + "identity.default", 1);
        assertEquals(3, recordsOf(p + "identity.sif"), "nothing younger than the lag is compacted");

        assertEquals("TRUSTED", rebuiltStatus(p, p + "identity.default"),
                "precondition: the compacted topic alone trusts the revoked credential");
        assertEquals("REVOKED", rebuiltStatus(p, p + "identity.sif"));

        FirewallConfig config = FirewallConfig.of(Map.of(FirewallConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers(),
                FirewallConfig.APPLICATION_ID, p + "check"));
        TrustConfig tc = TrustConfig.defaults();
        try (TopicCheck check = TopicCheck.create(config)) {
            String warning = IdentityTopicCheck.problem(p + "identity.default",
                    check.configOf(p + "identity.default"), tc);
            assertNotNull(warning);
            assertTrue(warning.contains("min.compaction.lag.ms=0"), warning);
            assertNull(IdentityTopicCheck.problem(p + "identity.sif", check.configOf(p + "identity.sif"), tc));
        }
    }

    /** ISSUED(s1) at T0, REVOKED(s1) at T0+2 min, then a late ISSUED(s1) of T0+1 min; then fillers that close the segment. */
    private static void publish(String topic) throws Exception {
        IdentityEvent issued = ZeroTrustStepTest.issued("s1", T0);
        IdentityEvent revoked = new IdentityEvent(P, IdentityEventType.REVOKED, List.of(), "s1", 0, 0, 0, "mTLS",
                T0 + 2 * MIN, true, null);
        IdentityEvent late = ZeroTrustStepTest.issued("s1", T0 + MIN);
        try (KafkaProducer<String, sif.schemas.avro.IdentityEvent> ids = new KafkaProducer<>(kafka.clientConfig(),
                new StringSerializer(), ZeroTrustStepTest.IDENTITY_SERDE.serializer())) {
            for (IdentityEvent e : List.of(issued, revoked, late)) {
                ids.send(new ProducerRecord<>(topic, P, IdentityEvents.toAvro(e))).get();
            }
            for (int i = 0; i < 2; i++) {
                Thread.sleep(300); // past segment.ms: the next append rolls the segment
                IdentityEvent other = new IdentityEvent("spiffe://filler/" + i, IdentityEventType.ISSUED,
                        List.of("10.9.9." + i), "f" + i, T0, T0 + 60 * MIN, T0, "mTLS", T0, true, null);
                ids.send(new ProducerRecord<>(topic, other.principal(), IdentityEvents.toAvro(other))).get();
            }
        }
    }

    private static int recordsOf(String topic) {
        Map<String, Object> c = new HashMap<>(kafka.clientConfig());
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            int count = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (consumer.position(tp) < end && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (P.equals(new String(r.key()))) {
                        count++;
                    }
                }
            }
            return count;
        }
    }

    private static void awaitRecordsOf(String topic, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        int seen = recordsOf(topic);
        while (seen != n && System.nanoTime() < deadline) {
            Thread.sleep(500);
            seen = recordsOf(topic);
        }
        assertEquals(n, seen, "records of " + P + " left in " + topic + " by the log cleaner");
    }

    /** The status a firewall with a new state directory gives a flow of the principal at T0+2.5 min. */
    private static String rebuiltStatus(String prefix, String identityTopic) throws Exception {
        String app = prefix + identityTopic.substring(prefix.length()) + ".app";
        String in = app + ".flows";
        String out = app + ".trusted";
        kafka.createTopics(Map.of(in, 1, out, 1, app + ".challenges", 1));
        FirewallConfig config = FirewallConfig.of(Map.of(
                FirewallConfig.APPLICATION_ID, app,
                FirewallConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers(),
                TrustConfig.IDENTITY_TOPIC, identityTopic,
                TrustConfig.CHALLENGES_TOPIC, app + ".challenges"));
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, app);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "100");
        props.put(StreamsConfig.STATE_DIR_CONFIG, java.nio.file.Files.createTempDirectory("sif-idc").toString());
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        KafkaStreams streams = null;
        try (KafkaProducer<String, NetworkFlow> flows = new KafkaProducer<>(kafka.clientConfig(),
                new StringSerializer(), ZeroTrustStepTest.FLOW_SERDE.serializer());
             KafkaConsumer<String, String> trusted = ZeroTrustRestartIT.consumer(kafka, out, app + ".out")) {
            // the global identity store is rebuilt from the topic before RUNNING
            streams = ZeroTrustRestartIT.started(ZeroTrustStepTest.topology(config, in, out), props);
            long t = T0 + 2 * MIN + 30_000;
            flows.send(new ProducerRecord<>(in, null, t, ZeroTrustStepTest.HOST,
                    ZeroTrustStepTest.flow("f1", ZeroTrustStepTest.HOST, t))).get();
            List<String> values = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (values.isEmpty() && System.nanoTime() < deadline) {
                trusted.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
            }
            assertEquals(1, values.size(), values.toString());
            return values.get(0).substring(0, values.get(0).indexOf('|'));
        } finally {
            if (streams != null) {
                streams.close(Duration.ofSeconds(30));
                streams.cleanUp();
            }
        }
    }
}
