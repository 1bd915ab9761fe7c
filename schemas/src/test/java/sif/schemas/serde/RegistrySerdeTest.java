package sif.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.apicurio.registry.resolver.ParsedSchemaImpl;
import io.apicurio.registry.resolver.SchemaLookupResult;
import io.apicurio.registry.resolver.SchemaParser;
import io.apicurio.registry.resolver.SchemaResolver;
import io.apicurio.registry.resolver.data.Record;
import io.apicurio.registry.resolver.strategy.ArtifactReference;
import io.apicurio.registry.resolver.strategy.ArtifactReferenceResolverStrategy;
import io.apicurio.registry.rest.client.RegistryClient;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;
import sif.schemas.TestRecords;
import sif.schemas.avro.NetworkFlow;

/**
 * Registry mode without a registry server: the real Apicurio serializer/deserializer with a
 * schema resolver stub that stands in for the registry's REST lookups (content id 42). What is
 * exercised: our Apicurio configuration, Apicurio's framing code (id handler, header handling,
 * Avro body) and our null/error handling. What is NOT: HTTP calls to a registry, auto-registration,
 * artifact naming on a server, compatibility rules (FirewallEndToEndIT and RegistryCompatibilityIT cover
 * those against the real registry).
 */
class RegistrySerdeTest {

    private static final String URL = "http://registry:8080/apis/registry/v2";
    private static final long CONTENT_ID = 42;
    private static final long GLOBAL_ID = 7;

    /** Stands in for the registry: one schema with content id 42 / global id 7; records lookups. */
    static final class StubResolver implements SchemaResolver<Schema, NetworkFlow> {
        final List<String> lookups = new ArrayList<>();
        private SchemaParser<Schema, NetworkFlow> parser;

        private SchemaLookupResult<Schema> result() {
            Schema s = NetworkFlow.getClassSchema();
            return SchemaLookupResult.<Schema>builder()
                    .parsedSchema(new ParsedSchemaImpl<Schema>().setParsedSchema(s)
                            .setRawSchema(s.toString().getBytes(StandardCharsets.UTF_8)))
                    .contentId(CONTENT_ID).globalId(GLOBAL_ID).groupId("default").artifactId("flows-value")
                    .version("1").build();
        }

        @Override
        public void configure(Map<String, ?> configs, SchemaParser<Schema, NetworkFlow> schemaParser) {
            this.parser = schemaParser;
        }

        @Override
        public void setClient(RegistryClient client) {}

        @Override
        public void setArtifactResolverStrategy(ArtifactReferenceResolverStrategy<Schema, NetworkFlow> s) {}

        @Override
        public SchemaParser<Schema, NetworkFlow> getSchemaParser() {
            return parser;
        }

        @Override
        public SchemaLookupResult<Schema> resolveSchema(Record<NetworkFlow> data) {
            lookups.add("resolveSchema topic=" + ((io.apicurio.registry.serde.data.KafkaSerdeMetadata) data.metadata()).getTopic());
            return result();
        }

        @Override
        public SchemaLookupResult<Schema> resolveSchemaByArtifactReference(ArtifactReference reference) {
            lookups.add("byReference contentId=" + reference.getContentId() + " globalId=" + reference.getGlobalId());
            if (reference.getContentId() == null || reference.getContentId() != CONTENT_ID) {
                throw new IllegalStateException("no artifact with " + reference);
            }
            return result();
        }

        @Override
        public void reset() {}

        @Override
        public void close() {}
    }

    private final StubResolver resolver = new StubResolver();

    private Serde<NetworkFlow> serde() {
        AvroKafkaDeserializer<NetworkFlow> deserializer = new AvroKafkaDeserializer<>();
        deserializer.setSchemaResolver(resolver);
        return new RegistrySerde<>(NetworkFlow.class, () -> new AvroKafkaSerializer<>(resolver), deserializer,
                Map.of(AvroSerdes.SCHEMA_REGISTRY_URL, URL), false);
    }

    @Test
    void factoryChoosesTheModeFromSchemaRegistryUrl() {
        assertInstanceOf(SingleObjectSerde.class, AvroSerdes.serde(NetworkFlow.class, Map.of(), false));
        assertInstanceOf(SingleObjectSerde.class,
                AvroSerdes.serde(NetworkFlow.class, Map.of(AvroSerdes.SCHEMA_REGISTRY_URL, ""), false));
        assertInstanceOf(RegistrySerde.class,
                AvroSerdes.serde(NetworkFlow.class, Map.of(AvroSerdes.SCHEMA_REGISTRY_URL, URL), false));
        assertFalse(AvroSerdes.registryMode(null));
    }

    @Test
    void apicurioConfigIsConfluentCompatible() {
        Map<String, Object> c = RegistrySerde.apicurioConfig(Map.of(AvroSerdes.SCHEMA_REGISTRY_URL, URL, "other", 1));
        assertEquals(URL, c.get("apicurio.registry.url"));
        assertEquals("io.apicurio.registry.serde.Legacy4ByteIdHandler", c.get("apicurio.registry.id-handler"));
        assertEquals("contentId", c.get("apicurio.registry.use-id"));
        assertEquals("false", c.get("apicurio.registry.headers.enabled"));
        assertEquals("true", c.get("apicurio.registry.auto-register"));
        assertEquals("RETURN_OR_UPDATE", c.get("apicurio.registry.auto-register.if-exists"));
        assertEquals("true", c.get("apicurio.registry.use-specific-avro-reader"));
        assertEquals(1, c.get("other"), "other keys pass through");

        Map<String, Object> overridden = RegistrySerde.apicurioConfig(Map.of(AvroSerdes.SCHEMA_REGISTRY_URL, URL,
                "apicurio.registry.url", "http://elsewhere/apis/registry/v2", "apicurio.registry.use-id", "globalId",
                "apicurio.registry.as-confluent", "true"));
        assertEquals("http://elsewhere/apis/registry/v2", overridden.get("apicurio.registry.url"));
        assertEquals("globalId", overridden.get("apicurio.registry.use-id"));
        assertNull(overridden.get("apicurio.registry.id-handler"), "as-confluent given: no second id handler");
    }

    @Test
    void writesMagicByteFourByteContentIdThenAvroBody() throws Exception {
        NetworkFlow flow = TestRecords.networkFlow();
        byte[] bytes = serde().serializer().serialize("flows", flow);

        assertEquals(0, bytes[0], "magic byte");
        assertEquals(CONTENT_ID, ByteBuffer.wrap(bytes, 1, 4).getInt(), "4-byte big-endian content id");
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(body, null);
        new SpecificDatumWriter<>(NetworkFlow.class).write(flow, enc);
        enc.flush();
        assertArrayEquals(body.toByteArray(), Arrays.copyOfRange(bytes, 5, bytes.length),
                "plain Avro binary body, as Confluent's KafkaAvroDeserializer expects");
        assertEquals(List.of("resolveSchema topic=flows"), resolver.lookups);
    }

    @Test
    void noApicurioHeadersAreWritten() {
        RecordHeaders headers = new RecordHeaders();
        byte[] bytes = serde().serializer().serialize("flows", headers, TestRecords.networkFlow());
        assertEquals(0, headers.toArray().length, "ids travel in the payload, not in headers");
        assertEquals(0, bytes[0]);
    }

    @Test
    void readsItsOwnFramingBack() {
        Serde<NetworkFlow> serde = serde();
        NetworkFlow flow = TestRecords.networkFlow();
        byte[] bytes = serde.serializer().serialize("flows", flow);
        NetworkFlow back = serde.deserializer().deserialize("flows", new RecordHeaders(), bytes);
        assertEquals(flow, back);
        assertTrue(resolver.lookups.contains("byReference contentId=42 globalId=null"), resolver.lookups.toString());
    }

    @Test
    void nullAndBadInput() {
        Serde<NetworkFlow> serde = serde();
        assertNull(serde.serializer().serialize("flows", null));
        assertNull(serde.deserializer().deserialize("flows", null));

        SerializationException notFramed = assertThrows(SerializationException.class,
                () -> serde.deserializer().deserialize("flows", new byte[] {(byte) 0xC3, 1, 2, 3, 4, 5}));
        assertTrue(notFramed.getMessage().contains("expected magic byte 00"), notFramed.getMessage());

        byte[] unknownId = serde.serializer().serialize("flows", TestRecords.networkFlow());
        unknownId[4] = 99;
        SerializationException unknown = assertThrows(SerializationException.class,
                () -> serde.deserializer().deserialize("flows", unknownId));
        assertTrue(unknown.getMessage().contains("registry deserialization of NetworkFlow"), unknown.getMessage());

        byte[] truncated = Arrays.copyOf(serde.serializer().serialize("flows", TestRecords.networkFlow()), 40);
        SerializationException cut = assertThrows(SerializationException.class,
                () -> serde.deserializer().deserialize("flows", truncated));
        assertTrue(cut.getMessage().contains("40 bytes"), cut.getMessage());
        // bad data, not the registry: these go to the DLQ, never stop the firewall's thread
        assertFalse(RegistryUnavailableException.in(notFramed), notFramed.toString());
        assertFalse(RegistryUnavailableException.in(unknown), unknown.toString());
        assertFalse(RegistryUnavailableException.in(cut), cut.toString());
    }

    @Test
    void unreachableRegistryIsARegistryUnavailableException() {
        // the real Apicurio client (no stub) against a closed port: the failure must surface as
        // SerializationException naming type and topic, not as an Apicurio/HTTP exception, and say that
        // the registry (not the record) is the problem
        Serde<NetworkFlow> serde = AvroSerdes.serde(NetworkFlow.class, Map.of(AvroSerdes.SCHEMA_REGISTRY_URL,
                "http://127.0.0.1:1/apis/registry/v2", "apicurio.registry.retry-count", "1",
                "apicurio.registry.retry-backoff-ms", "10"), false);
        SerializationException e = assertThrows(RegistryUnavailableException.class,
                () -> serde.serializer().serialize("flows", TestRecords.networkFlow()));
        assertTrue(e.getMessage().contains("registry serialization of NetworkFlow for topic flows"), e.getMessage());
        SerializationException d = assertThrows(RegistryUnavailableException.class,
                () -> serde.deserializer().deserialize("flows", new byte[] {0, 0, 0, 0, 42, 2, 4}));
        assertTrue(d.getMessage().contains("registry unavailable: ConnectException"), d.getMessage());
        assertTrue(RegistryUnavailableException.in(new RuntimeException(d)));
        serde.close();
    }

    /**
     * The real Apicurio client against an HTTP server answering every request with {@code status}:
     * what a reader gets for a schema id it asks about.
     */
    private static SerializationException readAgainst(int status) throws Exception {
        com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        byte[] body = ("{\"error_code\":" + status + ",\"message\":\"test\",\"name\":\""
                + (status == 404 ? "ContentNotFoundException" : "ServiceUnavailable") + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        server.createContext("/", x -> {
            x.getResponseHeaders().add("Content-Type", "application/json");
            x.sendResponseHeaders(status, body.length);
            x.getResponseBody().write(body);
            x.close();
        });
        server.start();
        try {
            Serde<NetworkFlow> serde = AvroSerdes.serde(NetworkFlow.class, Map.of(AvroSerdes.SCHEMA_REGISTRY_URL,
                    "http://127.0.0.1:" + server.getAddress().getPort() + "/apis/registry/v2",
                    "apicurio.registry.retry-count", "1", "apicurio.registry.retry-backoff-ms", "10"), false);
            try {
                return assertThrows(SerializationException.class,
                        () -> serde.deserializer().deserialize("flows", new byte[] {0, 0, 0, 0, 42, 2, 4}));
            } finally {
                serde.close();
            }
        } finally {
            server.stop(0);
        }
    }

    @Test
    void anUnknownSchemaIdIsBadDataAndAnOverloadedRegistryIsUnavailable() throws Exception {
        SerializationException notFound = readAgainst(404);
        assertFalse(notFound instanceof RegistryUnavailableException, notFound.toString());
        assertTrue(notFound.getMessage().contains("HTTP 404"), notFound.getMessage());
        SerializationException down = readAgainst(503);
        assertInstanceOf(RegistryUnavailableException.class, down);
        assertTrue(down.getMessage().contains("HTTP 503"), down.getMessage());
    }
}
