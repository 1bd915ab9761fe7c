package sif.firewall;

import java.util.List;
import sif.flows.FlowFeatures;
import sif.model.SequenceClassifier;

/**
 * The policy step's check of a flow against the model's training range: the inputs outside in the
 * sequence the model judged it by, read from the flow's snapshot ({@link SequenceClassifier#inputsOutside}:
 * the flow's own inputs by name, then {@code earlier:<input>} for those outside only in an earlier flow of
 * the sequence). Only the rows the model looks at are checked: the last T of a snapshot made longer by
 * {@code sequence.length}. A snapshot not of the model's rows (a flow restored after the model was replaced,
 * which the model then judges on its own row) is checked on the flow's own raw features. One per task: it
 * reuses its row arrays, so it is not thread-safe; no allocation for a flow inside.
 */
public final class TrainingRangeCheck {

    private final SequenceClassifier classifier;
    /** The format id and width of the model's rows, as {@link SequenceInferenceProcessor} stores them. */
    private final int inputFormat;
    private final int inputWidth;
    /** T: the rows of a sequence the model looks at, the last ones. */
    private final int modelLength;
    /** Row arrays for the last n flows of a snapshot, at [n], made on first use (a snapshot has at most 255). */
    private final float[][][] rows = new float[256][][];

    private TrainingRangeCheck(SequenceClassifier classifier) {
        this.classifier = classifier;
        this.inputFormat = SequenceWindow.formatId(classifier.inputFormat());
        float[] row = classifier.input(new float[FlowFeatures.COUNT]);
        this.inputWidth = row.length;
        this.modelLength = classifier.info().sequenceLength();
        try { // a classifier that transforms its rows must say how they are checked: fail at start, not per flow
            classifier.inputsOutside(new float[][] {row}, 1);
        } catch (RuntimeException e) {
            throw new IllegalStateException("model " + classifier.info().version() + " reports a training range but"
                    + " cannot check its own input rows (" + inputWidth + " values, format " + classifier.inputFormat()
                    + "): " + e.getMessage(), e);
        }
    }

    /**
     * The check for {@code classifier}'s range, or null when the model has none (no flow is outside).
     *
     * @throws IllegalStateException if the model has a range but its {@link SequenceClassifier#inputsOutside}
     *                               cannot check the rows its {@link SequenceClassifier#input} makes
     */
    public static TrainingRangeCheck of(SequenceClassifier classifier) {
        return classifier.inputRange() == null ? null : new TrainingRangeCheck(classifier);
    }

    /**
     * The inputs outside in the sequence {@code snapshot} ({@link SequenceWindow}, the flow judged last), or in
     * {@code raw} (the flow's 77 features) when the snapshot is not of the model's rows; empty when inside.
     */
    public List<String> outside(byte[] snapshot, float[] raw) {
        if (snapshot != null && SequenceWindow.usable(snapshot, inputFormat, inputWidth)) {
            int n = Math.min(SequenceWindow.count(snapshot), modelLength);
            if (n >= 1) {
                if (rows[n] == null) {
                    rows[n] = new float[n][inputWidth];
                }
                SequenceWindow.lastRowsInto(snapshot, rows[n]);
                return classifier.inputsOutside(rows[n], n);
            }
        }
        return raw == null || raw.length != FlowFeatures.COUNT ? List.of() : classifier.inputRange().outside(raw);
    }
}
