package sif.model.train;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.nn.Block;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sif.flows.ClassMapping;
import sif.flows.FlowFeatures;
import sif.model.ClassifierSession;
import sif.model.SequenceClassifier;
import sif.model.artifact.ModelArtifact;
import sif.model.artifact.ModelMetadata;
import sif.model.data.DatasetLoader;
import sif.model.data.FeatureScaler;
import sif.model.data.FlowTable;
import sif.model.data.PreparedSplit;
import sif.model.data.Protocol;
import sif.model.data.SplitOverlap;
import sif.model.data.SequenceSet;
import sif.model.eval.Baselines;
import sif.model.eval.Calibration;
import sif.model.eval.Metrics;
import sif.model.nn.Networks;
import sif.model.nn.SequenceTrainer;

/**
 * One full training run: both protocols, the LSTM and the four baselines on each, calibration,
 * and the artifact (the temporal-split LSTM is the one shipped).
 */
public final class TrainingRun {

    private static final Logger LOG = LoggerFactory.getLogger(TrainingRun.class);

    /** Model keys as used in metrics.json, in report order. */
    public static final List<String> MODELS = List.of("lstm", "decision_tree", "linear_svm", "random_forest", "cnn");

    /** Everything a run is configured with. */
    public record Options(List<Path> data, ClassMapping mapping, PreparedSplit.Config split,
                          SequenceTrainer.Config training, int maxRowsPerClass, double decisionThreshold,
                          String name, boolean baselines) {}

    /** Evaluation of one model under one protocol. */
    public record ModelEval(String model, Metrics metrics, Double ece, Double eceUncalibrated, double trainSeconds,
                            List<SequenceTrainer.EpochStats> history, int divergedEpoch) {}

    /** Everything about one protocol. */
    public record ProtocolResult(Protocol protocol, int train, int val, int test, Map<String, ModelEval> models,
                                 double temperature, int bestEpoch, int epochsRun, double lstmSeconds,
                                 SplitOverlap overlap) {}

    /** The outcome of a run. */
    public record Result(Options options, DatasetLoader.Loaded data, Map<Protocol, ProtocolResult> protocols,
                         ModelMetadata metadata, double totalSeconds) {}

    private TrainingRun() {}

    /**
     * Runs everything and writes the artifact into {@code outDir}.
     *
     * @param listener per-epoch progress (may be null); receives the protocol and network name first
     */
    public static Result run(Options opt, Path outDir, ProgressFactory listener) throws IOException {
        long t0 = System.nanoTime();
        DatasetLoader.Loaded loaded = DatasetLoader.load(opt.data(), opt.mapping(), opt.maxRowsPerClass(), opt.split().seed());
        FlowTable table = loaded.table();
        LOG.info("loaded {}", table);
        long fallback = table.fallbackCount();
        if (fallback > 0) {
            LOG.warn("{} of {} rows have no source IP or timestamp (MachineLearningCVE layout or ID-encoded copies): "
                    + "their sequences are the previous rows of the same file in file order, not of the same source "
                    + "in time, and their figures are not comparable with the TrafficLabelling ones", fallback,
                    table.size());
        }
        Map<Protocol, ProtocolResult> results = new LinkedHashMap<>();
        ModelMetadata metadata = null;
        for (Protocol p : List.of(Protocol.TEMPORAL_SPLIT, Protocol.RANDOM_SPLIT)) {
            PreparedSplit prep = PreparedSplit.prepare(table, p, opt.split());
            LOG.info("{}: {} train / {} validation / {} test sequences", p.key(), prep.train().size(), prep.val().size(),
                    prep.test().size());
            if (prep.val().size() == 0) {
                LOG.warn("{}: the validation part is empty (too few flows per unit for --val-fraction): early stopping "
                        + "follows the training loss, and the temperature stays 1 (uncalibrated)", p.key());
            }
            Map<String, ModelEval> evals = new LinkedHashMap<>();
            List<String> classes = opt.mapping().classes();
            // LSTM
            try (Model lstm = Model.newInstance(opt.name(), Device.cpu(), ModelArtifact.ENGINE)) {
                lstm.setBlock(Networks.lstm(classes.size()));
                SequenceTrainer.Result tr = SequenceTrainer.train(lstm, prep.train(), prep.val(), opt.training(),
                        listener == null ? null : listener.create(p.key() + " lstm"));
                warnIfDiverged(p, "lstm", tr);
                float[][] valLogits = SequenceTrainer.logits(lstm.getBlock(), lstm.getNDManager(), prep.val(), 512);
                double temperature = prep.val().size() > 0 ? Calibration.fitTemperature(valLogits, prep.val().labels()) : 1.0;
                float[][] testLogits = SequenceTrainer.logits(lstm.getBlock(), lstm.getNDManager(), prep.test(), 512);
                float[][] probs = Calibration.softmax(testLogits, temperature);
                int[] y = prep.test().labels();
                Metrics m = new Metrics(classes, y, Calibration.argmax(probs));
                double ece = Calibration.ece(probs, y);
                double eceRaw = Calibration.ece(Calibration.softmax(testLogits, 1.0), y);
                evals.put("lstm", new ModelEval("lstm", m, ece, eceRaw, tr.millis() / 1000.0, tr.history(), tr.divergedEpoch()));
                LOG.info("{} lstm: accuracy {} macro-F1 {} ECE {} (uncalibrated {}), T={}", p.key(), m.accuracy(),
                        m.macroF1(), ece, eceRaw, temperature);
                if (p == Protocol.TEMPORAL_SPLIT) {
                    metadata = ArtifactWriter.write(outDir, lstm, prep, temperature, opt, loaded, tr);
                    verifyArtifact(outDir, table, prep, m);
                    // preliminary metrics.json (LSTM only) so the artifact is usable before the rest finishes
                    ArtifactWriter.writeMetrics(outDir, Map.of(p.key(), Map.of("lstm", evals.get("lstm"))));
                }
                if (opt.baselines()) {
                    baselines(opt, prep, classes, evals);
                }
                results.put(p, new ProtocolResult(p, prep.train().size(), prep.val().size(), prep.test().size(), evals,
                        temperature, tr.bestEpoch(), tr.history().size(), tr.millis() / 1000.0,
                        SplitOverlap.of(prep.train(), prep.test(), classes.size())));
            }
        }
        return new Result(opt, loaded, results, metadata, (System.nanoTime() - t0) / 1e9);
    }

    private static void warnIfDiverged(Protocol p, String model, SequenceTrainer.Result r) {
        if (r.diverged()) {
            LOG.warn("{} {}: training diverged at epoch {} (loss not finite) and stopped; kept the weights of epoch {}",
                    p.key(), model, r.divergedEpoch(), r.bestEpoch());
        }
    }

    private static void baselines(Options opt, PreparedSplit prep, List<String> classes, Map<String, ModelEval> evals) {
        SequenceSet tr = prep.train();
        SequenceSet te = prep.test();
        float[][] xTrain = new float[tr.size()][];
        for (int i = 0; i < xTrain.length; i++) {
            xTrain[i] = tr.lastFlow(i);
        }
        float[][] xTest = new float[te.size()][];
        for (int i = 0; i < xTest.length; i++) {
            xTest[i] = te.lastFlow(i);
        }
        for (Baselines.Kind kind : Baselines.Kind.values()) {
            long s = System.nanoTime();
            Baselines.Trained b = Baselines.train(kind, xTrain, tr.labels(), classes, opt.split().seed());
            double secs = (System.nanoTime() - s) / 1e9;
            Metrics m = new Metrics(classes, te.labels(), b.predict(xTest));
            String key = kind.name().toLowerCase(java.util.Locale.ROOT);
            evals.put(key, new ModelEval(key, m, null, null, secs, List.of(), 0));
            LOG.info("{} {}: accuracy {} macro-F1 {}", prep.protocol().key(), key, m.accuracy(), m.macroF1());
        }
        try (Model cnn = Model.newInstance("cnn", Device.cpu(), ModelArtifact.ENGINE)) {
            Block block = Networks.cnn(classes.size());
            cnn.setBlock(block);
            SequenceTrainer.Result r = SequenceTrainer.train(cnn, tr, prep.val(), opt.training(), null);
            float[][] logits = SequenceTrainer.logits(cnn.getBlock(), cnn.getNDManager(), te, 512);
            Metrics m = new Metrics(classes, te.labels(), Calibration.argmax(Calibration.softmax(logits, 1.0)));
            evals.put("cnn", new ModelEval("cnn", m, null, null, r.millis() / 1000.0, r.history(), r.divergedEpoch()));
            LOG.info("{} cnn: accuracy {} macro-F1 {} (best epoch {})", prep.protocol().key(), m.accuracy(), m.macroF1(),
                    r.bestEpoch());
            warnIfDiverged(prep.protocol(), "cnn", r);
        }
    }

    /**
     * Loads the artifact just written, through the same path the firewall uses (raw rows in), and
     * checks it reproduces the in-memory test predictions.
     */
    private static void verifyArtifact(Path dir, FlowTable table, PreparedSplit prep, Metrics expected) {
        try (SequenceClassifier c = ModelArtifact.load(dir); ClassifierSession s = c.newSession()) {
            Metrics m = Evaluation.evaluate(s, table, prep.test(), c.info().classNames(), 256).metrics();
            if (Math.abs(m.macroF1() - expected.macroF1()) > 1e-6 || Math.abs(m.accuracy() - expected.accuracy()) > 1e-6) {
                throw new IllegalStateException("artifact in " + dir + " does not reproduce the training-time figures: "
                        + m.accuracy() + "/" + m.macroF1() + " vs " + expected.accuracy() + "/" + expected.macroF1());
            }
            LOG.info("artifact {} verified: reloaded model reproduces temporal-split accuracy {}, macro-F1 {}",
                    c.info().version(), m.accuracy(), m.macroF1());
        }
    }

    /** Creates a listener per trained network (e.g. a console progress bar). */
    public interface ProgressFactory {
        SequenceTrainer.Listener create(String label);
    }
}
