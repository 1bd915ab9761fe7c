package sif.model.train;

import ai.djl.Model;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import sif.flows.FlowFeatures;
import sif.model.artifact.ModelArtifact;
import sif.model.artifact.ModelMetadata;
import sif.model.data.DatasetLoader;
import sif.model.data.FeatureScaler;
import sif.model.data.PreparedSplit;
import sif.model.nn.SequenceTrainer;

/** Writes a model artifact directory: weights, metadata.json, metrics.json. */
public final class ArtifactWriter {

    static final String SCALER_METHOD = "NaN->0; +Inf/-Inf -> largest/smallest finite training value; "
            + "signed log1p sign(x)*ln(1+|x|); standardise with training mean/std (std 0 -> 1)";

    private ArtifactWriter() {}

    /** Saves the weights and metadata.json of the shipped (temporal-split) LSTM. */
    static ModelMetadata write(Path dir, Model model, PreparedSplit prep, double temperature, TrainingRun.Options opt,
                               DatasetLoader.Loaded data, SequenceTrainer.Result tr) throws IOException {
        return write(dir, model, prep, temperature, opt, data, tr, null);
    }

    /** As above, recording a lab corpus among the data (CICIDS2017 + lab models). */
    static ModelMetadata write(Path dir, Model model, PreparedSplit prep, double temperature, TrainingRun.Options opt,
                               DatasetLoader.Loaded data, SequenceTrainer.Result tr, ModelMetadata.LabData lab)
            throws IOException {
        Files.createDirectories(dir);
        try (DirectoryStream<Path> old = Files.newDirectoryStream(dir, "*.params")) {
            for (Path p : old) {
                Files.delete(p);
            }
        }
        model.setProperty("Epoch", "0");
        model.save(dir, opt.name());
        String file = opt.name() + "-0000.params";
        Path weights = dir.resolve(file);
        String sha = ModelArtifact.sha256(weights);
        FeatureScaler s = prep.scaler();
        List<ModelMetadata.DataFile> files = data.files().stream()
                .map(f -> new ModelMetadata.DataFile(f.displayPath(), f.sha256(), f.rows())).toList();
        PreparedSplit.Config sc = opt.split();
        SequenceTrainer.Config tc = opt.training();
        ModelMetadata meta = new ModelMetadata(
                ModelMetadata.FORMAT_VERSION,
                opt.name(),
                opt.name() + "-" + sha.substring(0, 12),
                Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(),
                opt.mapping().name().toLowerCase(Locale.ROOT),
                opt.mapping().classes(),
                FlowFeatures.csvNames(),
                FeatureScaler.inputNames(),
                new ModelMetadata.Scaler(SCALER_METHOD, s.posInf(), s.negInf(), s.mean(), s.std()),
                sc.seqLen(),
                "left, with zero rows after scaling (= training mean) when a source has fewer than T flows; "
                        + "longer inputs keep their last T flows",
                temperature,
                opt.decisionThreshold(),
                "LSTM(128) -> Dropout(0.3) -> LSTM(64) -> Dropout(0.3) -> LSTM(32) -> last step -> Dropout(0.3) -> "
                        + "Dense(" + opt.mapping().size() + "); output softmax(logits / temperature)",
                new ModelMetadata.Weights(file, "DJL params (PyTorch engine)", sha, Files.size(weights)),
                new ModelMetadata.Data("sif.data.root (default ../shared/data)", files, data.digest(),
                        data.table().countsPerClass(), lab),
                new ModelMetadata.Training(prep.protocol().key(), sc.seed(), sc.testFraction(), sc.valFraction(),
                        sc.unit().name().toLowerCase(Locale.ROOT), sc.capPerClass(), opt.maxRowsPerClass(),
                        tc.epochs(), tc.patience(), tc.batchSize(), Double.parseDouble(Float.toString(tc.learningRate())), tr.bestEpoch(),
                        tr.history().size(), tr.millis() / 1000.0, prep.train().size(), prep.val().size(),
                        prep.test().size()));
        ModelArtifact.json().writeValue(dir.resolve(ModelArtifact.METADATA).toFile(), meta);
        return meta;
    }

    /** Writes metrics.json: protocol → model → {accuracy, macro_f1, weighted_f1[, ece]}. */
    static void writeMetrics(Path dir, TrainingRun.Result result) throws IOException {
        Map<String, Map<String, TrainingRun.ModelEval>> byProtocol = new LinkedHashMap<>();
        for (sif.model.data.Protocol p : List.of(sif.model.data.Protocol.RANDOM_SPLIT, sif.model.data.Protocol.TEMPORAL_SPLIT)) {
            TrainingRun.ProtocolResult r = result.protocols().get(p);
            if (r != null) {
                byProtocol.put(p.key(), r.models());
            }
        }
        writeMetrics(dir, byProtocol);
    }

    /** Writes metrics.json from protocol key → model key → evaluation. */
    static void writeMetrics(Path dir, Map<String, Map<String, TrainingRun.ModelEval>> byProtocol) throws IOException {
        Map<String, Map<String, Map<String, Double>>> out = new LinkedHashMap<>();
        for (var p : byProtocol.entrySet()) {
            Map<String, Map<String, Double>> models = new LinkedHashMap<>();
            for (TrainingRun.ModelEval e : p.getValue().values()) {
                Map<String, Double> m = new LinkedHashMap<>();
                m.put("accuracy", round(e.metrics().accuracy()));
                m.put("macro_f1", round(e.metrics().macroF1()));
                m.put("weighted_f1", round(e.metrics().weightedF1()));
                if (e.ece() != null) {
                    m.put("ece", round(e.ece()));
                }
                models.put(e.model(), m);
            }
            out.put(p.getKey(), models);
        }
        ModelArtifact.json().writeValue(dir.resolve(ModelArtifact.METRICS).toFile(), out);
    }

    /** {@code v} to six decimals; null (JSON null) when undefined (NaN: e.g. no test sequence), never 0. */
    static Double round(double v) {
        return Double.isFinite(v) ? Math.round(v * 1e6) / 1e6 : null;
    }
}
