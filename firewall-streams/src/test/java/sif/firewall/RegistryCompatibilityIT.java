package sif.firewall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import java.nio.file.Path;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sif.schemas.TestRecords;
import sif.schemas.avro.NetworkFlow;
import sif.schemas.avro.Verdict;
import sif.schemas.serde.AvroSerdes;
import sif.schemas.serde.RegistrySerde;

/**
 * The registry refuses a schema its readers could not read, as docker-compose.yml and the README
 * configure it (global compatibility rule FULL). Before, no rule was set: a producer whose
 * {@code NetworkFlow} lacked a field without default was registered as the topic's next version, and
 * the firewall dead-lettered every one of its flows; a {@code Verdict} written to the flows topic was
 * registered under {@code flows-value} too.
 */
class RegistryCompatibilityIT {

    @TempDir
    Path storage;

    @Test
    void aSchemaTheReadersCannotReadIsRefused() throws Exception {
        try (ApicurioRegistryProcess registry = ApicurioRegistryProcess.start(storage)) {
            Map<String, Object> cfg = Map.of(AvroSerdes.SCHEMA_REGISTRY_URL, registry.url());
            try (Serde<NetworkFlow> serde = AvroSerdes.serde(NetworkFlow.class, cfg, false);
                 Serde<Verdict> verdicts = AvroSerdes.serde(Verdict.class, cfg, false)) {
                NetworkFlow flow = TestRecords.networkFlow();
                byte[] first = serde.serializer().serialize("flows", flow);
                assertEquals(flow, serde.deserializer().deserialize("flows", first));

                // the same schema again: registered once, accepted
                assertEquals(flow, serde.deserializer().deserialize("flows", serde.serializer().serialize("flows", flow)));

                // a producer whose flow schema lacks flowDuration (no default): the firewall could not read it
                ObjectNode schema = (ObjectNode) new ObjectMapper().readTree(NetworkFlow.getClassSchema().toString());
                ArrayNode fields = (ArrayNode) schema.get("fields");
                int at = -1;
                for (int i = 0; i < fields.size(); i++) {
                    if (fields.get(i).get("name").asText().equals("flowDuration")) {
                        at = i;
                    }
                }
                fields.remove(at);
                Schema without = new Schema.Parser().parse(schema.toString());
                GenericRecord g = new GenericData.Record(without);
                for (Schema.Field f : without.getFields()) {
                    g.put(f.name(), flow.get(flow.getSchema().getField(f.name()).pos()));
                }
                try (AvroKafkaSerializer<GenericRecord> incompatible = new AvroKafkaSerializer<>()) {
                    incompatible.configure(RegistrySerde.apicurioConfig(cfg), false);
                    RuntimeException refused = assertThrows(RuntimeException.class,
                            () -> incompatible.serialize("flows", g));
                    assertTrue(String.valueOf(refused.getMessage()).toLowerCase().contains("compatib")
                                    || String.valueOf(refused.getCause()).toLowerCase().contains("compatib"),
                            "refused by the compatibility rule: " + refused);
                }
                // a verdict written to the flows topic is refused as well
                assertThrows(RuntimeException.class, () -> verdicts.serializer().serialize("flows",
                        TestRecords.verdict()));
                assertEquals(java.util.Set.of("flows-value"), registry.artifactIds());
            }
        }
    }
}
