package sif.firewall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sif.firewall.metrics.FirewallMetrics;
import sif.flows.DataPaths;
import sif.kafka.EmbeddedKafka;
import sif.model.ClassifierSession;
import sif.model.SequenceClassifier;
import sif.model.data.InputRange;
import sif.producer.ReplaySummary;
import sif.schemas.Flows;
import sif.schemas.avro.NetworkFlow;
import sif.schemas.avro.Verdict;
import sif.schemas.serde.AvroSerdes;

/**
 * Every real TrafficLabelling row of the CICIDS2017 main folder goes through the replayer into the
 * firewall on a real (embedded) broker: each input flow yields exactly one record in exactly one of
 * allowed / blocked / alerts / DLQ (counted by flow id, read_committed), and each decision equals the
 * offline decision of the same model on the same sequence (rebuilt from the input topic in partition
 * order with {@link SequenceWindow}, classified with a fresh {@link ClassifierSession}, decided by
 * the same policy).
 */
class FirewallEndToEndIT {

    private static final Logger LOG = LoggerFactory.getLogger(FirewallEndToEndIT.class);
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

    static Path cicids() {
        Path dir = DataPaths.cicids2017();
        assumeTrue(DataPaths.isDirectory(dir), DataPaths.missingMessage(dir));
        return dir;
    }

    /** The trained model of the repository, when it exists. */
    static Path realModel() {
        Path dir = Path.of(System.getProperty("sif.repo.root", "."), "models", "cicids2017-lstm");
        assumeTrue(Files.isRegularFile(dir.resolve("metadata.json")),
                "no trained model at " + dir.toAbsolutePath() + " (./sif train creates it)");
        return dir;
    }

    @Test
    void allRowsWithTheRuleClassifier() throws Exception {
        run(cicids(), new RuleClassifier(), "e2e-rules");
    }

    @Test
    void allRowsWithTheTrainedModel() throws Exception {
        Path data = cicids();
        try (SequenceClassifier model = ModelLoader.load(realModel())) {
            run(data, model, "e2e-model");
        }
    }

    /**
     * The same in registry mode against a real Apicurio Registry: the replayer registers the flow
     * schema, the firewall reads it from there and registers the verdict schema.
     */
    @Test
    void allRowsWithTheTrainedModelInRegistryMode(@TempDir Path storage) throws Exception {
        Path data = cicids();
        try (ApicurioRegistryProcess registry = ApicurioRegistryProcess.start(storage);
             SequenceClassifier model = ModelLoader.load(realModel())) {
            List<ConsumerRecord<String, byte[]>> out = run(data, model, "e2e-registry",
                    Map.of("schema.registry.url", registry.url()));
            long verdictTopics = out.stream().map(ConsumerRecord::topic).filter(t -> !t.endsWith(".dlq")).distinct().count();
            assertTrue(verdictTopics >= 2, "verdicts on several topics");
            var artifacts = registry.artifactIds();
            assertEquals(1 + verdictTopics, artifacts.size(),
                    "one artifact per topic: the flows' (by the replayer) and each verdict topic's (by the firewall): "
                            + artifacts);
        }
    }

    private void run(Path data, SequenceClassifier classifier, String prefix) throws Exception {
        run(data, classifier, prefix, Map.of());
    }

    /** Replays {@code data} through a firewall with {@code classifier}, checks every output; returns them. */
    private List<ConsumerRecord<String, byte[]>> run(Path data, SequenceClassifier classifier, String prefix,
                                                     Map<String, String> extra) throws Exception {
        FirewallConfig config = KafkaIT.topicsAndConfig(kafka, prefix, 3, extra);
        Policy policy = FirewallTopology.defaultPolicy(config, classifier.info());
        ReplaySummary sent;
        try (var metrics = FirewallMetrics.prometheus(classifier.info().classNames());
             FirewallApp app = new FirewallApp(config, classifier, policy,
                     FirewallExtensions.defaults().withMetrics(metrics))) {
            app.start();
            assertTrue(app.awaitRunning(Duration.ofSeconds(60)), "firewall running");
            sent = KafkaIT.replay(config, KafkaIT.uniqueIds(data), 0);
            LOG.info("replayed: {}", sent.describe());
            assertEquals(0, sent.sendErrors());
            List<ConsumerRecord<String, byte[]>> out = KafkaIT.readUntil(config.bootstrapServers(),
                    List.of(config.allowedTopic(), config.blockedTopic(), config.alertedTopic(), config.dlqTopic()),
                    sent.sent(), Duration.ofMinutes(3));
            check(config, classifier, policy, sent, out);
            return out;
        }
    }

    private void check(FirewallConfig config, SequenceClassifier classifier, Policy policy, ReplaySummary sent,
                       List<ConsumerRecord<String, byte[]>> out) {
        Deserializer<Verdict> verdicts = AvroSerdes.serde(Verdict.class, config.serdeConfig(), false).deserializer();
        Deserializer<NetworkFlow> flows = AvroSerdes.serde(NetworkFlow.class, config.serdeConfig(), false).deserializer();

        // 1. read the input back, in partition/offset order: what the firewall saw
        List<ConsumerRecord<String, byte[]>> input = KafkaIT.readUntil(config.bootstrapServers(),
                List.of(config.inputTopic()), sent.sent(), Duration.ofSeconds(60));
        assertEquals(sent.sent(), input.size(), "input records");
        Map<String, NetworkFlow> inputById = new LinkedHashMap<>();
        for (ConsumerRecord<String, byte[]> r : input) {
            NetworkFlow f = flows.deserialize(r.topic(), r.value());
            assertEquals(null, inputById.put(f.getFlowId(), f), "unique input flow id " + f.getFlowId());
        }

        // 2. every output record, by flow id: exactly one per input flow
        Map<String, String> where = new HashMap<>();
        Map<String, Verdict> verdictById = new HashMap<>();
        Map<String, Integer> perTopic = new TreeMap<>();
        Map<String, Integer> dlqReasons = new TreeMap<>();
        List<String> duplicates = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : out) {
            String id;
            if (r.topic().equals(config.dlqTopic())) {
                id = flows.deserialize(r.topic(), r.value()).getFlowId();
                dlqReasons.merge(DlqHeaders.get(r.headers(), DlqHeaders.REASON), 1, Integer::sum);
            } else {
                Verdict v = verdicts.deserialize(r.topic(), r.value());
                id = v.getFlowId();
                verdictById.put(id, v);
            }
            perTopic.merge(r.topic(), 1, Integer::sum);
            if (where.put(id, r.topic()) != null) {
                duplicates.add(id);
            }
        }
        LOG.info("outputs per topic {}; DLQ reasons {}", perTopic, dlqReasons);
        assertEquals(List.of(), duplicates, "flows with more than one output record");
        assertEquals(inputById.keySet(), where.keySet(), "every input flow has an output record, and no other");
        assertEquals(sent.sent(), out.size());

        // 3. the offline decision of the same model on the same sequence
        FlowValidator validator = FlowValidator.from(config);
        int t = classifier.info().sequenceLength();
        Map<String, byte[]> windows = new HashMap<>();
        List<String> ids = new ArrayList<>();
        List<float[][]> sequences = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : sortedByPartitionAndOffset(input)) {
            NetworkFlow f = flows.deserialize(r.topic(), r.value());
            boolean valid = validator.check(f, Flows.features(f), System.currentTimeMillis()) == null;
            assertEquals(valid, !where.get(f.getFlowId()).equals(config.dlqTopic()),
                    "DLQ exactly for the flows the validator rejects: " + f.getFlowId());
            if (!valid) {
                continue;
            }
            byte[] w = SequenceWindow.append(windows.get(f.getSrcIp()), f.getEventTimeMs(), Flows.featuresAsFloat(f),
                    t, config.sequenceMaxAge().toMillis());
            windows.put(f.getSrcIp(), w);
            ids.add(f.getFlowId());
            sequences.add(SequenceWindow.rows(w));
        }
        int mismatches = 0;
        try (ClassifierSession session = classifier.newSession()) {
            for (int i = 0; i < ids.size(); i++) {
                float[] p = session.predict(List.<float[][]>of(sequences.get(i)))[0];
                int best = 0;
                for (int k = 1; k < p.length; k++) {
                    if (p[k] > p[best]) {
                        best = k;
                    }
                }
                Verdict v = verdictById.get(ids.get(i));
                assertNotNull(v, ids.get(i));
                NetworkFlow f = inputById.get(ids.get(i));
                Policy.Decision d = policy.decide(new Policy.Input(f.getSrcIp(), f.getSrcPort(), f.getDstIp(),
                        f.getDstPort(), f.getProtocol(), null, v.getIdentityStatus(), classifier.info().classNames(),
                        p, best, List.of(), classifier.inputRange() == null ? List.of()
                        : classifier.inputRange().outsideOfSequence(sequences.get(i), sequences.get(i).length,
                                InputRange.Rows.RAW)));
                boolean same = d.action().name().equals(v.getDecision().name())
                        && classifier.info().classNames().get(best).equals(v.getPredictedClass())
                        && Math.abs(p[best] - v.getConfidence()) < 1e-4
                        && v.getSequenceLength() == sequences.get(i).length;
                if (!same) {
                    mismatches++;
                    LOG.error("flow {}: offline {} {} {} (T={}) vs firewall {} {} {} (T={})", ids.get(i), d.action(),
                            classifier.info().classNames().get(best), p[best], sequences.get(i).length,
                            v.getDecision(), v.getPredictedClass(), v.getConfidence(), v.getSequenceLength());
                }
            }
        }
        LOG.info("{} verdicts compared with the offline decisions: {} mismatches", ids.size(), mismatches);
        assertEquals(0, mismatches);
        assertEquals(verdictById.size(), ids.size());
    }

    private static List<ConsumerRecord<String, byte[]>> sortedByPartitionAndOffset(
            List<ConsumerRecord<String, byte[]>> records) {
        List<ConsumerRecord<String, byte[]>> sorted = new ArrayList<>(records);
        sorted.sort((a, b) -> a.partition() != b.partition() ? Integer.compare(a.partition(), b.partition())
                : Long.compare(a.offset(), b.offset()));
        return sorted;
    }
}
