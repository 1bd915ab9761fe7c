package sif.model.data;

import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import sif.flows.FlowFeatures;

/**
 * Maps the 77 raw CICFlowMeter features to the 76 model inputs and scales them. Pure Java, fitted
 * on training rows only.
 *
 * <p>Per input feature: NaN becomes 0; +Infinity becomes the largest finite value seen in training
 * (-Infinity the smallest); then a signed log1p {@code sign(x) * ln(1 + |x|)} tames the heavy
 * tails (bytes/s reach 1e9); then standardisation {@code (v - mean) / std} with the training mean
 * and standard deviation (std 0 is replaced by 1). The duplicated {@code Fwd Header Length.1} is
 * dropped (identical to {@code Fwd Header Length}); identifiers (Flow ID, IPs, ports, timestamp)
 * are never part of the 77 features in the first place.
 */
public final class FeatureScaler {

    /** Indices into {@link FlowFeatures#ALL} of the model inputs, in input order. */
    public static final int[] INPUT_INDICES = IntStream.range(0, FlowFeatures.COUNT)
            .filter(i -> !FlowFeatures.ALL.get(i).csvName().equals(FlowFeatures.DUPLICATE))
            .toArray();

    /** Number of model inputs per flow (76). */
    public static final int INPUTS = INPUT_INDICES.length;

    private final double[] posInf;
    private final double[] negInf;
    private final double[] mean;
    private final double[] std;

    public FeatureScaler(double[] posInf, double[] negInf, double[] mean, double[] std) {
        for (double[] a : new double[][] {posInf, negInf, mean, std}) {
            if (a == null || a.length != INPUTS) {
                throw new IllegalArgumentException("scaler parameters need " + INPUTS + " values each");
            }
        }
        this.posInf = posInf.clone();
        this.negInf = negInf.clone();
        this.mean = mean.clone();
        this.std = std.clone();
    }

    /** The canonical CSV names of the model inputs, in input order. */
    public static List<String> inputNames() {
        return Arrays.stream(INPUT_INDICES).mapToObj(i -> FlowFeatures.ALL.get(i).csvName()).toList();
    }

    /**
     * Fits on the given raw rows (77 features each).
     *
     * @param rows   all raw rows
     * @param fitRow which rows are training rows (only these are looked at)
     */
    public static FeatureScaler fit(float[][] rows, boolean[] fitRow) {
        double[] max = new double[INPUTS];
        double[] min = new double[INPUTS];
        Arrays.fill(max, 0);
        Arrays.fill(min, 0);
        long n = 0;
        for (int r = 0; r < rows.length; r++) {
            if (!fitRow[r]) {
                continue;
            }
            n++;
            for (int j = 0; j < INPUTS; j++) {
                double v = rows[r][INPUT_INDICES[j]];
                if (Double.isFinite(v)) {
                    max[j] = Math.max(max[j], v);
                    min[j] = Math.min(min[j], v);
                }
            }
        }
        if (n == 0) {
            throw new IllegalArgumentException("cannot fit a scaler on zero training rows");
        }
        double[] sum = new double[INPUTS];
        double[] sumSq = new double[INPUTS];
        FeatureScaler noStd = new FeatureScaler(max, min, new double[INPUTS], ones());
        for (int r = 0; r < rows.length; r++) {
            if (!fitRow[r]) {
                continue;
            }
            for (int j = 0; j < INPUTS; j++) {
                double v = noStd.logValue(j, rows[r][INPUT_INDICES[j]]);
                sum[j] += v;
                sumSq[j] += v * v;
            }
        }
        double[] mean = new double[INPUTS];
        double[] std = new double[INPUTS];
        for (int j = 0; j < INPUTS; j++) {
            mean[j] = sum[j] / n;
            double var = Math.max(0, sumSq[j] / n - mean[j] * mean[j]);
            std[j] = var > 1e-12 ? Math.sqrt(var) : 1.0;
        }
        return new FeatureScaler(max, min, mean, std);
    }

    private static double[] ones() {
        double[] o = new double[INPUTS];
        Arrays.fill(o, 1);
        return o;
    }

    private double logValue(int j, double raw) {
        double v;
        if (Double.isNaN(raw)) {
            v = 0;
        } else if (raw == Double.POSITIVE_INFINITY) {
            v = posInf[j];
        } else if (raw == Double.NEGATIVE_INFINITY) {
            v = negInf[j];
        } else {
            v = raw;
        }
        return Math.signum(v) * Math.log1p(Math.abs(v));
    }

    /** Scales one raw 77-feature row into {@code out[offset .. offset+76)}. */
    public void transform(float[] raw, float[] out, int offset) {
        if (raw.length != FlowFeatures.COUNT) {
            throw new IllegalArgumentException("a raw flow has " + FlowFeatures.COUNT + " features, got " + raw.length);
        }
        for (int j = 0; j < INPUTS; j++) {
            out[offset + j] = (float) ((logValue(j, raw[INPUT_INDICES[j]]) - mean[j]) / std[j]);
        }
    }

    /** Scales one raw 77-feature row. */
    public float[] transform(float[] raw) {
        float[] out = new float[INPUTS];
        transform(raw, out, 0);
        return out;
    }

    public double[] posInf() { return posInf.clone(); }
    public double[] negInf() { return negInf.clone(); }
    public double[] mean() { return mean.clone(); }
    public double[] std() { return std.clone(); }
}
