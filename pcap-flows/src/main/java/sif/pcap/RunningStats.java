package sif.pcap;

/**
 * Count, sum, min, max, mean and sample variance updated per value, with the same recurrences as
 * Apache Commons Math's {@code SummaryStatistics} that CICFlowMeter uses (so results agree to the last
 * bits): mean and standard deviation are NaN when empty, the deviation is 0 for one value.
 */
final class RunningStats {
    /** Shared read-only empty instance, so that flows allocate the statistics they actually use only. */
    static final RunningStats EMPTY = new RunningStats();

    long n;
    double sum;
    double min = Double.NaN;
    double max = Double.NaN;
    private double m1;
    private double m2;

    /** Adds a value; returns this statistics object. */
    RunningStats add(double d) {
        if (this == EMPTY) {
            throw new IllegalStateException("the shared empty statistics are read-only");
        }
        if (n == 0) {
            min = d;
            max = d;
            m1 = 0;
            m2 = 0;
        } else {
            if (d < min) {
                min = d;
            }
            if (d > max) {
                max = d;
            }
        }
        sum += d;
        n++;
        double dev = d - m1;
        double nDev = dev / n;
        m1 += nDev;
        m2 += (n - 1.0) * dev * nDev;
        return this;
    }

    double mean() {
        return n == 0 ? Double.NaN : m1;
    }

    double variance() {
        if (n == 0) {
            return Double.NaN;
        }
        return n == 1 ? 0.0 : m2 / (n - 1.0);
    }

    double std() {
        return Math.sqrt(variance());
    }
}
