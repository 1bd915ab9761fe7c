package sif.bench.jmh;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import sif.bench.BenchFlows;

/**
 * Where the microbenchmarks find the model and the flows: system property {@code sif.model.dir},
 * else {@code <sif.repo.root>/models/cicids2017-lstm}, else {@code models/cicids2017-lstm}; flows
 * from the data root's cicids2017 directory ({@code sif.data.root}), else the synthetic scenario (the
 * run's output says which).
 */
final class BenchInputs {

    private BenchInputs() {}

    static Path modelDir() {
        String dir = System.getProperty("sif.model.dir");
        if (dir != null) {
            return Path.of(dir);
        }
        String root = System.getProperty("sif.repo.root");
        Path p = root == null ? Path.of("models/cicids2017-lstm") : Path.of(root, "models", "cicids2017-lstm");
        if (!Files.isDirectory(p)) {
            throw new IllegalStateException("no model at " + p.toAbsolutePath()
                    + ": pass -Dsif.model.dir=DIR (or -Dsif.repo.root=<checkout>) to the benchmark JVM");
        }
        return p;
    }

    /** The benchmark's flows, their origin printed in the run's output (real rows, or the synthetic fallback). */
    static BenchFlows flows() {
        try {
            BenchFlows flows = BenchFlows.realOrSynthetic(null);
            System.out.println("# flows: " + flows.origin());
            return flows;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the benchmark flows", e);
        }
    }

    /** Deletes a benchmark's scratch directory and everything in it (a store's files); nothing if absent. */
    static void deleteTree(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
