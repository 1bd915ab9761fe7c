package sif.producer.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The producer's small HTTP endpoint (JDK {@code com.sun.net.httpserver}, one daemon thread):
 * {@code /metrics} (Prometheus text), {@code /health/live} (200 while the process runs) and
 * {@code /health/ready} = {@code /health} (200 while the replay runs, else 503).
 */
public final class MetricsEndpoint implements AutoCloseable {

    /** Conventional port of the producer's endpoint (the firewall's is 9464). */
    public static final int DEFAULT_PORT = 9465;

    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    private static final String JSON = "application/json";
    private static final Logger LOG = LoggerFactory.getLogger(MetricsEndpoint.class);

    private final HttpServer server;
    private final ExecutorService executor;

    private MetricsEndpoint(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * Serves on all interfaces at {@code port} (0 = a free port, see {@link #port()}).
     *
     * @param scrape the registry's Prometheus text (e.g. {@code registry::scrape})
     * @param ready  readiness
     * @throws UncheckedIOException when the port cannot be bound
     */
    public static MetricsEndpoint start(int port, Supplier<String> scrape, BooleanSupplier ready) {
        Objects.requireNonNull(scrape, "scrape");
        Objects.requireNonNull(ready, "ready");
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("metrics port must be 0..65535, got " + port);
        }
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(port), 8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen for /metrics on port " + port + " (in use?)", e);
        }
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "sif-replay-metrics-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/metrics", ex -> handle(ex, () -> respond(ex, 200, PROMETHEUS_TEXT, scrape.get())));
        server.createContext("/health/live", ex -> handle(ex, () -> respond(ex, 200, JSON, "{\"status\":\"UP\"}")));
        server.createContext("/health", ex -> handle(ex, () -> {
            String path = ex.getRequestURI().getPath();
            if (path.equals("/health") || path.equals("/health/") || path.equals("/health/ready")) {
                boolean up = ready.getAsBoolean();
                respond(ex, up ? 200 : 503, JSON, up ? "{\"status\":\"UP\"}" : "{\"status\":\"DOWN\"}");
            } else {
                respond(ex, 404, JSON, "{\"error\":\"not found\"}");
            }
        }));
        server.start();
        MetricsEndpoint endpoint = new MetricsEndpoint(server, executor);
        LOG.info("producer metrics on http://0.0.0.0:{}/metrics", endpoint.port());
        return endpoint;
    }

    /** The port actually bound. */
    public int port() {
        return server.getAddress().getPort();
    }

    private interface Responder {
        void respond() throws IOException;
    }

    private static void handle(HttpExchange exchange, Responder responder) {
        try {
            String method = exchange.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            responder.respond();
        } catch (IOException | RuntimeException e) {
            LOG.warn("failed to answer {} {}: {}", exchange.getRequestMethod(), exchange.getRequestURI(), e.toString());
        } finally {
            exchange.close();
        }
    }

    private static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
