package sif.model.artifact;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.Batchifier;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;
import java.nio.FloatBuffer;
import java.util.List;
import sif.flows.FlowFeatures;
import sif.model.data.FeatureScaler;

/**
 * Tensor conversion for the sequence models, and nothing else: a batch of raw sequences (each 1..T
 * rows of the 77 raw features, oldest first) becomes a {@code [B, T, 76]} float tensor (inputs
 * selected, scaled, left-padded with zero rows; sequences longer than T keep their last T rows);
 * the network's logits become {@code softmax(logits / temperature)} per row.
 */
public final class SequenceTranslator implements NoBatchifyTranslator<List<float[][]>, float[][]> {

    private final FeatureScaler scaler;
    private final int t;
    private final float temperature;

    public SequenceTranslator(FeatureScaler scaler, int sequenceLength, double temperature) {
        this.scaler = scaler;
        this.t = sequenceLength;
        this.temperature = (float) temperature;
    }

    /**
     * Checks a batch before inference: every sequence non-empty, every row of its last T rows with
     * the 77 raw features.
     *
     * @throws IllegalArgumentException naming the offending sequence and row
     */
    public void validate(List<float[][]> sequences) {
        for (int i = 0; i < sequences.size(); i++) {
            float[][] s = sequences.get(i);
            if (s == null || s.length == 0) {
                throw new IllegalArgumentException("sequence " + i + " of the batch is empty");
            }
            for (int k = Math.max(0, s.length - t); k < s.length; k++) {
                if (s[k] == null || s[k].length != FlowFeatures.COUNT) {
                    throw new IllegalArgumentException("sequence " + i + " row " + k + " must have " + FlowFeatures.COUNT
                            + " raw features, got " + (s[k] == null ? "null" : s[k].length));
                }
            }
        }
    }

    @Override
    public NDList processInput(TranslatorContext ctx, List<float[][]> sequences) {
        int b = sequences.size();
        int f = FeatureScaler.INPUTS;
        float[] buf = new float[b * t * f];
        for (int i = 0; i < b; i++) {
            float[][] s = sequences.get(i);
            if (s == null || s.length == 0) {
                throw new IllegalArgumentException("sequence " + i + " of the batch is empty");
            }
            int n = Math.min(t, s.length);
            int first = s.length - n;
            int pad = t - n;
            for (int k = 0; k < n; k++) {
                float[] row = s[first + k];
                if (row == null || row.length != FlowFeatures.COUNT) {
                    throw new IllegalArgumentException("sequence " + i + " row " + (first + k) + " must have "
                            + FlowFeatures.COUNT + " raw features, got " + (row == null ? "null" : row.length));
                }
                scaler.transform(row, buf, (i * t + pad + k) * f);
            }
        }
        NDArray x = ctx.getNDManager().create(FloatBuffer.wrap(buf), new Shape(b, t, f));
        return new NDList(x);
    }

    @Override
    public float[][] processOutput(TranslatorContext ctx, NDList list) {
        NDArray logits = list.singletonOrThrow();
        NDArray p = logits.div(temperature).softmax(1);
        int b = (int) p.getShape().get(0);
        int k = (int) p.getShape().get(1);
        float[] flat = p.toFloatArray();
        float[][] out = new float[b][k];
        for (int i = 0; i < b; i++) {
            System.arraycopy(flat, i * k, out[i], 0, k);
        }
        return out;
    }

    @Override
    public Batchifier getBatchifier() {
        return null;
    }
}
