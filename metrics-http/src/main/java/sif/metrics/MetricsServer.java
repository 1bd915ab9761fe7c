package sif.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A small HTTP endpoint (JDK {@code com.sun.net.httpserver}):
 * <ul>
 *   <li>{@code /metrics}: the registry in Prometheus text format 0.0.4</li>
 *   <li>{@code /health/live}: liveness (200 UP / 503 DOWN, JSON body)</li>
 *   <li>{@code /health/ready} and {@code /health}: readiness (200 UP / 503 DOWN, JSON body)</li>
 * </ul>
 */
public final class MetricsServer implements AutoCloseable {

    /** Default port of the firewall's endpoint (the producer's is {@link #DEFAULT_PRODUCER_PORT}). */
    public static final int DEFAULT_PORT = 9464;
    public static final int DEFAULT_PRODUCER_PORT = 9465;

    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    private static final String JSON = "application/json";
    private static final Logger LOG = LoggerFactory.getLogger(MetricsServer.class);

    /**
     * Threads answering requests (started as needed, ended after 30 s idle). Each stalled client holds one
     * for at most {@link #MAX_REQUEST_SECONDS}, and a request queued behind busy threads is cut off with them
     * (the JDK's request clock starts when the connection is accepted), so there are enough that the
     * stalled clients of a scanner or a broken proxy leave one free for the liveness probe.
     */
    static final int THREADS = 32;
    /** How long a client may take to send its request (then the server closes the connection). */
    static final int MAX_REQUEST_SECONDS = 5;

    static {
        // The JDK server reads each request on the executor's threads and by default never gives up on a
        // half-sent one: a few stalled clients (a scanner, a broken proxy) held every thread and the liveness
        // probe got no answer. Read once, when the JDK's server configuration is first loaded.
        setIfAbsent("sun.net.httpserver.maxReqTime", Integer.toString(MAX_REQUEST_SECONDS));
        setIfAbsent("sun.net.httpserver.maxRspTime", "10");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    private final HttpServer server;
    private final ExecutorService executor;

    private MetricsServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** Serves on all interfaces at {@code port} (0 = a free port, see {@link #port()}). */
    public static MetricsServer start(int port, PrometheusMeterRegistry registry, HealthCheck health) {
        return start(new InetSocketAddress(port), registry::scrape, health);
    }

    /** Serves {@code scrape} (Prometheus text) and {@code health} at {@code address}. */
    public static MetricsServer start(InetSocketAddress address, Supplier<String> scrape, HealthCheck health) {
        Objects.requireNonNull(scrape, "scrape");
        Objects.requireNonNull(health, "health");
        HttpServer server;
        try {
            server = HttpServer.create(address, 16);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen for /metrics on " + address
                    + " (port in use? set another metrics port)", e);
        }
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor executor = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "sif-metrics-http-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        executor.allowCoreThreadTimeOut(true);
        server.setExecutor(executor);
        server.createContext("/metrics", exchange -> handle(exchange, () ->
                respond(exchange, 200, PROMETHEUS_TEXT, scrape.get())));
        server.createContext("/health/live", exchange -> handle(exchange, () ->
                respond(exchange, health.liveness())));
        server.createContext("/health/ready", exchange -> handle(exchange, () ->
                respond(exchange, health.readiness())));
        server.createContext("/health", exchange -> handle(exchange, () -> {
            respond(exchange, health.readiness());
        }));
        server.start();
        MetricsServer started = new MetricsServer(server, executor);
        LOG.info("metrics and health on http://{}:{}/metrics, /health/live, /health/ready",
                address.getHostString(), started.port());
        return started;
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
            // contexts match by prefix: /metrics-foo or /health/ready/x are not ours
            String path = exchange.getRequestURI().getPath();
            String context = exchange.getHttpContext().getPath();
            if (!path.equals(context) && !path.equals(context + "/")) {
                respond(exchange, 404, JSON, "{\"error\":\"not found\"}");
                return;
            }
            responder.respond();
        } catch (IOException | RuntimeException e) {
            LOG.warn("failed to answer {} {}: {}", exchange.getRequestMethod(), exchange.getRequestURI(), e.toString());
            if (exchange.getResponseCode() == -1) { // nothing sent yet: say so, rather than drop the connection
                try {
                    exchange.sendResponseHeaders(500, -1);
                } catch (IOException ignored) {
                    // the client is gone
                }
            }
        } finally {
            exchange.close();
        }
    }

    private static void respond(HttpExchange exchange, Health health) throws IOException {
        respond(exchange, health.up() ? 200 : 503, JSON, health.toJson());
    }

    private static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
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
