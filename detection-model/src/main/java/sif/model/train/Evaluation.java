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
        int[][] sequences = new int[set.size()][];
        for (int k = 0; k < sequences.length; k++) {
            sequences[k] = set.sequence(k);
        }
        return evaluate(session, table, sequences, set.labels(), classes, batchSize);
    }

    /**
     * @param sequences per item, the table indices of its sequence (oldest first, last = the flow judged)
     * @param labels    per item, the true class
     */
    public static Outcome evaluate(ClassifierSession session, FlowTable table, int[][] sequences, int[] labels,
                                   List<String> classes, int batchSize) {
        if (sequences.length != labels.length) {
            throw new IllegalArgumentException(sequences.length + " sequences but " + labels.length + " labels");
        }
        float[][] probs = new float[sequences.length][];
        List<float[][]> batch = new ArrayList<>(batchSize);
        int start = 0;
        for (int k = 0; k < sequences.length; k++) {
            int[] seq = sequences[k];
            float[][] rows = new float[seq.length][];
            for (int j = 0; j < seq.length; j++) {
                rows[j] = table.raw(seq[j]);
            }
            batch.add(rows);
            if (batch.size() == batchSize || k == sequences.length - 1) {
                float[][] p = session.predict(batch);
                System.arraycopy(p, 0, probs, start, p.length);
                start += p.length;
                batch.clear();
            }
        }
        return new Outcome(new Metrics(classes, labels, Calibration.argmax(probs)), Calibration.ece(probs, labels), probs);
    }
}
