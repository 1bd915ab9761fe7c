package sif.firewall.trust;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import sif.firewall.FirewallConfig;
import sif.kafka.EmbeddedKafka;
import sif.kafka.KafkaBroker;
import sif.policy.PolicyEngine;
import sif.schemas.avro.NetworkFlow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The trust module on a real broker across restarts. One that wipes local state: the per-source
 * counters come back from the changelog and the identities from the identity topic (replayed
 * through the global store's updater), so the 21st flow after the restart is STALE and only one
 * challenge is ever sent. One that keeps it: a policy pushed on the policy topic is still in force
 * (a persistent global store would resume from its checkpoint and never hand the document to the
 * new process's engine), and a later tombstone still reverts it.
 */
class ZeroTrustRestartIT {

    static EmbeddedKafka kafka;

    @BeforeAll
    static void start() {
        kafka = EmbeddedKafka.start();
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void countersAndIdentitiesSurviveARestartWithWipedState() throws Exception {
        String p = "ztit-" + UUID.randomUUID().toString().substring(0, 8) + ".";
        kafka.createTopics(Map.of("flows", 1, "trusted", 1, p + "challenges", 1));
        kafka.createTopic(p + "identity", 1, true);
        FirewallConfig config = FirewallConfig.of(Map.of(
                FirewallConfig.APPLICATION_ID, p + "app",
                FirewallConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers(),
                TrustConfig.IDENTITY_TOPIC, p + "identity",
                TrustConfig.CHALLENGES_TOPIC, p + "challenges",
                TrustConfig.MAX_FLOWS, "20"));
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, p + "app");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "100");
        props.put(StreamsConfig.STATE_DIR_CONFIG, System.getProperty("java.io.tmpdir") + "/sif-it-state/" + p);
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        // Streams members do not leave the group on close: keep the wait for the old member short
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), "6000");
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), "1000");

        try (KafkaProducer<String, NetworkFlow> flows = new KafkaProducer<>(kafka.clientConfig(),
                new StringSerializer(), ZeroTrustStepTest.FLOW_SERDE.serializer());
             KafkaProducer<String, sif.schemas.avro.IdentityEvent> ids = new KafkaProducer<>(kafka.clientConfig(),
                     new StringSerializer(), ZeroTrustStepTest.IDENTITY_SERDE.serializer());
             KafkaConsumer<String, String> out = consumer("trusted", p + "out");
             KafkaConsumer<String, String> challenges = consumer(p + "challenges", p + "ch")) {
            var issued = ZeroTrustStepTest.issued("s1", ZeroTrustStepTest.T0);
            ids.send(new ProducerRecord<>(p + "identity", null, issued.eventTimeMs(), issued.principal(),
                    IdentityEvents.toAvro(issued))).get();
            for (int i = 1; i <= 15; i++) {
                send(flows, "a" + i, ZeroTrustStepTest.T0 + i);
            }
            KafkaStreams first = started(ZeroTrustStepTest.topology(config), props);
            List<String> before = read(out, 15);
            first.close(Duration.ofSeconds(30));
            first.cleanUp(); // wipe local state: the restart must restore from Kafka
            assertEquals(15, before.stream().filter(s -> s.startsWith("TRUSTED|")).count(), before.toString());

            for (int i = 16; i <= 22; i++) {
                send(flows, "a" + i, ZeroTrustStepTest.T0 + i);
            }
            KafkaStreams second = started(ZeroTrustStepTest.topology(config), props);
            try {
                List<String> after = read(out, 7);
                assertEquals(List.of("TRUSTED", "TRUSTED", "TRUSTED", "TRUSTED", "TRUSTED", "STALE", "STALE"),
                        after.stream().map(s -> s.substring(0, s.indexOf('|'))).toList(), after.toString());
                assertEquals(1, read(challenges, 1).size());
                assertTrue(challenges.poll(Duration.ofSeconds(2)).isEmpty(), "only one challenge");
            } finally {
                second.close(Duration.ofSeconds(30));
            }
        }
    }

    private static void send(KafkaProducer<String, NetworkFlow> producer, String id, long t) throws Exception {
        producer.send(new ProducerRecord<>("flows", null, t, ZeroTrustStepTest.HOST,
                ZeroTrustStepTest.flow(id, ZeroTrustStepTest.HOST, t))).get();
    }

    @Test
    void aPushedPolicySurvivesARestartThatKeepsLocalState() throws Exception {
        String p = "pfit-" + UUID.randomUUID().toString().substring(0, 8) + ".";
        kafka.createTopic(p + "policy", 1, true);
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, p + "app");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory("sif-policy-feed").toString());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(kafka.clientConfig(),
                new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(p + "policy", "current", "version: pushed-v7\n")).get();

            PolicyEngine first = PolicyEngine.withDefaults();
            KafkaStreams one = started(policyOnly(p + "policy", first), props);
            awaitVersion(first, "pushed-v7");
            one.close(Duration.ofSeconds(30)); // no cleanUp(): the state directory stays, as on a pod restart

            PolicyEngine second = PolicyEngine.withDefaults();
            KafkaStreams two = started(policyOnly(p + "policy", second), props);
            try {
                awaitVersion(second, "pushed-v7");
                producer.send(new ProducerRecord<>(p + "policy", "current", null)).get();
                awaitVersion(second, PolicyEngine.withDefaults().current().version());
            } finally {
                two.close(Duration.ofSeconds(30));
            }
        }
    }

    /**
     * Documents on the policy topic that are broken, careless or hostile — a null port (which once threw a
     * NullPointerException out of the global thread's updater and stopped the application), a repeated
     * key, an alias bomb, Java type tags — are each rejected; the application keeps running and the
     * next good document is applied.
     */
    @Test
    void badPolicyDocumentsAreRejectedAndTheNextGoodOneApplies() throws Exception {
        String p = "pbad-" + UUID.randomUUID().toString().substring(0, 8) + ".";
        kafka.createTopic(p + "policy", 1, true);
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, p + "app");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory("sif-policy-bad").toString());
        PolicyEngine engine = PolicyEngine.withDefaults();
        KafkaStreams streams = started(policyOnly(p + "policy", engine), props);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(kafka.clientConfig(),
                new StringSerializer(), new StringSerializer())) {
            for (String bad : List.of(
                    "version: bad-1\ndeny: [{id: a, ports: [~]}]\n",
                    "version: bad-2\nsegmentation: [{principal: p, allow: [~]}]\n",
                    "version: bad-3\nversion: bad-4\n",
                    "a: &a [x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\n"
                            + "c: &c [*b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c]\n",
                    "version: !!javax.script.ScriptEngineManager [!!java.net.URLClassLoader [[!!java.net.URL "
                            + "[\"http://127.0.0.1:1/\"]]]]\n")) {
                producer.send(new ProducerRecord<>(p + "policy", "current", bad)).get();
            }
            producer.send(new ProducerRecord<>(p + "policy", "current", "version: good-after-bad\n")).get();
            awaitVersion(engine, "good-after-bad");
            assertEquals(KafkaStreams.State.RUNNING, streams.state());
        } finally {
            streams.close(Duration.ofSeconds(30));
        }
    }

    private static Topology policyOnly(String topic, PolicyEngine engine) {
        StreamsBuilder builder = new StreamsBuilder();
        PolicyFeed.addTo(builder, topic, engine);
        return builder.build();
    }

    private static void awaitVersion(PolicyEngine engine, String version) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!version.equals(engine.current().version()) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(version, engine.current().version());
    }

    /** Starts {@code topology} and waits (up to 60 s) until it is RUNNING. */
    static KafkaStreams started(Topology topology, Properties props) throws Exception {
        KafkaStreams streams = new KafkaStreams(topology, props);
        CountDownLatch running = new CountDownLatch(1);
        streams.setStateListener((now, old) -> {
            if (now == KafkaStreams.State.RUNNING) {
                running.countDown();
            }
        });
        streams.start();
        assertTrue(running.await(60, TimeUnit.SECONDS), "streams did not reach RUNNING");
        return streams;
    }

    private static KafkaConsumer<String, String> consumer(String topic, String group) {
        return consumer(kafka, topic, group);
    }

    /** A read_committed String consumer of {@code topic} on {@code broker}, from the beginning. */
    static KafkaConsumer<String, String> consumer(KafkaBroker broker, String topic, String group) {
        Map<String, Object> c = new java.util.HashMap<>(broker.clientConfig());
        c.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c, new StringDeserializer(),
                new StringDeserializer());
        consumer.subscribe(List.of(topic));
        return consumer;
    }

    private static List<String> read(KafkaConsumer<String, String> consumer, int n) {
        List<String> values = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (values.size() < n && System.nanoTime() < deadline) {
            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                values.add(r.value());
            }
        }
        assertEquals(n, values.size(), "records read: " + values);
        return values;
    }
}
