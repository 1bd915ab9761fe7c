package sif.bench;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import sif.firewall.metrics.FlowStages;
import sif.firewall.metrics.PrometheusFirewallMetrics;

/**
 * Each flow's {@link FlowStages} of a phase, as the firewall's metrics report them
 * ({@link PrometheusFirewallMetrics#observeFlowStages}), kept so that the
 * benchmark can say where the slowest flows' time went — not only each stage's own percentiles,
 * which do not add up to the total's — and how much of it the JVM or the stream thread stood
 * still: inside an exactly-once commit ({@link CommitWindows}) or a GC pause ({@link GcPauses}).
 */
final class StageTap implements Consumer<FlowStages> {

    /** The stages in a flow's order; the row layout of {@link #summarize}. */
    static final List<String> STAGES = List.of(FlowStages.INBOUND, FlowStages.BATCH, FlowStages.MODEL,
            FlowStages.HANDOFF);

    /** Values per flow: the four stages (ms), then the input record's timestamp (epoch ms). */
    private static final int WIDTH = 5;
    /**
     * Flows per chunk by default: 2^19 × 5 doubles = 20 MiB, over half of G1's largest region (32 MiB),
     * so every chunk is a humongous object allocated straight into the old generation.
     */
    static final int DEFAULT_CHUNK_FLOWS = 1 << 19;

    private volatile long fromIngestMs = Long.MAX_VALUE;
    private final int chunkFlows;
    /**
     * The flows kept, {@link #WIDTH} doubles each, in chunks of {@link #chunkFlows} flows. Flat
     * primitive chunks, not an array per flow: this tap shares the JVM with the firewall it measures, and
     * an object per flow kept for the whole phase is what every young GC pause of that JVM would copy
     * again until it is tenured — the benchmark adding to the pauses it reports (docs/performance.md,
     * session 26: survivors per pause at 5k/s 10.5 MB with an array per flow, 4.5–4.9 MB with chunks;
     * the pauses themselves did not measurably shorten).
     */
    private double[][] chunks = new double[1][];
    private int count;

    StageTap() {
        this(DEFAULT_CHUNK_FLOWS);
    }

    /** A tap storing {@code chunkFlows} flows per chunk (small ones for tests). */
    StageTap(int chunkFlows) {
        if (chunkFlows < 1) {
            throw new IllegalArgumentException("chunkFlows must be >= 1, got " + chunkFlows);
        }
        this.chunkFlows = chunkFlows;
        chunks[0] = new double[chunkFlows * WIDTH]; // now, not on the firewall thread that reports the first flow
    }

    /** Keeps the stages of flows whose input record's timestamp is {@code ingestMs} or later. */
    void recordFrom(long ingestMs) {
        fromIngestMs = ingestMs;
    }

    @Override
    public void accept(FlowStages s) {
        if (s.ingestTimeMs() >= fromIngestMs) {
            synchronized (this) {
                int chunk = count / chunkFlows;
                if (chunk == chunks.length) {
                    chunks = Arrays.copyOf(chunks, chunk * 2);
                }
                if (chunks[chunk] == null) {
                    chunks[chunk] = new double[chunkFlows * WIDTH];
                }
                double[] c = chunks[chunk];
                int at = (count % chunkFlows) * WIDTH;
                c[at] = s.inboundMs();
                c[at + 1] = s.batchNanos() / 1e6;
                c[at + 2] = s.modelNanos() / 1e6;
                c[at + 3] = s.handoffNanos() / 1e6;
                c[at + 4] = s.ingestTimeMs();
                count++;
            }
        }
    }

    /** The flows kept so far, one row each in {@link #summarize}'s layout. */
    synchronized double[][] rows() {
        double[][] out = new double[count][];
        for (int i = 0; i < count; i++) {
            int at = (i % chunkFlows) * WIDTH;
            out[i] = Arrays.copyOfRange(chunks[i / chunkFlows], at, at + WIDTH);
        }
        return out;
    }

    /** The stages of the flows kept so far, against the phase's commits and GC pauses ({@link #summarize}). */
    Map<String, Object> summary(List<long[]> commits, List<long[]> gcPauses) {
        return summarize(rows(), commits, gcPauses);
    }

    /**
     * For all flows: each stage's mean, p50 and p99; and for the slowest 1 % by the four stages'
     * sum (at least one flow): that sum's lower bound and each stage's mean — where the tail's time
     * went. For both, how many flows a commit or a GC pause fell into (from the input record's
     * timestamp to the verdict) and for how long on average ({@code in_commits_ms_mean},
     * {@code in_gc_pauses_ms_mean}; a pause during a commit counts in both). Milliseconds; only
     * {@code flows} when there are none.
     *
     * @param flows    per flow: the four stages (ms), then the input record's timestamp (epoch ms)
     * @param commits  the phase's commits, {start, end} epoch ms
     * @param gcPauses the phase's GC pauses, {start, end} epoch ms
     */
    static Map<String, Object> summarize(double[][] flows, List<long[]> commits, List<long[]> gcPauses) {
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
        stalls(all, Arrays.asList(flows), commits, gcPauses);
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
        stalls(tail, Arrays.asList(byTotal).subList(0, slow), commits, gcPauses);
        out.put("slowest_1pct", tail);
        out.put("longest_read_gap", longestReadGap(flows, commits, gcPauses));
        return out;
    }

    /**
     * The longest time the inference step read no flow between two that it read (a flow is read at
     * its input record's timestamp plus its inbound stage): {@code ms}, when it began ({@code after_ms},
     * from the first flow read) and how much of it the commits and the GC pauses cover. At a fixed
     * load flows are due every fraction of a millisecond, so a gap far longer than a commit is a
     * stall of the path before the inference step (sender, broker, fetch, stream thread); what the
     * commits and pauses do not cover of it, they did not cause.
     */
    static Map<String, Object> longestReadGap(double[][] flows, List<long[]> commits, List<long[]> gcPauses) {
        double[] read = new double[flows.length];
        for (int i = 0; i < flows.length; i++) {
            read[i] = flows[i][STAGES.size()] + flows[i][0];
        }
        Arrays.sort(read);
        Map<String, Object> gap = new LinkedHashMap<>();
        if (read.length < 2) {
            return gap;
        }
        int at = 0;
        for (int i = 1; i < read.length; i++) {
            if (read[i] - read[i - 1] > read[at + 1] - read[at]) {
                at = i - 1;
            }
        }
        gap.put("ms", BenchCommand.round(read[at + 1] - read[at], 2));
        gap.put("after_ms", BenchCommand.round(read[at] - read[0], 2));
        gap.put("in_commits_ms", BenchCommand.round(overlapMs(read[at], read[at + 1], commits), 2));
        gap.put("in_gc_pauses_ms", BenchCommand.round(overlapMs(read[at], read[at + 1], gcPauses), 2));
        return gap;
    }

    /** One console line from a {@link #summarize} result. */
    @SuppressWarnings("unchecked")
    static String line(Map<String, Object> summary) {
        Map<String, Object> all = (Map<String, Object>) summary.get("all");
        if (all == null) {
            return "where the time went: no flow recorded";
        }
        Map<String, Object> tail = (Map<String, Object>) summary.get("slowest_1pct");
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT,
                "where the time went, ms (mean of all %,d flows | of the slowest %,d, from %s ms):",
                (Integer) summary.get("flows"), (Integer) tail.get("flows"), tail.get("total_from_ms")));
        for (String s : STAGES) {
            b.append(String.format(Locale.ROOT, " %s %s | %s,", s, ((Map<String, Object>) all.get(s)).get("mean"),
                    tail.get(s + "_mean")));
        }
        b.setLength(b.length() - 1);
        for (String kind : List.of("commits", "gc_pauses")) {
            b.append(String.format(Locale.ROOT, "; %s: in %s of all | %s of the slowest, %s | %s ms per flow",
                    kind.replace('_', ' '), percent(all.get("share_in_" + kind)), percent(tail.get("share_in_" + kind)),
                    all.get("in_" + kind + "_ms_mean"), tail.get("in_" + kind + "_ms_mean")));
        }
        Map<String, Object> gap = (Map<String, Object>) summary.get("longest_read_gap");
        if (gap != null && gap.containsKey("ms")) {
            b.append(String.format(Locale.ROOT, "; longest read gap %s ms (%s s in; commits %s ms of it, GC pauses %s ms)",
                    gap.get("ms"), BenchCommand.round(((Number) gap.get("after_ms")).doubleValue() / 1e3, 1),
                    gap.get("in_commits_ms"), gap.get("in_gc_pauses_ms")));
        }
        return b.toString();
    }

    /** Into {@code out}: the share of {@code flows} a commit / a GC pause fell into, and its mean time in them. */
    private static void stalls(Map<String, Object> out, List<double[]> flows, List<long[]> commits,
                               List<long[]> gcPauses) {
        for (var kind : List.of(Map.entry("commits", commits), Map.entry("gc_pauses", gcPauses))) {
            int hit = 0;
            double ms = 0;
            for (double[] f : flows) {
                double in = overlapMs(f[STAGES.size()], f[STAGES.size()] + total(f), kind.getValue());
                if (in > 0) {
                    hit++;
                    ms += in;
                }
            }
            out.put("share_in_" + kind.getKey(), BenchCommand.round((double) hit / flows.size(), 3));
            out.put("in_" + kind.getKey() + "_ms_mean", BenchCommand.round(ms / flows.size(), 2));
        }
    }

    /** How long {@code [from, to]} and the windows overlap, ms. */
    static double overlapMs(double from, double to, List<long[]> windows) {
        double ms = 0;
        for (long[] w : windows) {
            ms += Math.max(0, Math.min(to, w[1]) - Math.max(from, w[0]));
        }
        return ms;
    }

    private static String percent(Object share) {
        return share instanceof Number n ? String.format(Locale.ROOT, "%.0f %%", n.doubleValue() * 100) : "?";
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

    /** The four stages' sum, ms. */
    private static double total(double[] row) {
        double t = 0;
        for (int s = 0; s < STAGES.size(); s++) {
            t += row[s];
        }
        return t;
    }
}
