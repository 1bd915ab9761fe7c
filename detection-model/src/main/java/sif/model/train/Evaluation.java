package sif.model.train;

import java.util.ArrayList;
import java.util.List;
import sif.model.ClassifierSession;
import sif.model.data.FlowTable;
import sif.model.data.SequenceSet;
import sif.model.eval.Calibration;
import sif.model.eval.Metrics;

/** Evaluates a loaded classifier on a sequence set by feeding it raw rows, as the firewall does. */
public final class Evaluation {

    /** Metrics plus the calibrated probabilities' ECE. */
    public record Outcome(Metrics metrics, double ece, float[][] probabilities) {}

    private Evaluation() {}

    public static Outcome evaluate(ClassifierSession session, FlowTable table, SequenceSet set, List<String> classes,
                                   int batchSize) {
        float[][] probs = new float[set.size()][];
        List<float[][]> batch = new ArrayList<>(batchSize);
        int start = 0;
        for (int k = 0; k < set.size(); k++) {
            int[] seq = set.sequence(k);
            float[][] rows = new float[seq.length][];
            for (int j = 0; j < seq.length; j++) {
                rows[j] = table.raw(seq[j]);
            }
            batch.add(rows);
            if (batch.size() == batchSize || k == set.size() - 1) {
                float[][] p = session.predict(batch);
                System.arraycopy(p, 0, probs, start, p.length);
                start += p.length;
                batch.clear();
            }
        }
        int[] y = set.labels();
        return new Outcome(new Metrics(classes, y, Calibration.argmax(probs)), Calibration.ece(probs, y), probs);
    }
}
