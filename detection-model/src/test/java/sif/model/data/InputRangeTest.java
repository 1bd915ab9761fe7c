package sif.model.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import sif.flows.FlowFeatures;

class InputRangeTest {

    private static final int N = FeatureScaler.INPUTS;

    /** Inputs trained on [0, 1000], except input 1 on [-5, 20] with a standard deviation of 2 in log space. */
    private static FeatureScaler scaler() {
        double[] pos = new double[N];
        double[] neg = new double[N];
        double[] mean = new double[N];
        double[] std = new double[N];
        Arrays.fill(pos, 1000);
        Arrays.fill(std, 1);
        pos[1] = 20;
        neg[1] = -5;
        std[1] = 2;
        return new FeatureScaler(pos, neg, mean, std);
    }

    private static float[] raw(double value, int input) {
        float[] r = new float[FlowFeatures.COUNT];
        r[FeatureScaler.INPUT_INDICES[input]] = (float) value;
        return r;
    }

    private static double log(double x) {
        return Math.signum(x) * Math.log1p(Math.abs(x));
    }

    /** {@code n} raw rows of values {@code ±exp(U(0, maxLog))}, one in {@code negativeEvery} negative. */
    private static float[][] randomRows(SplittableRandom rnd, int n, double maxLog, int negativeEvery) {
        float[][] rows = new float[n][FlowFeatures.COUNT];
        for (float[] row : rows) {
            for (int k = 0; k < row.length; k++) {
                row[k] = (float) (Math.exp(rnd.nextDouble(0, maxLog)) * (rnd.nextInt(negativeEvery) == 0 ? -1 : 1));
            }
        }
        return rows;
    }

    @Test
    void eachInputsTrainingIntervalIsWidenedInLogSpaceByTheMarginOfItsWidthAndStandardDeviation() {
        InputRange r = InputRange.of(scaler(), 0.1);
        double b = log(1000);
        double widen = 0.1 * b + 0.1;
        assertEquals(Math.expm1(b + widen), r.upper(0), 1e-9);
        assertEquals(-Math.expm1(widen), r.lower(0), 1e-12);
        double lo1 = log(-5);
        double hi1 = log(20);
        double widen1 = 0.1 * (hi1 - lo1) + 0.1 * 2;
        assertEquals(Math.expm1(hi1 + widen1), r.upper(1), 1e-9);
        assertEquals(-Math.expm1(-(lo1 - widen1)), r.lower(1), 1e-9);

        assertEquals(List.of(), r.outside(raw(r.upper(0) * 0.999, 0)));
        assertEquals(List.of(FeatureScaler.inputNames().get(0)), r.outside(raw(r.upper(0) * 1.001, 0)));
        assertEquals(List.of(FeatureScaler.inputNames().get(1)), r.outside(raw(r.lower(1) * 1.001, 1)));
        assertEquals(List.of(), r.outside(raw(r.lower(1) * 0.999, 1)));
        // with no margin the training interval itself is the range
        InputRange exact = InputRange.of(scaler(), 0);
        assertEquals(List.of(), exact.outside(raw(1000, 0)));
        assertEquals(1, exact.outside(raw(1001, 0)).size());
    }

    /** NaN and ±Infinity are what CICFlowMeter writes for degenerate flows; the scaler maps them inside. */
    @Test
    void undefinedValuesAreInside() {
        InputRange r = InputRange.of(scaler(), InputRange.DEFAULT_MARGIN);
        for (double v : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
            assertEquals(List.of(), r.outside(raw(v, 0)), String.valueOf(v));
        }
    }

    @Test
    void namesAreInInputOrderAndCountAgrees() {
        InputRange r = InputRange.of(scaler(), InputRange.DEFAULT_MARGIN);
        float[] row = new float[FlowFeatures.COUNT];
        row[FeatureScaler.INPUT_INDICES[7]] = 1e9f;
        row[FeatureScaler.INPUT_INDICES[2]] = -1e9f;
        row[FeatureScaler.INPUT_INDICES[40]] = 1e9f;
        List<String> names = FeatureScaler.inputNames();
        assertEquals(List.of(names.get(2), names.get(7), names.get(40)), r.outside(row));
        assertEquals(3, r.countOutside(row));
        assertEquals(List.of(), r.onlyZeroInTraining(), "every input of scaler() has a nonzero extreme");
        assertThrows(IllegalArgumentException.class, () -> r.outside(new float[3]));
        assertThrows(IllegalArgumentException.class, () -> InputRange.of(scaler(), -0.1));
        assertThrows(IllegalArgumentException.class, () -> InputRange.of(scaler(), Double.NaN));
    }

    /**
     * The check on raw values agrees with the same interval on the model's scaled inputs, where the margin
     * is {@code margin * (width + 1)} in standard deviations: on random rows of a scaler fitted on random data.
     */
    @Test
    void theRawCheckAgreesWithTheScaledInputs() {
        SplittableRandom rnd = new SplittableRandom(7);
        float[][] rows = randomRows(rnd, 500, 12, 10);
        boolean[] fit = new boolean[rows.length];
        Arrays.fill(fit, 0, 250, true);
        FeatureScaler s = FeatureScaler.fit(rows, fit);
        InputRange r = InputRange.of(s, 0.1);
        float[] zero = s.transform(new float[FlowFeatures.COUNT]);
        float[] lo = zero.clone();
        float[] hi = zero.clone();
        for (int i = 0; i < 250; i++) {
            float[] x = s.transform(rows[i]);
            for (int j = 0; j < N; j++) {
                lo[j] = Math.min(lo[j], x[j]);
                hi[j] = Math.max(hi[j], x[j]);
            }
        }
        int outside = 0;
        for (int i = 0; i < rows.length; i++) {
            float[] probe = rows[i].clone();
            // stretch the unseen half so that some inputs leave the range
            if (i >= 250) {
                for (int k = 0; k < probe.length; k++) {
                    probe[k] *= (float) Math.exp(rnd.nextDouble(0, 5));
                }
            }
            float[] x = s.transform(probe);
            int expected = 0;
            for (int j = 0; j < N; j++) {
                double m = 0.1 * (hi[j] - lo[j]) + 0.1;
                if (x[j] < lo[j] - m - 1e-4 || x[j] > hi[j] + m + 1e-4) {
                    expected++;
                } else if (x[j] < lo[j] - m + 1e-4 || x[j] > hi[j] + m - 1e-4) {
                    expected = -1; // on a bound, within float rounding: not compared
                    break;
                }
            }
            if (expected >= 0) {
                assertEquals(expected, r.countOutside(probe), "row " + i);
                assertEquals(r.outside(probe), r.outsideOfSequence(new float[][] {x}, 1, InputRange.Rows.SCALED),
                        "the same inputs on the scaled row " + i);
                outside += expected > 0 ? 1 : 0;
            }
        }
        assertEquals(true, outside > 20, "the probe rows put some inputs outside: " + outside);
    }

    /**
     * A sequence names the judged flow's own inputs outside, then, prefixed, those outside only in an earlier
     * flow of it, each once, in input order; raw and scaled rows of the same flows give the same names.
     */
    @Test
    void aSequenceNamesItsLastFlowsInputsThenThoseOfEarlierFlows() {
        FeatureScaler s = scaler();
        InputRange r = InputRange.of(s, InputRange.DEFAULT_MARGIN);
        List<String> names = FeatureScaler.inputNames();
        float[] inside = new float[FlowFeatures.COUNT];
        float[] a = raw(1e9, 7);
        a[FeatureScaler.INPUT_INDICES[3]] = 1e9f;
        float[] b = raw(1e9, 3);
        b[FeatureScaler.INPUT_INDICES[2]] = -1e9f;
        float[] last = raw(1e9, 3);
        float[][] seq = {a, inside, b, last};
        List<String> expected = List.of(names.get(3), InputRange.EARLIER + names.get(2), InputRange.EARLIER + names.get(7));
        assertEquals(expected, r.outsideOfSequence(seq, 4, InputRange.Rows.RAW));
        float[][] scaled = new float[seq.length][];
        for (int i = 0; i < seq.length; i++) {
            scaled[i] = s.transform(seq[i]);
        }
        assertEquals(expected, r.outsideOfSequence(scaled, 4, InputRange.Rows.SCALED));
        assertEquals(List.of(InputRange.EARLIER + names.get(3), InputRange.EARLIER + names.get(7)),
                r.outsideOfSequence(new float[][] {a, inside}, 2, InputRange.Rows.RAW),
                "the judged flow inside: only earlier ones");
        assertEquals(List.of(), r.outsideOfSequence(new float[][] {inside, inside, a}, 2, InputRange.Rows.RAW),
                "rows past count are not the sequence's");
        assertEquals(List.of(), r.outsideOfSequence(new float[][] {scaled[1]}, 1, InputRange.Rows.SCALED));
        assertThrows(IllegalArgumentException.class, () -> r.outsideOfSequence(seq, 0, InputRange.Rows.RAW));
        assertThrows(IllegalArgumentException.class, () -> r.outsideOfSequence(seq, 4, InputRange.Rows.SCALED));
    }

    /**
     * Fail-closed on scaled rows: the first float past each bound is outside in raw and in scaled form, on a
     * scaler fitted on random data (the scaled bounds are rounded to floats, where a value could otherwise
     * slip inside).
     */
    @Test
    void aRawValueJustOutsideIsOutsideInItsScaledFormToo() {
        float[][] rows = randomRows(new SplittableRandom(11), 300, 20, 4);
        boolean[] fit = new boolean[rows.length];
        Arrays.fill(fit, true);
        FeatureScaler s = FeatureScaler.fit(rows, fit);
        InputRange r = InputRange.of(s, InputRange.DEFAULT_MARGIN);
        for (int j = 0; j < N; j++) {
            float up = Math.nextUp((float) r.upper(j));
            float down = Math.nextDown((float) r.lower(j));
            for (float v : new float[] {up, down}) {
                float[] raw = raw(v, j);
                assertEquals(List.of(FeatureScaler.inputNames().get(j)), r.outside(raw), "raw " + v + " of input " + j);
                assertEquals(List.of(FeatureScaler.inputNames().get(j)),
                        r.outsideOfSequence(new float[][] {s.transform(raw)}, 1, InputRange.Rows.SCALED),
                        "scaled " + v + " of input " + j);
            }
        }
    }
}
