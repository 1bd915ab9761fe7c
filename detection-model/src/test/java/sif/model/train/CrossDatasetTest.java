package sif.model.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sif.flows.ClassMapping;
import sif.flows.DataPaths;
import sif.model.SequenceClassifier;
import sif.model.artifact.ModelArtifact;
import sif.model.data.LabDataset;
import sif.model.data.PreparedSplit;
import sif.model.data.Splits;
import sif.model.eval.Metrics;
import sif.model.nn.SequenceTrainer;

/**
 * Evaluation across datasets on the real data: the lab labelling, the shipped model on lab flows,
 * and a small CICIDS2017 + lab training. Skips when the data (or the committed model) is absent.
 */
class CrossDatasetTest {

    private static final ClassMapping FIVE = ClassMapping.FIVE;

    /** The README's label counts for the CICFlowMeter V4.0 CSV. */
    private static final Map<String, Long> README_COUNTS = counts(254, 1961, 7907, 2017, 9);

    /** "Confident" is what the policy blocks: above the threshold, not at it. */
    @Test
    void aPredictionAtTheThresholdIsNotConfident() {
        float[][] probs = {{0.5f, 0.5f}, {0.25f, 0.75f}, {0.75f, 0.25f}};
        CrossDatasetRun.SetEval e = CrossDatasetRun.SetEval.of(List.of("BENIGN", "DDoS"), new int[] {0, 1, 1}, probs, 0.75);
        assertEquals(0, e.confident());
        e = CrossDatasetRun.SetEval.of(List.of("BENIGN", "DDoS"), new int[] {0, 1, 1}, probs, 0.5);
        assertEquals(2, e.confident());
        assertEquals(0.5, e.confidentAccuracy());
    }

    private static Map<String, Long> counts(long benign, long ddos, long dos, long portScan, long other) {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("BENIGN", benign);
        m.put("DDoS", ddos);
        m.put("DoS", dos);
        m.put("PortScan", portScan);
        m.put("Other", other);
        return m;
    }

    private static Path labFlows() {
        return DataPaths.labReference().resolve("capture.cicflowmeter-v4.csv");
    }

    private static Path labLabels() {
        return DataPaths.labReference().resolve("labels.csv");
    }

    private static void assumeLabData() {
        assumeTrue(Files.isRegularFile(labFlows()) && Files.isRegularFile(labLabels()),
                "lab reference data (capture.cicflowmeter-v4.csv, labels.csv) not found under "
                        + DataPaths.labReference() + "; " + DataPaths.missingMessage(DataPaths.labReference()));
    }

    private static void assumeModel() {
        Path dir = ModelReevaluationTest.modelDir();
        assumeTrue(Files.isRegularFile(dir.resolve(ModelArtifact.METADATA)), "no committed model at " + dir);
    }

    @Test
    void labLabellingReproducesTheReadmeCounts() throws IOException {
        assumeLabData();
        LabDataset.Loaded lab = LabDataset.load(labFlows(), labLabels(), FIVE);
        assertEquals(12_148, lab.summary().rowsRead());
        assertEquals(0, lab.summary().rowsSkipped());
        assertEquals(0, lab.unlabelled());
        assertEquals(6, lab.phases());
        assertEquals(README_COUNTS, lab.countsPerClass(FIVE));
    }

    @Test
    void shippedModelIsEvaluatedOnEveryLabClass() throws IOException {
        assumeLabData();
        assumeModel();
        LabDataset.Loaded lab = LabDataset.load(labFlows(), labLabels(), FIVE);
        try (SequenceClassifier model = ModelArtifact.load(ModelReevaluationTest.modelDir())) {
            CrossDatasetRun.SetEval e = CrossDatasetRun.shippedOnLab(model, lab, model.info().decisionThreshold());
            Metrics m = e.metrics();
            assertEquals(12_148, m.total());
            for (int c = 0; c < FIVE.size(); c++) {
                long expected = README_COUNTS.get(FIVE.className(c));
                assertEquals(expected, m.support(c), FIVE.className(c) + " support");
                assertTrue(m.support(c) > 0, FIVE.className(c) + " must be present in the report");
            }
            assertEquals(List.of(0, 1, 2, 3, 4), m.presentClasses());
            assertTrue(Double.isFinite(m.accuracy()) && Double.isFinite(m.macroF1()) && Double.isFinite(e.ece()));
        }
    }

    @Test
    void smallCombinedTrainingBeatsTheMajorityClassOnTheLabHeldOutPart(@TempDir Path tmp) throws IOException {
        assumeLabData();
        assumeModel();
        assumeTrue(DataPaths.isDirectory(DataPaths.cicids2017()), DataPaths.missingMessage(DataPaths.cicids2017()));
        Path out = tmp.resolve("smoke-lab-lstm");
        CrossDatasetRun.Options opt = new CrossDatasetRun.Options(ModelReevaluationTest.modelDir(),
                List.of(DataPaths.cicids2017()), labFlows(), labLabels(),
                new PreparedSplit.Config(10, 0.2, 0.125, Splits.TemporalUnit.SOURCE_CLASS, 300, 1),
                new SequenceTrainer.Config(4, 4, 32, 3e-3f, 1), 150, true, out, 2L * 1024 * 1024, "smoke-lab-lstm", 0.85, false);
        CrossDatasetRun.Result r = CrossDatasetRun.run(opt, null);

        CrossDatasetRun.CombinedResult c = r.combined();
        Metrics lab = c.labTest().metrics();
        Metrics cic = c.cicidsTest().metrics();
        assertTrue(lab.total() > 0 && cic.total() > 0, "both datasets have a held-out part");
        assertEquals(lab.total() + cic.total(), c.combinedTest().metrics().total());
        for (String cls : List.of("BENIGN", "DDoS", "DoS", "PortScan")) {
            assertTrue(lab.support(FIVE.indexOfClassName(cls)) > 0, cls + " in the lab held-out part");
        }
        assertEquals(0, cic.support(FIVE.indexOfClassName("DoS")), "no DoS in the CICIDS2017 subset");
        double majority = lab.majorityAccuracy();
        assertTrue(lab.accuracy() >= majority + 0.2, "lab held-out accuracy " + lab.accuracy() + " vs majority " + majority);

        // the artifact is written, reloadable, and `sif evaluate` rebuilds its combined split
        assertTrue(Files.isRegularFile(out.resolve(ModelArtifact.METADATA)));
        assertEquals("lab-reference/capture.cicflowmeter-v4.csv",
                ModelArtifact.readMetadata(out).data().lab().flows().replace('\\', '/').replaceFirst("^.*?lab-reference", "lab-reference"));
        ArtifactEvaluator.Outcome o = ArtifactEvaluator.evaluate(out, DataPaths.root());
        Map<String, Double> expected = ModelArtifact.readMetrics(out).get("temporal_split").get("lstm");
        assertEquals(expected.get("accuracy"), o.evaluation().metrics().accuracy(), 0.01);
        assertEquals(expected.get("macro_f1"), o.evaluation().metrics().macroF1(), 0.01);

        // --reuse-model: the existing artifact evaluated on its rebuilt split gives the same figures
        CrossDatasetRun.Result again = CrossDatasetRun.run(new CrossDatasetRun.Options(opt.shippedModel(), opt.cicids(),
                opt.labFlows(), opt.labLabels(), PreparedSplit.Config.defaults(42),
                new SequenceTrainer.Config(1, 1, 1, 1e-3f, 42), 0, true, out, opt.maxWeightBytes(), "ignored", 0.5, true),
                null);
        assertTrue(again.combined().reused());
        assertEquals(lab.accuracy(), again.combined().labTest().metrics().accuracy(), 1e-6);
        assertEquals(cic.macroF1(), again.combined().cicidsTest().metrics().macroF1(), 1e-6);
        assertEquals(c.temperature(), again.combined().temperature(), 1e-9);

        // the report section: written once, replaced on rerun, nothing else touched
        Path report = tmp.resolve("report.md");
        Files.writeString(report, "# report\n\nbody\n");
        String section = CrossDatasetReport.section(r, "./sif cross-eval --epochs 4");
        CrossDatasetReport.write(report, section);
        CrossDatasetReport.write(report, section);
        String text = Files.readString(report);
        assertTrue(text.startsWith("# report\n\nbody\n"), text);
        assertEquals(1, text.split("## Evaluation across datasets", -1).length - 1, "exactly one section");
        assertTrue(text.contains("| lab | 254 | 1,961 | 7,907 | 2,017 | 9 | 12,148 |"), "lab counts in the report");
    }

    @Test
    void sectionInsertionIsIdempotent() {
        String once = CrossDatasetReport.insert("# r\n", "## Evaluation across datasets\nA\n");
        assertEquals("# r\n\n" + CrossDatasetReport.BEGIN + "\n## Evaluation across datasets\nA\n" + CrossDatasetReport.END
                + "\n", once);
        String twice = CrossDatasetReport.insert(once + "\n## later\n", "## Evaluation across datasets\nB\n");
        assertEquals("# r\n\n" + CrossDatasetReport.BEGIN + "\n## Evaluation across datasets\nB\n" + CrossDatasetReport.END
                + "\n\n## later\n", twice);
    }
}
