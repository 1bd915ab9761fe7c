package sif.deploy;

import sif.model.ClassifierSession;
import sif.model.SequenceClassifier;

import java.util.Arrays;
import java.util.List;

/**
 * A small deterministic stand-in for the LSTM: the class and confidence follow from a hash of the
 * last flow's features, so every class and every decision (ALLOW, BLOCK above 0.85, ALERT below)
 * occurs on a varied stream. Enough to make every dashboard series exist; no accuracy claimed.
 */
final class SpreadClassifier implements SequenceClassifier {

    static final List<String> CLASSES = List.of("BENIGN", "DDoS", "DoS", "PortScan", "Other");
    private static final float[] CONFIDENCES = {0.97f, 0.6f, 0.9f};

    private final ModelInfo info = new ModelInfo("spread-test-1", CLASSES, 10, 0.85);

    @Override
    public ModelInfo info() {
        return info;
    }

    @Override
    public ClassifierSession newSession() {
        return new ClassifierSession() {
            @Override
            public float[][] predict(List<float[][]> sequences) {
                float[][] out = new float[sequences.size()][];
                for (int i = 0; i < out.length; i++) {
                    float[][] seq = sequences.get(i);
                    int h = Arrays.hashCode(seq[seq.length - 1]) & 0x7fffffff;
                    int cls = h % CLASSES.size();
                    float p = CONFIDENCES[(h / CLASSES.size()) % CONFIDENCES.length];
                    float[] probs = new float[CLASSES.size()];
                    Arrays.fill(probs, (1 - p) / (CLASSES.size() - 1));
                    probs[cls] = p;
                    out[i] = probs;
                }
                return out;
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public void close() {
    }
}
