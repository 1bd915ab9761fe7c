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

    /** The split configuration with the given temporal unit. */
    PreparedSplit.Config split(Splits.TemporalUnit unit) {
        return new PreparedSplit.Config(seqLen, testFraction, valFraction, unit, capPerClass, seed);
    }

    /** The trainer configuration with the command's epoch cap. */
    SequenceTrainer.Config trainer(int epochs) {
        return new SequenceTrainer.Config(epochs, patience, batchSize, learningRate, seed);
    }
}
