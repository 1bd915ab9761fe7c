package sif.flows;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where SIF's real datasets live.
 *
 * <p>The data root is, in order: the system property {@code sif.data.root}, the environment
 * variable {@code SIF_DATA_ROOT}, or {@code ../shared/data} relative to the working directory.
 * Under it, {@code cicids2017/} holds CICIDS2017 CSVs and {@code lab-reference/} the lab capture.
 * Nothing here checks that the directories exist; use {@link #isDirectory(Path)} (tests skip with
 * a clear message when data is absent).
 */
public final class DataPaths {

    /** System property naming the data root. */
    public static final String PROPERTY = "sif.data.root";
    /** Environment variable naming the data root. */
    public static final String ENV = "SIF_DATA_ROOT";
    /** Default data root, relative to the working directory. */
    public static final String DEFAULT_ROOT = "../shared/data";

    private DataPaths() {}

    /** The data root as an absolute, normalised path. */
    public static Path root() {
        String configured = System.getProperty(PROPERTY);
        if (configured == null || configured.isBlank()) {
            configured = System.getenv(ENV);
        }
        if (configured == null || configured.isBlank()) {
            configured = DEFAULT_ROOT;
        }
        return Path.of(configured.trim()).toAbsolutePath().normalize();
    }

    /** {@code <root>/cicids2017}. */
    public static Path cicids2017() {
        return root().resolve("cicids2017");
    }

    /** {@code <root>/lab-reference}. */
    public static Path labReference() {
        return root().resolve("lab-reference");
    }

    /** True when {@code dir} exists and is a directory. */
    public static boolean isDirectory(Path dir) {
        return dir != null && Files.isDirectory(dir);
    }

    /** A message for tests that skip because a data directory is absent. */
    public static String missingMessage(Path dir) {
        return "data directory " + dir + " not found; set -D" + PROPERTY + "=<dir> or " + ENV
                + " to the directory holding cicids2017/ and lab-reference/";
    }
}
