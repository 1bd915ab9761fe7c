package sif.model.train;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sif.model.artifact.ModelArtifact;
import sif.model.eval.Metrics;

/** {@code sif evaluate}: re-evaluates a model artifact on its rebuilt test split and compares with metrics.json. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Re-evaluate a model artifact on the test split rebuilt from its metadata (same data files, "
                + "seed and split settings) and compare with its metrics.json.")
public final class EvaluateCommand implements Callable<Integer> {

    @Option(names = "--model", defaultValue = "models/cicids2017-lstm", description = "Artifact directory (default ${DEFAULT-VALUE}).")
    Path model;

    @Option(names = "--data-root", description = "Data root holding the files named in metadata.json (default: sif.data.root / SIF_DATA_ROOT / ../shared/data).")
    Path dataRoot;

    @Option(names = "--tolerance", defaultValue = "0.01", description = "Allowed difference to metrics.json (default ${DEFAULT-VALUE}).")
    double tolerance;

    @Override
    public Integer call() throws Exception {
        ArtifactEvaluator.Outcome o = ArtifactEvaluator.evaluate(model,
                dataRoot != null ? dataRoot : ArtifactEvaluator.defaultDataRoot());
        Metrics m = o.evaluation().metrics();
        String protocol = o.metadata().training().protocol();
        System.out.printf(Locale.ROOT, "%s on %s (%d test sequences): accuracy %.4f macro-F1 %.4f weighted-F1 %.4f ECE %.4f%n",
                o.metadata().version(), protocol, o.testSequences(), m.accuracy(), m.macroF1(), m.weightedF1(),
                o.evaluation().ece());
        long[][] c = m.confusion();
        System.out.println("confusion (rows true, columns predicted): " + m.classNames());
        for (int i = 0; i < c.length; i++) {
            System.out.printf(Locale.ROOT, "  %-10s %s%n", m.classNames().get(i), java.util.Arrays.toString(c[i]));
        }
        Map<String, Double> expected = ModelArtifact.readMetrics(model).get(protocol).get("lstm");
        boolean ok = matches(expected.get("accuracy"), m.accuracy())
                && matches(expected.get("macro_f1"), m.macroF1())
                && matches(expected.get("weighted_f1"), m.weightedF1());
        System.out.println(ok ? "matches metrics.json within " + tolerance : "DIFFERS from metrics.json " + expected);
        return ok ? 0 : 1;
    }

    /** Within the tolerance; an undefined figure (null in metrics.json, NaN here) matches only another. */
    private boolean matches(Double expected, double actual) {
        return expected == null ? !Double.isFinite(actual) : Math.abs(expected - actual) <= tolerance;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new EvaluateCommand()).execute(args));
    }
}
