package sif.model.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import sif.flows.FlowFeatures;

class FeatureScalerTest {

    private static float[] row(float v) {
        float[] r = new float[FlowFeatures.COUNT];
        java.util.Arrays.fill(r, v);
        return r;
    }

    @Test
    void inputsAreTheSeventySixFeaturesWithoutTheDuplicate() {
        assertEquals(76, FeatureScaler.INPUTS);
        assertFalse(FeatureScaler.inputNames().contains(FlowFeatures.DUPLICATE));
        assertTrue(FeatureScaler.inputNames().contains("Fwd Header Length"));
        assertEquals(FlowFeatures.csvNames().stream().filter(n -> !n.equals(FlowFeatures.DUPLICATE)).toList(),
                FeatureScaler.inputNames());
    }

    @Test
    void fitsOnTrainingRowsOnly() {
        float[][] rows = {row(0), row((float) Math.expm1(2)), row(1e9f), row(-1e9f)};
        boolean[] train = {true, true, false, false};
        FeatureScaler s = FeatureScaler.fit(rows, train);
        // signed log1p of training values: 0 and 2 -> mean 1, std 1
        for (int j = 0; j < FeatureScaler.INPUTS; j++) {
            assertEquals(1.0, s.mean()[j], 1e-6);
            assertEquals(1.0, s.std()[j], 1e-6);
            assertEquals(Math.expm1(2), s.posInf()[j], 1e-3);
            assertEquals(0.0, s.negInf()[j], 1e-9);
        }
        assertEquals(-1.0f, s.transform(rows[0])[0], 1e-6);
        assertEquals(1.0f, s.transform(rows[1])[5], 1e-5);
        FeatureScaler all = FeatureScaler.fit(rows, new boolean[] {true, true, true, true});
        assertTrue(Math.abs(all.std()[0] - s.std()[0]) > 1, "test rows must change the fit when included");
    }

    @Test
    void nonFiniteValuesAreReplacedByTrainingExtremes() {
        float[][] rows = {row(-5), row(100)};
        FeatureScaler s = FeatureScaler.fit(rows, new boolean[] {true, true});
        float[] nan = s.transform(row(Float.NaN));
        float[] zero = s.transform(row(0));
        float[] pinf = s.transform(row(Float.POSITIVE_INFINITY));
        float[] ninf = s.transform(row(Float.NEGATIVE_INFINITY));
        assertArrayEquals(zero, nan, 0f);
        assertArrayEquals(s.transform(row(100)), pinf, 0f);
        assertArrayEquals(s.transform(row(-5)), ninf, 0f);
        for (float v : pinf) {
            assertTrue(Float.isFinite(v));
        }
    }

    @Test
    void constantFeatureGetsUnitStd() {
        float[][] rows = {row(3), row(3)};
        FeatureScaler s = FeatureScaler.fit(rows, new boolean[] {true, true});
        assertEquals(1.0, s.std()[0], 0);
        assertEquals(0f, s.transform(row(3))[0], 1e-6);
    }

    @Test
    void rejectsWrongWidthAndEmptyFit() {
        FeatureScaler s = FeatureScaler.fit(new float[][] {row(1)}, new boolean[] {true});
        assertThrows(IllegalArgumentException.class, () -> s.transform(new float[76]));
        assertThrows(IllegalArgumentException.class, () -> FeatureScaler.fit(new float[][] {row(1)}, new boolean[] {false}));
    }
}
