package sif.bench;

import picocli.CommandLine;

/**
 * Stand-alone entry point of {@link BenchCommand}
 * ({@code java -cp benchmarks/target/benchmarks.jar sif.bench.BenchMain --help}); {@code ./sif bench}
 * runs the same command through the launcher.
 */
public final class BenchMain {

    private BenchMain() {}

    public static void main(String[] args) {
        System.exit(new CommandLine(new BenchCommand()).execute(args));
    }
}
