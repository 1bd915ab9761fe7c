package sif.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;
import sif.schemas.TestRecords;
import sif.schemas.avro.NetworkFlow;

/**
 * Registry mode over real HTTP: the real Apicurio client against a stand-in registry that answers the
 * three calls the serdes make (register an artifact, fetch a schema by content id, its references).
 * A reader that meets a schema id it has not cached while the registry is away gets a
 * {@link RegistryUnavailableException} (the record is not at fault), and decodes the same bytes once
 * the registry is back.
 */
class RegistryOverHttpTest {

    /** Schemas by content id (1-based); one registry "process" per {@link #start}. */
    private final List<String> schemas = new ArrayList<>();

    private HttpServer start(int port) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.createContext("/apis/registry/v2/", x -> {
            String path = x.getRequestURI().getPath();
            String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            int status = 200;
            String out;
            synchronized (schemas) {
                if (x.getRequestMethod().equals("POST") && path.endsWith("/artifacts")) {
                    int id = schemas.indexOf(body) + 1;
                    if (id == 0) {
                        schemas.add(body);
                        id = schemas.size();
                    }
                    out = "{\"groupId\":\"default\",\"id\":\"" + x.getRequestHeaders().getFirst("X-Registry-ArtifactId")
                            + "\",\"version\":\"1\",\"type\":\"AVRO\",\"globalId\":" + id + ",\"contentId\":" + id
                            + ",\"state\":\"ENABLED\",\"createdOn\":\"2026-01-01T00:00:00Z\","
                            + "\"modifiedOn\":\"2026-01-01T00:00:00Z\"}";
                } else if (path.matches(".*/ids/contentIds/\\d+/references")) {
                    out = "[]";
                } else if (path.matches(".*/ids/contentIds/\\d+")) {
                    int id = Integer.parseInt(path.substring(path.lastIndexOf('/') + 1));
                    if (id >= 1 && id <= schemas.size()) {
                        out = schemas.get(id - 1);
                    } else {
                        status = 404;
                        out = "{\"error_code\":404,\"message\":\"No content with id " + id
                                + "\",\"name\":\"ContentNotFoundException\"}";
                    }
                } else {
                    status = 404;
                    out = "{\"error_code\":404,\"message\":\"" + path + "\",\"name\":\"NotFoundException\"}";
                }
            }
            byte[] bytes = out.getBytes(StandardCharsets.UTF_8);
            x.getResponseHeaders().add("Content-Type", "application/json");
            x.sendResponseHeaders(status, bytes.length);
            x.getResponseBody().write(bytes);
            x.close();
        });
        server.start();
        return server;
    }

    private static Serde<NetworkFlow> serde(int port) {
        return AvroSerdes.serde(NetworkFlow.class, Map.of(AvroSerdes.SCHEMA_REGISTRY_URL,
                "http://127.0.0.1:" + port + "/apis/registry/v2", "apicurio.registry.retry-count", "1",
                "apicurio.registry.retry-backoff-ms", "10"), false);
    }

    @Test
    void anUncachedSchemaIdWhileTheRegistryIsAwayIsAnOutageAndDecodesOnceItIsBack() throws IOException {
        HttpServer registry = start(0);
        int port = registry.getAddress().getPort();
        NetworkFlow flow = TestRecords.networkFlow();
        byte[] bytes;
        try (Serde<NetworkFlow> writer = serde(port); Serde<NetworkFlow> reader = serde(port)) {
            bytes = writer.serializer().serialize("flows", flow);
            assertEquals(0, bytes[0], "Confluent framing: magic byte");
            assertEquals(1, bytes[4], "content id 1");
            assertEquals(flow, reader.deserializer().deserialize("flows", bytes), "round trip over HTTP");
        } finally {
            registry.stop(0);
        }
        try (Serde<NetworkFlow> reader = serde(port)) { // a new reader: nothing cached
            RegistryUnavailableException away = assertThrows(RegistryUnavailableException.class,
                    () -> reader.deserializer().deserialize("flows", bytes));
            assertTrue(away.getMessage().contains("registry deserialization of NetworkFlow"), away.getMessage());
            HttpServer back = start(port);
            try {
                assertEquals(flow, reader.deserializer().deserialize("flows", bytes), "the same bytes, registry back");
                byte[] unknown = bytes.clone();
                unknown[4] = 9;
                var notFound = assertThrows(org.apache.kafka.common.errors.SerializationException.class,
                        () -> reader.deserializer().deserialize("flows", unknown));
                assertTrue(!RegistryUnavailableException.in(notFound) && notFound.getMessage().contains("HTTP 404"),
                        notFound.toString());
            } finally {
                back.stop(0);
            }
        }
    }
}
