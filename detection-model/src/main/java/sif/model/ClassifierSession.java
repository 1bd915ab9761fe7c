package sif.model;

import java.util.List;

/** One thread's handle on a {@link SequenceClassifier}. Not thread-safe. */
public interface ClassifierSession extends AutoCloseable {

    /**
     * Classifies a batch of per-source sequences.
     *
     * @param sequences each element is one sequence of 1..T raw flows, oldest first; each flow is
     *                  the 77 raw features in {@code sif.flows.FlowFeatures.ALL} order (scaling,
     *                  feature selection and padding happen inside the model)
     * @return calibrated class probabilities, {@code [sequences.size()][classNames.size()]}, each
     *         row summing to 1
     */
    float[][] predict(List<float[][]> sequences);

    /**
     * Classifies a batch of sequences whose rows are already model inputs, i.e. made by
     * {@link SequenceClassifier#input(float[])} (so a flow is transformed once, not once per
     * sequence it appears in). Same result as {@link #predict} on the raw rows.
     */
    default float[][] predictInputs(List<float[][]> inputSequences) {
        return predict(inputSequences);
    }

    @Override
    void close();
}
