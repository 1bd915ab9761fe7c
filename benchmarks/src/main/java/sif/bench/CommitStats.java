package sif.bench;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;

/**
 * What the firewall's commits cost during a phase, from Kafka's own metrics: the stream threads'
 * {@code commit-total} and {@code commit-latency-max} ({@code stream-thread-metrics}) and their
 * producers' cumulative blocking times ({@code producer-metrics}: {@code flush-time-ns-total},
 * {@code txn-send-offsets-time-ns-total}, {@code txn-commit-time-ns-total}). Under exactly-once a
 * commit flushes the producer, sends the consumed offsets and commits the transaction, and the
 * stream thread processes nothing meanwhile: the flows that arrive wait (docs/performance.md,
 * session 12: this fits the produce→verdict tail at fixed loads). Snapshots are taken at a phase's
 * start and end; {@link #between} gives the phase's share.
 */
record CommitStats(double commits, double flushNs, double sendOffsetsNs, double txnCommitNs, double latencyAvgMs,
                   double latencyMaxMs) {

    static final CommitStats NONE = new CommitStats(0, 0, 0, 0, Double.NaN, Double.NaN);

    /**
     * Counts and blocking times summed over every stream thread (and its producer) of
     * {@code streams}; commit latency avg and max the highest over the threads.
     */
    static CommitStats of(KafkaStreams streams) {
        double commits = 0;
        double flush = 0;
        double offsets = 0;
        double commit = 0;
        double avg = Double.NaN;
        double max = Double.NaN;
        for (Map.Entry<MetricName, ? extends Metric> e : streams.metrics().entrySet()) {
            MetricName n = e.getKey();
            double v = value(e.getValue());
            if (Double.isNaN(v)) {
                continue;
            }
            if (n.group().equals("stream-thread-metrics")) {
                if (n.name().equals("commit-total")) {
                    commits += v;
                } else if (n.name().equals("commit-latency-avg")) {
                    avg = Double.isNaN(avg) ? v : Math.max(avg, v);
                } else if (n.name().equals("commit-latency-max")) {
                    max = Double.isNaN(max) ? v : Math.max(max, v);
                }
            } else if (n.group().equals("producer-metrics")) {
                switch (n.name()) {
                    case "flush-time-ns-total" -> flush += v;
                    case "txn-send-offsets-time-ns-total" -> offsets += v;
                    case "txn-commit-time-ns-total" -> commit += v;
                    default -> { }
                }
            }
        }
        return new CommitStats(commits, flush, offsets, commit, avg, max);
    }

    private static double value(Metric m) {
        Object v = m.metricValue();
        return v instanceof Number num ? num.doubleValue() : Double.NaN;
    }

    /**
     * The phase from {@code start} to {@code end} ({@code seconds} long): commits, commits per
     * second, the mean milliseconds per commit spent flushing, sending offsets and committing the
     * transaction (the producer's part; under at-least-once the offset commit is the consumer's and
     * not in it), their sum, the share of the phase the stream thread spent in them, and the mean
     * and longest whole commit as Kafka Streams measures it ({@code commit-latency-avg/max}, over its
     * metrics window: the last 30 s or so, which may reach back before the phase).
     */
    static Map<String, Object> between(CommitStats start, CommitStats end, double seconds) {
        double commits = end.commits - start.commits;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("commits", (long) commits);
        m.put("commits_per_s", BenchCommand.round(commits / seconds, 1));
        double per = Math.max(commits, 1) * 1e6;
        double flush = (end.flushNs - start.flushNs) / per;
        double offsets = (end.sendOffsetsNs - start.sendOffsetsNs) / per;
        double commit = (end.txnCommitNs - start.txnCommitNs) / per;
        m.put("flush_ms_per_commit", BenchCommand.round(flush, 2));
        m.put("send_offsets_ms_per_commit", BenchCommand.round(offsets, 2));
        m.put("txn_commit_ms_per_commit", BenchCommand.round(commit, 2));
        m.put("blocked_ms_per_commit", BenchCommand.round(flush + offsets + commit, 2));
        m.put("blocked_share_of_phase", BenchCommand.round(commits * (flush + offsets + commit) / 1e3 / seconds, 3));
        m.put("commit_latency_avg_ms", Double.isNaN(end.latencyAvgMs) ? null : BenchCommand.round(end.latencyAvgMs, 2));
        m.put("commit_latency_max_ms", Double.isNaN(end.latencyMaxMs) ? null : BenchCommand.round(end.latencyMaxMs, 1));
        return m;
    }

    /** One console line for {@link #between}'s map. */
    static String line(Map<String, Object> m) {
        return String.format(Locale.ROOT, "commits: %s (%s/s); producer blocked %s ms each (flush %s + offsets %s + "
                        + "txn commit %s), %s of the phase; Streams commit latency avg %s / max %s ms",
                m.get("commits"), m.get("commits_per_s"), m.get("blocked_ms_per_commit"), m.get("flush_ms_per_commit"),
                m.get("send_offsets_ms_per_commit"), m.get("txn_commit_ms_per_commit"),
                m.get("blocked_share_of_phase"), m.get("commit_latency_avg_ms"), m.get("commit_latency_max_ms"));
    }
}
