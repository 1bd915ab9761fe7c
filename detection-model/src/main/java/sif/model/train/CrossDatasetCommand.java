package sif.model.train;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import sif.flows.DataPaths;
import sif.model.data.Splits;

/**
 * {@code sif cross-eval}: evaluation across datasets (CICIDS2017 and a labelled lab corpus). See
 * {@link CrossDatasetRun}; appends (or replaces) the section "Evaluation across datasets" of the report.
 */
@Command(name = "cross-eval", mixinStandardHelpOptions = true,
        description = {"Evaluate across datasets: the shipped CICIDS2017 model on labelled lab flows (per class), "
                + "then an LSTM trained on CICIDS2017 + lab, reported on each dataset's held-out part. Writes the "
                + "combined model (default models/cicids2017-lab-lstm) and the section \"Evaluation across datasets\" "
                + "of the report."})
public final class CrossDatasetCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--model", defaultValue = "models/cicids2017-lstm",
            description = "Shipped CICIDS2017 model to evaluate on the lab flows (default ${DEFAULT-VALUE}).")
    Path model;

    @Option(names = "--data", paramLabel = "DIR|FILE",
            description = "CICIDS2017 CSV file or directory (repeatable). Default: <data root>/cicids2017 "
                    + "(data root: -Dsif.data.root, SIF_DATA_ROOT or ../shared/data).")
    List<Path> data = new ArrayList<>();

    @Option(names = "--lab-flows", paramLabel = "CSV",
            description = "Lab flows (CICFlowMeter V4.0 CSV). Default: <data root>/lab-reference/capture.cicflowmeter-v4.csv.")
    Path labFlows;

    @Option(names = "--lab-labels", paramLabel = "CSV",
            description = "Lab phase windows (src_ip,start_epoch_ms,end_epoch_ms,label). Default: <data root>/lab-reference/labels.csv.")
    Path labLabels;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "models/cicids2017-lab-lstm",
            description = "Directory for the CICIDS2017 + lab model (default ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--no-artifact", description = "Do not write the combined model.")
    boolean noArtifact;

    @Option(names = "--max-weights-mb", defaultValue = "2",
            description = "Write the combined model only if its weights are smaller than this (default ${DEFAULT-VALUE} MB).")
    double maxWeightsMb;

    @Option(names = "--shipped-only", description = "Only evaluate the shipped model on the lab flows (no training); "
            + "the report keeps its existing subsection on the CICIDS2017 + lab model.")
    boolean shippedOnly;

    @Option(names = "--reuse-model",
            description = "Do not retrain: evaluate the existing CICIDS2017 + lab model in --out on its split, rebuilt "
                    + "from its metadata.json (the data must match its digest). Regenerates the report section in "
                    + "seconds, e.g. after `sif train` rewrote the report.")
    boolean reuseModel;

    @Mixin
    TrainingOptions training;

    @Option(names = "--epochs", defaultValue = "40",
            description = "Maximum epochs of the combined model (default ${DEFAULT-VALUE}: a cap for CPU; the paper allows 120).")
    int epochs;

    @Option(names = "--report", defaultValue = "docs/model-report.md",
            description = "Report whose section \"Evaluation across datasets\" is written or replaced (default ${DEFAULT-VALUE}).")
    Path report;

    @Option(names = "--no-report", description = "Do not touch the report.")
    boolean noReport;

    @Override
    public Integer call() throws Exception {
        String problem = training.problem(epochs);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        Path lab = DataPaths.labReference();
        Path flows = labFlows != null ? labFlows : lab.resolve("capture.cicflowmeter-v4.csv");
        Path labels = labLabels != null ? labLabels : lab.resolve("labels.csv");
        List<Path> inputs = data.isEmpty() ? List.of(DataPaths.cicids2017()) : data;
        CrossDatasetRun.Options opt = new CrossDatasetRun.Options(model, inputs, flows, labels,
                training.split(Splits.TemporalUnit.SOURCE_CLASS), training.trainer(epochs),
                training.maxRowsPerClass, !shippedOnly, noArtifact ? null : out, (long) (maxWeightsMb * 1024 * 1024),
                out.toAbsolutePath().normalize().getFileName().toString(), training.threshold, reuseModel);
        System.err.println("cross-dataset evaluation: " + inputs + " + " + flows + " (labels " + labels + ")");
        CrossDatasetRun.Result r = CrossDatasetRun.run(opt, label -> new ConsoleProgress(System.err, label));
        System.out.print(CrossDatasetReport.summary(r));
        if (!noReport) {
            boolean kept = CrossDatasetReport.write(report, CrossDatasetReport.section(r, commandLine(spec)), shippedOnly);
            System.out.println("report: " + report.toAbsolutePath().normalize() + " (section \"Evaluation across datasets\""
                    + (kept ? "; its combined-model subsection kept from the earlier run" : "") + ")");
        }
        System.out.printf(Locale.ROOT, "done in %.0f s%n", r.totalSeconds());
        return 0;
    }

    /** The command line recorded in the report ({@link ShellCommand#of}). */
    public static String commandLine(CommandSpec spec) {
        return ShellCommand.of("cross-eval", spec);
    }

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        System.exit(new CommandLine(new CrossDatasetCommand()).execute(args));
    }
}
