package sif.producer.synthetic;

import java.util.List;
import java.util.Map;

/**
 * Feature distribution of one traffic class, fitted on real CICIDS2017 rows: a multivariate
 * normal in signed-log1p space (mean and lower-triangular Cholesky factor of the covariance), the
 * observed range of each raw feature, which features are integers, and the destination ports and
 * protocols seen with their frequencies; {@code dstPortsByProtocol}, the ports seen with each protocol
 * (null in profiles fitted before it existed: then {@code dstPorts} whatever the protocol).
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
        List<WeightedValue> protocols,
        Map<Integer, List<WeightedValue>> dstPortsByProtocol) {

    /** The destination ports seen with {@code protocol}, or all ports when the profile does not say. */
    public List<WeightedValue> dstPortsOf(int protocol) {
        List<WeightedValue> ports = dstPortsByProtocol == null ? null : dstPortsByProtocol.get(protocol);
        return ports == null || ports.isEmpty() ? dstPorts : ports;
    }

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
