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
 * Tensor conversion for the sequence models, and nothing else: a batch of sequences (each 1..T
 * rows, oldest first) becomes a {@code [B, T, 76]} float tensor (left-padded with zero rows;
 * sequences longer than T keep their last T rows); the network's logits become
 * {@code softmax(logits / temperature)} per row. Rows are either the 77 raw features (inputs
 * selected and scaled here) or already-scaled model inputs ({@link #input}, 76 values, copied).
 */
public final class SequenceTranslator implements NoBatchifyTranslator<SequenceTranslator.Batch, float[][]> {

    /**
     * A batch of sequences.
     *
     * @param sequences the sequences, oldest row first
     * @param scaled    {@code true}: rows are model inputs made by {@link #input}; {@code false}: raw rows
     */
    public record Batch(List<float[][]> sequences, boolean scaled) {}

    private final FeatureScaler scaler;
    private final int t;
    private final float temperature;

    public SequenceTranslator(FeatureScaler scaler, int sequenceLength, double temperature) {
        this.scaler = scaler;
        this.t = sequenceLength;
        this.temperature = (float) temperature;
    }

    /** The scaler the model was trained with. */
    public FeatureScaler scaler() {
        return scaler;
    }

    /** The model input of one raw flow: its 76 scaled inputs (what a {@code scaled} batch holds). */
    public float[] input(float[] raw) {
        return scaler.transform(raw);
    }

    /**
     * Checks a batch before inference: every sequence non-empty, every row of its last T rows with
     * the 77 raw features (or the 76 model inputs for a scaled batch).
     *
     * @throws IllegalArgumentException naming the offending sequence and row
     */
    public void validate(Batch batch) {
        List<float[][]> sequences = batch.sequences();
        for (int i = 0; i < sequences.size(); i++) {
            float[][] s = sequences.get(i);
            if (s == null || s.length == 0) {
                throw new IllegalArgumentException("sequence " + i + " of the batch is empty");
            }
            for (int k = Math.max(0, s.length - t); k < s.length; k++) {
                checkRow(s[k], batch.scaled(), i, k);
            }
        }
    }

    private static void checkRow(float[] row, boolean scaled, int sequence, int k) {
        int width = scaled ? FeatureScaler.INPUTS : FlowFeatures.COUNT;
        if (row == null || row.length != width) {
            throw new IllegalArgumentException("sequence " + sequence + " row " + k + " must have " + width
                    + (scaled ? " model inputs" : " raw features") + ", got " + (row == null ? "null" : row.length));
        }
    }

    @Override
    public NDList processInput(TranslatorContext ctx, Batch batch) {
        List<float[][]> sequences = batch.sequences();
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
                checkRow(row, batch.scaled(), i, first + k);
                int offset = (i * t + pad + k) * f;
                if (batch.scaled()) {
                    System.arraycopy(row, 0, buf, offset, f);
                } else {
                    scaler.transform(row, buf, offset);
                }
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
