package sif.launcher;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import sif.schemas.avro.Verdict;

/**
 * Counts what came out of the firewall, by decision and class, and keeps a latency sample for
 * percentiles. Fed by the demo's output consumer; read by the console view and the summary.
 */
final class VerdictTally {

    private static final int LATENCY_WINDOW = 8192;

    private final Map<String, LongAdder> byDecision = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> byClass = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> byRule = new ConcurrentHashMap<>();
    private final LongAdder dlq = new LongAdder();
    private final long[] latencyMs = new long[LATENCY_WINDOW];
    private long latencyCount;

    /** Counts one verdict; synchronized, so that a reader holding the tally's lock sees whole verdicts. */
    synchronized void verdict(Verdict v) {
        byDecision.computeIfAbsent(v.getDecision().name(), k -> new LongAdder()).increment();
        byClass.computeIfAbsent(v.getPredictedClass(), k -> new LongAdder()).increment();
        byRule.computeIfAbsent(decidingRule(v), k -> new LongAdder()).increment();
        if (v.getIngestTimeMs() > 0 && v.getVerdictTimeMs() >= v.getIngestTimeMs()) {
            synchronized (latencyMs) {
                latencyMs[(int) (latencyCount++ % LATENCY_WINDOW)] = v.getVerdictTimeMs() - v.getIngestTimeMs();
            }
        }
    }

    synchronized void deadLetter() {
        dlq.increment();
    }

    /**
     * The rule that set the decision, without its figures: the last reason marked {@code =>DECISION}
     * (e.g. {@code model:DDoS p=0.990>0.850=>BLOCK} gives {@code model:DDoS=>BLOCK}, and {@code
     * model-out-of-range:BENIGN [Flow IAT Min]=>ALERT} {@code model-out-of-range:BENIGN=>ALERT}), else the last
     * reason (cut at its first blank).
     */
    static String decidingRule(Verdict v) {
        java.util.List<String> reasons = v.getReasons();
        if (reasons.isEmpty()) {
            return "-";
        }
        String marker = "=>" + v.getDecision();
        String r = reasons.get(reasons.size() - 1);
        for (String x : reasons) {
            if (x.endsWith(marker)) {
                r = x; // the last rule that set the final decision
            }
        }
        int cut = r.length();
        for (String sep : new String[] {" ", "=>"}) {
            int i = r.indexOf(sep);
            if (i > 0) {
                cut = Math.min(cut, i);
            }
        }
        return r.substring(0, cut) + "=>" + v.getDecision();
    }

    /** Verdicts per deciding rule, most frequent first. */
    java.util.List<Map.Entry<String, Long>> topRules(int n) {
        return byRule.entrySet().stream()
                .map(e -> Map.entry(e.getKey(), e.getValue().sum()))
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .limit(n)
                .toList();
    }

    long decision(String decision) {
        LongAdder a = byDecision.get(decision);
        return a == null ? 0 : a.sum();
    }

    long dlq() {
        return dlq.sum();
    }

    long total() {
        return byDecision.values().stream().mapToLong(LongAdder::sum).sum() + dlq.sum();
    }

    Map<String, Long> byClass() {
        Map<String, Long> out = new TreeMap<>();
        byClass.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    /** Produce→verdict latency percentile over the most recent verdicts, in ms; -1 when none. */
    long latencyPercentile(double p) {
        long[] copy;
        synchronized (latencyMs) {
            int n = (int) Math.min(latencyCount, LATENCY_WINDOW);
            if (n == 0) {
                return -1;
            }
            copy = Arrays.copyOf(latencyMs, n);
        }
        Arrays.sort(copy);
        return copy[(int) Math.min(copy.length - 1, Math.ceil(p * copy.length) - 1)];
    }
}
