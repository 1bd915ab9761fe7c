package sif.model.data;

import java.util.ArrayList;
import java.util.List;
import sif.flows.FlowFeatures;

/**
 * The values of each model input that a model was trained on, widened by a margin: a flow with an input
 * outside it is unlike every training flow in that respect, and the model's output for it is an
 * extrapolation, however confident. Made from a model's {@link FeatureScaler}, which keeps the smallest
 * and largest finite training value of each input (and 0, which NaN becomes): no more than the model
 * artifact already holds.
 *
 * <p>Per input, in the scaler's log space ({@code sign(x) * ln(1 + |x|)}), the training interval
 * {@code [lo, hi]} is widened on each side by {@code margin * (hi - lo) + margin * std} (std: the
 * training standard deviation there), and mapped back to raw values, so that the check is a comparison
 * per input with no logarithm. NaN and ±Infinity, which the scaler maps to 0 and to the training extremes,
 * are inside. On the CICIDS2017 subset the default margin (0.1) leaves every training, validation and
 * test flow inside and every flow of the lab capture outside (see the README's model section). Immutable
 * and thread-safe.
 */
public final class InputRange {

    /** The default margin: 10 % of the training interval plus 0.1 standard deviations, each side. */
    public static final double DEFAULT_MARGIN = 0.1;

    private static final List<String> NAMES = FeatureScaler.inputNames();

    private final double margin;
    private final double[] lo;
    private final double[] hi;
    private final List<String> onlyZero;

    private InputRange(double margin, double[] lo, double[] hi, List<String> onlyZero) {
        this.margin = margin;
        this.lo = lo;
        this.hi = hi;
        this.onlyZero = List.copyOf(onlyZero);
    }

    /** The range of the model whose inputs {@code scaler} scales. */
    public static InputRange of(FeatureScaler scaler, double margin) {
        if (!(margin >= 0) || Double.isInfinite(margin)) {
            throw new IllegalArgumentException("an input range margin is a finite number >= 0, got " + margin);
        }
        double[] pos = scaler.posInf();
        double[] neg = scaler.negInf();
        double[] std = scaler.std();
        double[] lo = new double[FeatureScaler.INPUTS];
        double[] hi = new double[FeatureScaler.INPUTS];
        List<String> onlyZero = new ArrayList<>();
        for (int j = 0; j < lo.length; j++) {
            double min = Math.min(0, neg[j]);
            double max = Math.max(0, pos[j]);
            double a = log(min);
            double b = log(max);
            double widen = margin * (b - a) + margin * std[j];
            // the training extremes themselves stay inside whatever the rounding of log and back
            lo[j] = Math.min(min, unlog(a - widen));
            hi[j] = Math.max(max, unlog(b + widen));
            if (min == 0 && max == 0) {
                onlyZero.add(NAMES.get(j));
            }
        }
        return new InputRange(margin, lo, hi, onlyZero);
    }

    private static double log(double x) {
        return Math.signum(x) * Math.log1p(Math.abs(x));
    }

    private static double unlog(double v) {
        return Math.signum(v) * Math.expm1(Math.abs(v));
    }

    public double margin() {
        return margin;
    }

    /**
     * The inputs that were 0 (or undefined) in every training flow, in input order: any other value of one
     * (a TCP flag the training data never had set) puts a flow outside.
     */
    public List<String> onlyZeroInTraining() {
        return onlyZero;
    }

    /** The smallest raw value of input {@code j} (in {@link FeatureScaler#inputNames()} order) inside. */
    public double lower(int j) {
        return lo[j];
    }

    /** The largest raw value of input {@code j} inside. */
    public double upper(int j) {
        return hi[j];
    }

    /**
     * How many inputs of a raw flow (77 features in {@link FlowFeatures#ALL} order) lie outside; 0 when
     * the flow is inside. No allocation.
     */
    public int countOutside(float[] raw) {
        int n = 0;
        for (int j = 0; j < lo.length; j++) {
            if (outside(j, raw[FeatureScaler.INPUT_INDICES[j]])) {
                n++;
            }
        }
        return n;
    }

    /** The names of the inputs of a raw flow that lie outside, in input order; empty when inside. */
    public List<String> outside(float[] raw) {
        if (raw.length != FlowFeatures.COUNT) {
            throw new IllegalArgumentException("a raw flow has " + FlowFeatures.COUNT + " features, got " + raw.length);
        }
        List<String> names = null;
        for (int j = 0; j < lo.length; j++) {
            if (outside(j, raw[FeatureScaler.INPUT_INDICES[j]])) {
                if (names == null) {
                    names = new ArrayList<>(4);
                }
                names.add(NAMES.get(j));
            }
        }
        return names == null ? List.of() : names;
    }

    private boolean outside(int j, float v) {
        // NaN compares false both ways; ±Infinity is scaled to the training extremes
        return !Float.isInfinite(v) && (v < lo[j] || v > hi[j]);
    }
}
