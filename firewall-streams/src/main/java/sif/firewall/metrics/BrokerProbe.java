package sif.firewall.metrics;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Node;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

/**
 * Whether the Kafka cluster answers, probed in the background with an Admin
 * {@code describeCluster} call (short timeout) every {@code interval}; {@link #status()} returns
 * the cached result and never blocks. Kafka Streams can stay RUNNING for a long time after the
 * broker went away, so readiness needs this second signal.
 */
public final class BrokerProbe implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BrokerProbe.class);

    /**
     * Result of the last probe.
     *
     * @param reachable  the cluster answered within the timeout
     * @param nodes      number of brokers it reported
     * @param error      why it did not answer ("" when reachable)
     * @param checkedAtMs wall-clock time of the probe, 0 before the first one
     */
    public record Status(boolean reachable, int nodes, String error, long checkedAtMs) {
        static final Status NOT_PROBED = new Status(false, 0, "not probed yet", 0);
    }

    private final Admin admin;
    private final Duration timeout;
    private final Duration maxAge;
    private final LongSupplier clock;
    private final ScheduledExecutorService scheduler;
    private volatile Status status = Status.NOT_PROBED;

    private BrokerProbe(Admin admin, Duration interval, Duration timeout, LongSupplier clock) {
        this.admin = admin;
        this.timeout = timeout;
        this.clock = clock;
        // a result older than this (probe thread stuck) no longer counts as reachable
        this.maxAge = interval.plus(timeout).multipliedBy(3);
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sif-broker-probe");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Starts probing the cluster named by {@code clientConfig} (the Streams or producer config:
     * {@code bootstrap.servers} and any security settings are reused; other keys are ignored).
     */
    public static BrokerProbe start(Map<String, ?> clientConfig, Duration interval, Duration timeout) {
        Objects.requireNonNull(clientConfig.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG),
                "bootstrap.servers is required for the broker probe");
        if (interval.isNegative() || interval.isZero() || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("probe interval and timeout must be positive: "
                    + interval + ", " + timeout);
        }
        Map<String, Object> config = adminConfig(clientConfig);
        int timeoutMs = (int) timeout.toMillis();
        config.put(AdminClientConfig.CLIENT_ID_CONFIG, "sif-broker-probe");
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMs);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs);
        config.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000);
        config.put(AdminClientConfig.RETRY_BACKOFF_MAX_MS_CONFIG, 1000);
        BrokerProbe probe = new BrokerProbe(Admin.create(config), interval, timeout, System::currentTimeMillis);
        probe.scheduler.scheduleWithFixedDelay(probe::probe, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        return probe;
    }

    /**
     * The admin-client settings of a client's config (the Streams or producer config): {@code
     * bootstrap.servers} and any security settings; keys an admin client does not know are left out.
     */
    public static Map<String, Object> adminConfig(Map<String, ?> clientConfig) {
        Map<String, Object> config = new HashMap<>();
        for (String name : AdminClientConfig.configNames()) {
            if (clientConfig.containsKey(name)) {
                config.put(name, clientConfig.get(name));
            }
        }
        return config;
    }

    /** The last result; unreachable when it is older than three probe periods. */
    public Status status() {
        Status s = status;
        if (s.reachable() && clock.getAsLong() - s.checkedAtMs() > maxAge.toMillis()) {
            return new Status(false, s.nodes(), "no successful probe since " + s.checkedAtMs(), s.checkedAtMs());
        }
        return s;
    }

    private void probe() {
        Status previous = status;
        Status next;
        try {
            Collection<Node> nodes = admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) timeout.toMillis()))
                    .nodes().get(timeout.toMillis() * 2, TimeUnit.MILLISECONDS);
            next = new Status(!nodes.isEmpty(), nodes.size(), nodes.isEmpty() ? "no brokers" : "", clock.getAsLong());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            next = new Status(false, 0, cause.getClass().getSimpleName() + ": " + cause.getMessage(), clock.getAsLong());
        } catch (RuntimeException e) {
            next = new Status(false, 0, e.getClass().getSimpleName() + ": " + e.getMessage(), clock.getAsLong());
        }
        status = next;
        if (next.reachable() != previous.reachable() || previous == Status.NOT_PROBED) {
            if (next.reachable()) {
                LOG.info("Kafka cluster reachable ({} broker(s))", next.nodes());
            } else {
                LOG.warn("Kafka cluster unreachable: {}", next.error());
            }
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        try {
            if (!scheduler.awaitTermination(timeout.toMillis() * 2, TimeUnit.MILLISECONDS)) {
                LOG.warn("broker probe did not stop within {}", timeout.multipliedBy(2));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        admin.close(Duration.ofSeconds(1));
    }
}
