package sif.producer.synthetic;

import java.util.List;
import java.util.Map;

/**
 * Feature distribution of one traffic class, fitted on real CICIDS2017 rows: a multivariate
 * normal in signed-log1p space (mean and lower-triangular Cholesky factor of the covariance), the
 * observed range of each raw feature, which features are integers, and the destination ports and
 * protocols seen with their frequencies.
 */
public record ClassProfile(
        String className,
        long rows,
        double[] mean,
        double[][] cholesky,
        double[] min,
        double[] max,
        boolean[] integer,
        List<WeightedValue> dstPorts,
        List<WeightedValue> protocols) {

    /** A value with the fraction of fitted rows that had it. */
    public record WeightedValue(int value, double weight) {}

    static List<WeightedValue> fromCounts(Map<Integer, Long> counts, int keep) {
        long total = counts.values().stream().mapToLong(Long::longValue).sum();
        return counts.entrySet().stream()
                .sorted(Map.Entry.<Integer, Long>comparingByValue().reversed())
                .limit(keep)
                .map(e -> new WeightedValue(e.getKey(), e.getValue() / (double) total))
                .toList();
    }
}
