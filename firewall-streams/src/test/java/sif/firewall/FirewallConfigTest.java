package sif.firewall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FirewallConfigTest {

    @TempDir
    Path dir;

    @Test
    void staticMembershipIdIsStablePerStateDirectoryAndCanBeTurnedOff() {
        FirewallConfig a = FirewallConfig.defaults().with(Map.of("streams.state.dir", "/tmp/sif-a"));
        FirewallConfig b = FirewallConfig.defaults().with(Map.of("streams.state.dir", "/tmp/sif-b"));
        String id = a.groupInstanceId();
        assertTrue(id.startsWith("sif-firewall-"), id);
        assertEquals(id, FirewallConfig.defaults().with(Map.of("streams.state.dir", "/tmp/sif-a")).groupInstanceId());
        assertTrue(!id.equals(b.groupInstanceId()), "two state directories, two members");
        Properties p = FirewallApp.streamsProperties(a);
        assertEquals(id, p.get(StreamsConfig.consumerPrefix("group.instance.id")));
        assertEquals("edge-1", a.with(Map.of(FirewallConfig.INSTANCE_ID, "edge-1")).groupInstanceId());
        FirewallConfig off = a.with(Map.of(FirewallConfig.INSTANCE_ID, "none"));
        assertNull(off.groupInstanceId());
        assertNull(FirewallApp.streamsProperties(off).get(StreamsConfig.consumerPrefix("group.instance.id")));
    }

    @Test
    void defaultsAreFilledIn() {
        FirewallConfig c = FirewallConfig.defaults();
        assertEquals("localhost:9092", c.bootstrapServers());
        assertEquals("sif-firewall", c.applicationId());
        assertEquals("flows", c.inputTopic());
        assertEquals("flows.allowed", c.allowedTopic());
        assertEquals("flows.blocked", c.blockedTopic());
        assertEquals("flows.alerted", c.alertedTopic());
        assertEquals("flows.dlq", c.dlqTopic());
        // relative to the working directory, or (not there) to the checkout: sif.repo.root, as ./sif and the build set it
        assertTrue(c.modelDir().endsWith(Path.of("models/cicids2017-lstm")), c.modelDir().toString());
        assertNull(c.sequenceLengthOverride());
        assertNull(c.confidenceThresholdOverride());
        assertEquals(Duration.ofMinutes(10), c.sequenceMaxAge());
        assertEquals(Duration.ofMinutes(1), c.sequenceEvictInterval());
        assertEquals(64, c.batchSize());
        assertEquals(Duration.ofMillis(5), c.batchMaxWait());
        assertTrue(c.inferencePipelined());
        assertEquals("BENIGN", c.benignClass());
        assertEquals(1e12, c.maxFeatureValue());
        assertEquals(-1000, c.minTimingValue());
        assertEquals(Duration.ofSeconds(10), c.statusInterval());
        assertEquals(9464, c.metricsPort());
        assertTrue(c.trustEnabled());
        assertEquals(Map.of("processing.guarantee", "exactly_once_v2", "num.stream.threads", "1",
                "commit.interval.ms", "100", "poll.ms", "5", "statestore.cache.max.bytes", "33554432",
                "producer.linger.ms", "5", "producer.retry.backoff.ms", "10"),
                c.streamsOverrides());
        assertEquals(Map.of(), c.serdeConfig());
    }

    @Test
    void fileValuesWinAndMissingKeysGetDefaults() throws Exception {
        Path f = dir.resolve("firewall.properties");
        Files.writeString(f, """
                # comment
                bootstrap.servers = broker:19092
                batch.size=32
                sequence.length=5
                policy.confidence.threshold=0.9
                streams.num.stream.threads=2
                streams.commit.interval.ms=10
                schema.registry.url=http://registry:8080/apis/ccompat/v7
                """);
        FirewallConfig c = FirewallConfig.load(f);
        assertEquals("broker:19092", c.bootstrapServers());
        assertEquals(32, c.batchSize());
        assertEquals(5, c.sequenceLengthOverride());
        assertEquals(0.9, c.confidenceThresholdOverride());
        assertEquals("flows", c.inputTopic());
        assertEquals("2", c.streamsOverrides().get("num.stream.threads"));
        assertEquals("10", c.streamsOverrides().get("commit.interval.ms"));
        assertEquals("exactly_once_v2", c.streamsOverrides().get("processing.guarantee"));
        assertEquals(Map.of("schema.registry.url", "http://registry:8080/apis/ccompat/v7"), c.serdeConfig());

        Properties p = FirewallApp.streamsProperties(c);
        assertEquals("broker:19092", p.get(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG));
        assertEquals("sif-firewall", p.get(StreamsConfig.APPLICATION_ID_CONFIG));
        assertEquals("exactly_once_v2", p.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG));
        assertEquals("2", p.get(StreamsConfig.NUM_STREAM_THREADS_CONFIG));
        assertEquals(DlqExceptionHandlers.Deserialization.class,
                p.get(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG));
        assertEquals(DlqExceptionHandlers.Processing.class, p.get(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG));
        assertEquals(DlqExceptionHandlers.Production.class, p.get(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG));
    }

    /** A dead-letter topic that is also the input would feed its dead letters back for ever. */
    @Test
    void everyRoleNeedsATopicOfItsOwn() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> FirewallConfig.of(Map.of(FirewallConfig.TOPIC_DLQ, "flows")));
        assertEquals("topic 'flows' is configured for both topic.input and topic.dlq; each role needs its own topic",
                e.getMessage());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> FirewallConfig.of(Map.of(FirewallConfig.TOPIC_BLOCKED, "flows_allowed")));
        // and the zero-trust topics with them
        e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> sif.firewall.trust.TrustConfig.from(FirewallConfig.of(Map.of("blocklist.topic", "flows.blocked"))));
        assertEquals("topic 'flows.blocked' is configured for both topic.blocked and blocklist.topic; each role needs"
                + " its own topic", e.getMessage());
        sif.firewall.trust.TrustConfig.from(FirewallConfig.defaults());
    }

    @Test
    void misspeltKeysAreReported() {
        FirewallConfig c = FirewallConfig.of(Map.of("trust.max.flow", "100", "batch.sise", "8",
                "trust.max.flows", "100", "streams.num.stream.threads", "2", "schema.registry.url", "http://r",
                "apicurio.registry.auto-register", "true", FirewallConfig.VALIDATION_MAX_FUTURE_SKEW_MS, "1000"));
        assertEquals(new java.util.TreeSet<>(java.util.List.of("batch.sise", "trust.max.flow")), c.unknownKeys());
        assertTrue(FirewallConfig.defaults().unknownKeys().isEmpty());
    }

    @Test
    void commandLineOverridesApplyOnTop() {
        FirewallConfig c = FirewallConfig.defaults().with(Map.of(FirewallConfig.APPLICATION_ID, "fw-2"));
        assertEquals("fw-2", c.applicationId());
        assertEquals("flows", c.inputTopic());
    }

    @Test
    void badValuesAreRejectedWithTheKeyInTheMessage() {
        var e = assertThrows(IllegalArgumentException.class, () -> FirewallConfig.of(Map.of("batch.size", "many")));
        assertEquals("batch.size must be an integer, got 'many'", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> FirewallConfig.of(Map.of("batch.size", "0")));
        assertEquals("batch.size must be > 0, got 0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> FirewallConfig.of(Map.of("policy.confidence.threshold", "1.5")));
        assertTrue(e.getMessage().startsWith("policy.confidence.threshold must be in [0, 1]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> FirewallConfig.of(Map.of("topic.dlq", "")));
        assertEquals("topic.dlq must not be empty", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> FirewallConfig.of(Map.of("trust.enabled", "yes")));
        assertEquals("trust.enabled must be true or false, got 'yes'", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> FirewallConfig.of(Map.of("sequence.length", "300")));
        assertEquals("sequence.length must be 1..255, got 300", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> FirewallConfig.of(Map.of("validation.max.future.skew.ms", "-1")));
        assertEquals("validation.max.future.skew.ms must be >= 0, got -1", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> FirewallConfig.of(Map.of("verdict.max.bytes", "0")));
        assertEquals("verdict.max.bytes must be > 0, got 0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> FirewallConfig.of(Map.of("validation.max.record.bytes", "2000000")));
        assertTrue(e.getMessage().startsWith("validation.max.record.bytes must be 1024..524288"), e.getMessage());
        assertEquals(65_536, FirewallConfig.defaults().maxRecordBytes());
        assertEquals(1_000_000, FirewallConfig.defaults().verdictMaxBytes());
    }

    @Test
    void missingFileIsAClearError() {
        var e = assertThrows(IllegalArgumentException.class, () -> FirewallConfig.load(dir.resolve("nope.properties")));
        assertTrue(e.getMessage().startsWith("firewall config file not found: "), e.getMessage());
    }

    @Test
    void theClustersSecuritySettingsServeEveryClient() {
        FirewallConfig c = FirewallConfig.defaults().with(Map.of(
                "bootstrap.servers", "b1:9093,b2:9093",
                "streams.security.protocol", "SASL_SSL",
                "streams.sasl.mechanism", "SCRAM-SHA-512",
                "streams.ssl.truststore.location", "/etc/sif/truststore.jks",
                "streams.num.stream.threads", "2",
                "streams.producer.linger.ms", "5",
                "sasl.mechanism", "not a streams key"));
        assertEquals(Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "SCRAM-SHA-512",
                "ssl.truststore.location", "/etc/sif/truststore.jks"), c.clientSecurity());
        Map<String, Object> client = c.clusterClientConfig();
        assertEquals("b1:9093,b2:9093", client.get("bootstrap.servers"));
        assertEquals(4, client.size(), client.toString());
        Properties dlq = DlqPublisher.producerConfig(c);
        assertEquals("SASL_SSL", dlq.get("security.protocol"), "the DLQ producer authenticates like Kafka Streams");
        assertEquals("all", dlq.get("acks"));
        assertEquals(Integer.MAX_VALUE, dlq.get("delivery.timeout.ms"), "a dead letter waits out a broker outage");
        assertEquals(DlqPublisher.METADATA_IDLE_MS, dlq.get("metadata.max.idle.ms"),
                "the DLQ topic's metadata is kept between dead letters");
        assertTrue(FirewallConfig.defaults().clientSecurity().isEmpty(), "plaintext by default");
    }
}
