package sif.firewall;

import java.nio.file.Path;
import sif.model.SequenceClassifier;
import sif.model.artifact.ModelArtifact;

/** Loads the detection model the firewall runs, once per process. */
public final class ModelLoader {

    /** PyTorch's intra-op and inter-op thread counts, unless the user set them. */
    static final String TORCH_THREADS = "ai.djl.pytorch.num_threads";
    static final String TORCH_INTEROP_THREADS = "ai.djl.pytorch.num_interop_threads";

    private ModelLoader() {}

    /**
     * Loads and verifies the model, returning when it is ready.
     *
     * @throws sif.model.artifact.ModelArtifactException when the directory is missing or the artifact is
     *         malformed (message says which)
     */
    public static SequenceClassifier load(Path modelDir) {
        oneTorchThread();
        return ModelArtifact.load(modelDir);
    }

    /**
     * Verifies the model now and loads its weights in the background ({@link ModelArtifact#open}):
     * the firewall builds its topology and joins its consumer group meanwhile (start-up to first
     * verdict is shorter by the engine's start-up time). Call {@link #awaitLoaded} to surface a
     * loading failure.
     *
     * @throws sif.model.artifact.ModelArtifactException when the directory is missing, the artifact is
     *         malformed or its weights do not match their SHA-256
     */
    public static SequenceClassifier open(Path modelDir) {
        oneTorchThread();
        return ModelArtifact.open(modelDir);
    }

    /** Waits for {@link #open}'s background load; throws its failure. */
    public static void awaitLoaded(SequenceClassifier classifier) {
        ModelArtifact.awaitLoaded(classifier);
    }

    private static void oneTorchThread() {
        // One PyTorch thread per inference call: the stream thread already owns a core, and on 2
        // cores PyTorch's default pool (one thread per core) collapses batch-64 inference from about
        // 10k to 1k sequences/s whenever the other core is busy (measured: docs/performance.md).
        // Must be set before the PyTorch engine starts; -D on the command line wins.
        System.getProperties().putIfAbsent(TORCH_THREADS, "1");
        System.getProperties().putIfAbsent(TORCH_INTEROP_THREADS, "1");
    }
}
