package sif.firewall;

import java.nio.file.Path;
import sif.model.SequenceClassifier;
import sif.model.artifact.ModelArtifact;

/** Loads the detection model the firewall runs, once per process. */
public final class ModelLoader {

    private ModelLoader() {}

    /**
     * @throws sif.model.artifact.ModelArtifactException when the directory is missing or the artifact is
     *         malformed (message says which)
     */
    public static SequenceClassifier load(Path modelDir) {
        return ModelArtifact.load(modelDir);
    }
}
