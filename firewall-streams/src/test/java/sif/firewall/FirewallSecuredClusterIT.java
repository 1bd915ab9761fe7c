package sif.firewall;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static sif.firewall.TestFlows.T0;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sif.firewall.metrics.BrokerProbe;
import sif.kafka.EmbeddedKafka;
import sif.kafka.ExternalKafka;

/**
 * The firewall on a cluster that requires authentication (SASL/PLAIN on a real broker): the security
 * settings given once as {@code streams.*} keys reach every client the firewall opens — Kafka
 * Streams, the dead-letter producer of the exception handlers and the readiness probe — so bad
 * records, records the policy failed on, and records the handlers dead-letter all land in the DLQ
 * (nothing lost), and the probe sees the cluster. A client without them is refused.
 */
class FirewallSecuredClusterIT {

    private static final String ADMIN_JAAS = "org.apache.kafka.common.security.plain.PlainLoginModule required "
            + "username=\"admin\" password=\"admin-secret\" user_admin=\"admin-secret\" user_sif=\"sif-secret\";";
    private static final Map<String, String> SIF_CLIENT = Map.of(
            "security.protocol", "SASL_PLAINTEXT",
            "sasl.mechanism", "PLAIN",
            "sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required "
                    + "username=\"sif\" password=\"sif-secret\";");

    @Test
    void everyClientOfTheFirewallAuthenticatesAndBadRecordsStillReachTheDlq(@TempDir Path dir) throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().logDir(dir.resolve("kafka"))
                // the client listener (named PLAINTEXT by EmbeddedKafka) speaks SASL_PLAINTEXT; the controller stays plain
                .config("listener.security.protocol.map", "PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT")
                .config("sasl.enabled.mechanisms", "PLAIN")
                .config("sasl.mechanism.inter.broker.protocol", "PLAIN")
                .config("listener.name.plaintext.plain.sasl.jaas.config", ADMIN_JAAS)
                .clientConfig("security.protocol", "SASL_PLAINTEXT")
                .clientConfig("sasl.mechanism", "PLAIN")
                .clientConfig("sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required "
                        + "username=\"admin\" password=\"admin-secret\";")
                .start()) {
            assertPlaintextClientRefused(kafka.bootstrapServers());

            ExternalKafka cluster = new ExternalKafka(kafka.bootstrapServers(), SIF_CLIENT);
            Map<String, String> extra = new HashMap<>();
            SIF_CLIENT.forEach((k, v) -> extra.put(FirewallConfig.STREAMS_PREFIX + k, v));
            FirewallConfig config = KafkaIT.topicsAndConfig(cluster, "secured", 1, extra);
            assertEquals(SIF_CLIENT, config.clientSecurity(), "the security settings among the streams.* keys");

            RuleClassifier classifier = new RuleClassifier();
            // a policy that fails on one source (with pipelined inference, forwarded from the punctuator)
            Policy failing = in -> {
                if (in.srcIp().equals("10.7.0.66")) {
                    throw new IllegalStateException("policy bug for " + in.srcIp());
                }
                return FirewallTopology.defaultPolicy(config, classifier.info()).decide(in);
            };
            byte[] boom = TestFlows.bytes(TestFlows.flow("boom", "10.7.0.66", T0, 500, 5));
            try (FirewallApp app = new FirewallApp(config, classifier, failing, FirewallExtensions.defaults());
                 BrokerProbe probe = BrokerProbe.start(config.clusterClientConfig(), Duration.ofMillis(500),
                         Duration.ofSeconds(5))) {
                app.start();
                assertTrue(app.awaitRunning(Duration.ofSeconds(60)), "the firewall joined the secured cluster");
                Properties p = new Properties();
                p.putAll(cluster.clientConfig());
                try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(),
                        new ByteArraySerializer())) {
                    producer.send(new ProducerRecord<>(config.inputTopic(), "good",
                            TestFlows.bytes(TestFlows.flow("good", "10.9.0.1", T0, 500, 5)))).get();
                    producer.send(new ProducerRecord<>(config.inputTopic(), "garbage", "not Avro".getBytes())).get();
                    producer.send(new ProducerRecord<>(config.inputTopic(), "10.7.0.66", boom)).get(); // keyed by source, as flows are
                }
                List<ConsumerRecord<String, byte[]>> out = KafkaIT.readUntil(cluster.clientConfig(),
                        List.of(config.allowedTopic(), config.blockedTopic(), config.alertedTopic(), config.dlqTopic()),
                        3, Duration.ofMinutes(1));
                assertEquals(3, out.size(), "one output per input record");
                Map<String, ConsumerRecord<String, byte[]>> dlq = new HashMap<>();
                KafkaIT.ofTopic(out, config.dlqTopic()).forEach(r -> dlq.put(r.key(), r));
                assertEquals(Set.of("garbage", "10.7.0.66"), dlq.keySet());
                assertEquals(DlqReason.UNDECODABLE, DlqHeaders.get(dlq.get("garbage").headers(), DlqHeaders.REASON));
                assertEquals(DlqReason.POLICY_FAILED, DlqHeaders.get(dlq.get("10.7.0.66").headers(), DlqHeaders.REASON));
                assertArrayEquals(boom, dlq.get("10.7.0.66").value(), "the failed flow's original bytes");
                assertEquals(1, KafkaIT.ofTopic(out, config.allowedTopic()).size());
                assertEquals(KafkaStreams.State.RUNNING, app.state());

                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (!probe.status().reachable() && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                assertTrue(probe.status().reachable(), "the readiness probe authenticates too: " + probe.status());
            }

            // the exception handlers' own producer (a record Kafka Streams could not process or produce)
            try (DlqPublisher publisher = DlqPublisher.create(config)) {
                publisher.publish("handler".getBytes(), "original bytes".getBytes(), DlqHeaders.add(new RecordHeaders(),
                        DlqReason.PROCESSING_ERROR, "test", "test", config.inputTopic(), 0, 99));
            }
            List<ConsumerRecord<String, byte[]>> dlq = KafkaIT.readUntil(cluster.clientConfig(), List.of(config.dlqTopic()),
                    3, Duration.ofMinutes(1));
            assertEquals(List.of("garbage", "10.7.0.66", "handler"), dlq.stream().map(ConsumerRecord::key).toList(),
                    "the DLQ publisher authenticated with the streams.* settings and its record arrived");
        }
    }

    /** Without the security settings the broker does not answer: the cluster really is secured. */
    private static void assertPlaintextClientRefused(String bootstrap) {
        Map<String, Object> plain = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000);
        try (Admin admin = Admin.create(plain)) {
            Exception e = assertThrows(Exception.class, () -> admin.listTopics().names().get(10, TimeUnit.SECONDS));
            assertFalse(e instanceof InterruptedException, e.toString());
            assertTrue(e instanceof ExecutionException || e instanceof TimeoutException, e.toString());
        }
    }
}
