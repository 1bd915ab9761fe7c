package sif.model.eval;

/**
 * Calibration measures and temperature scaling. Probabilities are softmax outputs, never logits.
 */
public final class Calibration {

    /** Bins used for the expected calibration error. */
    public static final int ECE_BINS = 15;

    private Calibration() {}

    /** Row-wise softmax of {@code logits / temperature}. */
    public static float[][] softmax(float[][] logits, double temperature) {
        if (!(temperature > 0)) {
            throw new IllegalArgumentException("temperature must be > 0, got " + temperature);
        }
        float[][] out = new float[logits.length][];
        for (int i = 0; i < logits.length; i++) {
            out[i] = softmaxRow(logits[i], temperature);
        }
        return out;
    }

    static float[] softmaxRow(float[] z, double t) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : z) {
            max = Math.max(max, v / t);
        }
        double sum = 0;
        double[] e = new double[z.length];
        for (int k = 0; k < z.length; k++) {
            e[k] = Math.exp(z[k] / t - max);
            sum += e[k];
        }
        float[] p = new float[z.length];
        for (int k = 0; k < z.length; k++) {
            p[k] = (float) (e[k] / sum);
        }
        return p;
    }

    public static int argmax(float[] p) {
        int best = 0;
        for (int k = 1; k < p.length; k++) {
            if (p[k] > p[best]) {
                best = k;
            }
        }
        return best;
    }

    public static int[] argmax(float[][] p) {
        int[] out = new int[p.length];
        for (int i = 0; i < p.length; i++) {
            out[i] = argmax(p[i]);
        }
        return out;
    }

    /**
     * Expected calibration error with {@code bins} equal-width confidence bins over (0, 1]: the
     * support-weighted mean of |accuracy - mean confidence| per bin, confidence = max probability.
     */
    public static double ece(float[][] probs, int[] labels, int bins) {
        if (probs.length != labels.length) {
            throw new IllegalArgumentException("probabilities and labels differ in length");
        }
        if (probs.length == 0) {
            return Double.NaN;
        }
        double[] conf = new double[bins];
        double[] acc = new double[bins];
        long[] count = new long[bins];
        for (int i = 0; i < probs.length; i++) {
            int pred = argmax(probs[i]);
            double c = probs[i][pred];
            int b = Math.min(bins - 1, Math.max(0, (int) Math.ceil(c * bins) - 1));
            conf[b] += c;
            acc[b] += pred == labels[i] ? 1 : 0;
            count[b]++;
        }
        double e = 0;
        for (int b = 0; b < bins; b++) {
            if (count[b] > 0) {
                e += Math.abs(acc[b] - conf[b]);
            }
        }
        return e / probs.length;
    }

    public static double ece(float[][] probs, int[] labels) {
        return ece(probs, labels, ECE_BINS);
    }

    /** Mean negative log-likelihood of the labels under softmax(logits / t). */
    public static double nll(float[][] logits, int[] labels, double t) {
        double s = 0;
        for (int i = 0; i < logits.length; i++) {
            float[] z = logits[i];
            double max = Double.NEGATIVE_INFINITY;
            for (float v : z) {
                max = Math.max(max, v / t);
            }
            double sum = 0;
            for (float v : z) {
                sum += Math.exp(v / t - max);
            }
            s += -(z[labels[i]] / t - max - Math.log(sum));
        }
        return s / logits.length;
    }

    /**
     * Fits the temperature minimising validation NLL: a log-spaced grid over [0.05, 20] followed by
     * a golden-section refinement in log space around the best grid point.
     *
     * <p>When every validation prediction is already correct, the NLL keeps falling as T → 0 (any
     * sharpening looks better), so the temperature is not identifiable from that data: 1.0 is
     * returned (no evidence to sharpen or soften), as for an empty validation set.
     */
    public static double fitTemperature(float[][] logits, int[] labels) {
        if (logits.length == 0) {
            return 1.0;
        }
        boolean anyError = false;
        for (int i = 0; i < logits.length && !anyError; i++) {
            anyError = argmax(logits[i]) != labels[i];
        }
        if (!anyError) {
            return 1.0;
        }
        int steps = 60;
        double lo = Math.log(0.05);
        double hi = Math.log(20);
        int best = 0;
        double bestNll = Double.POSITIVE_INFINITY;
        for (int s = 0; s <= steps; s++) {
            double t = Math.exp(lo + (hi - lo) * s / steps);
            double v = nll(logits, labels, t);
            if (v < bestNll) {
                bestNll = v;
                best = s;
            }
        }
        double step = (hi - lo) / steps;
        double a = lo + step * Math.max(0, best - 1);
        double b = lo + step * Math.min(steps, best + 1);
        double g = (Math.sqrt(5) - 1) / 2;
        double c = b - g * (b - a);
        double d = a + g * (b - a);
        for (int it = 0; it < 40; it++) {
            if (nll(logits, labels, Math.exp(c)) < nll(logits, labels, Math.exp(d))) {
                b = d;
            } else {
                a = c;
            }
            c = b - g * (b - a);
            d = a + g * (b - a);
        }
        return Math.exp((a + b) / 2);
    }
}
