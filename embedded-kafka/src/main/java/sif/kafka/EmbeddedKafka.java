package sif.kafka;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka 4.x broker in this JVM: KRaft, combined broker + controller
 * ({@code process.roles=broker,controller}), PLAINTEXT on 127.0.0.1, settings fit for
 * exactly-once on one node (replication factors and min ISR 1, no initial rebalance delay).
 *
 * <pre>{@code
 * try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
 *     kafka.createTopics(Map.of("flows", 4, "flows.allowed", 4));
 *     ... bootstrap.servers = kafka.bootstrapServers()
 * }
 * }</pre>
 *
 * <p>Ports are free ports chosen at start unless fixed through the {@link #builder()}. The log
 * directory is a temporary one, deleted by {@link #close()}, unless one is given (then it is kept,
 * and a broker started on it again finds its data). {@link #stop()} and {@link #restart()} take
 * the same broker away and bring it back on the same ports and data, e.g. to test health checks
 * or recovery.
 *
 * <p>{@link #start()} returns once the broker is registered and unfenced (it answers a
 * {@code describeCluster} with itself).
 */
public final class EmbeddedKafka implements KafkaBroker {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
    private static final int NODE_ID = 1;
    private static final String BROKER_LISTENER = "PLAINTEXT";
    private static final String CONTROLLER_LISTENER = "CONTROLLER";

    private final int brokerPort;
    private final int controllerPort;
    private final Path logDir;
    private final boolean ownsLogDir;
    private final Map<String, String> overrides;
    private final Map<String, String> clientSettings;
    private final Map<String, Short> featureLevels;
    private final Duration startTimeout;
    private KafkaRaftServer server;
    private boolean closed;

    private EmbeddedKafka(Builder b) {
        this.brokerPort = b.brokerPort > 0 ? b.brokerPort : freePort();
        int cp = b.controllerPort > 0 ? b.controllerPort : freePort();
        while (cp == brokerPort) {
            cp = freePort();
        }
        this.controllerPort = cp;
        this.overrides = Map.copyOf(b.overrides);
        this.clientSettings = Map.copyOf(b.clientSettings);
        this.featureLevels = Map.copyOf(b.featureLevels);
        this.startTimeout = b.startTimeout;
        if (b.logDir != null) {
            this.logDir = b.logDir.toAbsolutePath();
            this.ownsLogDir = false;
        } else {
            try {
                this.logDir = Files.createTempDirectory("sif-kafka-");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create a temporary Kafka log directory", e);
            }
            this.ownsLogDir = true;
        }
    }

    /** Starts a broker on free ports in a temporary directory (deleted on {@link #close()}). */
    public static EmbeddedKafka start() {
        return builder().start();
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String bootstrapServers() {
        return "127.0.0.1:" + brokerPort;
    }

    /** The client settings given to the builder ({@link Builder#clientConfig}). */
    @Override
    public Map<String, String> clientSettings() {
        return clientSettings;
    }

    public int brokerPort() {
        return brokerPort;
    }

    public int controllerPort() {
        return controllerPort;
    }

    /** The broker's log directory (also holding the KRaft metadata log). */
    public Path logDir() {
        return logDir;
    }

    /** Whether the broker is running (started and not {@link #stop() stopped}). */
    public synchronized boolean isRunning() {
        return server != null;
    }

    /** Creates topics and waits until the broker serves them ({@link KafkaBroker#createTopics(Collection)}). */
    @Override
    public void createTopics(Collection<NewTopic> topics) {
        requireRunning();
        KafkaBroker.super.createTopics(topics);
    }

    /**
     * Shuts the broker down, keeping its ports and data for {@link #restart()}. Clients see the
     * broker go away. No-op if already stopped.
     */
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        LOG.info("stopping embedded Kafka at {}", bootstrapServers());
        KafkaRaftServer s = server;
        server = null;
        s.shutdown();
        s.awaitShutdown();
    }

    /** Starts the broker again on the same ports and log directory after {@link #stop()}. */
    public synchronized void restart() {
        if (closed) {
            throw new IllegalStateException("embedded Kafka at " + bootstrapServers() + " is closed");
        }
        if (server != null) {
            throw new IllegalStateException("embedded Kafka at " + bootstrapServers() + " is running; stop() it first");
        }
        startServer();
    }

    /** Stops the broker and deletes its log directory if it was a temporary one. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            stop();
        } finally {
            if (ownsLogDir) {
                try {
                    Utils.delete(logDir.toFile());
                } catch (IOException e) {
                    LOG.warn("could not delete Kafka log directory {}: {}", logDir, e.toString());
                }
            }
        }
    }

    @Override
    public String toString() {
        return "EmbeddedKafka[" + bootstrapServers() + ", controller 127.0.0.1:" + controllerPort + ", " + logDir + "]";
    }

    private void requireRunning() {
        if (!isRunning()) {
            throw new IllegalStateException("embedded Kafka at " + bootstrapServers() + " is not running");
        }
    }

    /** The broker configuration this instance runs with. */
    Map<String, String> brokerConfig() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", String.valueOf(NODE_ID));
        p.put("controller.quorum.voters", NODE_ID + "@127.0.0.1:" + controllerPort);
        p.put("listeners", BROKER_LISTENER + "://127.0.0.1:" + brokerPort + "," + CONTROLLER_LISTENER + "://127.0.0.1:"
                + controllerPort);
        p.put("advertised.listeners", BROKER_LISTENER + "://127.0.0.1:" + brokerPort);
        p.put("listener.security.protocol.map", BROKER_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        p.put("controller.listener.names", CONTROLLER_LISTENER);
        p.put("inter.broker.listener.name", BROKER_LISTENER);
        p.put("log.dirs", logDir.toString());
        // one node: every internal topic with replication 1, exactly-once works
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "4");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "4");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        p.put("num.partitions", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        // small machine: few threads, small cleaner buffer
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "4");
        p.put("background.threads", "4");
        p.put("num.recovery.threads.per.data.dir", "1");
        p.put("log.cleaner.threads", "1");
        p.put("log.cleaner.dedupe.buffer.size", String.valueOf(8 * 1024 * 1024));
        p.put("log.flush.interval.messages", String.valueOf(Long.MAX_VALUE));
        p.put("auto.create.topics.enable", "true");
        p.putAll(overrides);
        return p;
    }

    private void startServer() {
        long t0 = System.nanoTime();
        Map<String, String> props = brokerConfig();
        KafkaConfig config = new KafkaConfig(props, false);
        format(config);
        KafkaRaftServer s = new KafkaRaftServer(config, Time.SYSTEM);
        try {
            s.startup(); // returns once the broker is unfenced
        } catch (RuntimeException e) {
            try {
                s.shutdown();
                s.awaitShutdown();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new IllegalStateException("embedded Kafka failed to start on " + bootstrapServers() + " (controller 127.0.0.1:"
                    + controllerPort + ", " + logDir + "): " + e.getMessage(), e);
        }
        server = s;
        awaitBrokerVisible();
        LOG.info("embedded Kafka started at {} in {} ms (log dir {})", bootstrapServers(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), logDir);
    }

    /** Formats the log directory for KRaft unless it is already formatted (a restart on kept data). */
    private void format(KafkaConfig config) {
        if (Files.exists(logDir.resolve("meta.properties"))) {
            LOG.debug("{} is already formatted; keeping its cluster id and data", logDir);
            return;
        }
        Formatter formatter = new Formatter()
                .setClusterId(Uuid.randomUuid().toString())
                .setNodeId(NODE_ID)
                .setControllerListenerName(CONTROLLER_LISTENER)
                .setMetadataLogDirectory(config.metadataLogDir())
                .setDirectories(List.of(logDir.toString()))
                .setReleaseVersion(MetadataVersion.latestProduction())
                .setIgnoreFormatted(true)
                .setPrintStream(new PrintStream(new LogStream(), true, StandardCharsets.UTF_8));
        featureLevels.forEach(formatter::setFeatureLevel);
        try {
            formatter.run();
        } catch (Exception e) {
            throw new IllegalStateException("cannot format Kafka log directory " + logDir + ": " + e.getMessage(), e);
        }
    }

    /** Confirms through the client API that the broker serves requests and lists itself. */
    private void awaitBrokerVisible() {
        Map<String, Object> cfg = clientConfig();
        cfg.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) startTimeout.toMillis());
        cfg.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) startTimeout.toMillis());
        try (Admin admin = Admin.create(cfg)) {
            int nodes = admin.describeCluster().nodes().get(startTimeout.toMillis(), TimeUnit.MILLISECONDS).size();
            if (nodes != 1) {
                throw new IllegalStateException("embedded Kafka at " + bootstrapServers() + " reports " + nodes
                        + " brokers after startup, expected 1");
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("embedded Kafka at " + bootstrapServers() + " did not answer describeCluster within "
                    + startTimeout + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for embedded Kafka", e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port on 127.0.0.1", e);
        }
    }

    /** Routes the storage formatter's console output to the log, line by line. */
    private static final class LogStream extends OutputStream {
        private final StringBuilder line = new StringBuilder();

        @Override
        public void write(int b) {
            if (b == '\n') {
                flushLine();
            } else {
                line.append((char) b);
            }
        }

        @Override
        public void flush() {
            flushLine();
        }

        private void flushLine() {
            if (!line.isEmpty()) {
                LOG.debug("storage format: {}", line);
                line.setLength(0);
            }
        }
    }

    /** Options: fixed ports, a kept log directory, extra broker settings. */
    public static final class Builder {
        private int brokerPort;
        private int controllerPort;
        private Path logDir;
        private final Map<String, String> overrides = new LinkedHashMap<>();
        private final Map<String, String> clientSettings = new LinkedHashMap<>();
        private final Map<String, Short> featureLevels = new LinkedHashMap<>();
        private Duration startTimeout = Duration.ofSeconds(60);

        private Builder() {}

        /** Client (PLAINTEXT) port; 0 (default) picks a free one. */
        public Builder brokerPort(int port) {
            this.brokerPort = checkPort(port);
            return this;
        }

        /** KRaft controller port; 0 (default) picks a free one. */
        public Builder controllerPort(int port) {
            this.controllerPort = checkPort(port);
            return this;
        }

        /** A log directory to use and keep (formatted on first use); default: a temporary one deleted on close. */
        public Builder logDir(Path dir) {
            this.logDir = Objects.requireNonNull(dir, "dir");
            return this;
        }

        /** An extra or overriding broker setting (e.g. {@code log.retention.ms}). */
        public Builder config(String key, String value) {
            overrides.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * A setting every client needs on a broker configured to require it (e.g. {@code security.protocol}
         * and {@code sasl.*} with a SASL listener): used by this broker's own start check and topic
         * creation, and included in {@link #clientConfig()}.
         */
        public Builder clientConfig(String key, String value) {
            clientSettings.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** Extra or overriding broker settings. */
        public Builder config(Properties props) {
            props.stringPropertyNames().forEach(k -> overrides.put(k, props.getProperty(k)));
            return this;
        }

        /**
         * A feature level the cluster is formatted with instead of the release's default (e.g.
         * {@code transaction.version} 1: the transaction protocol before KIP-890); applies when the log
         * directory is formatted, i.e. not to a kept one already formatted.
         */
        public Builder featureLevel(String feature, short level) {
            featureLevels.put(Objects.requireNonNull(feature, "feature"), level);
            return this;
        }

        /** How long to wait for the started broker to answer (default 60 s). */
        public Builder startTimeout(Duration timeout) {
            this.startTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /** Starts the broker; returns once it is unfenced and answers clients. */
        public EmbeddedKafka start() {
            EmbeddedKafka kafka = new EmbeddedKafka(this);
            try {
                kafka.startServer();
            } catch (RuntimeException | Error e) {
                // an Error too: Ctrl-C during start makes Kafka's code fail to add its shutdown hook with an
                // ExceptionInInitializerError, which left the log directory behind
                try {
                    kafka.close();
                } catch (RuntimeException | Error suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
            return kafka;
        }

        private static int checkPort(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
            return port;
        }
    }
}
