package sif.model.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import sif.flows.DataPaths;
import sif.model.artifact.ModelArtifact;
import sif.model.eval.Metrics;

/**
 * Loads the committed model ({@code models/cicids2017-lstm}), rebuilds its temporal test split from
 * the data named in its metadata (same seed and settings) and checks the figures in its
 * metrics.json within ±0.01.
 */
class ModelReevaluationTest {

    static Path modelDir() {
        String root = System.getProperty("sif.repo.root");
        Path base = root != null ? Path.of(root) : Path.of("..");
        return base.resolve("models").resolve("cicids2017-lstm").toAbsolutePath().normalize();
    }

    @Test
    void committedModelReproducesItsTemporalSplitMetrics() throws Exception {
        Path dir = modelDir();
        assumeTrue(Files.isRegularFile(dir.resolve(ModelArtifact.METADATA)), "no committed model at " + dir);
        assumeTrue(DataPaths.isDirectory(DataPaths.cicids2017()), DataPaths.missingMessage(DataPaths.cicids2017()));
        ArtifactEvaluator.Outcome o = ArtifactEvaluator.evaluate(dir, DataPaths.root());
        Map<String, Double> expected = ModelArtifact.readMetrics(dir).get("temporal_split").get("lstm");
        Metrics m = o.evaluation().metrics();
        assertEquals(expected.get("accuracy"), m.accuracy(), 0.01);
        assertEquals(expected.get("macro_f1"), m.macroF1(), 0.01);
        assertEquals(expected.get("weighted_f1"), m.weightedF1(), 0.01);
        assertEquals(expected.get("ece"), o.evaluation().ece(), 0.01);
    }
}
