package sif.firewall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
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
 * the registry is back every flow is decided exactly once. Before, all flows went to the DLQ as
 * undecodable.
 */
class FirewallRegistryOutageIT {

    private static final int FLOWS = 40;

    @Test
    void flowsWaitForTheRegistryAndAreDecidedOnceItIsBack() throws Exception {
        try (StandInRegistry registry = StandInRegistry.start(0); EmbeddedKafka kafka = KafkaIT.startBroker()) {
            FirewallConfig config = KafkaIT.topicsAndConfig(kafka, "registry-outage", 1, Map.of(
                    "schema.registry.url", registry.url(), "apicurio.registry.retry-count", "1",
                    "apicurio.registry.retry-backoff-ms", "10"));
            Map<String, byte[]> records = new LinkedHashMap<>();
            try (var serde = AvroSerdes.serde(NetworkFlow.class, config.serdeConfig(), false)) {
                Serializer<NetworkFlow> writer = serde.serializer(); // registers NetworkFlow's schema
                for (int i = 0; i < FLOWS; i++) {
                    NetworkFlow f = TestFlows.flow("f" + i, "10.9.0." + (i % 5), TestFlows.T0 + i, 500, 5);
                    records.put(f.getFlowId(), writer.serialize(config.inputTopic(), f));
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
                List<ConsumerRecord<String, byte[]>> out = KafkaIT.readUntil(kafka.bootstrapServers(), outputs, FLOWS,
                        Duration.ofMinutes(2));
                assertEquals(FLOWS, out.size(), "one output per flow");
                assertEquals(0, KafkaIT.ofTopic(out, config.dlqTopic()).size(), "no dead letter");
                try (var verdicts = AvroSerdes.serde(Verdict.class, config.serdeConfig(), false)) {
                    assertEquals(FLOWS, out.stream().map(r -> verdicts.deserializer().deserialize(r.topic(), r.value())
                            .getFlowId()).distinct().count(), "each flow once, its verdict in registry framing");
                }
                assertTrue(registry.schemas() >= 2, "the verdict schema registered once the registry was back");
                assertNull(app.failure());
                assertEquals(KafkaStreams.State.RUNNING, app.state());
            }
        }
    }
}
