package sif.model;

import java.util.List;
import sif.model.data.InputRange;

/**
 * A loaded detection model: thread-safe, loaded once, shared by the threads that use it. Each
 * thread that classifies opens its own {@link ClassifierSession} (a DJL predictor is not
 * thread-safe) and closes it when done.
 */
public interface SequenceClassifier extends AutoCloseable {

    /** What the model is: version, classes, sequence length, threshold. */
    ModelInfo info();

    /** A new session for the calling thread. */
    ClassifierSession newSession();

    /**
     * The model input of one raw flow (77 features in {@code sif.flows.FlowFeatures.ALL} order): the
     * row {@link ClassifierSession#predictInputs} expects. Pure and thread-safe. Callers that keep
     * per-source sequences store these rows, so each flow is transformed once. Default: the raw
     * features themselves.
     *
     * <p>The raw features may hold the values CICFlowMeter itself leaves undefined for a degenerate
     * flow (+Infinity rates of a zero-duration flow, NaN inter-arrival times of a one-packet flow:
     * {@code sif.flows.FlowFeatures.undefinedByCicFlowMeter}); the firewall's validator lets those
     * through and nothing else non-finite. A classifier must map them to finite inputs here, as the
     * shipped model's scaler does (NaN to 0, +Infinity to the largest value seen in training); the
     * default passes them on unchanged, for classifiers that handle them in {@code predictInputs}.
     */
    default float[] input(float[] rawFeatures) {
        return rawFeatures;
    }

    /**
     * Names the transform of {@link #input}: rows made under a different name must not be fed to
     * this model (e.g. a stored sequence after the model was replaced). Default {@code "raw-77"}.
     */
    default String inputFormat() {
        return "raw-77";
    }

    /**
     * The raw input values this model was trained on, widened by a margin ({@link InputRange}): the
     * firewall marks a flow with an input outside it, and its policy does not let the model decide such a
     * flow on its own. Default {@code null}: the model cannot say, and no flow is marked.
     */
    default InputRange inputRange() {
        return null;
    }

    /**
     * The inputs outside {@link #inputRange()} in the sequence the model judges a flow by, given as the
     * rows {@link #input} made of its flows, oldest first, the flow judged last: the judged flow's by name,
     * then those outside only in earlier flows ({@link InputRange#outsideOfSequence}). Empty when all are
     * inside or the model has no range. Default: the rows are raw features, as the default {@link #input}
     * makes them; <b>a classifier that overrides {@link #input} and reports an {@link #inputRange} must
     * override this too</b> (the firewall refuses to start otherwise, when the rows are not 77 wide).
     */
    default List<String> inputsOutside(float[][] rows, int count) {
        InputRange range = inputRange();
        return range == null ? List.of() : range.outsideOfSequence(rows, count, InputRange.Rows.RAW);
    }

    @Override
    void close();

    /**
     * @param version           model version (artifact name + weights digest prefix)
     * @param classNames        output classes, in output order
     * @param sequenceLength    T: flows of one source the model looks at
     * @param decisionThreshold confidence above which an attack class is blocked (paper: 0.85)
     */
    record ModelInfo(String version, List<String> classNames, int sequenceLength, double decisionThreshold) {
        public ModelInfo {
            classNames = List.copyOf(classNames);
        }
    }
}
