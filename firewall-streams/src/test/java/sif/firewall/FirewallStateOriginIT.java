package sif.firewall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sif.firewall.metrics.FirewallMetrics;
import sif.firewall.trust.IdentityEvents;
import sif.kafka.EmbeddedKafka;
import sif.schemas.serde.AvroSerdes;
import sif.schemas.avro.Verdict;
import sif.trust.IdentityEvent;
import sif.trust.IdentityEventType;

/**
 * A firewall whose state directory outlives its cluster ({@code ./sif broker} makes a new cluster
 * on every start; a test or staging cluster is rebuilt; an identity topic is deleted and created
 * again). Kafka Streams resumes each store from the offset it checkpointed, which belongs to the old
 * topic. The global identity store then either fails (fewer events in the new topic: the checkpoint
 * is past its end, {@code OffsetOutOfRangeException}, the firewall stops in ERROR) or silently skips
 * the new topic's first events and keeps the old cluster's identities (more events). With
 * {@link StateOrigin} the firewall notices, wipes its local state and rebuilds it from the cluster:
 * every round below judges identities by the current cluster's events only, including the last,
 * on the same cluster after its identity topic was deleted and created again. (Without the check,
 * seen once: the second round judged its first flow UNKNOWN with the old store, then stopped in
 * ERROR; the third trusted a host that only the old cluster knew and not one the new cluster had
 * issued.)
 */
class FirewallStateOriginIT {

    static final long T0 = 1_499_443_200_000L; // 2017-07-07T16:00:00Z
    static final long MIN = 60_000L;

    @Test
    void stateBuiltFromAnotherClusterIsRebuiltFromTheNewOne(@TempDir Path dir) throws Exception {
        Path stateDir = dir.resolve("state");
        // cluster A: hosts .1 to .5 have identities (5 events); their flows are trusted
        String clusterA;
        try (EmbeddedKafka a = KafkaIT.startBroker()) {
            clusterA = round(a, stateDir, "a", List.of("10.1.0.1", "10.1.0.2", "10.1.0.3", "10.1.0.4", "10.1.0.5"),
                    Map.of("10.1.0.1", "TRUSTED", "10.1.0.5", "TRUSTED"));
        }
        // cluster B, fewer identity events (2) than A's checkpoint (5): without the check, ERROR at start
        String clusterB;
        try (EmbeddedKafka b = KafkaIT.startBroker()) {
            clusterB = round(b, stateDir, "b", List.of("10.2.0.1", "10.2.0.2"),
                    Map.of("10.2.0.1", "TRUSTED", "10.1.0.1", "UNKNOWN"));
        }
        // cluster C, more identity events (7) than B's checkpoint (2): without the check, the store
        // would skip C's first two events (10.3.0.1 UNKNOWN) and keep B's (10.2.0.1 TRUSTED)
        String clusterC;
        try (EmbeddedKafka c = KafkaIT.startBroker()) {
            clusterC = round(c, stateDir, "c", List.of("10.3.0.1", "10.3.0.2", "10.3.0.3", "10.3.0.4", "10.3.0.5",
                    "10.3.0.6", "10.3.0.7"), Map.of("10.3.0.1", "TRUSTED", "10.3.0.7", "TRUSTED", "10.2.0.1", "UNKNOWN"));
            // the same cluster, its identity topic deleted and created again with one event: a new topic id
            String before = topicId(c, "so.identity");
            try (Admin admin = Admin.create(c.clientConfig())) {
                admin.deleteTopics(List.of("so.identity")).all().get(30, TimeUnit.SECONDS);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (admin.listTopics().names().get(30, TimeUnit.SECONDS).contains("so.identity")
                        && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
            }
            assertEquals(clusterC, round(c, stateDir, "c2", List.of("10.4.0.1"),
                    Map.of("10.4.0.1", "TRUSTED", "10.3.0.1", "UNKNOWN")));
            assertNotEquals(before, topicId(c, "so.identity"));
        }
        assertNotEquals(clusterA, clusterB);
        assertNotEquals(clusterB, clusterC);
    }

    /**
     * On {@code kafka}: creates the topics (the flow and verdict topics named after {@code tag}), publishes an ISSUED identity for each of {@code hosts},
     * runs a firewall on {@code stateDir} until one flow from each host of {@code expected} got its
     * verdict, checks each verdict's identity status and the recorded origin; returns the cluster id.
     */
    private static String round(EmbeddedKafka kafka, Path stateDir, String tag, List<String> hosts,
                                Map<String, String> expected) throws Exception {
        String p = "so.";
        String flows = p + tag + "."; // the flow and verdict topics of this round
        Map<String, Integer> topics = new HashMap<>();
        for (String t : List.of("flows", "allowed", "blocked", "alerts", "dlq")) {
            topics.put(flows + t, 1);
        }
        kafka.createTopics(topics);
        // the same application in every round
        FirewallConfig config = FirewallConfig.of(KafkaIT.trustTopics(kafka, p,
                KafkaIT.settings(kafka, "so-firewall", flows, stateDir)));

        Serializer<sif.schemas.avro.IdentityEvent> ids =
                AvroSerdes.serde(sif.schemas.avro.IdentityEvent.class, config.serdeConfig(), false).serializer();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka.clientConfig(), new StringSerializer(),
                new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            for (String host : hosts) {
                IdentityEvent e = new IdentityEvent("spiffe://so/" + host, IdentityEventType.ISSUED, List.of(host),
                        "s-" + host, T0 - MIN, T0 + 60 * MIN, T0, "mTLS", T0, true, null);
                producer.send(new ProducerRecord<>(p + "identity", e.principal(),
                        ids.serialize(p + "identity", IdentityEvents.toAvro(e)))).get();
            }
        }
        RuleClassifier classifier = new RuleClassifier();
        try (var metrics = FirewallMetrics.prometheus(classifier.info().classNames())) {
            try (FirewallApp app = KafkaIT.startStandardFirewall(config, classifier, metrics)) {
                judge(kafka, config, expected);
                assertEquals(KafkaStreams.State.RUNNING, app.state());
            }
        }
        String clusterId;

        try (TopicCheck check = TopicCheck.create(config)) {
            clusterId = check.clusterId();
        }
        StateOrigin recorded = StateOrigin.read(stateDir.resolve("so-firewall"));
        assertNotNull(recorded, "the origin is recorded in the state directory");
        assertEquals(clusterId, recorded.clusterId());
        assertTrue(recorded.topicIds().containsKey(p + "identity"), recorded.toString());
        assertTrue(Files.isDirectory(stateDir.resolve("so-firewall")));
        return clusterId;
    }

    private static String topicId(EmbeddedKafka kafka, String topic) throws Exception {
        try (Admin admin = Admin.create(kafka.clientConfig())) {
            return admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic)
                    .topicId().toString();
        }
    }

    /** Sends one flow from each source of {@code expected} and checks the identity status of its verdict. */
    private static void judge(EmbeddedKafka kafka, FirewallConfig config, Map<String, String> expected) throws Exception {
        Map<String, byte[]> flows = new java.util.LinkedHashMap<>();
        int i = 0;
        for (String host : expected.keySet()) {
            flows.put(host, TestFlows.bytes(TestFlows.flow("f" + (i++), host, T0 + MIN, 500, 5)));
        }
        KafkaIT.send(config, flows);
        List<ConsumerRecord<String, byte[]>> out = KafkaIT.readUntil(kafka.clientConfig(),
                List.of(config.allowedTopic(), config.blockedTopic(), config.alertedTopic()), expected.size(),
                Duration.ofSeconds(60));
        var verdicts = AvroSerdes.singleObject(Verdict.class).deserializer();
        Map<String, String> status = new HashMap<>();
        for (ConsumerRecord<String, byte[]> r : out) {
            Verdict v = verdicts.deserialize(r.topic(), r.value());
            status.put(v.getSrcIp(), v.getIdentityStatus().name());
        }
        assertEquals(expected, status, "identity status per source on cluster " + kafka.bootstrapServers());
    }
}
