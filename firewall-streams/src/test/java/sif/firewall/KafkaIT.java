package sif.firewall;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import sif.flows.FlowCsvReader;
import sif.flows.FlowRecord;
import sif.firewall.metrics.FirewallMetrics;
import sif.firewall.trust.TrustConfig;
import sif.firewall.metrics.MetricsSnapshot;
import sif.kafka.EmbeddedKafka;
import sif.kafka.KafkaBroker;
import sif.model.SequenceClassifier;
import sif.producer.CsvFlowSource;
import sif.producer.FlowReplayer;
import sif.producer.FlowSource;
import sif.producer.ReplayOptions;
import sif.producer.ReplaySummary;
import sif.schemas.Topics;

/** Helpers shared by the integration tests on the embedded broker (test code only). */
final class KafkaIT {

    private KafkaIT() {}

    /**
     * A broker that never deletes by time: replayed CICIDS2017 records carry 2017 timestamps, and
     * the default 7-day time retention would delete them (inputs and verdicts alike) at the first
     * retention check, 5 minutes after start.
     */
    static EmbeddedKafka startBroker() {
        return EmbeddedKafka.builder().config("log.retention.ms", "-1").start();
    }

    /** Topics with a unique prefix, created on {@code kafka}, and a firewall config using them. */
    static FirewallConfig topicsAndConfig(KafkaBroker kafka, String prefix, int inputPartitions,
                                          Map<String, String> extra) {
        String p = prefix + "-" + UUID.randomUUID().toString().substring(0, 8) + ".";
        Map<String, Integer> topics = new HashMap<>();
        topics.put(p + "flows", inputPartitions);
        topics.put(p + "allowed", inputPartitions);
        topics.put(p + "blocked", inputPartitions);
        topics.put(p + "alerts", inputPartitions);
        topics.put(p + "dlq", 1);
        kafka.createTopics(topics);
        Map<String, String> m = settings(kafka, p + "firewall", p,
                Path.of(System.getProperty("java.io.tmpdir"), "sif-it-state", p));
        m.putAll(extra);
        return FirewallConfig.of(m);
    }

    /**
     * A firewall's settings on {@code kafka}: application {@code app}, flows from {@code p + "flows"},
     * verdicts to {@code p + "allowed"/"blocked"/"alerts"}, DLQ {@code p + "dlq"}, no metrics port.
     */
    static Map<String, String> settings(KafkaBroker kafka, String app, String p, Path stateDir) {
        Map<String, String> m = new HashMap<>();
        m.put(FirewallConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        m.put(FirewallConfig.APPLICATION_ID, app);
        m.put(FirewallConfig.TOPIC_INPUT, p + "flows");
        m.put(FirewallConfig.TOPIC_ALLOWED, p + "allowed");
        m.put(FirewallConfig.TOPIC_BLOCKED, p + "blocked");
        m.put(FirewallConfig.TOPIC_ALERTED, p + "alerts");
        m.put(FirewallConfig.TOPIC_DLQ, p + "dlq");
        m.put(FirewallConfig.METRICS_PORT, "-1");
        m.put("streams.state.dir", stateDir.toString());
        return m;
    }

    /**
     * Creates the zero-trust topics on {@code kafka}, named {@code p + "identity"} (as SIF creates it),
     * {@code "challenges"}, {@code "alerts.siem"}, {@code "policy"} and {@code "blocklist"} (compacted), one
     * partition each, and points {@code settings} at them.
     */
    static Map<String, String> trustTopics(KafkaBroker kafka, String p, Map<String, String> settings) {
        return trustTopics(kafka, p, settings, 1);
    }

    /** {@link #trustTopics(KafkaBroker, String, Map)} with a blocklist of {@code blocklistPartitions} (as many as the flows'). */
    static Map<String, String> trustTopics(KafkaBroker kafka, String p, Map<String, String> settings,
                                           int blocklistPartitions) {
        kafka.createTopics(Map.of(p + "challenges", 1, p + "alerts.siem", 1));
        kafka.createTopic(p + "policy", 1, true);
        kafka.createTopic(p + "blocklist", blocklistPartitions, true);
        kafka.createTopic(p + "identity", 1, Topics.defaults().creationConfig("identity"));
        settings.put(TrustConfig.IDENTITY_TOPIC, p + "identity");
        settings.put(TrustConfig.CHALLENGES_TOPIC, p + "challenges");
        settings.put(TrustConfig.POLICY_TOPIC, p + "policy");
        settings.put(TrustConfig.ALERTS_TOPIC, p + "alerts.siem");
        settings.put(TrustConfig.BLOCKLIST_TOPIC, p + "blocklist");
        return settings;
    }

    /**
     * The CICIDS2017 CSVs of {@code dir}, with each flow id made unique by appending
     * {@code @file:line} (CICIDS2017 flow ids repeat: the 2972 main-folder rows hold 2429 distinct
     * ids), so that outputs can be counted by flow id.
     */
    static FlowSource uniqueIds(Path dir) throws IOException {
        CsvFlowSource csv = new CsvFlowSource(List.of(dir), FlowCsvReader.Options.DEFAULT);
        return new FlowSource() {
            @Override
            public Pass open() throws IOException {
                Pass inner = csv.open();
                return new Pass() {
                    @Override
                    public boolean hasNext() {
                        return inner.hasNext();
                    }

                    @Override
                    public FlowRecord next() {
                        FlowRecord r = inner.next();
                        return new FlowRecord(r.flowId() + "@" + r.sourceFile() + ":" + r.line(), r.srcIp(),
                                r.srcPort(), r.dstIp(), r.dstPort(), r.protocol(), r.timestampMs(), r.features(),
                                r.label(), r.sourceFile(), r.line());
                    }

                    @Override
                    public void close() throws IOException {
                        inner.close();
                    }
                };
            }

            @Override
            public long flowsPerPass() {
                return csv.flowsPerPass();
            }

            @Override
            public String describe() {
                return csv.describe() + " (flow ids made unique)";
            }
        };
    }

    /** Replays every row of {@code source} once, as fast as possible, with the project's replayer. */
    static ReplaySummary replay(FirewallConfig config, FlowSource source, long limit) throws IOException {
        Map<String, String> producer = new HashMap<>(config.serdeConfig()); // registry mode when the firewall's is
        producer.put("bootstrap.servers", config.bootstrapServers());
        try (FlowReplayer r = FlowReplayer.create(producer,
                new ReplayOptions(config.inputTopic(), 0, 0, limit, false))) {
            return r.replay(source);
        }
    }

    /** A firewall with the rule classifier and the default policy, started and RUNNING. */
    static FirewallApp startRuleFirewall(FirewallConfig config, FirewallMetrics metrics) throws Exception {
        RuleClassifier classifier = new RuleClassifier();
        return started(new FirewallApp(config, classifier, FirewallTopology.defaultPolicy(config, classifier.info()),
                FirewallExtensions.defaults().withMetrics(metrics)));
    }

    /** A firewall with the standard wiring (zero trust, SIEM alerts, blocklist) around {@code classifier}, started and RUNNING. */
    static FirewallApp startStandardFirewall(FirewallConfig config, SequenceClassifier classifier,
                                             FirewallMetrics metrics) throws Exception {
        FirewallWiring w = FirewallWiring.standard(config, classifier, metrics);
        return started(new FirewallApp(config, classifier, w.policy(), w.extensions()));
    }

    private static FirewallApp started(FirewallApp app) throws Exception {
        try {
            app.start();
            assertTrue(app.awaitRunning(Duration.ofSeconds(60)), "firewall running");
            return app;
        } catch (Exception | AssertionError e) {
            app.close();
            throw e;
        }
    }

    /** Sends raw input records (key -> value bytes, in order) to the firewall's input topic, each acknowledged. */
    static void send(FirewallConfig config, Map<String, byte[]> records) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(),
                new ByteArraySerializer())) {
            for (Map.Entry<String, byte[]> e : records.entrySet()) {
                producer.send(new ProducerRecord<>(config.inputTopic(), e.getKey(), e.getValue())).get();
            }
        }
    }

    static KafkaConsumer<String, byte[]> consumer(String bootstrap) {
        return consumer(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    }

    /** A read_committed consumer of the cluster {@code clientConfig} names (address and security settings). */
    static KafkaConsumer<String, byte[]> consumer(Map<String, ?> clientConfig) {
        Properties p = new Properties();
        p.putAll(clientConfig);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        return new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
    }

    /**
     * Reads {@code topics} (read_committed, from the beginning) until at least {@code expected}
     * records arrived and every partition is read to its end, or the timeout passes.
     */
    static List<ConsumerRecord<String, byte[]>> readUntil(String bootstrap, List<String> topics, long expected,
                                                          Duration timeout) {
        return readUntil(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), topics, expected, timeout);
    }

    /** {@link #readUntil(String, List, long, Duration)} on the cluster {@code clientConfig} names. */
    static List<ConsumerRecord<String, byte[]>> readUntil(Map<String, ?> clientConfig, List<String> topics, long expected,
                                                          Duration timeout) {
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = consumer(clientConfig)) {
            List<TopicPartition> parts = new ArrayList<>();
            for (String t : topics) {
                c.partitionsFor(t).forEach(pi -> parts.add(new TopicPartition(t, pi.partition())));
            }
            c.assign(parts);
            c.seekToBeginning(parts);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    out.add(r);
                }
                if (out.size() >= expected && atEnd(c, parts)) {
                    break;
                }
            }
        }
        return out;
    }

    private static boolean atEnd(KafkaConsumer<?, ?> c, List<TopicPartition> parts) {
        Map<TopicPartition, Long> end = c.endOffsets(parts);
        for (TopicPartition tp : parts) {
            if (c.position(tp) < end.get(tp)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The firewall's counts once {@code flows} flows are counted in and as decided or dead-lettered (at
     * most 10 s): under exactly-once they are added when the transaction's commit returns, which can be
     * after its outputs are readable.
     */
    static MetricsSnapshot counted(FirewallMetrics metrics, long flows) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        MetricsSnapshot s = metrics.snapshot();
        while ((s.flowsIn() < flows || s.allowed() + s.blocked() + s.alerts() + s.dlq() < flows)
                && System.nanoTime() < deadline) {
            Thread.sleep(20);
            s = metrics.snapshot();
        }
        return s;
    }

    /** Records of one topic, for the caller's filtering. */
    static List<ConsumerRecord<String, byte[]>> ofTopic(List<ConsumerRecord<String, byte[]>> all, String topic) {
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        for (Iterator<ConsumerRecord<String, byte[]>> it = all.iterator(); it.hasNext(); ) {
            ConsumerRecord<String, byte[]> r = it.next();
            if (r.topic().equals(topic)) {
                out.add(r);
            }
        }
        return out;
    }
}
