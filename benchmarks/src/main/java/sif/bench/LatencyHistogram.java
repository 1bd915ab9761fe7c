package sif.bench;

import java.util.Arrays;

/**
 * Latencies in whole milliseconds (what the verdict's wall-clock fields resolve): a counting array
 * of 0..{@value #MAX_MS} ms plus an overflow bucket. Percentiles are exact at millisecond
 * resolution: the smallest value v such that at least p of the samples are &lt;= v. Not thread-safe.
 */
public final class LatencyHistogram {

    public static final int MAX_MS = 120_000;

    private final long[] counts = new long[MAX_MS + 2];
    private long total;
    private long sum;
    private long max = Long.MIN_VALUE;
    private long negative;

    /** Records one latency; negative values (clock skew between threads' ms reads) count as 0. */
    public void record(long millis) {
        if (millis < 0) {
            negative++;
            millis = 0;
        }
        int bucket = millis > MAX_MS ? MAX_MS + 1 : (int) millis;
        counts[bucket]++;
        total++;
        sum += millis;
        max = Math.max(max, millis);
    }

    public long count() {
        return total;
    }

    /** Samples that were negative before clamping (should stay ~0). */
    public long negativeCount() {
        return negative;
    }

    public double mean() {
        return total == 0 ? Double.NaN : (double) sum / total;
    }

    public long max() {
        return total == 0 ? -1 : max;
    }

    /**
     * @param p quantile in (0, 1], e.g. 0.99
     * @return the latency in ms at that quantile; -1 when empty; {@value #MAX_MS}+1 means "above the range"
     */
    public long percentile(double p) {
        if (!(p > 0 && p <= 1)) {
            throw new IllegalArgumentException("quantile must be in (0, 1], got " + p);
        }
        if (total == 0) {
            return -1;
        }
        long rank = (long) Math.ceil(p * total);
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return i;
            }
        }
        return MAX_MS + 1;
    }

    public void clear() {
        Arrays.fill(counts, 0);
        total = 0;
        sum = 0;
        max = Long.MIN_VALUE;
        negative = 0;
    }
}
