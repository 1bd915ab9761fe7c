package sif.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Map;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;
import sif.schemas.TestRecords;
import sif.schemas.avro.NetworkFlow;

/**
 * Registry mode over real HTTP: the real Apicurio client against a {@link StandInRegistry}.
 * A reader that meets a schema id it has not cached while the registry is away gets a
 * {@link RegistryUnavailableException} (the record is not at fault), and decodes the same bytes once
 * the registry is back.
 */
class RegistryOverHttpTest {

    private static Serde<NetworkFlow> serde(int port) {
        return AvroSerdes.serde(NetworkFlow.class, Map.of(AvroSerdes.SCHEMA_REGISTRY_URL,
                "http://127.0.0.1:" + port + "/apis/registry/v2", "apicurio.registry.retry-count", "1",
                "apicurio.registry.retry-backoff-ms", "10"), false);
    }

    /**
     * One serializer writing to several topics registers the schema under each topic's artifact
     * ({@code <topic>-value}); Apicurio's own serializer, shared, registered it under the first only.
     */
    @Test
    void oneSerializerRegistersTheSchemaUnderEveryTopicItWrites() throws IOException {
        try (StandInRegistry registry = StandInRegistry.start(0); Serde<NetworkFlow> writer = serde(registry.port())) {
            NetworkFlow flow = TestRecords.networkFlow();
            for (String topic : java.util.List.of("allowed", "blocked", "allowed", "alerts")) {
                byte[] bytes = writer.serializer().serialize(topic, flow);
                assertEquals(1, bytes[4], "one schema, one content id");
            }
            assertEquals(java.util.Set.of("alerts-value", "allowed-value", "blocked-value"), registry.artifactIds());
            assertEquals(1, registry.schemas());
        }
    }

    @Test
    void anUncachedSchemaIdWhileTheRegistryIsAwayIsAnOutageAndDecodesOnceItIsBack() throws IOException {
        try (StandInRegistry registry = StandInRegistry.start(0)) {
            int port = registry.port();
            NetworkFlow flow = TestRecords.networkFlow();
            byte[] bytes;
            try (Serde<NetworkFlow> writer = serde(port); Serde<NetworkFlow> reader = serde(port)) {
                bytes = writer.serializer().serialize("flows", flow);
                assertEquals(0, bytes[0], "Confluent framing: magic byte");
                assertEquals(1, bytes[4], "content id 1");
                assertEquals(flow, reader.deserializer().deserialize("flows", bytes), "round trip over HTTP");
            }
            registry.stop();
            try (Serde<NetworkFlow> reader = serde(port)) { // a new reader: nothing cached
                RegistryUnavailableException away = assertThrows(RegistryUnavailableException.class,
                        () -> reader.deserializer().deserialize("flows", bytes));
                assertTrue(away.getMessage().contains("registry deserialization of NetworkFlow"), away.getMessage());
                registry.restart();
                assertEquals(flow, reader.deserializer().deserialize("flows", bytes), "the same bytes, registry back");
                byte[] unknown = bytes.clone();
                unknown[4] = 9;
                var notFound = assertThrows(org.apache.kafka.common.errors.SerializationException.class,
                        () -> reader.deserializer().deserialize("flows", unknown));
                assertTrue(!RegistryUnavailableException.in(notFound) && notFound.getMessage().contains("HTTP 404"),
                        notFound.toString());
            }
        }
    }
}
