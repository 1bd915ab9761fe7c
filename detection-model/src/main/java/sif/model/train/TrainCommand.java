package sif.model.train;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import sif.flows.ClassMapping;
import sif.flows.DataPaths;
import sif.model.data.Splits;

/**
 * {@code sif train}: trains the LSTM and the baselines under both protocols, writes the model
 * artifact and the report.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Train the detection LSTM (and the Decision Tree, linear SVM, Random Forest and 1-D CNN "
                + "baselines) on CICIDS2017 CSVs, evaluate under the paper's random split and the leakage-free "
                + "temporal split, write the model artifact and the report."})
public final class TrainCommand implements Callable<Integer> {

    /** Tribuo logs every forest member at INFO through java.util.logging; held so the level sticks. */
    private static final java.util.logging.Logger TRIBUO_LOG = java.util.logging.Logger.getLogger("org.tribuo");

    @Option(names = "--data", paramLabel = "DIR|FILE",
            description = "CICIDS2017 CSV file or directory (its own *.csv files; repeat for more, e.g. a fallback/ "
                    + "directory). Default: <data root>/cicids2017 (data root: -Dsif.data.root, SIF_DATA_ROOT or ../shared/data).")
    List<Path> data = new ArrayList<>();

    @Option(names = "--out", paramLabel = "DIR", description = "Artifact directory (default: ${DEFAULT-VALUE}).",
            defaultValue = "models/cicids2017-lstm")
    Path out;

    @Option(names = "--name", description = "Model name (weights file prefix; default: the --out directory name).")
    String name;

    @Option(names = "--classes", description = "5 (paper: BENIGN, DDoS, DoS, PortScan, Other) or 15 (original labels). Default ${DEFAULT-VALUE}.",
            defaultValue = "5")
    String classes;

    @Mixin
    TrainingOptions training;

    @Option(names = "--epochs", description = "Maximum epochs (default ${DEFAULT-VALUE}).", defaultValue = "120")
    int epochs;

    @Option(names = "--temporal-unit", description = "Temporal split unit: source_class (default), source_label (per original CICIDS2017 label) or source.",
            defaultValue = "source_class")
    String temporalUnit;

    @Option(names = "--report", description = "Report to write (PNGs go to <report without .md>/). Default ${DEFAULT-VALUE}.",
            defaultValue = "docs/model-report.md")
    Path report;

    @Option(names = "--no-baselines", description = "Skip the four baselines (quick runs only).")
    boolean noBaselines;

    @Option(names = "--scale-check", description = "Reader scale-check JSON to include in the report (default: <report dir>/reader-scale-check.json if present).")
    Path scaleCheck;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        TRIBUO_LOG.setLevel(java.util.logging.Level.WARNING);
        String problem = training.problem(epochs);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        Splits.TemporalUnit unit = temporalUnit(temporalUnit);
        ClassMapping mapping = ClassMapping.parse(classes);
        // where the results go, checked before hours of training: a directory that cannot be written failed at the end
        writableDirectory(out, "--out");
        writableDirectory(report.toAbsolutePath().normalize().getParent(), "--report's directory");
        List<Path> inputs = data.isEmpty() ? List.of(DataPaths.cicids2017()) : data;
        String modelName = name != null ? name : out.toAbsolutePath().normalize().getFileName().toString();
        TrainingRun.Options opt = new TrainingRun.Options(inputs, mapping, training.split(unit),
                training.trainer(epochs), training.maxRowsPerClass, training.threshold, modelName, !noBaselines);
        System.err.println("training on " + inputs + " -> " + out.toAbsolutePath().normalize());
        TrainingRun.Result r = TrainingRun.run(opt, out, label -> new ConsoleProgress(System.err, label));
        ArtifactWriter.writeMetrics(out, r);
        Path sc = scaleCheck;
        ReportWriter.write(report, out, r, sc, ShellCommand.of("train", spec));
        System.out.println(ReportWriter.summary(r));
        System.out.println("model: " + out.toAbsolutePath().normalize() + " (" + r.metadata().version() + ")");
        System.out.println("report: " + report.toAbsolutePath().normalize());
        return 0;
    }

    static Splits.TemporalUnit temporalUnit(String name) {
        try {
            return Splits.TemporalUnit.valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--temporal-unit must be source_class, source_label or source, got '"
                    + name + "'");
        }
    }

    /** Creates {@code dir} if needed and checks that files can be written in it. */
    static void writableDirectory(Path dir, String what) throws java.io.IOException {
        Path d = dir.toAbsolutePath().normalize();
        if (java.nio.file.Files.exists(d) && !java.nio.file.Files.isDirectory(d)) {
            throw new IllegalArgumentException(what + " " + d + " is a file, not a directory");
        }
        java.nio.file.Files.createDirectories(d);
        Path probe = java.nio.file.Files.createTempFile(d, ".sif-write-check", ".tmp");
        java.nio.file.Files.delete(probe);
    }

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        System.exit(new CommandLine(new TrainCommand()).execute(args));
    }
}
