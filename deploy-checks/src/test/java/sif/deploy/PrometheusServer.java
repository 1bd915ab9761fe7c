package sif.deploy;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real Prometheus server (the {@code prometheus} binary, e.g. Debian's package) started as a child
 * process with a temporary configuration and TSDB, scraping one target every second.
 */
final class PrometheusServer implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Process process;
    private final int port;
    private final Path log;

    private PrometheusServer(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** The binary: {@code SIF_PROMETHEUS_BIN}, else {@code prometheus} on the PATH. */
    static Optional<Path> binary() {
        String env = System.getenv("SIF_PROMETHEUS_BIN");
        if (env != null && !env.isBlank()) {
            return Optional.of(Path.of(env)).filter(Files::isExecutable);
        }
        return Executables.onPath("prometheus");
    }

    static PrometheusServer start(Path binary, Path workDir, String job, String target) throws IOException {
        Path config = workDir.resolve("prometheus.yml");
        Files.writeString(config, String.join("\n",
                "global:",
                "  scrape_interval: 1s",
                "  evaluation_interval: 1s",
                "scrape_configs:",
                "  - job_name: " + job,
                "    static_configs:",
                "      - targets: [\"" + target + "\"]",
                ""));
        Path data = Files.createDirectories(workDir.resolve("tsdb"));
        Path log = workDir.resolve("prometheus.log");
        int port = freePort();
        Process p = new ProcessBuilder(List.of(binary.toString(),
                "--config.file=" + config,
                "--storage.tsdb.path=" + data,
                "--web.listen-address=127.0.0.1:" + port,
                "--log.level=warn"))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        return new PrometheusServer(p, port, log);
    }

    String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** Waits until Prometheus answers /-/ready; fails with its log if it exits or times out. */
    void awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("prometheus exited with " + process.exitValue() + ":\n" + log());
            }
            try {
                if (get("/-/ready").statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError("prometheus not ready within " + timeout + ":\n" + log());
    }

    private HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl() + pathAndQuery)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Result of an instant query: the series, or the error Prometheus reported. */
    record QueryResult(int series, String error) {
    }

    QueryResult query(String promql) throws IOException, InterruptedException {
        HttpResponse<String> r = get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        JsonNode body = RepoFiles.JSON.readTree(r.body());
        if (!"success".equals(body.path("status").asText())) {
            return new QueryResult(0, body.path("errorType").asText() + ": " + body.path("error").asText());
        }
        return new QueryResult(body.path("data").path("result").size(), null);
    }

    /** Health of the scrape target as Prometheus sees it ("up", "down", "unknown"). */
    String targetHealth() throws IOException, InterruptedException {
        JsonNode body = RepoFiles.JSON.readTree(get("/api/v1/targets").body());
        JsonNode active = body.path("data").path("activeTargets");
        return active.isEmpty() ? "none" : active.get(0).path("health").asText() + " " + active.get(0).path("lastError").asText();
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
