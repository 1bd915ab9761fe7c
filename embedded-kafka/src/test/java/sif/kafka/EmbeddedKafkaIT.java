package sif.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real in-JVM KRaft broker: topics, exactly-once transactions, stop/restart on the same port and data. */
class EmbeddedKafkaIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @Test
    void createsTopicsAndRunsTransactions() throws Exception {
        Path dir;
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            dir = kafka.logDir();
            assertTrue(kafka.bootstrapServers().startsWith("127.0.0.1:"));
            kafka.createTopics(Map.of("eos", 3, "plain", 2));
            kafka.createTopic("state", 1, true);
            kafka.createTopic("state", 1, true); // existing: left as it is

            try (Admin admin = Admin.create(kafka.clientConfig())) {
                Map<String, TopicDescription> d = admin.describeTopics(List.of("eos", "plain", "state")).allTopicNames()
                        .get(30, TimeUnit.SECONDS);
                assertEquals(3, d.get("eos").partitions().size());
                assertEquals(2, d.get("plain").partitions().size());
                ConfigResource state = new ConfigResource(ConfigResource.Type.TOPIC, "state");
                Config cfg = admin.describeConfigs(List.of(state)).all().get(30, TimeUnit.SECONDS).get(state);
                assertEquals("compact", cfg.get("cleanup.policy").value());
            }

            EosRoundTrip.produce(kafka.bootstrapServers(), "eos", List.of("a", "b"), List.of("aborted"));
            assertEquals(List.of("a", "b"), EosRoundTrip.readCommitted(kafka.bootstrapServers(), "eos", TIMEOUT));
        }
        assertFalse(Files.exists(dir), "temporary log dir deleted on close");
    }

    /**
     * Right after {@code createTopics} returns, every partition takes a produce request at once: a producer
     * that never retries (no idempotence, {@code retries=0}) has one record per partition acknowledged, where
     * a partition the broker had published but not yet made fails with {@code NOT_LEADER_OR_FOLLOWER}; and an
     * idempotent producer with five requests in flight has all 300 records acknowledged (KAFKA-15591 lost
     * such a producer's first batch).
     */
    @Test
    void justCreatedTopicsTakeWritesAtOnce() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            Map<String, Object> probeCfg = kafka.clientConfig();
            probeCfg.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
            probeCfg.put(ProducerConfig.RETRIES_CONFIG, 0);
            probeCfg.put(ProducerConfig.ACKS_CONFIG, "all");
            probeCfg.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
            probeCfg.put(ProducerConfig.LINGER_MS_CONFIG, 0);
            Map<String, Object> producerCfg = kafka.clientConfig();
            producerCfg.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            producerCfg.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
            producerCfg.put(ProducerConfig.LINGER_MS_CONFIG, 0);
            producerCfg.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000);
            producerCfg.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 20_000);
            try (KafkaProducer<String, String> probe = new KafkaProducer<>(probeCfg, new StringSerializer(),
                         new StringSerializer());
                 KafkaProducer<String, String> producer = new KafkaProducer<>(producerCfg, new StringSerializer(),
                         new StringSerializer())) {
                for (int t = 0; t < 20; t++) {
                    String topic = "fresh-" + t;
                    kafka.createTopics(Map.of(topic, 3));
                    sendToEachOfThreePartitions(probe, topic, 3); // NotLeaderOrFollowerException if not yet made
                    String next = "fresh-idempotent-" + t;
                    kafka.createTopics(Map.of(next, 3));
                    sendToEachOfThreePartitions(producer, next, 300); // throws on an expired batch
                }
            }
            try (Admin admin = Admin.create(kafka.clientConfig())) {
                var e = assertThrows(java.util.concurrent.TimeoutException.class,
                        () -> sif.schemas.PartitionReadiness.await(admin, List.of("never-created"), Duration.ofSeconds(1)));
                assertTrue(e.getMessage().contains("never-created"), e.getMessage());
            }
        }
    }

    /** Sends {@code n} records round-robin to partitions 0–2 and waits for every acknowledgement. */
    private static void sendToEachOfThreePartitions(KafkaProducer<String, String> producer, String topic, int n)
            throws Exception {
        List<Future<RecordMetadata>> sends = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            sends.add(producer.send(new ProducerRecord<>(topic, i % 3, null, "v" + i)));
        }
        for (Future<RecordMetadata> f : sends) {
            f.get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void runsInAJvmOfItsOwn(@TempDir Path dir) throws Exception {
        ProcessHandle child;
        try (BrokerProcess kafka = BrokerProcess.start(dir.resolve("data"), List.of("-Xmx512m"), dir.resolve("broker.log"),
                TIMEOUT)) {
            child = ProcessHandle.of(kafka.pid()).orElseThrow();
            assertTrue(child.isAlive());
            assertTrue(kafka.pid() != ProcessHandle.current().pid(), "another process");
            kafka.createTopics(Map.of("eos", 2));
            kafka.createTopic("state", 1, true);
            try (Admin admin = Admin.create(kafka.clientConfig())) {
                assertEquals(2, admin.describeTopics(List.of("eos")).allTopicNames().get(30, TimeUnit.SECONDS)
                        .get("eos").partitions().size());
            }
            EosRoundTrip.produce(kafka.bootstrapServers(), "eos", List.of("a", "b"), List.of("aborted"));
            assertEquals(List.of("a", "b"), EosRoundTrip.readCommitted(kafka.bootstrapServers(), "eos", TIMEOUT));
            assertTrue(Files.readString(kafka.log()).contains("BOOTSTRAP=" + kafka.bootstrapServers()));
        }
        assertFalse(child.isAlive(), "the broker process ends with close()");
        assertTrue(Files.isDirectory(dir.resolve("data")), "a given log directory is kept");
    }

    @Test
    void aBrokerProcessThatCannotStartIsReportedWithItsOutput(@TempDir Path dir) {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> BrokerProcess.start(dir.resolve("data"),
                List.of("-Xmx1k"), dir.resolve("broker.log"), TIMEOUT));
        assertTrue(e.getMessage().contains("exited"), e.getMessage());
    }

    @Test
    void goesAwayAndComesBackOnTheSamePortWithItsData(@TempDir Path dir) throws Exception {
        int port;
        int controllerPort;
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().logDir(dir).start()) {
            port = kafka.brokerPort();
            controllerPort = kafka.controllerPort();
            kafka.createTopics(Map.of("kept", 1));
            EosRoundTrip.produce(kafka.bootstrapServers(), "kept", List.of("before"), List.of());

            kafka.stop();
            assertFalse(kafka.isRunning());
            Map<String, Object> cfg = kafka.clientConfig();
            cfg.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 1500);
            cfg.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 1000);
            try (Admin admin = Admin.create(cfg)) {
                assertThrows(ExecutionException.class, () -> admin.describeCluster().nodes().get(),
                        "no broker while stopped");
            }
            assertThrows(IllegalStateException.class, () -> kafka.createTopics(Map.of("x", 1)));

            kafka.restart();
            assertEquals("127.0.0.1:" + port, kafka.bootstrapServers());
            EosRoundTrip.produce(kafka.bootstrapServers(), "kept", List.of("after"), List.of());
            assertEquals(List.of("before", "after"), EosRoundTrip.readCommitted(kafka.bootstrapServers(), "kept", TIMEOUT));
        }
        assertTrue(Files.isDirectory(dir), "a given log dir is kept");

        // a new instance on the same ports and directory finds the data
        try (EmbeddedKafka again = EmbeddedKafka.builder().brokerPort(port).controllerPort(controllerPort).logDir(dir)
                .start()) {
            try (Admin admin = Admin.create(again.clientConfig())) {
                Set<String> names = admin.listTopics().names().get(30, TimeUnit.SECONDS);
                assertTrue(names.contains("kept"), names.toString());
            }
            assertEquals(List.of("before", "after"), EosRoundTrip.readCommitted(again.bootstrapServers(), "kept", TIMEOUT));
        }
    }
}
