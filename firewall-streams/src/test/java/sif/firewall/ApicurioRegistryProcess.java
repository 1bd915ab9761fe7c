package sif.firewall;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import sif.kafka.ChildJvm;

/**
 * A real Apicurio Registry (2.4.2.Final, built by the {@code schema-registry} module from Maven Central)
 * run as a child process on a free loopback port, its storage an H2 database file in a directory of
 * the test's: {@link #stop()} kills the process, {@link #restart()} starts it again on the same port and
 * storage, so registered schemas survive as they would with a registry's persistent storage.
 */
final class ApicurioRegistryProcess implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path jar;
    private final Path storage;
    private final int port;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private Process process;

    private ApicurioRegistryProcess(Path jar, Path storage, int port) {
        this.jar = jar;
        this.storage = storage;
        this.port = port;
    }

    /**
     * The runner jar the {@code schema-registry} module builds ({@code mvn verify} builds it before
     * firewall-streams).
     *
     * @throws IllegalStateException naming the command that builds it, when it is not there
     */
    static Path runnerJar() {
        Path jar = Path.of(System.getProperty("sif.repo.root", ".."), "schema-registry", "target",
                "apicurio-registry-runner.jar").toAbsolutePath().normalize();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no Apicurio Registry server at " + jar
                    + ": build it first with 'mvn -B package -f schema-registry/pom.xml' (mvn verify at the top builds it)");
        }
        return jar;
    }

    /** Starts the registry and waits until it answers. */
    static ApicurioRegistryProcess start(Path dir) throws IOException, InterruptedException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        ApicurioRegistryProcess r = new ApicurioRegistryProcess(runnerJar(), dir, port);
        r.restart();
        return r;
    }

    /** The URL to give as {@code schema.registry.url}. */
    String url() {
        return "http://127.0.0.1:" + port + "/apis/registry/v2";
    }

    /** Kills the registry process: connections are refused until {@link #restart()}. */
    synchronized void stop() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
            process = null;
        }
    }

    /** Starts the registry on the same port and storage and waits until it answers. */
    synchronized void restart() throws IOException, InterruptedException {
        if (process != null) {
            return;
        }
        Path log = storage.resolve("registry.log");
        ProcessBuilder pb = new ProcessBuilder(List.of(ChildJvm.java(), "-Xmx256m",
                "-Dquarkus.http.host=127.0.0.1", "-Dquarkus.http.port=" + port, "-jar", jar.toString()))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        // the app's own setting for its storage (its prod profile reads it)
        pb.environment().put("REGISTRY_DATASOURCE_URL", "jdbc:h2:file:" + storage.resolve("registry").toAbsolutePath());
        // the compatibility rule docker-compose.yml sets: a schema its readers cannot read is refused
        pb.environment().put("REGISTRY_RULES_GLOBAL_COMPATIBILITY", "FULL");
        process = pb.start();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Apicurio Registry exited with " + process.exitValue() + "; see " + log);
            }
            try {
                // the readiness URL docker-compose.yml's healthcheck asks
                if (http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
                        .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        stop();
        throw new IllegalStateException("Apicurio Registry did not answer within " + START_TIMEOUT + "; see " + log);
    }

    /** Artifacts (schemas) the registry holds, from its search API. */
    int artifacts() throws IOException, InterruptedException {
        return artifactIds().size();
    }

    /** The ids of the artifacts the registry holds (e.g. {@code flows-value}), sorted. */
    SortedSet<String> artifactIds() throws IOException, InterruptedException {
        HttpResponse<String> r = get("/search/artifacts?limit=100");
        if (r.statusCode() != 200) {
            throw new IllegalStateException("unexpected answer from the registry's search: " + r.statusCode() + " " + r.body());
        }
        JsonNode found = JSON.readTree(r.body());
        SortedSet<String> ids = new TreeSet<>();
        found.path("artifacts").forEach(a -> ids.add(a.path("id").asText()));
        if (ids.size() != found.path("count").asInt(-1)) {
            throw new IllegalStateException("the registry's search counts " + found.path("count") + " artifacts but lists " + ids);
        }
        return ids;
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(5)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
