package sif.model.train;

import picocli.CommandLine.Option;
import sif.model.data.PreparedSplit;
import sif.model.data.Splits;
import sif.model.nn.SequenceTrainer;

/**
 * Sequence, split and optimiser options shared by {@code train} and {@code cross-eval} (a picocli
 * mixin). {@code --epochs} stays with each command: their defaults differ.
 */
public final class TrainingOptions {

    @Option(names = "--seq-len", defaultValue = "10", description = "Sequence length T (default ${DEFAULT-VALUE}).")
    int seqLen;

    @Option(names = "--patience", defaultValue = "10",
            description = "Early-stopping patience on validation loss (default ${DEFAULT-VALUE}).")
    int patience;

    @Option(names = "--batch-size", defaultValue = "256", description = "Mini-batch size (default ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--learning-rate", defaultValue = "0.001", description = "Adam learning rate (default ${DEFAULT-VALUE}).")
    float learningRate;

    @Option(names = "--cap-per-class", defaultValue = "50000",
            description = "Undersample each class to at most this many flows (paper: 50000; 0 = no cap). Default ${DEFAULT-VALUE}.")
    int capPerClass;

    @Option(names = "--max-rows-per-class", defaultValue = "0",
            description = "Reservoir-sample at most this many CICIDS2017 rows per class while reading (for the full "
                    + "dataset in bounded memory; 0 = keep all). Default ${DEFAULT-VALUE}.")
    int maxRowsPerClass;

    @Option(names = "--test-fraction", defaultValue = "0.2",
            description = "Test fraction per temporal unit (default ${DEFAULT-VALUE}).")
    double testFraction;

    @Option(names = "--val-fraction", defaultValue = "0.125",
            description = "Validation fraction of the training part (default ${DEFAULT-VALUE}, i.e. 70/10/20).")
    double valFraction;

    @Option(names = "--threshold", defaultValue = "0.85",
            description = "Decision threshold stored with the model (default ${DEFAULT-VALUE}).")
    double threshold;

    @Option(names = "--seed", defaultValue = "42", description = "Random seed (default ${DEFAULT-VALUE}).")
    long seed;

    /**
     * What is wrong with the options, checked before any data is read (a bad fraction used to fail after
     * loading, as "cannot fit a scaler on zero training rows"); null when nothing is.
     */
    String problem(int epochs) {
        if (epochs < 1) {
            return "--epochs must be at least 1, got " + epochs;
        }
        if (seqLen < 1 || seqLen > sif.model.artifact.ModelArtifact.MAX_SEQUENCE_LENGTH) {
            return "--seq-len must be 1.." + sif.model.artifact.ModelArtifact.MAX_SEQUENCE_LENGTH + ", got " + seqLen;
        }
        if (patience < 1 || batchSize < 1) {
            return "--patience and --batch-size must be at least 1, got " + patience + " and " + batchSize;
        }
        if (!(learningRate > 0) || Float.isInfinite(learningRate)) {
            return "--learning-rate must be a positive number, got " + learningRate;
        }
        if (!(testFraction > 0 && testFraction < 1)) {
            return "--test-fraction must be between 0 and 1 (exclusive), got " + testFraction;
        }
        if (!(valFraction >= 0 && valFraction < 1)) {
            return "--val-fraction must be in [0, 1), got " + valFraction;
        }
        if (!(threshold >= 0 && threshold <= 1)) {
            return "--threshold must be a probability in [0, 1], got " + threshold;
        }
        if (capPerClass < 0 || maxRowsPerClass < 0) {
            return "--cap-per-class and --max-rows-per-class must be 0 (no limit) or more, got " + capPerClass + " and "
                    + maxRowsPerClass;
        }
        return null;
    }

    /** The split configuration with the given temporal unit. */
    PreparedSplit.Config split(Splits.TemporalUnit unit) {
        return new PreparedSplit.Config(seqLen, testFraction, valFraction, unit, capPerClass, seed);
    }

    /** The trainer configuration with the command's epoch cap. */
    SequenceTrainer.Config trainer(int epochs) {
        return new SequenceTrainer.Config(epochs, patience, batchSize, learningRate, seed);
    }
}
