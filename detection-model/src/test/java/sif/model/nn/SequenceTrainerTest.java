package sif.model.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.Model;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import sif.model.artifact.ModelArtifact;
import sif.model.data.FeatureScaler;
import sif.model.data.SequenceSet;

/**
 * A training whose loss stops being finite is reported as diverged and stopped at that epoch, with the
 * weights of the best finite epoch (here: the initial ones) restored, instead of running on to early
 * stopping with non-finite weights and returning a model that predicts one class.
 */
class SequenceTrainerTest {

    private static final int FLOWS = 40;

    /** {@code FLOWS} one-flow sequences, two classes; training rows multiplied by {@code trainScale}. */
    private static SequenceSet[] sets(float trainScale) {
        float[][] rows = new float[2 * FLOWS][FeatureScaler.INPUTS];
        int[][] seq = new int[rows.length][];
        int[] labels = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            labels[i] = i % 2;
            Arrays.fill(rows[i], (labels[i] == 0 ? -1f : 1f) * (i < FLOWS ? trainScale : 1f));
            seq[i] = new int[] {i};
        }
        int[] train = new int[FLOWS];
        int[] val = new int[FLOWS];
        for (int i = 0; i < FLOWS; i++) {
            train[i] = i;
            val[i] = FLOWS + i;
        }
        return new SequenceSet[] {new SequenceSet(rows, seq, train, labels, 1), new SequenceSet(rows, seq, val, labels, 1)};
    }

    private static SequenceTrainer.Result train(float trainScale) {
        SequenceSet[] s = sets(trainScale);
        try (Model model = Model.newInstance("cnn", Device.cpu(), ModelArtifact.ENGINE)) {
            model.setBlock(Networks.cnn(2));
            SequenceTrainer.Result r = SequenceTrainer.train(model, s[0], s[1], new SequenceTrainer.Config(8, 3, 16, 1e-3f, 7), null);
            for (float[] row : SequenceTrainer.logits(model.getBlock(), model.getNDManager(), s[1], 64)) {
                for (float v : row) {
                    assertTrue(Float.isFinite(v), "the kept weights give finite logits, got " + v);
                }
            }
            return r;
        }
    }

    @Test
    void aLossThatIsNoLongerFiniteStopsTrainingAndKeepsTheLastFiniteWeights() {
        SequenceTrainer.Result r = train(Float.POSITIVE_INFINITY); // as if the first forward pass overflowed
        assertTrue(r.diverged());
        assertEquals(1, r.divergedEpoch());
        assertEquals(0, r.bestEpoch(), "no finite epoch: the initial weights are kept");
        assertTrue(r.history().isEmpty(), "only finite epochs are in the history");
        assertTrue(r.stoppedEarly());
    }

    @Test
    void aFiniteTrainingIsNotMarkedDiverged() {
        SequenceTrainer.Result r = train(1f);
        assertFalse(r.diverged());
        assertEquals(0, r.divergedEpoch());
        assertTrue(r.bestEpoch() >= 1);
        assertTrue(r.history().stream().allMatch(e -> Double.isFinite(e.trainLoss()) && Double.isFinite(e.valLoss())));
    }
}
