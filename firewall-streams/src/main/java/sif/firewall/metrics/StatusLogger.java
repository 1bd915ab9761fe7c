package sif.firewall.metrics;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Logs one concise INFO status line per interval (never per flow) from the metrics, e.g.
 * <pre>status in=120345 (+2048 204.8/s) allow=118000 block=1900 alert=410 dlq=35 | batch=31.5 infer=1.21ms | ingest-&gt;verdict p50&lt;=0.050s p99&lt;=0.250s | stages in/batch/model/handoff=3.1/2.6/3.9/1.0ms | blocklist=3 streams=RUNNING</pre>
 * (the stages, {@link FlowStages}, are the interval's means, shown when flows were classified).
 * Logger name {@code sif.firewall.status}.
 */
public final class StatusLogger implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger("sif.firewall.status");

    private final FirewallMetrics metrics;
    private final Supplier<String> state;
    private final ScheduledExecutorService scheduler;
    private MetricsSnapshot previous;
    private long previousNanos;

    private StatusLogger(FirewallMetrics metrics, Supplier<String> state) {
        this.metrics = metrics;
        this.state = state;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sif-status-logger");
            t.setDaemon(true);
            return t;
        });
        this.previous = metrics.snapshot();
        this.previousNanos = System.nanoTime();
    }

    /**
     * Starts logging every {@code interval}.
     *
     * @param state the application state to show, e.g. {@code () -> streams.state().name()}
     */
    public static StatusLogger start(FirewallMetrics metrics, Duration interval, Supplier<String> state) {
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(state, "state");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("status interval must be positive: " + interval);
        }
        StatusLogger logger = new StatusLogger(metrics, state);
        logger.scheduler.scheduleAtFixedRate(logger::logOnce, interval.toMillis(), interval.toMillis(),
                TimeUnit.MILLISECONDS);
        return logger;
    }

    private synchronized void logOnce() {
        try {
            MetricsSnapshot now = metrics.snapshot();
            long nanos = System.nanoTime();
            LOG.info(line(previous, now, (nanos - previousNanos) / 1e9, state.get()));
            previous = now;
            previousNanos = nanos;
        } catch (RuntimeException e) {
            LOG.warn("could not build the status line", e);
        }
    }

    /** The status line for the interval between {@code before} and {@code now}. */
    static String line(MetricsSnapshot before, MetricsSnapshot now, double seconds, String state) {
        long in = now.flowsIn() - before.flowsIn();
        double rate = seconds > 0 ? in / seconds : 0;
        long batches = now.inferenceBatches() - before.inferenceBatches();
        long sequences = now.inferredSequences() - before.inferredSequences();
        long inferNanos = now.inferenceNanos() - before.inferenceNanos();
        MetricsSnapshot.LatencyBuckets ingest = now.ingestLatency().since(before.ingestLatency());
        StringBuilder s = new StringBuilder(192);
        s.append(String.format(Locale.ROOT, "status in=%d (+%d %.1f/s) allow=%d block=%d alert=%d dlq=%d",
                now.flowsIn(), in, rate, now.allowed(), now.blocked(), now.alerts(), now.dlq()));
        if (batches > 0) {
            s.append(String.format(Locale.ROOT, " | batch=%.1f infer=%.2fms",
                    (double) sequences / batches, inferNanos / 1e6 / batches));
        } else {
            s.append(" | batch=- infer=-");
        }
        if (ingest.total() > 0) {
            s.append(" | ingest->verdict p50<=").append(seconds(ingest.quantileUpperBound(0.5)))
                    .append(" p99<=").append(seconds(ingest.quantileUpperBound(0.99)));
        } else {
            s.append(" | ingest->verdict -");
        }
        MetricsSnapshot.Stages stages = now.stages().since(before.stages());
        if (stages.flows() > 0) {
            double n = stages.flows() * 1e6;
            s.append(String.format(Locale.ROOT, " | stages in/batch/model/handoff=%.1f/%.1f/%.1f/%.1fms",
                    stages.inboundNanos() / n, stages.batchNanos() / n, stages.modelNanos() / n,
                    stages.handoffNanos() / n));
        }
        s.append(" | blocklist=").append(now.blocklistSize());
        if (now.challenges() > 0) {
            s.append(" challenges=").append(now.challenges());
        }
        s.append(" streams=").append(state);
        return s.toString();
    }

    private static String seconds(double value) {
        return Double.isInfinite(value) ? "inf" : String.format(Locale.ROOT, "%.3fs", value);
    }

    /** Stops logging (no final line). */
    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
