package sif.schemas.serde;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A stand-in for an Apicurio registry (v2 API) that answers the three calls SIF's serdes make:
 * register an artifact ({@code POST .../groups/default/artifacts}, content ids from 1 per distinct
 * schema), fetch a schema by content id, and its references (none). It can be stopped and started again
 * on its port, keeping its schemas, as a registry that goes away and comes back. Test support only (no
 * auth, no versions, no compatibility rules).
 */
public final class StandInRegistry implements AutoCloseable {

    /** Schemas by content id (1-based). */
    private final List<String> schemas = new ArrayList<>();
    /** The artifact ids registered to (e.g. {@code flows-value}). */
    private final java.util.SortedSet<String> artifactIds = new java.util.TreeSet<>();
    private HttpServer server;
    private int port;

    /** Started on {@code port} (0: a free one). */
    public static StandInRegistry start(int port) throws IOException {
        StandInRegistry r = new StandInRegistry();
        r.port = port;
        r.restart();
        return r;
    }

    /** The URL to give as {@code schema.registry.url}. */
    public String url() {
        return "http://127.0.0.1:" + port + "/apis/registry/v2";
    }

    public int port() {
        return port;
    }

    /** Schemas registered so far. */
    public synchronized int schemas() {
        return schemas.size();
    }

    /** The artifact ids schemas were registered under so far, sorted. */
    public synchronized java.util.SortedSet<String> artifactIds() {
        return new java.util.TreeSet<>(artifactIds);
    }

    /** Stops answering: connections are refused until {@link #restart()}. */
    public synchronized void stop() {
        if (server != null) {
            server.stop(0);
            server = null;
        }
    }

    /** Answers again, on the same port, with the same schemas. */
    public synchronized void restart() throws IOException {
        if (server != null) {
            return;
        }
        HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        s.createContext("/apis/registry/v2/", x -> {
            String path = x.getRequestURI().getPath();
            String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            int status = 200;
            String out;
            synchronized (this) {
                if (x.getRequestMethod().equals("POST") && path.endsWith("/artifacts")) {
                    int id = schemas.indexOf(body) + 1;
                    if (id == 0) {
                        schemas.add(body);
                        id = schemas.size();
                    }
                    String artifactId = x.getRequestHeaders().getFirst("X-Registry-ArtifactId");
                    artifactIds.add(artifactId);
                    out = "{\"groupId\":\"default\",\"id\":\"" + artifactId
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
        s.start();
        server = s;
        port = s.getAddress().getPort();
    }

    @Override
    public void close() {
        stop();
    }
}
