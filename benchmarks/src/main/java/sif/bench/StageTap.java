package sif.bench;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import sif.firewall.metrics.FirewallMetrics;
import sif.firewall.metrics.FlowStages;
import sif.firewall.metrics.MetricsSnapshot;

/**
 * The firewall's metrics as {@code ./sif firewall} records them (every call goes on to
 * {@code delegate}), keeping in addition each flow's {@link FlowStages} of a phase, so that the
 * benchmark can say where the slowest flows' time went — not only each stage's own percentiles,
 * which do not add up to the total's.
 */
final class StageTap implements FirewallMetrics {

    /** The stages in a flow's order; the row layout of {@link #summarize}. */
    static final List<String> STAGES = List.of(FlowStages.INBOUND, FlowStages.BATCH, FlowStages.MODEL,
            FlowStages.HANDOFF);

    private final FirewallMetrics delegate;
    private volatile long fromIngestMs = Long.MAX_VALUE;
    private double[][] rows = new double[1 << 14][]; // per flow: the stages in ms, in STAGES order
    private int count;

    StageTap(FirewallMetrics delegate) {
        this.delegate = delegate;
    }

    /** Keeps the stages of flows whose input record's timestamp is {@code ingestMs} or later. */
    void recordFrom(long ingestMs) {
        fromIngestMs = ingestMs;
    }

    @Override
    public void flowStages(FlowStages s) {
        delegate.flowStages(s);
        if (s.ingestTimeMs() >= fromIngestMs) {
            double[] row = {Math.max(0, s.inboundMs()), s.batchNanos() / 1e6, s.modelNanos() / 1e6,
                    s.handoffNanos() / 1e6};
            synchronized (this) {
                if (count == rows.length) {
                    rows = Arrays.copyOf(rows, count * 2);
                }
                rows[count++] = row;
            }
        }
    }

    /** The stages of the flows kept so far ({@link #summarize}). */
    synchronized Map<String, Object> summary() {
        return summarize(Arrays.copyOf(rows, count));
    }

    /**
     * For all flows: each stage's mean, p50 and p99; and for the slowest 1 % by the four stages'
     * sum (at least one flow): that sum's lower bound and each stage's mean — where the tail's time
     * went. Milliseconds; empty when there are no flows.
     */
    static Map<String, Object> summarize(double[][] flows) {
        Map<String, Object> out = new LinkedHashMap<>();
        int n = flows.length;
        out.put("flows", n);
        if (n == 0) {
            return out;
        }
        Map<String, Object> all = new LinkedHashMap<>();
        for (int s = 0; s < STAGES.size(); s++) {
            double[] v = new double[n];
            for (int i = 0; i < n; i++) {
                v[i] = flows[i][s];
            }
            Arrays.sort(v);
            all.put(STAGES.get(s), Map.of("mean", BenchCommand.round(mean(v), 2),
                    "p50", BenchCommand.round(v[rank(n, 0.50)], 2), "p99", BenchCommand.round(v[rank(n, 0.99)], 2)));
        }
        out.put("all", all);
        double[][] byTotal = flows.clone();
        Arrays.sort(byTotal, (a, b) -> Double.compare(total(b), total(a)));
        int slow = Math.max(1, n / 100);
        Map<String, Object> tail = new LinkedHashMap<>();
        tail.put("flows", slow);
        tail.put("total_from_ms", BenchCommand.round(total(byTotal[slow - 1]), 2));
        double sum = 0;
        for (int s = 0; s < STAGES.size(); s++) {
            double m = 0;
            for (int i = 0; i < slow; i++) {
                m += byTotal[i][s];
            }
            m /= slow;
            sum += m;
            tail.put(STAGES.get(s) + "_mean", BenchCommand.round(m, 2));
        }
        tail.put("total_mean", BenchCommand.round(sum, 2));
        out.put("slowest_1pct", tail);
        return out;
    }

    /** One console line from a {@link #summarize} result. */
    @SuppressWarnings("unchecked")
    static String line(Map<String, Object> summary) {
        Object all = summary.get("all");
        if (all == null) {
            return "where the time went: no flow recorded";
        }
        Map<String, Object> tail = (Map<String, Object>) summary.get("slowest_1pct");
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT,
                "where the time went, ms (mean of all %,d flows | of the slowest %,d, from %s ms):",
                (Integer) summary.get("flows"), (Integer) tail.get("flows"), tail.get("total_from_ms")));
        for (String s : STAGES) {
            b.append(' ').append(s).append(' ').append(((Map<String, Object>) all).get(s) instanceof Map<?, ?> m
                    ? m.get("mean") : "?").append(" | ").append(tail.get(s + "_mean")).append(',');
        }
        b.setLength(b.length() - 1);
        return b.toString();
    }

    private static int rank(int n, double q) {
        return Math.min(n - 1, (int) Math.ceil(q * n) - 1);
    }

    private static double mean(double[] v) {
        double m = 0;
        for (double x : v) {
            m += x;
        }
        return m / v.length;
    }

    private static double total(double[] row) {
        double t = 0;
        for (double x : row) {
            t += x;
        }
        return t;
    }

    // everything else as the firewall records it

    @Override
    public void flowIn() {
        delegate.flowIn();
    }

    @Override
    public void verdict(String decision, String className, double confidence) {
        delegate.verdict(decision, className, confidence);
    }

    @Override
    public void dlq(String reason) {
        delegate.dlq(reason);
    }

    @Override
    public void inferenceBatch(int size, long nanos) {
        delegate.inferenceBatch(size, nanos);
    }

    @Override
    public void batchWait(boolean full, long waitMs) {
        delegate.batchWait(full, waitMs);
    }

    @Override
    public void latency(long eventTimeMs, long ingestTimeMs, long nowMs) {
        delegate.latency(eventTimeMs, ingestTimeMs, nowMs);
    }

    @Override
    public void identityStatus(String status) {
        delegate.identityStatus(status);
    }

    @Override
    public void challenge() {
        delegate.challenge();
    }

    @Override
    public void productionRetry() {
        delegate.productionRetry();
    }

    @Override
    public void controlDeadLetter(String topic) {
        delegate.controlDeadLetter(topic);
    }

    @Override
    public void verdictStepFailure(String node) {
        delegate.verdictStepFailure(node);
    }

    @Override
    public void blocklistSize(long size) {
        delegate.blocklistSize(size);
    }

    @Override
    public void blocklistSize(String owner, long size) {
        delegate.blocklistSize(owner, size);
    }

    @Override
    public void modelInfo(String version) {
        delegate.modelInfo(version);
    }

    @Override
    public MetricsSnapshot snapshot() {
        return delegate.snapshot();
    }
}
