package sif.model.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import ai.djl.Model;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import sif.flows.ClassMapping;
import sif.flows.DataPaths;
import sif.model.artifact.ModelArtifact;
import sif.model.data.DatasetLoader;
import sif.model.data.FlowTable;
import sif.model.data.PreparedSplit;
import sif.model.data.Protocol;
import sif.model.data.Splits;
import sif.model.eval.Calibration;
import sif.model.eval.Metrics;
import sif.model.nn.Networks;
import sif.model.nn.SequenceTrainer;

/**
 * A quick training on a small real sample (at most 150 flows per class, a few epochs) must clearly
 * beat the majority-class baseline on the temporal test split, and be reproducible for a seed.
 */
class SmokeTrainingTest {

    @Test
    void fewEpochsOnASmallRealSampleBeatTheMajorityClassByAWideMargin() throws IOException {
        Path dir = DataPaths.cicids2017();
        assumeTrue(DataPaths.isDirectory(dir), DataPaths.missingMessage(dir));
        FlowTable table = DatasetLoader.load(List.of(dir), ClassMapping.FIVE, 150, 1).table();
        PreparedSplit p = PreparedSplit.prepare(table, Protocol.TEMPORAL_SPLIT,
                new PreparedSplit.Config(10, 0.2, 0.125, Splits.TemporalUnit.SOURCE_CLASS, 0, 1));
        SequenceTrainer.Config cfg = new SequenceTrainer.Config(6, 6, 32, 3e-3f, 1);
        Metrics m;
        List<SequenceTrainer.EpochStats> h1;
        try (Model model = Model.newInstance("smoke", Device.cpu(), ModelArtifact.ENGINE)) {
            model.setBlock(Networks.lstm(5));
            h1 = SequenceTrainer.train(model, p.train(), p.val(), cfg, null).history();
            float[][] logits = SequenceTrainer.logits(model.getBlock(), model.getNDManager(), p.test(), 256);
            m = new Metrics(ClassMapping.FIVE.classes(), p.test().labels(), Calibration.argmax(logits));
        }
        double majority = m.majorityAccuracy();
        assertTrue(m.accuracy() >= majority + 0.35, "accuracy " + m.accuracy() + " vs majority " + majority);
        assertTrue(m.macroF1() >= 0.7, "macro-F1 " + m.macroF1());
        // same seed, same data: same losses
        try (Model model = Model.newInstance("smoke2", Device.cpu(), ModelArtifact.ENGINE)) {
            model.setBlock(Networks.lstm(5));
            List<SequenceTrainer.EpochStats> h2 = SequenceTrainer.train(model, p.train(), p.val(),
                    new SequenceTrainer.Config(2, 2, 32, 3e-3f, 1), null).history();
            for (int e = 0; e < 2; e++) {
                assertEquals(h1.get(e).trainLoss(), h2.get(e).trainLoss(), 1e-5, "epoch " + (e + 1) + " loss differs");
            }
        }
    }
}
