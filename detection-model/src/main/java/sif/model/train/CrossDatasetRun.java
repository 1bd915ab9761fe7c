package sif.model.train;

import ai.djl.Device;
import ai.djl.Model;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;
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
import sif.model.data.InputRange;
import sif.model.data.LabDataset;
import sif.model.data.PreparedSplit;
import sif.model.data.Protocol;
import sif.model.data.SequenceBuilder;
import sif.model.data.SequenceSet;
import sif.model.eval.Calibration;
import sif.model.eval.Metrics;
import sif.model.nn.Networks;
import sif.model.nn.SequenceTrainer;

/**
 * Evaluation across datasets (CICIDS2017 and a labelled lab corpus):
 *
 * <ol>
 *   <li>the shipped CICIDS2017 model on every lab flow (per-source sequences exactly as for
 *       CICIDS2017), and on the lab's held-out part of the combined split below;</li>
 *   <li>a model trained on CICIDS2017 + lab together: one {@link FlowTable} (lab sources in their
 *       own namespace, so no sequence mixes the datasets), the leakage-free temporal split per
 *       (source, class) — hence within each dataset —, the scaler fitted on the combined training
 *       part, and the test figures reported for each dataset's held-out part separately.</li>
 * </ol>
 *
 * <p>Both models are also evaluated on the CICIDS2017 held-out part, which is the shipped model's
 * own temporal test split (same rows, same cut), so its figures there reproduce its metrics.json.
 */
public final class CrossDatasetRun {

    private static final Logger LOG = LoggerFactory.getLogger(CrossDatasetRun.class);

    /** Source-key namespace of lab flows in the combined table. */
    public static final String LAB_NAMESPACE = "lab:";
    public static final String CICIDS = "CICIDS2017";
    public static final String LAB = "lab";

    /**
     * @param shippedModel   artifact evaluated in (a)
     * @param cicids         CICIDS2017 CSV files or directories
     * @param labFlows       lab flows CSV (CICFlowMeter V4.0 layout)
     * @param labLabels      lab {@code labels.csv}
     * @param split          split settings (temporal, per (source, class) by default)
     * @param training       network training settings for (b)
     * @param maxRowsPerClass reservoir cap per class while reading CICIDS2017 (0 = all)
     * @param trainCombined  whether to run (b)
     * @param out            artifact directory for the combined model (null = do not write)
     * @param maxWeightBytes the combined artifact is written only when its weights are smaller
     * @param name           combined model name
     * @param reuseCombined  instead of training (b), evaluate the existing CICIDS2017 + lab artifact in
     *                       {@code out} on its split (rebuilt from its metadata; the data must match)
     */
    public record Options(Path shippedModel, List<Path> cicids, Path labFlows, Path labLabels,
                          PreparedSplit.Config split, SequenceTrainer.Config training, int maxRowsPerClass,
                          boolean trainCombined, Path out, long maxWeightBytes, String name, double decisionThreshold,
                          boolean reuseCombined) {

        /** The split, training and sampling settings recorded in an artifact's metadata. */
        Options withSettingsOf(ModelMetadata meta) {
            ModelMetadata.Training t = meta.training();
            return new Options(shippedModel, cicids, labFlows, labLabels,
                    new PreparedSplit.Config(meta.sequenceLength(), t.testFraction(), t.valFraction(),
                            sif.model.data.Splits.TemporalUnit.valueOf(t.temporalUnit().toUpperCase(java.util.Locale.ROOT)),
                            t.capPerClass(), t.seed()),
                    new SequenceTrainer.Config(t.maxEpochs(), t.patience(), t.batchSize(), (float) t.learningRate(), t.seed()),
                    t.maxRowsPerClass(), trainCombined, out, maxWeightBytes, meta.name(), meta.decisionThreshold(),
                    reuseCombined);
        }
    }

    /** Figures of one model on one evaluation set. */
    public record SetEval(Metrics metrics, double ece, long confident, double confidentAccuracy) {
        static SetEval of(List<String> classes, int[] y, float[][] probs, double threshold) {
            int[] pred = Calibration.argmax(probs);
            long conf = 0;
            long confOk = 0;
            for (int i = 0; i < y.length; i++) {
                if (probs[i][pred[i]] > threshold) { // above it, as the policy blocks (ThresholdPolicy)
                    conf++;
                    if (pred[i] == y[i]) {
                        confOk++;
                    }
                }
            }
            return new SetEval(new Metrics(classes, y, pred), y.length == 0 ? Double.NaN : Calibration.ece(probs, y),
                    conf, conf == 0 ? Double.NaN : (double) confOk / conf);
        }
    }

    /** Median of a raw feature per class, per dataset (the distribution shift, in numbers). */
    public record FeatureShift(String feature, Map<String, double[]> mediansByDataset) {}

    /** (a): the shipped model. */
    public record ShippedResult(String version, double threshold, SetEval allLabFlows, SetEval labTest,
                                SetEval cicidsTest, RangeCheck range, LabGuard guard) {}

    /**
     * The shipped model's training range ({@link InputRange}, the firewall's input check) against each
     * dataset's flows: how many have an input outside it, and which inputs are outside most often.
     *
     * @param margin        the range's margin
     * @param outsideByData flows with an input outside, per dataset ({@link #CICIDS}, {@link #LAB})
     * @param totalByData   flows, per dataset
     * @param topInputs     per dataset, the inputs most often outside with their counts, most frequent first
     * @param onlyZeroInTraining the inputs that were 0 in every training flow (any other value is outside)
     */
    public record RangeCheck(double margin, Map<String, Long> outsideByData, Map<String, Long> totalByData,
                             Map<String, List<Map.Entry<String, Long>>> topInputs, List<String> onlyZeroInTraining) {

        /** Counts {@code range} over the rows of {@code table}, by dataset ({@code isLab}). */
        public static RangeCheck of(InputRange range, FlowTable table, boolean[] isLab) {
            Map<String, Long> outside = new LinkedHashMap<>();
            Map<String, Long> total = new LinkedHashMap<>();
            Map<String, Map<String, Long>> byInput = new LinkedHashMap<>();
            for (String d : List.of(CICIDS, LAB)) {
                outside.put(d, 0L);
                total.put(d, 0L);
                byInput.put(d, new LinkedHashMap<>());
            }
            for (int i = 0; i < table.size(); i++) {
                String d = isLab[i] ? LAB : CICIDS;
                total.merge(d, 1L, Long::sum);
                List<String> names = range.outside(table.raw(i));
                if (!names.isEmpty()) {
                    outside.merge(d, 1L, Long::sum);
                    names.forEach(n -> byInput.get(d).merge(n, 1L, Long::sum));
                }
            }
            Map<String, List<Map.Entry<String, Long>>> top = new LinkedHashMap<>();
            byInput.forEach((d, m) -> top.put(d, m.entrySet().stream()
                    .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(5)
                    .map(e -> Map.entry(e.getKey(), e.getValue())).toList()));
            return new RangeCheck(range.margin(), outside, total, top, range.onlyZeroInTraining());
        }
    }

    /** (b): the combined model. */
    public record CombinedResult(Map<String, int[]> sequencesByDataset, double temperature, int bestEpoch,
                                 int epochsRun, boolean stoppedEarly, double trainSeconds, SetEval combinedTest,
                                 SetEval cicidsTest, SetEval labTest, ModelMetadata metadata, Path artifact,
                                 long weightBytes, String artifactNote, boolean reused) {}

    /** Everything. */
    public record Result(Options options, DatasetLoader.Loaded data, LabDataset.Loaded lab,
                         Map<String, Map<String, Long>> rowsPerClassByDataset, List<FeatureShift> shift,
                         ShippedResult shipped, CombinedResult combined, double totalSeconds) {}

    /** Timing and rate features whose medians show the bridge-vs-testbed shift. */
    static final List<String> SHIFT_FEATURES = List.of("Flow Duration", "Flow IAT Mean", "Flow IAT Min",
            "Flow Packets/s", "Init_Win_bytes_forward", "Packet Length Mean");

    private CrossDatasetRun() {}

    /** The combined table: CICIDS2017 rows plus the labelled lab flows (namespaced sources). */
    public record Combined(DatasetLoader.Loaded data, LabDataset.Loaded lab, boolean[] isLab) {}

    /** Loads CICIDS2017 and the lab corpus into one table (five-class mapping). */
    public static Combined load(List<Path> cicids, Path labFlows, Path labLabels, int maxRowsPerClass, long seed)
            throws IOException {
        ClassMapping mapping = ClassMapping.FIVE;
        FlowTable.Builder builder = new FlowTable.Builder(mapping);
        DatasetLoader.Read read = DatasetLoader.readInto(cicids, mapping, maxRowsPerClass, seed, builder);
        LabDataset.Loaded lab = LabDataset.load(labFlows, labLabels, mapping);
        for (LabDataset.LabFlow f : lab.flows()) {
            builder.add(f.flow(), f.classIndex(), LAB_NAMESPACE);
        }
        List<DatasetLoader.InputFile> files = new ArrayList<>(read.files());
        files.add(new DatasetLoader.InputFile(labFlows, DatasetLoader.display(labFlows), ModelArtifact.sha256(labFlows),
                lab.summary().rowsRead(), lab.summary().rowsSkipped()));
        files.add(new DatasetLoader.InputFile(labLabels, DatasetLoader.display(labLabels),
                ModelArtifact.sha256(labLabels), lab.phases(), 0));
        FlowTable table = builder.build();
        boolean[] isLab = new boolean[table.size()];
        for (int i = 0; i < isLab.length; i++) {
            isLab[i] = table.source(i).startsWith(LAB_NAMESPACE);
        }
        DatasetLoader.Loaded loaded = new DatasetLoader.Loaded(table, List.copyOf(files), DatasetLoader.digest(files),
                read.rowsRead() + lab.summary().rowsRead(), read.rowsSkipped() + lab.summary().rowsSkipped(),
                read.notes());
        return new Combined(loaded, lab, isLab);
    }

    /**
     * (a) on its own: the shipped model on every lab flow, each with the sequence of its source's
     * last T flows as for CICIDS2017.
     */
    public static SetEval shippedOnLab(SequenceClassifier model, LabDataset.Loaded lab, double threshold) {
        LabOutcome o = labOutcome(model, lab);
        return SetEval.of(model.info().classNames(), o.labels(), o.probabilities(), threshold);
    }

    /** The lab flows as one table (file order) and the model's probabilities for each. */
    private record LabOutcome(FlowTable table, int[][] sequences, int[] labels, float[][] probabilities) {}

    private static LabOutcome labOutcome(SequenceClassifier model, LabDataset.Loaded lab) {
        FlowTable.Builder b = new FlowTable.Builder(ClassMapping.FIVE);
        for (LabDataset.LabFlow f : lab.flows()) {
            b.add(f.flow(), f.classIndex(), "");
        }
        FlowTable table = b.build();
        int[][] seq = SequenceBuilder.build(table, model.info().sequenceLength(), i -> true, i -> true);
        int[] y = table.labels();
        try (ClassifierSession s = model.newSession()) {
            Evaluation.Outcome o = Evaluation.evaluate(s, table, seq, y, model.info().classNames(), 256);
            return new LabOutcome(table, seq, y, o.probabilities());
        }
    }

    /**
     * What the range check does to the shipped model's verdicts on the lab flows, with the built-in class
     * actions (BENIGN allowed, the attack classes blocked above the threshold).
     *
     * A flow counts as outside when an input of it or of an earlier flow of its sequence is, as in the
     * firewall ({@link InputRange#outsideOfSequence}).
     *
     * @param benignOutside          flows the model calls BENIGN that are outside: ALERTed under {@code no-allow}
     * @param attackConfident        flows it calls an attack class above the threshold: blocked on its word
     * @param attackConfidentInside  those of them inside: the only ones still blocked on its word under {@code alert}
     */
    public record LabGuard(long benignOutside, long attackConfident, long attackConfidentInside) {

        static LabGuard of(InputRange range, LabOutcome o, List<String> classes, double threshold) {
            int benign = classes.indexOf("BENIGN");
            long benignOutside = 0;
            long confident = 0;
            long confidentInside = 0;
            for (int i = 0; i < o.labels().length; i++) {
                float[] p = o.probabilities()[i];
                int best = Calibration.argmax(p);
                int[] seq = o.sequences()[i];
                float[][] rows = new float[seq.length][];
                for (int k = 0; k < seq.length; k++) {
                    rows[k] = o.table().raw(seq[k]);
                }
                boolean outside = !range.outsideOfSequence(rows, rows.length, InputRange.Rows.RAW).isEmpty();
                if (best == benign) {
                    benignOutside += outside ? 1 : 0;
                } else if ((float) p[best] > (float) threshold) {
                    confident++;
                    confidentInside += outside ? 0 : 1;
                }
            }
            return new LabGuard(benignOutside, confident, confidentInside);
        }
    }

    /** Runs (a) and, when configured, (b). */
    public static Result run(Options options, TrainingRun.ProgressFactory progress) throws IOException {
        long t0 = System.nanoTime();
        Options opt = options;
        ModelMetadata reuse = null;
        if (opt.trainCombined() && opt.reuseCombined()) {
            if (opt.out() == null) {
                throw new IllegalArgumentException("reusing the combined model needs its directory: --reuse-model "
                        + "reads the model --out names, and --no-artifact leaves none (drop --no-artifact; reusing "
                        + "writes no model anyway)");
            }
            reuse = ModelArtifact.readMetadata(opt.out());
            if (reuse.data().lab() == null) {
                throw new IllegalArgumentException(opt.out() + " is not a CICIDS2017 + lab model (no data.lab in its "
                        + ModelArtifact.METADATA + ")");
            }
            opt = opt.withSettingsOf(reuse);
        }
        Combined c = load(opt.cicids(), opt.labFlows(), opt.labLabels(), opt.maxRowsPerClass(), opt.split().seed());
        if (reuse != null && !reuse.data().digest().equals(c.data().digest())) {
            throw new IllegalArgumentException("the data differ from the ones " + opt.out() + " was trained on: digest "
                    + c.data().digest() + " vs " + reuse.data().digest() + " in its " + ModelArtifact.METADATA);
        }
        FlowTable table = c.data().table();
        List<String> classes = ClassMapping.FIVE.classes();
        LOG.info("combined table: {}", table);
        PreparedSplit prep = PreparedSplit.prepare(table, Protocol.TEMPORAL_SPLIT, opt.split());
        int[] testIdx = range(prep.test().size());
        int[] labTest = filter(testIdx, k -> c.isLab()[prep.test().anchor(k)]);
        int[] cicTest = filter(testIdx, k -> !c.isLab()[prep.test().anchor(k)]);

        ShippedResult shipped;
        try (SequenceClassifier model = ModelArtifact.load(opt.shippedModel())) {
            if (!model.info().classNames().equals(classes)) {
                throw new IllegalArgumentException("model " + opt.shippedModel() + " has classes "
                        + model.info().classNames() + "; the cross-dataset evaluation needs the five-class mapping "
                        + classes);
            }
            double thr = model.info().decisionThreshold();
            LabOutcome labOutcome = labOutcome(model, c.lab());
            SetEval all = SetEval.of(classes, labOutcome.labels(), labOutcome.probabilities(), thr);
            LOG.info("shipped model {} on {} lab flows: accuracy {} macro-F1 {}", model.info().version(),
                    all.metrics().total(), all.metrics().accuracy(), all.metrics().macroF1());
            float[][] probs;
            try (ClassifierSession s = model.newSession()) {
                probs = Evaluation.evaluate(s, table, prep.test(), classes, 256).probabilities();
            }
            int[] y = prep.test().labels();
            shipped = new ShippedResult(model.info().version(), thr, all,
                    SetEval.of(classes, pick(y, labTest), pick(probs, labTest), thr),
                    SetEval.of(classes, pick(y, cicTest), pick(probs, cicTest), thr),
                    model.inputRange() == null ? null : RangeCheck.of(model.inputRange(), table, c.isLab()),
                    model.inputRange() == null ? null : LabGuard.of(model.inputRange(), labOutcome, classes, thr));
        }

        CombinedResult combined = null;
        if (reuse != null) {
            combined = evaluateExisting(opt, reuse, c, prep, labTest, cicTest);
        } else if (opt.trainCombined()) {
            combined = trainCombined(opt, c, prep, labTest, cicTest, progress);
        }
        return new Result(opt, c.data(), c.lab(), rowsPerClass(table, c.isLab()), shift(table, c.isLab()), shipped,
                combined, (System.nanoTime() - t0) / 1e9);
    }

    private static Map<String, int[]> sequenceCounts(PreparedSplit prep, boolean[] isLab) {
        Map<String, int[]> counts = new LinkedHashMap<>();
        counts.put(CICIDS, new int[] {count(prep.train(), isLab, false), count(prep.val(), isLab, false),
                count(prep.test(), isLab, false)});
        counts.put(LAB, new int[] {count(prep.train(), isLab, true), count(prep.val(), isLab, true),
                count(prep.test(), isLab, true)});
        return counts;
    }

    /** (b) from an existing artifact: its test split rebuilt, evaluated through the firewall's path. */
    private static CombinedResult evaluateExisting(Options opt, ModelMetadata meta, Combined c, PreparedSplit prep,
                                                   int[] labTest, int[] cicTest) {
        List<String> classes = ClassMapping.FIVE.classes();
        float[][] probs;
        try (SequenceClassifier model = ModelArtifact.load(opt.out()); ClassifierSession s = model.newSession()) {
            probs = Evaluation.evaluate(s, c.data().table(), prep.test(), classes, 256).probabilities();
        }
        int[] y = prep.test().labels();
        double thr = meta.decisionThreshold();
        ModelMetadata.Training t = meta.training();
        LOG.info("evaluated existing combined model {} (not retrained)", meta.version());
        return new CombinedResult(sequenceCounts(prep, c.isLab()), meta.temperature(), t.bestEpoch(), t.epochsRun(),
                t.epochsRun() < t.maxEpochs(), t.trainSeconds(), SetEval.of(classes, y, probs, thr),
                SetEval.of(classes, pick(y, cicTest), pick(probs, cicTest), thr),
                SetEval.of(classes, pick(y, labTest), pick(probs, labTest), thr), meta, opt.out(), meta.weights().bytes(),
                "evaluated from " + opt.out() + " (not retrained)", true);
    }

    private static CombinedResult trainCombined(Options opt, Combined c, PreparedSplit prep, int[] labTest,
                                                int[] cicTest, TrainingRun.ProgressFactory progress) throws IOException {
        List<String> classes = ClassMapping.FIVE.classes();
        Map<String, int[]> counts = sequenceCounts(prep, c.isLab());
        LOG.info("combined temporal split: {} train / {} validation / {} test sequences", prep.train().size(),
                prep.val().size(), prep.test().size());
        try (Model lstm = Model.newInstance(opt.name(), Device.cpu(), ModelArtifact.ENGINE)) {
            lstm.setBlock(Networks.lstm(classes.size()));
            SequenceTrainer.Result tr = SequenceTrainer.train(lstm, prep.train(), prep.val(), opt.training(),
                    progress == null ? null : progress.create("combined lstm"));
            float[][] valLogits = SequenceTrainer.logits(lstm.getBlock(), lstm.getNDManager(), prep.val(), 512);
            double temperature = prep.val().size() > 0 ? Calibration.fitTemperature(valLogits, prep.val().labels()) : 1.0;
            float[][] probs = Calibration.softmax(
                    SequenceTrainer.logits(lstm.getBlock(), lstm.getNDManager(), prep.test(), 512), temperature);
            int[] y = prep.test().labels();
            double thr = opt.decisionThreshold();
            SetEval all = SetEval.of(classes, y, probs, thr);
            SetEval cic = SetEval.of(classes, pick(y, cicTest), pick(probs, cicTest), thr);
            SetEval lab = SetEval.of(classes, pick(y, labTest), pick(probs, labTest), thr);
            LOG.info("combined model: CICIDS2017 test macro-F1 {}, lab test macro-F1 {} (T={}, best epoch {} of {})",
                    cic.metrics().macroF1(), lab.metrics().macroF1(), temperature, tr.bestEpoch(), tr.history().size());
            ModelMetadata meta = null;
            long weightBytes = -1;
            String note;
            if (opt.out() != null) {
                Path tmp = Files.createTempDirectory("sif-cross-model");
                try {
                    TrainingRun.Options topt = new TrainingRun.Options(opt.cicids(), ClassMapping.FIVE, opt.split(),
                            opt.training(), opt.maxRowsPerClass(), thr, opt.name(), false);
                    ModelMetadata.LabData labData = new ModelMetadata.LabData(DatasetLoader.display(opt.labFlows()),
                            DatasetLoader.display(opt.labLabels()), LAB_NAMESPACE);
                    ModelMetadata m = ArtifactWriter.write(tmp, lstm, prep, temperature, topt, c.data(), tr, labData);
                    weightBytes = m.weights().bytes();
                    if (weightBytes < opt.maxWeightBytes()) {
                        meta = install(tmp, opt.out());
                        verify(opt.out(), c.data().table(), prep, all.metrics());
                        Map<String, Map<String, TrainingRun.ModelEval>> metrics = new LinkedHashMap<>();
                        metrics.put("temporal_split", Map.of("lstm", modelEval(all, tr)));
                        metrics.put("temporal_split_cicids2017", Map.of("lstm", modelEval(cic, tr)));
                        metrics.put("temporal_split_lab", Map.of("lstm", modelEval(lab, tr)));
                        ArtifactWriter.writeMetrics(opt.out(), metrics);
                        note = "written to " + opt.out();
                    } else {
                        note = "not written: weights are " + weightBytes + " bytes, limit " + opt.maxWeightBytes();
                        LOG.warn("combined model {}", note);
                    }
                } finally {
                    deleteTree(tmp);
                }
            } else {
                note = "not written (no output directory)";
            }
            return new CombinedResult(counts, temperature, tr.bestEpoch(), tr.history().size(), tr.stoppedEarly(),
                    tr.millis() / 1000.0, all, cic, lab, meta, opt.out(), weightBytes, note, false);
        }
    }

    private static TrainingRun.ModelEval modelEval(SetEval e, SequenceTrainer.Result tr) {
        return new TrainingRun.ModelEval("lstm", e.metrics(), e.ece(), null, tr.millis() / 1000.0, List.of(), tr.divergedEpoch());
    }

    /** Moves a freshly written artifact into {@code out} (replacing an older weights file). */
    private static ModelMetadata install(Path tmp, Path out) throws IOException {
        Files.createDirectories(out);
        try (DirectoryStream<Path> old = Files.newDirectoryStream(out, "*.params")) {
            for (Path p : old) {
                Files.delete(p);
            }
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(tmp)) {
            for (Path p : files) {
                Files.copy(p, out.resolve(p.getFileName().toString()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return ModelArtifact.readMetadata(out);
    }

    /** Reloads the artifact through the firewall's path and checks it reproduces the in-memory figures. */
    private static void verify(Path dir, FlowTable table, PreparedSplit prep, Metrics expected) {
        try (SequenceClassifier c = ModelArtifact.load(dir); ClassifierSession s = c.newSession()) {
            Metrics m = Evaluation.evaluate(s, table, prep.test(), c.info().classNames(), 256).metrics();
            if (Math.abs(m.macroF1() - expected.macroF1()) > 1e-6 || Math.abs(m.accuracy() - expected.accuracy()) > 1e-6) {
                throw new IllegalStateException("artifact in " + dir + " does not reproduce the training-time figures: "
                        + m.accuracy() + "/" + m.macroF1() + " vs " + expected.accuracy() + "/" + expected.macroF1());
            }
            LOG.info("artifact {} verified: reloaded model reproduces combined test accuracy {}, macro-F1 {}",
                    c.info().version(), m.accuracy(), m.macroF1());
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    static Map<String, Map<String, Long>> rowsPerClass(FlowTable t, boolean[] isLab) {
        Map<String, Map<String, Long>> m = new LinkedHashMap<>();
        for (String d : List.of(CICIDS, LAB)) {
            Map<String, Long> c = new LinkedHashMap<>();
            t.classNames().forEach(n -> c.put(n, 0L));
            m.put(d, c);
        }
        for (int i = 0; i < t.size(); i++) {
            m.get(isLab[i] ? LAB : CICIDS).merge(t.classNames().get(t.label(i)), 1L, Long::sum);
        }
        return m;
    }

    /** Medians of {@link #SHIFT_FEATURES} per class, per dataset (NaN where a class is absent). */
    static List<FeatureShift> shift(FlowTable t, boolean[] isLab) {
        List<FeatureShift> out = new ArrayList<>();
        int k = t.classNames().size();
        for (String name : SHIFT_FEATURES) {
            int j = FlowFeatures.indexOfCsvName(name);
            Map<String, double[]> byDataset = new LinkedHashMap<>();
            for (boolean lab : new boolean[] {false, true}) {
                double[] med = new double[k];
                for (int c = 0; c < k; c++) {
                    List<Double> v = new ArrayList<>();
                    for (int i = 0; i < t.size(); i++) {
                        float x = t.raw(i)[j];
                        if (isLab[i] == lab && t.label(i) == c && Float.isFinite(x)) {
                            v.add((double) x);
                        }
                    }
                    med[c] = median(v);
                }
                byDataset.put(lab ? LAB : CICIDS, med);
            }
            out.add(new FeatureShift(name, byDataset));
        }
        return out;
    }

    static double median(List<Double> v) {
        if (v.isEmpty()) {
            return Double.NaN;
        }
        double[] a = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = a.length;
        return n % 2 == 1 ? a[n / 2] : (a[n / 2 - 1] + a[n / 2]) / 2;
    }

    private static int count(SequenceSet s, boolean[] isLab, boolean lab) {
        int n = 0;
        for (int k = 0; k < s.size(); k++) {
            if (isLab[s.anchor(k)] == lab) {
                n++;
            }
        }
        return n;
    }

    private static int[] range(int n) {
        int[] a = new int[n];
        Arrays.setAll(a, i -> i);
        return a;
    }

    private static int[] filter(int[] idx, IntPredicate keep) {
        return Arrays.stream(idx).filter(keep::test).toArray();
    }

    private static int[] pick(int[] a, int[] idx) {
        int[] o = new int[idx.length];
        for (int i = 0; i < idx.length; i++) {
            o[i] = a[idx[i]];
        }
        return o;
    }

    private static float[][] pick(float[][] a, int[] idx) {
        float[][] o = new float[idx.length][];
        for (int i = 0; i < idx.length; i++) {
            o[i] = a[idx[i]];
        }
        return o;
    }
}
