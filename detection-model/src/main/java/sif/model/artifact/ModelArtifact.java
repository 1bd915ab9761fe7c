package sif.model.artifact;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.translate.TranslateException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sif.flows.FlowFeatures;
import sif.model.ClassifierSession;
import sif.model.SequenceClassifier;
import sif.model.data.FeatureScaler;
import sif.model.data.InputRange;
import sif.model.nn.Networks;

/**
 * A model artifact directory ({@code models/<name>/}): {@code metadata.json}, {@code metrics.json}
 * and the DJL weights. {@link #load} verifies the weights' SHA-256 before anything is loaded and
 * refuses a mismatch.
 */
public final class ModelArtifact {

    /** The longest sequence a model may take: the firewall's sequence store holds at most 255 flows per source. */
    public static final int MAX_SEQUENCE_LENGTH = 255;

    private static final Logger LOG = LoggerFactory.getLogger(ModelArtifact.class);

    public static final String METADATA = "metadata.json";
    public static final String METRICS = "metrics.json";
    public static final String ENGINE = "PyTorch";

    private ModelArtifact() {}

    /** The JSON mapper used for artifact files (pretty, stable). */
    public static ObjectMapper json() {
        return new ObjectMapper()
                .enable(SerializationFeature.INDENT_OUTPUT)
                .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    /** Reads {@code metadata.json}. */
    public static ModelMetadata readMetadata(Path dir) {
        Path f = dir.resolve(METADATA);
        try {
            return json().readValue(f.toFile(), ModelMetadata.class);
        } catch (IOException e) {
            throw new ModelArtifactException("cannot read model metadata " + f + ": " + e.getMessage(), e);
        }
    }

    /** Reads {@code metrics.json}: protocol → model → metric → value. */
    @SuppressWarnings("unchecked")
    public static Map<String, Map<String, Map<String, Double>>> readMetrics(Path dir) {
        Path f = dir.resolve(METRICS);
        try {
            return json().readValue(f.toFile(), Map.class);
        } catch (IOException e) {
            throw new ModelArtifactException("cannot read model metrics " + f + ": " + e.getMessage(), e);
        }
    }

    /** SHA-256 of a file, lower-case hex. */
    public static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = sha256();
            byte[] buf = new byte[1 << 16];
            int r;
            while ((r = in.read(buf)) > 0) {
                md.update(buf, 0, r);
            }
            return HexFormat.of().formatHex(md.digest());
        }
    }

    /** SHA-256 of bytes, lower-case hex. */
    static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(sha256().digest(bytes));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    /**
     * Loads and verifies an artifact.
     *
     * @throws ModelArtifactException when files are missing or malformed, or the weights' SHA-256
     *                                differs from the one in metadata.json
     */
    public static SequenceClassifier load(Path dir) {
        Verified v = verify(dir);
        return new LoadedClassifier(CompletableFuture.completedFuture(loadWeights(v)), v.meta(), v.translator());
    }

    /**
     * Verifies an artifact now (metadata, scaler, the weights' SHA-256: the same checks as
     * {@link #load}, so a bad artifact is refused before anything else starts) and loads the
     * weights into PyTorch on a background thread: engine start-up and weight loading take seconds
     * and can overlap with the caller's own start-up. {@link SequenceClassifier#info()},
     * {@link SequenceClassifier#input} and {@link SequenceClassifier#inputFormat} answer at once;
     * {@link SequenceClassifier#newSession()} waits for the weights and throws
     * {@link ModelArtifactException} if loading them failed. {@link #awaitLoaded} waits explicitly.
     */
    public static SequenceClassifier open(Path dir) {
        Verified v = verify(dir);
        CompletableFuture<Model> model = CompletableFuture.supplyAsync(() -> warmedUp(loadWeights(v), v), runnable -> {
            Thread t = new Thread(runnable, "sif-model-load");
            t.setDaemon(true);
            t.start();
        });
        return new LoadedClassifier(model, v.meta(), v.translator());
    }

    /**
     * Waits until a classifier from {@link #open} has its weights loaded (at once for one from
     * {@link #load} or any other classifier).
     *
     * @throws ModelArtifactException if loading failed
     */
    public static void awaitLoaded(SequenceClassifier classifier) {
        if (classifier instanceof LoadedClassifier c) {
            c.model();
        }
    }

    /**
     * An artifact whose weights matched their SHA-256. The weights are the bytes that were hashed,
     * and the model is loaded from them, never from the directory again: DJL's {@code load(dir, prefix)}
     * would pick the highest-numbered {@code <prefix>-NNNN.params} there (a stray {@code -0001} file
     * nobody hashed), and a file replaced between the check and a background load would go unseen.
     */
    private record Verified(Path dir, ModelMetadata meta, Path weights, byte[] weightBytes,
                            SequenceTranslator translator) {}

    private static Verified verify(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new ModelArtifactException("model directory " + dir.toAbsolutePath() + " does not exist");
        }
        ModelMetadata meta = readMetadata(dir);
        validate(meta, dir);
        Path weights = dir.resolve(meta.weights().file());
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(weights);
        } catch (IOException e) {
            throw new ModelArtifactException("cannot read model weights " + weights + ": " + e.getMessage(), e);
        }
        String actual = sha256(bytes);
        if (!actual.equalsIgnoreCase(meta.weights().sha256())) {
            throw new ModelArtifactException("model weights " + weights + " do not match metadata.json: SHA-256 is "
                    + actual + ", expected " + meta.weights().sha256() + " (file modified or corrupt); refusing to load");
        }
        ModelMetadata.Scaler s = meta.scaler();
        FeatureScaler scaler = new FeatureScaler(s.posInf(), s.negInf(), s.mean(), s.std());
        return new Verified(dir, meta, weights, bytes,
                new SequenceTranslator(scaler, meta.sequenceLength(), meta.temperature()));
    }

    /** One tiny prediction, so the first real batch does not pay PyTorch's first-call set-up. */
    private static Model warmedUp(Model model, Verified v) {
        int width = FeatureScaler.INPUTS;
        try (Predictor<SequenceTranslator.Batch, float[][]> p = model.newPredictor(v.translator())) {
            p.predict(new SequenceTranslator.Batch(List.<float[][]>of(new float[][] {new float[width]}), true));
        } catch (TranslateException | RuntimeException e) {
            LOG.warn("model warm-up prediction failed (the firewall will still try): {}", e.toString());
        }
        return model;
    }

    private static Model loadWeights(Verified v) {
        ModelMetadata meta = v.meta();
        String prefix = prefixOf(meta.weights().file());
        Model model = Model.newInstance(prefix, Device.cpu(), ENGINE);
        try {
            model.setBlock(Networks.lstm(meta.classNames().size()));
            model.load(new ByteArrayInputStream(v.weightBytes())); // the verified bytes, see Verified
        } catch (IOException | MalformedModelException | RuntimeException e) {
            model.close();
            throw new ModelArtifactException("cannot load model weights " + v.weights() + ": " + e.getMessage(), e);
        }
        LOG.info("loaded model {} ({} classes, T={}, temperature {}) from {}", meta.version(),
                meta.classNames().size(), meta.sequenceLength(), meta.temperature(), v.dir());
        return model;
    }

    static String prefixOf(String weightsFile) {
        if (!weightsFile.endsWith("-0000.params")) {
            throw new ModelArtifactException("weights file " + weightsFile + " is not a DJL '<name>-0000.params' file");
        }
        return weightsFile.substring(0, weightsFile.length() - "-0000.params".length());
    }

    private static void validate(ModelMetadata meta, Path dir) {
        String where = dir.resolve(METADATA).toString();
        if (meta.formatVersion() != ModelMetadata.FORMAT_VERSION) {
            throw new ModelArtifactException(where + ": unsupported format_version " + meta.formatVersion());
        }
        if (meta.weights() == null || meta.weights().file() == null || meta.weights().sha256() == null) {
            throw new ModelArtifactException(where + ": weights.file and weights.sha256 are required");
        }
        if (meta.classNames() == null || meta.classNames().isEmpty()) {
            throw new ModelArtifactException(where + ": class_names is empty");
        }
        if (meta.classMapping() != null) {
            // the weights' outputs are in the mapping's order: a reordered or edited list would rename verdicts
            List<String> expected;
            try {
                expected = sif.flows.ClassMapping.parse(meta.classMapping()).classes();
            } catch (IllegalArgumentException e) {
                throw new ModelArtifactException(where + ": " + e.getMessage());
            }
            if (!expected.equals(meta.classNames())) {
                throw new ModelArtifactException(where + ": class_names " + meta.classNames() + " are not class_mapping '"
                        + meta.classMapping() + "''s classes " + expected + " in that order");
            }
        }
        if (!FeatureScaler.inputNames().equals(meta.inputFeatures())) {
            throw new ModelArtifactException(where + ": input_features differ from this build's " + FeatureScaler.INPUTS
                    + " inputs; retrain the model");
        }
        if (meta.rawFeatures() != null && !FlowFeatures.csvNames().equals(meta.rawFeatures())) {
            throw new ModelArtifactException(where + ": raw_features differ from FlowFeatures.ALL");
        }
        if (meta.sequenceLength() < 1 || !(meta.temperature() > 0) || meta.scaler() == null) {
            throw new ModelArtifactException(where + ": sequence_length, temperature and scaler are required");
        }
        if (meta.sequenceLength() > MAX_SEQUENCE_LENGTH) {
            throw new ModelArtifactException(where + ": sequence_length " + meta.sequenceLength() + " is over "
                    + MAX_SEQUENCE_LENGTH + ", the most flows per source the firewall's sequence store holds");
        }
        if (!(meta.decisionThreshold() >= 0 && meta.decisionThreshold() <= 1)) {
            throw new ModelArtifactException(where + ": decision_threshold must be a probability in [0, 1], got "
                    + meta.decisionThreshold());
        }
        validate(meta.scaler(), where);
    }

    /** Scaler parameters a model input can be made with: 76 finite values each, standard deviations above 0. */
    private static void validate(ModelMetadata.Scaler s, String where) {
        String[] names = {"pos_inf_replacement", "neg_inf_replacement", "mean", "std"};
        double[][] values = {s.posInf(), s.negInf(), s.mean(), s.std()};
        for (int k = 0; k < names.length; k++) {
            double[] v = values[k];
            if (v == null || v.length != FeatureScaler.INPUTS) {
                throw new ModelArtifactException(where + ": scaler." + names[k] + " needs " + FeatureScaler.INPUTS
                        + " values, got " + (v == null ? "none" : v.length));
            }
            for (int j = 0; j < v.length; j++) {
                if (!Double.isFinite(v[j]) || (k == 3 && !(v[j] > 0))) {
                    throw new ModelArtifactException(where + ": scaler." + names[k] + "[" + j + "] ("
                            + FeatureScaler.inputNames().get(j) + ") is " + v[j] + (k == 3 ? "; it must be finite and "
                            + "above 0" : "; it must be finite"));
                }
            }
        }
    }

    /** Whether {@code classifier}'s weights have been freed (for tests). */
    static boolean weightsFreed(SequenceClassifier classifier) {
        return !((LoadedClassifier) classifier).model().getNDManager().isOpen();
    }

    /**
     * The loaded model; thread-safe; sessions own one predictor each. Closing it while sessions are
     * still open (a thread that did not stop in time, e.g. Kafka Streams' close timing out) does not free
     * the weights under a running prediction: they are freed when the last session closes, or left to the
     * process's exit.
     */
    private static final class LoadedClassifier implements SequenceClassifier {
        private final CompletableFuture<Model> model;
        private final ModelMetadata meta;
        private final SequenceTranslator translator;
        private final ModelInfo info;
        /** The scaled rows' format, scaler included: the firewall tags stored sequences with it. */
        private final String inputFormat;
        private final InputRange inputRange;
        /** Guarded by {@code this}. */
        private int openSessions;
        private boolean closeRequested;

        LoadedClassifier(CompletableFuture<Model> model, ModelMetadata meta, SequenceTranslator translator) {
            this.model = model;
            this.meta = meta;
            this.translator = translator;
            this.info = new ModelInfo(meta.version(), meta.classNames(), meta.sequenceLength(), meta.decisionThreshold());
            // the scaler is in it: stored sequences hold scaled rows, and an edited metadata.json keeps the version
            ModelMetadata.Scaler sc = meta.scaler();
            int scaler = java.util.Objects.hash(sc.method(), java.util.Arrays.hashCode(sc.posInf()),
                    java.util.Arrays.hashCode(sc.negInf()), java.util.Arrays.hashCode(sc.mean()),
                    java.util.Arrays.hashCode(sc.std()));
            this.inputFormat = "scaled-" + FeatureScaler.INPUTS + "/" + meta.version() + "/" + Integer.toHexString(scaler);
            this.inputRange = InputRange.of(translator.scaler(), InputRange.DEFAULT_MARGIN);
        }

        /** The weights, waiting for a background load. */
        Model model() {
            try {
                return model.join();
            } catch (CompletionException e) {
                if (e.getCause() instanceof ModelArtifactException m) {
                    throw m;
                }
                throw new ModelArtifactException("cannot load model " + meta.version() + ": " + e.getCause(), e.getCause());
            }
        }

        @Override
        public ModelInfo info() {
            return info;
        }

        @Override
        public ClassifierSession newSession() {
            Model m = model();
            synchronized (this) {
                if (closeRequested) {
                    throw new IllegalStateException(this + " is closed");
                }
                openSessions++;
            }
            try {
                return new Session(m.newPredictor(translator), translator, meta.classNames().size(), this::sessionClosed);
            } catch (RuntimeException | Error e) {
                sessionClosed();
                throw e;
            }
        }

        private void sessionClosed() {
            boolean last;
            synchronized (this) {
                openSessions--;
                // once close is requested no session opens, so the count reaches 0 at most once then
                last = openSessions == 0 && closeRequested;
            }
            if (last) {
                LOG.info("{}: its last session closed; freeing the weights now", this);
                closeModel();
            }
        }

        @Override
        public float[] input(float[] rawFeatures) {
            return translator.input(rawFeatures);
        }

        @Override
        public String inputFormat() {
            return inputFormat;
        }

        @Override
        public InputRange inputRange() {
            return inputRange;
        }

        @Override
        public List<String> inputsOutside(float[][] rows, int count) {
            return inputRange.outsideOfSequence(rows, count, InputRange.Rows.SCALED);
        }

        @Override
        public void close() {
            int open;
            synchronized (this) {
                if (closeRequested) {
                    return;
                }
                closeRequested = true;
                open = openSessions;
            }
            if (open > 0) {
                LOG.warn("{} closed with {} session(s) still open (a thread that has not stopped may be predicting): "
                        + "its weights are freed when the last one closes", this, open);
                return;
            }
            closeModel();
        }

        private void closeModel() {
            try {
                model().close();
            } catch (ModelArtifactException e) {
                // nothing was loaded: nothing to close
            }
        }

        @Override
        public String toString() {
            return "SequenceClassifier[" + meta.version() + "]";
        }
    }

    private static final class Session implements ClassifierSession {
        private final Predictor<SequenceTranslator.Batch, float[][]> predictor;
        private final SequenceTranslator translator;
        private final int classes;
        private final Runnable onClose;
        private boolean closed;

        Session(Predictor<SequenceTranslator.Batch, float[][]> predictor, SequenceTranslator translator, int classes,
                Runnable onClose) {
            this.predictor = predictor;
            this.translator = translator;
            this.classes = classes;
            this.onClose = onClose;
        }

        @Override
        public float[][] predict(List<float[][]> sequences) {
            return run(sequences, false);
        }

        @Override
        public float[][] predictInputs(List<float[][]> inputSequences) {
            return run(inputSequences, true);
        }

        private float[][] run(List<float[][]> sequences, boolean scaled) {
            if (sequences == null) {
                throw new IllegalArgumentException("sequences must not be null");
            }
            if (sequences.isEmpty()) {
                return new float[0][classes];
            }
            SequenceTranslator.Batch batch = new SequenceTranslator.Batch(sequences, scaled);
            translator.validate(batch);
            try {
                return predictor.predict(batch);
            } catch (TranslateException e) {
                throw new IllegalStateException("inference failed for a batch of " + sequences.size() + ": " + e.getMessage(), e);
            }
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            try {
                predictor.close();
            } finally {
                onClose.run();
            }
        }
    }

}
