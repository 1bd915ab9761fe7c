package sif.model.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sif.flows.ClassMapping;
import sif.flows.FlowFeatures;
import sif.flows.FlowRecord;
import sif.model.artifact.ModelArtifact;
import sif.model.artifact.ModelMetadata;
import sif.model.data.DatasetLoader;
import sif.model.data.FeatureScaler;
import sif.model.data.FlowTable;
import sif.model.data.PreparedSplit;
import sif.model.data.Protocol;
import sif.model.eval.Metrics;
import sif.model.nn.SequenceTrainer;

/** The report and metrics.json are written from a run's result (synthetic figures here). */
class ReportWriterTest {

    @TempDir
    Path tmp;

    @Test
    void writesMarkdownPlotsAndMetrics() throws Exception {
        System.setProperty("java.awt.headless", "true");
        List<String> classes = ClassMapping.FIVE.classes();
        FlowTable.Builder b = new FlowTable.Builder(ClassMapping.FIVE);
        b.add(new FlowRecord("f", "1.2.3.4", 1, "5.6.7.8", 80, 6, 0, new double[FlowFeatures.COUNT], "BENIGN", "x.csv", 2));
        FlowTable table = b.build();
        DatasetLoader.Loaded data = new DatasetLoader.Loaded(table,
                List.of(new DatasetLoader.InputFile(tmp.resolve("x.csv"), "cicids2017/x.csv", "ab", 1, 0)), "cd", 1, 0, List.of());
        int[] y = {0, 0, 1, 3, 4, 4};
        int[] p = {0, 1, 1, 3, 4, 3};
        List<SequenceTrainer.EpochStats> h = List.of(new SequenceTrainer.EpochStats(1, 1.0, 0.5, 0.9, 0.6, 10),
                new SequenceTrainer.EpochStats(2, 0.5, 0.8, 0.4, 0.9, 10));
        Map<Protocol, TrainingRun.ProtocolResult> prs = new LinkedHashMap<>();
        for (Protocol pr : List.of(Protocol.TEMPORAL_SPLIT, Protocol.RANDOM_SPLIT)) {
            Map<String, TrainingRun.ModelEval> ev = new LinkedHashMap<>();
            for (String k : TrainingRun.MODELS) {
                ev.put(k, new TrainingRun.ModelEval(k, new Metrics(classes, y, p), k.equals("lstm") ? 0.03 : null,
                        k.equals("lstm") ? 0.04 : null, 1.0, k.equals("lstm") || k.equals("cnn") ? h : List.of(),
                        pr == Protocol.RANDOM_SPLIT && k.equals("cnn") ? 7 : 0));
            }
            prs.put(pr, new TrainingRun.ProtocolResult(pr, 10, 2, 6, ev, 1.2, 2, 2, 3.0, null));
        }
        double[] z = new double[FeatureScaler.INPUTS];
        ModelMetadata meta = new ModelMetadata(1, "m", "m-123", "2026-01-01T00:00:00Z", "five", classes,
                FlowFeatures.csvNames(), FeatureScaler.inputNames(), new ModelMetadata.Scaler("s", z, z, z, z), 10, "left",
                1.2, 0.85, "net", new ModelMetadata.Weights("m-0000.params", "DJL", "00", 1),
                new ModelMetadata.Data("root", List.of(), "cd", table.countsPerClass()),
                new ModelMetadata.Training("temporal_split", 42, 0.2, 0.125, "source_class", 50000, 0, 120, 10, 256, 1e-3,
                        2, 2, 3.0, 10, 2, 6));
        TrainingRun.Options opt = new TrainingRun.Options(List.of(tmp), ClassMapping.FIVE, PreparedSplit.Config.defaults(42),
                new SequenceTrainer.Config(120, 10, 256, 1e-3f, 42), 0, 0.85, "m", true);
        TrainingRun.Result r = new TrainingRun.Result(opt, data, prs, meta, 12.0);
        Path report = tmp.resolve("docs/model-report.md");
        Path model = Files.createDirectories(tmp.resolve("models/m"));
        ReportWriter.write(report, model, r, null, "./sif train --out /tmp/x/m --temporal-unit source_label");
        ArtifactWriter.writeMetrics(model, r);
        String md = Files.readString(report);
        // the command that made it, not the shipped model's (a full-dataset retrain's report told to retrain on the subset)
        assertTrue(md.contains("```\n./sif train --out /tmp/x/m --temporal-unit source_label\n```"), md);
        assertTrue(md.contains("DoS class"), md);
        assertTrue(md.contains("| Decision Tree"), md);
        assertTrue(md.contains("90.2%"), md);
        assertTrue(md.contains("1-D CNN (DJL, sequence): training diverged at epoch 7**"), md);
        assertEquals(1, md.split("training diverged", -1).length - 1, "only the model that diverged is marked");
        for (String png : List.of("temporal_split-lstm-loss.png", "temporal_split-lstm-accuracy.png",
                "temporal_split-lstm-confusion.png", "temporal_split-lstm-per-class.png", "random_split-models.png")) {
            assertTrue(Files.size(tmp.resolve("docs/model-report").resolve(png)) > 1000, png);
        }
        Map<String, Map<String, Map<String, Double>>> metrics = ModelArtifact.readMetrics(model);
        assertTrue(metrics.get("temporal_split").get("lstm").containsKey("ece"));
        assertTrue(metrics.get("random_split").keySet().containsAll(TrainingRun.MODELS));
        Files.copy(report, Path.of("target/report-writer-test.md"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * A figure that is undefined (no test sequence in a part: NaN) is null in metrics.json, not 0.0, which
     * read as an ECE of a perfectly calibrated model and made {@code sif evaluate} report DIFFERS for ever.
     */
    @Test
    void undefinedFiguresAreNullInMetricsJson() throws Exception {
        Metrics empty = new Metrics(ClassMapping.FIVE.classes(), new int[0], new int[0]);
        ArtifactWriter.writeMetrics(tmp, Map.of("temporal_split", Map.of("lstm",
                new TrainingRun.ModelEval("lstm", empty, Double.NaN, null, 0, List.of(), 0))));
        Map<String, Double> lstm = ModelArtifact.readMetrics(tmp).get("temporal_split").get("lstm");
        assertEquals(java.util.Arrays.asList(null, null, null, null), java.util.Arrays.asList(lstm.get("accuracy"),
                lstm.get("macro_f1"), lstm.get("weighted_f1"), lstm.get("ece")), lstm.toString());
        assertTrue(lstm.containsKey("ece"), "present, as null: " + lstm);
    }
}
