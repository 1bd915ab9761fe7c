package sif.firewall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sif.firewall.metrics.FirewallMetrics;
import sif.firewall.metrics.PrometheusFirewallMetrics;
import sif.kafka.EmbeddedKafka;
import sif.schemas.avro.NetworkFlow;
import sif.schemas.avro.Verdict;
import sif.schemas.serde.AvroSerdes;
import sif.schemas.serde.StandInRegistry;

/**
 * Registry mode on a real broker, with the schema registry away when the firewall starts: it cannot
 * decode a flow (the schema id is not cached yet) nor write a verdict. Nothing is dead-lettered for
 * that; its stream thread stops and is replaced every {@code FirewallApp.REGISTRY_BACKOFF}, and once
 * the registry is back every flow is decided exactly once, while a record naming a schema id the
 * registry does not have (HTTP 404) is dead-lettered as undecodable. Before, all flows went to the DLQ
 * as undecodable.
 *
 * <p>Run twice: against the stand-in registry of the schemas module and against a real Apicurio
 * Registry (2.4.2.Final, built by the {@code schema-registry} module, its storage an H2 file so that
 * the schemas survive the outage as with a registry's persistent storage).
 */
class FirewallRegistryOutageIT {

    private static final int FLOWS = 40;
    /** Confluent framing (magic 0, 4-byte content id) naming an id no registry here has. */
    private static final byte[] UNKNOWN_ID = ByteBuffer.allocate(9).put((byte) 0).putInt(987_654).put(new byte[] {2, 4, 6, 8}).array();

    /** A registry the test can stop and start again. */
    private interface Registry {
        String url();

        void stop() throws Exception;

        void restart() throws Exception;

        int schemas() throws Exception;
    }

    @Test
    void flowsWaitForTheStandInRegistryAndAreDecidedOnceItIsBack() throws Exception {
        try (StandInRegistry registry = StandInRegistry.start(0)) {
            flowsWaitForTheRegistryAndAreDecidedOnceItIsBack(new Registry() {
                public String url() { return registry.url(); }
                public void stop() { registry.stop(); }
                public void restart() throws Exception { registry.restart(); }
                public int schemas() { return registry.schemas(); }
            });
        }
    }

    @Test
    void flowsWaitForARealApicurioRegistryAndAreDecidedOnceItIsBack(@TempDir Path storage) throws Exception {
        try (ApicurioRegistryProcess registry = ApicurioRegistryProcess.start(storage)) {
            flowsWaitForTheRegistryAndAreDecidedOnceItIsBack(new Registry() {
                public String url() { return registry.url(); }
                public void stop() throws Exception { registry.stop(); }
                public void restart() throws Exception { registry.restart(); }
                public int schemas() throws Exception { return registry.artifacts(); }
            });
        }
    }

    private static void flowsWaitForTheRegistryAndAreDecidedOnceItIsBack(Registry registry) throws Exception {
        try (EmbeddedKafka kafka = KafkaIT.startBroker()) {
            FirewallConfig config = KafkaIT.topicsAndConfig(kafka, "registry-outage", 1, Map.of(
                    "schema.registry.url", registry.url(), "apicurio.registry.retry-count", "1",
                    "apicurio.registry.retry-backoff-ms", "10"));
            Map<String, byte[]> records = new LinkedHashMap<>();
            try (var serde = AvroSerdes.serde(NetworkFlow.class, config.serdeConfig(), false)) {
                Serializer<NetworkFlow> writer = serde.serializer(); // registers NetworkFlow's schema
                for (int i = 0; i < FLOWS; i++) {
                    NetworkFlow f = TestFlows.flow("f" + i, "10.9.0." + (i % 5), TestFlows.T0 + i, 500, 5);
                    records.put(f.getFlowId(), writer.serialize(config.inputTopic(), f));
                    if (i == FLOWS / 2) {
                        records.put("unknown-id", UNKNOWN_ID);
                    }
                }
            }
            assertEquals(1, registry.schemas());
            KafkaIT.send(config, records);
            registry.stop();
            List<String> outputs = List.of(config.allowedTopic(), config.blockedTopic(), config.alertedTopic(),
                    config.dlqTopic());
            try (PrometheusFirewallMetrics metrics = FirewallMetrics.prometheus(RuleClassifier.CLASSES);
                 FirewallApp app = KafkaIT.startRuleFirewall(config, metrics)) {
                Thread.sleep(FirewallApp.REGISTRY_BACKOFF.toMillis() + 5_000); // at least one thread replaced
                assertEquals(0, KafkaIT.readUntil(kafka.bootstrapServers(), outputs, 1, Duration.ofSeconds(2)).size(),
                        "nothing decided, nothing dead-lettered, while the registry is away");
                registry.restart();
                List<ConsumerRecord<String, byte[]>> out = KafkaIT.readUntil(kafka.bootstrapServers(), outputs,
                        FLOWS + 1, Duration.ofMinutes(2));
                assertEquals(FLOWS + 1, out.size(), "one output per record");
                List<ConsumerRecord<String, byte[]>> dlq = KafkaIT.ofTopic(out, config.dlqTopic());
                assertEquals(1, dlq.size(), "one dead letter: the record whose schema id the registry does not have");
                assertEquals("unknown-id", dlq.get(0).key());
                assertEquals(DlqReason.UNDECODABLE, DlqHeaders.get(dlq.get(0).headers(), DlqHeaders.REASON));
                try (var verdicts = AvroSerdes.serde(Verdict.class, config.serdeConfig(), false)) {
                    assertEquals(FLOWS, out.stream().filter(r -> !r.topic().equals(config.dlqTopic()))
                            .map(r -> verdicts.deserializer().deserialize(r.topic(), r.value()).getFlowId())
                            .distinct().count(), "each flow once, its verdict in registry framing");
                }
                assertEquals(2, registry.schemas(), "the verdict schema registered once the registry was back");
                assertNull(app.failure());
                assertEquals(KafkaStreams.State.RUNNING, app.state());
            }
        }
    }
}
