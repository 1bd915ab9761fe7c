package sif.model.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import sif.flows.ClassMapping;
import sif.flows.DataPaths;
import sif.model.ClassifierSession;
import sif.model.SequenceClassifier;
import sif.model.artifact.ModelArtifact;
import sif.model.artifact.ModelArtifactException;
import sif.model.artifact.ModelMetadata;
import sif.model.data.DatasetLoader;
import sif.model.data.PreparedSplit;
import sif.model.data.Protocol;
import sif.model.data.Splits;

/**
 * Rebuilds an artifact's evaluation split from its metadata (same files, mapping, seed, fractions,
 * unit, caps) and evaluates the loaded model on it through the firewall's path (raw rows in).
 */
public final class ArtifactEvaluator {

    /** The rebuilt test split's figures. */
    public record Outcome(ModelMetadata metadata, Evaluation.Outcome evaluation, int testSequences) {}

    private ArtifactEvaluator() {}

    /** Data files named in the metadata, resolved against {@code dataRoot}. */
    public static List<Path> dataFiles(ModelMetadata meta, Path dataRoot) {
        List<Path> files = new ArrayList<>();
        for (ModelMetadata.DataFile f : meta.data().files()) {
            Path p = Path.of(f.path());
            files.add(p.isAbsolute() ? p : dataRoot.resolve(p));
        }
        return files;
    }

    /**
     * @throws ModelArtifactException when the data files differ from the ones the model was trained on
     */
    public static Outcome evaluate(Path artifactDir, Path dataRoot) throws IOException {
        ModelMetadata meta = ModelArtifact.readMetadata(artifactDir);
        List<Path> files = dataFiles(meta, dataRoot);
        for (int i = 0; i < files.size(); i++) {
            Path f = files.get(i);
            if (!Files.isRegularFile(f)) {
                throw new ModelArtifactException("training data file " + f + " not found (data root " + dataRoot + ")");
            }
            String sha = ModelArtifact.sha256(f);
            if (!sha.equals(meta.data().files().get(i).sha256())) {
                throw new ModelArtifactException("data file " + f + " has SHA-256 " + sha + ", the model was trained on "
                        + meta.data().files().get(i).sha256());
            }
        }
        ModelMetadata.Training t = meta.training();
        ClassMapping mapping = ClassMapping.parse(meta.classMapping());
        DatasetLoader.Loaded loaded;
        ModelMetadata.LabData lab = meta.data().lab();
        if (lab == null) {
            loaded = DatasetLoader.load(files, mapping, t.maxRowsPerClass(), t.seed());
        } else {
            // a CICIDS2017 + lab model (sif cross-eval): rebuild the combined table the same way
            Path labFlows = resolve(dataRoot, lab.flows());
            Path labLabels = resolve(dataRoot, lab.labels());
            List<Path> cicids = files.stream().filter(f -> !f.equals(labFlows) && !f.equals(labLabels)).toList();
            loaded = CrossDatasetRun.load(cicids, labFlows, labLabels, t.maxRowsPerClass(), t.seed()).data();
        }
        PreparedSplit prep = PreparedSplit.prepare(loaded.table(), Protocol.valueOf(t.protocol().toUpperCase(Locale.ROOT)),
                new PreparedSplit.Config(meta.sequenceLength(), t.testFraction(), t.valFraction(),
                        Splits.TemporalUnit.valueOf(t.temporalUnit().toUpperCase(Locale.ROOT)), t.capPerClass(), t.seed()));
        try (SequenceClassifier c = ModelArtifact.load(artifactDir); ClassifierSession s = c.newSession()) {
            Evaluation.Outcome o = Evaluation.evaluate(s, loaded.table(), prep.test(), c.info().classNames(), 256);
            return new Outcome(meta, o, prep.test().size());
        }
    }

    private static Path resolve(Path dataRoot, String path) {
        Path p = Path.of(path);
        return p.isAbsolute() ? p : dataRoot.resolve(p);
    }

    /** Default data root (see {@link DataPaths}). */
    public static Path defaultDataRoot() {
        return DataPaths.root();
    }
}
