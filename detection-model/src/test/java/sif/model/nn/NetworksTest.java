package sif.model.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
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

class NetworksTest {

    @Test
    void aConvolutionWindowIsTheStepBeforeTheStepAndTheStepAfterWithZerosAtTheEnds() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), ModelArtifact.ENGINE)) {
            // one sequence of three steps, two channels: step k = (k, 10k)
            NDArray x = m.create(new float[] {1, 10, 2, 20, 3, 30}, new Shape(1, 3, 2));
            NDArray w = Networks.windows3(x);
            assertEquals(new Shape(1, 3, 6), w.getShape());
            assertArrayEquals(new float[] {
                0, 0, 1, 10, 2, 20,
                1, 10, 2, 20, 3, 30,
                2, 20, 3, 30, 0, 0}, w.toFloatArray());
        }
    }

    /**
     * The CNN baseline, trained four times with the same seed on the real sample, gives the same finite
     * losses every time. With DJL's {@code Conv1d} (PyTorch 2.7.1's conv1d) most such runs turned
     * non-finite at a random epoch, often the first.
     */
    @Test
    void theCnnTrainsToTheSameFiniteLossesEveryTime() throws IOException {
        Path dir = DataPaths.cicids2017();
        assumeTrue(DataPaths.isDirectory(dir), DataPaths.missingMessage(dir));
        FlowTable table = DatasetLoader.load(List.of(dir), ClassMapping.FIVE, 0, 42).table();
        PreparedSplit p = PreparedSplit.prepare(table, Protocol.TEMPORAL_SPLIT, PreparedSplit.Config.defaults(42));
        List<SequenceTrainer.EpochStats> first = null;
        for (int run = 0; run < 4; run++) {
            try (Model model = Model.newInstance("cnn", Device.cpu(), ModelArtifact.ENGINE)) {
                model.setBlock(Networks.cnn(5));
                SequenceTrainer.Result r = SequenceTrainer.train(model, p.train(), p.val(),
                        new SequenceTrainer.Config(15, 15, 256, 1e-3f, 42), null);
                assertTrue(!r.diverged(), "run " + run + " diverged at epoch " + r.divergedEpoch());
                assertEquals(15, r.history().size());
                if (first == null) {
                    first = r.history();
                    assertTrue(first.get(14).valLoss() < first.get(0).valLoss() / 5, "it learns: " + first);
                } else {
                    for (int e = 0; e < first.size(); e++) {
                        assertEquals(first.get(e).trainLoss(), r.history().get(e).trainLoss(), 0.0, "run " + run + " epoch " + (e + 1));
                    }
                }
            }
        }
    }
}
