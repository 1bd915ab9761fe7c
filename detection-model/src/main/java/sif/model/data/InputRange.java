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
 *
 * <p>The model judges a flow by its sequence, not by the flow alone: {@link #outsideOfSequence} names the
 * inputs outside in the flow judged and, prefixed {@value #EARLIER}, those outside only in earlier flows of
 * its sequence, whose values the model's output depends on as much. It checks raw rows or the scaler's
 * output ({@link Rows}): the scaler is increasing in every input, so the same interval in scaled values is
 * the same check, except that a scaled value that rounds to a bound counts as outside (fail-closed: a raw
 * value outside is outside in its scaled form too, and one within about 1e-7 of a bound, relative, may be
 * outside in its scaled form only).
 */
public final class InputRange {

    /** The default margin: 10 % of the training interval plus 0.1 standard deviations, each side. */
    public static final double DEFAULT_MARGIN = 0.1;

    /** How an input outside only in earlier flows of a sequence is named: {@code earlier:<input>}. */
    public static final String EARLIER = "earlier:";

    /** What the rows of a sequence hold. */
    public enum Rows {
        /** Raw flows: 77 features in {@link FlowFeatures#ALL} order. */
        RAW,
        /** The scaler's output: the model's {@value FeatureScaler#INPUTS} inputs, scaled. */
        SCALED
    }

    private static final List<String> NAMES = FeatureScaler.inputNames();

    private final double margin;
    private final double[] lo;
    private final double[] hi;
    /** {@link #lo} and {@link #hi} scaled as the scaler does, rounded to floats; outside themselves. */
    private final float[] scaledLo;
    private final float[] scaledHi;
    private final List<String> onlyZero;

    private InputRange(double margin, double[] lo, double[] hi, float[] scaledLo, float[] scaledHi,
                       List<String> onlyZero) {
        this.margin = margin;
        this.lo = lo;
        this.hi = hi;
        this.scaledLo = scaledLo;
        this.scaledHi = scaledHi;
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
        double[] mean = scaler.mean();
        double[] lo = new double[FeatureScaler.INPUTS];
        float[] scaledLo = new float[FeatureScaler.INPUTS];
        float[] scaledHi = new float[FeatureScaler.INPUTS];
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
            scaledLo[j] = (float) ((log(lo[j]) - mean[j]) / std[j]);
            scaledHi[j] = (float) ((log(hi[j]) - mean[j]) / std[j]);
            if (min == 0 && max == 0) {
                onlyZero.add(NAMES.get(j));
            }
        }
        return new InputRange(margin, lo, hi, scaledLo, scaledHi, onlyZero);
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

    /**
     * The inputs outside in the sequence a model judges a flow by: {@code rows[0 .. count)}, oldest first,
     * the flow judged last. First the judged flow's own inputs outside, in input order (what
     * {@link #outside} names for it), then, each as {@value #EARLIER}{@code <input>} in input order, the
     * inputs outside in an earlier flow of the sequence and not in the judged one. Empty when every flow
     * of it is inside. No allocation for a sequence inside.
     *
     * @param rows  the sequence's rows, at least {@code count}: raw flows or the scaler's output ({@code kind})
     * @param count the sequence's length, at least 1
     */
    public List<String> outsideOfSequence(float[][] rows, int count, Rows kind) {
        if (count < 1 || count > rows.length) {
            throw new IllegalArgumentException("a sequence of " + count + " flows in " + rows.length + " rows");
        }
        int width = kind == Rows.RAW ? FlowFeatures.COUNT : FeatureScaler.INPUTS;
        for (int i = 0; i < count; i++) {
            if (rows[i].length != width) {
                throw new IllegalArgumentException("a " + kind + " row has " + width + " values, row " + i
                        + " has " + rows[i].length);
            }
        }
        if (kind == Rows.SCALED && allInside(rows, count)) {
            return List.of();
        }
        float[] last = rows[count - 1];
        List<String> own = null;
        List<String> earlier = null;
        for (int j = 0; j < lo.length; j++) {
            if (outside(j, last, kind)) {
                own = add(own, NAMES.get(j));
                continue;
            }
            for (int i = 0; i < count - 1; i++) {
                if (outside(j, rows[i], kind)) {
                    earlier = add(earlier, EARLIER + NAMES.get(j));
                    break;
                }
            }
        }
        if (own == null) {
            return earlier == null ? List.of() : earlier;
        }
        if (earlier != null) {
            own.addAll(earlier);
        }
        return own;
    }

    /** Whether every scaled value of {@code rows[0 .. count)} is inside: no branch per value (a NaN is outside). */
    private boolean allInside(float[][] rows, int count) {
        boolean inside = true;
        for (int i = 0; i < count; i++) {
            float[] row = rows[i];
            for (int j = 0; j < scaledLo.length; j++) {
                float v = row[j];
                inside &= v > scaledLo[j] & v < scaledHi[j];
            }
        }
        return inside;
    }

    private static List<String> add(List<String> names, String name) {
        List<String> n = names == null ? new ArrayList<>(4) : names;
        n.add(name);
        return n;
    }

    private boolean outside(int j, float[] row, Rows kind) {
        if (kind == Rows.RAW) {
            return outside(j, row[FeatureScaler.INPUT_INDICES[j]]);
        }
        // the scaler maps NaN and ±Infinity inside; a non-finite scaled value is no model input. A value
        // that rounds to a bound is outside: x > hi gives scaled(x) >= scaled(hi) after rounding to float
        float v = row[j];
        return !(v > scaledLo[j] && v < scaledHi[j]);
    }

    private boolean outside(int j, float v) {
        // NaN compares false both ways; ±Infinity is scaled to the training extremes
        return !Float.isInfinite(v) && (v < lo[j] || v > hi[j]);
    }
}
