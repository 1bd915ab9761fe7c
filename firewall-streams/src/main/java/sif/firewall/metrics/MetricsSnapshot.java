package sif.firewall.metrics;

import java.util.Map;

/**
 * Totals since start, read from the meters (for status lines and live consoles). Differences of
 * two snapshots give per-interval values.
 *
 * @param flowsIn            flow records in
 * @param allowed            ALLOW verdicts
 * @param blocked            BLOCK verdicts
 * @param alerts             ALERT verdicts
 * @param dlq                records sent to the dead-letter topic
 * @param challenges         zero-trust challenges issued
 * @param blocklistSize      current blocklist size
 * @param verdictsByClass    verdicts per predicted class
 * @param inferenceBatches   inference calls
 * @param inferredSequences  sequences inferred (sum of batch sizes)
 * @param inferenceNanos     time spent in inference calls
 * @param ingestLatency      histogram of ingest-to-verdict latency in seconds
 * @param stages             where the flows' time went ({@link FlowStages}), summed
 */
public record MetricsSnapshot(long flowsIn, long allowed, long blocked, long alerts, long dlq,
                              long challenges, long blocklistSize, Map<String, Long> verdictsByClass,
                              long inferenceBatches, long inferredSequences, long inferenceNanos,
                              LatencyBuckets ingestLatency, Stages stages) {

    static final MetricsSnapshot EMPTY = new MetricsSnapshot(0, 0, 0, 0, 0, 0, 0, Map.of(), 0, 0, 0,
            LatencyBuckets.EMPTY, Stages.EMPTY);

    /** Flows with {@link FlowStages} reported, and each stage's total time (nanoseconds). */
    public record Stages(long flows, long inboundNanos, long batchNanos, long modelNanos, long handoffNanos) {

        static final Stages EMPTY = new Stages(0, 0, 0, 0, 0);

        /** The flows reported after {@code earlier}. */
        public Stages since(Stages earlier) {
            return new Stages(flows - earlier.flows, inboundNanos - earlier.inboundNanos,
                    batchNanos - earlier.batchNanos, modelNanos - earlier.modelNanos,
                    handoffNanos - earlier.handoffNanos);
        }
    }

    public MetricsSnapshot {
        verdictsByClass = Map.copyOf(verdictsByClass);
    }

    /** All verdicts (allowed + blocked + alerts). */
    public long verdicts() {
        return allowed + blocked + alerts;
    }

    /**
     * Cumulative histogram: {@code counts[i]} values were {@code <= upperBounds[i]};
     * {@code total} counts all values, including those above the last bound.
     */
    public record LatencyBuckets(double[] upperBounds, long[] counts, long total) {

        static final LatencyBuckets EMPTY = new LatencyBuckets(new double[0], new long[0], 0);

        public LatencyBuckets {
            if (upperBounds.length != counts.length) {
                throw new IllegalArgumentException("bounds and counts differ in length: "
                        + upperBounds.length + " vs " + counts.length);
            }
            upperBounds = upperBounds.clone();
            counts = counts.clone();
        }

        /** The values recorded after {@code earlier} (same bounds). */
        public LatencyBuckets since(LatencyBuckets earlier) {
            if (earlier.upperBounds.length == 0) {
                return this;
            }
            if (earlier.upperBounds.length != upperBounds.length) {
                throw new IllegalArgumentException("histograms have different buckets");
            }
            long[] diff = new long[counts.length];
            for (int i = 0; i < counts.length; i++) {
                diff[i] = counts[i] - earlier.counts[i];
            }
            return new LatencyBuckets(upperBounds, diff, total - earlier.total);
        }

        /**
         * Upper bound of the bucket holding quantile {@code q} (an upper estimate, as Prometheus'
         * histogram_quantile without interpolation); NaN when empty, +Inf above the last bucket.
         */
        public double quantileUpperBound(double q) {
            if (q < 0 || q > 1 || Double.isNaN(q)) {
                throw new IllegalArgumentException("quantile must be within [0, 1]: " + q);
            }
            if (total <= 0) {
                return Double.NaN;
            }
            double rank = Math.max(1, Math.ceil(q * total));
            for (int i = 0; i < counts.length; i++) {
                if (counts[i] >= rank) {
                    return upperBounds[i];
                }
            }
            return Double.POSITIVE_INFINITY;
        }
    }
}
