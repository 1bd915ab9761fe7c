package sif.model.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

class CalibrationTest {

    @Test
    void softmaxRowsSumToOneAndTemperatureFlattens() {
        float[][] p = Calibration.softmax(new float[][] {{2, 1, 0}}, 1.0);
        assertEquals(1.0, p[0][0] + p[0][1] + p[0][2], 1e-6);
        assertEquals(Math.exp(2) / (Math.exp(2) + Math.exp(1) + 1), p[0][0], 1e-6);
        float[][] hot = Calibration.softmax(new float[][] {{2, 1, 0}}, 100.0);
        assertEquals(1.0 / 3, hot[0][0], 0.01);
        assertThrows(IllegalArgumentException.class, () -> Calibration.softmax(new float[][] {{1}}, 0));
    }

    @Test
    void eceOfAKnownExample() {
        // two predictions at confidence 0.9 (bin 14), one right, one wrong: |0.5 - 0.9| * 2/4
        // two at 0.6 (bin 9), both right: |1 - 0.6| * 2/4
        float[][] p = {{0.9f, 0.1f}, {0.9f, 0.1f}, {0.6f, 0.4f}, {0.4f, 0.6f}};
        int[] y = {0, 1, 0, 1};
        assertEquals(0.4 * 0.5 + 0.4 * 0.5, Calibration.ece(p, y, 15), 1e-6);
        // perfectly calibrated: confidence 1, all right
        assertEquals(0.0, Calibration.ece(new float[][] {{1f, 0f}, {0f, 1f}}, new int[] {0, 1}), 1e-9);
    }

    @Test
    void temperatureRecoversTheTrueTemperature() {
        Random rnd = new Random(7);
        int n = 20_000;
        float[][] logits = new float[n][3];
        int[] y = new int[n];
        double trueT = 2.5;
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < 3; k++) {
                logits[i][k] = (float) (rnd.nextGaussian() * 4);
            }
            float[] p = Calibration.softmax(new float[][] {logits[i]}, trueT)[0];
            double u = rnd.nextDouble();
            y[i] = u < p[0] ? 0 : (u < p[0] + p[1] ? 1 : 2);
        }
        double t = Calibration.fitTemperature(logits, y);
        assertEquals(trueT, t, 0.15);
        double before = Calibration.ece(Calibration.softmax(logits, 1.0), y);
        double after = Calibration.ece(Calibration.softmax(logits, t), y);
        assertEquals(true, after < before / 3, "ECE " + before + " -> " + after);
    }

    @Test
    void perfectValidationLeavesTemperatureAtOne() {
        float[][] logits = {{5, 0}, {0, 3}, {2, 1}};
        assertEquals(1.0, Calibration.fitTemperature(logits, new int[] {0, 1, 0}), 0);
        assertEquals(1.0, Calibration.fitTemperature(new float[0][], new int[0]), 0);
    }
}
