package sif.model.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

    /**
     * The shipped model's training range (the firewall's input check) holds every CICIDS2017 flow of the
     * data it was trained on (training, validation and test parts alike) and no flow of the lab capture, a
     * network it has never seen.
     */
    @Test
    void theShippedModelsTrainingRangeHoldsEveryCicids2017FlowAndNoLabFlow() throws IOException {
        assumeLabData();
        assumeModel();
        assumeTrue(DataPaths.isDirectory(DataPaths.cicids2017()), DataPaths.missingMessage(DataPaths.cicids2017()));
        CrossDatasetRun.Combined c = CrossDatasetRun.load(List.of(DataPaths.cicids2017()), labFlows(), labLabels(),
                50_000, 42);
        try (SequenceClassifier model = ModelArtifact.load(ModelReevaluationTest.modelDir())) {
            CrossDatasetRun.RangeCheck r = CrossDatasetRun.RangeCheck.of(model.inputRange(), c.data().table(), c.isLab());
            assertEquals(Map.of(CrossDatasetRun.CICIDS, 2_972L, CrossDatasetRun.LAB, 12_148L), r.totalByData());
            assertEquals(Map.of(CrossDatasetRun.CICIDS, 0L, CrossDatasetRun.LAB, 12_148L), r.outsideByData());
            assertEquals(List.of(), r.topInputs().get(CrossDatasetRun.CICIDS));
            assertFalse(r.topInputs().get(CrossDatasetRun.LAB).isEmpty());
            // what a flag no training flow had set does: 0 in every CICIDS2017 row, so a single 1 is outside
            assertTrue(r.onlyZeroInTraining().containsAll(List.of("Fwd URG Flags", "RST Flag Count", "ECE Flag Count")),
                    r.onlyZeroInTraining().toString());
        }
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

        // the range check on the lab: every lab flow is outside, so none is blocked on the model's word under
        // 'alert', and each the model calls BENIGN is ALERTed under the default
        CrossDatasetRun.LabGuard g = r.shipped().guard();
        assertEquals(0, g.attackConfidentInside());
        assertTrue(g.attackConfident() > 0 && g.benignOutside() + g.attackConfident() <= 12_148, g.toString());
        Metrics labAll = r.shipped().allLabFlows().metrics();
        long calledBenign = 0;
        for (long[] row : labAll.confusion()) {
            calledBenign += row[FIVE.indexOfClassName("BENIGN")];
        }
        assertEquals(calledBenign, g.benignOutside(), "every lab flow the model calls BENIGN is outside");

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

    /** A report whose marked section has the given combined-model subsection body. */
    private static String reportWith(String shipped, String combinedBody) {
        return "# report\n\nbody\n\n" + CrossDatasetReport.BEGIN + "\n" + sectionWith(
                "2026-01-02T03:04:05Z", "./sif cross-eval --reuse-model", shipped, combinedBody).strip() + "\n"
                + CrossDatasetReport.END + "\n\n## later\n";
    }

    /** A section in the layout of {@link CrossDatasetReport#section}. */
    private static String sectionWith(String when, String command, String shipped, String combinedBody) {
        return "## Evaluation across datasets\n\nGenerated by `sif cross-eval` (`sif.model.train.CrossDatasetCommand`) on "
                + when + " in 3 s:\n\n```\n" + command + "\n```\n\nintro\n\n"
                + "### The shipped CICIDS2017 model on lab flows\n\n" + shipped + "\n\n"
                + CrossDatasetReport.COMBINED_HEADING + "\n" + combinedBody + "\n\n"
                + "### Caveats\n\n- caveat\n";
    }

    /** --shipped-only refreshes the shipped part and keeps the report's combined-model subsection as it is. */
    @Test
    void shippedOnlyKeepsTheCombinedSubsectionOfTheReport(@TempDir Path tmp) throws IOException {
        String combined = "The combined model was **not retrained** by this command.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n"
                + "<details><summary>x</summary>\n\n#### not a subsection heading\n\n</details>";
        Path report = tmp.resolve("report.md");
        Files.writeString(report, reportWith("old shipped figures", combined));
        String fresh = sectionWith("2026-05-06T07:08:09Z", "./sif cross-eval --shipped-only", "new shipped figures",
                CrossDatasetReport.NOT_RUN);

        assertTrue(CrossDatasetReport.write(report, fresh, true), "kept");
        String text = Files.readString(report);
        String note = CrossDatasetReport.KEPT + " (`./sif cross-eval --reuse-model`, 2026-01-02T03:04:05Z): "
                + "`--shipped-only` evaluates the shipped model only, so this subsection is as that run wrote it.*";
        assertEquals("# report\n\nbody\n\n" + CrossDatasetReport.BEGIN + "\n"
                + sectionWith("2026-05-06T07:08:09Z", "./sif cross-eval --shipped-only", "new shipped figures",
                        note + "\n\n" + combined)
                + CrossDatasetReport.END + "\n\n## later\n", text);
        assertFalse(text.contains(CrossDatasetReport.NOT_RUN), text);

        // a second --shipped-only run keeps it again, with the note naming the run that wrote it
        String again = sectionWith("2026-07-08T09:10:11Z", "./sif cross-eval --shipped-only", "new shipped figures",
                CrossDatasetReport.NOT_RUN);
        assertTrue(CrossDatasetReport.write(report, again, true));
        assertEquals(text.replace("2026-05-06T07:08:09Z", "2026-07-08T09:10:11Z"), Files.readString(report));

        // a full run replaces the subsection (and drops the note)
        String full = sectionWith("2026-09-10T11:12:13Z", "./sif cross-eval --reuse-model", "new shipped figures",
                "fresh combined figures");
        assertFalse(CrossDatasetReport.write(report, full, false));
        assertEquals("# report\n\nbody\n\n" + CrossDatasetReport.BEGIN + "\n" + full + CrossDatasetReport.END
                + "\n\n## later\n", Files.readString(report));
    }

    /** Nothing to keep: no report, no section, or a section from an earlier --shipped-only run. */
    @Test
    void shippedOnlyWithoutACombinedSubsectionWritesNotRun(@TempDir Path tmp) throws IOException {
        String fresh = sectionWith("2026-05-06T07:08:09Z", "./sif cross-eval --shipped-only", "shipped",
                CrossDatasetReport.NOT_RUN);
        assertEquals(fresh, CrossDatasetReport.keepCombined(fresh, ""));
        assertEquals(fresh, CrossDatasetReport.keepCombined(fresh, "# report\n\nbody\n"));
        assertEquals(fresh, CrossDatasetReport.keepCombined(fresh, reportWith("old", CrossDatasetReport.NOT_RUN)));
        Path report = tmp.resolve("absent.md");
        assertFalse(CrossDatasetReport.write(report, fresh, true));
        assertTrue(Files.readString(report).contains(CrossDatasetReport.NOT_RUN));
    }

    /** A stand-in for the launcher ({@code sif.launcher.Main}): cross-eval as a picocli subcommand. */
    @picocli.CommandLine.Command(name = "sif", subcommands = CrossDatasetCommand.class)
    static final class Launcher implements Runnable {
        @Override
        public void run() {}
    }

    /** The recorded command line names the subcommand once, under the launcher and run directly. */
    @Test
    void recordedCommandLineNamesTheSubcommandOnce() {
        picocli.CommandLine sif = new picocli.CommandLine(new Launcher());
        sif.parseArgs("cross-eval", "--reuse-model");
        assertEquals("./sif cross-eval --reuse-model",
                CrossDatasetCommand.commandLine(sif.getSubcommands().get("cross-eval").getCommandSpec()));

        picocli.CommandLine direct = new picocli.CommandLine(new CrossDatasetCommand());
        direct.parseArgs("--reuse-model", "--report", "my report.md");
        assertEquals("./sif cross-eval --reuse-model --report 'my report.md'",
                CrossDatasetCommand.commandLine(direct.getCommandSpec()));

        direct.parseArgs();
        assertEquals("./sif cross-eval", CrossDatasetCommand.commandLine(direct.getCommandSpec()));
        assertEquals("./sif cross-eval", CrossDatasetCommand.commandLine(null));
    }

    /** `sif cross-eval --shipped-only` as the launcher runs it, on the real data, into a scratch report. */
    @Test
    void shippedOnlyRunUnderTheLauncherKeepsTheCombinedSubsection(@TempDir Path tmp) throws IOException {
        assumeLabData();
        assumeModel();
        assumeTrue(DataPaths.isDirectory(DataPaths.cicids2017()), DataPaths.missingMessage(DataPaths.cicids2017()));
        Path report = tmp.resolve("report.md");
        Files.writeString(report, reportWith("old shipped figures", "combined figures of an earlier run"));
        String model = ModelReevaluationTest.modelDir().toString();

        int code = new picocli.CommandLine(new Launcher()).execute("cross-eval", "--shipped-only", "--model", model,
                "--report", report.toString());

        assertEquals(0, code);
        String text = Files.readString(report);
        assertTrue(text.contains("\n```\n./sif cross-eval --shipped-only --model "
                + ShellCommand.quote(model) + " --report " + ShellCommand.quote(report.toString())
                + "\n```\n"), text);
        assertTrue(text.contains("combined figures of an earlier run"), text);
        assertFalse(text.contains("old shipped figures"), text);
        assertFalse(text.contains(CrossDatasetReport.NOT_RUN), text);
        assertTrue(text.startsWith("# report\n\nbody\n\n") && text.endsWith("\n## later\n"), text);
    }
}
