package sif.launcher;

import java.nio.file.Path;

/** Where the launcher resolves its documented default paths. */
final class Launcher {
    private Launcher() {}

    /**
     * A path relative to the SIF checkout ({@code sif.repo.root}, set by {@code ./sif}); the
     * working directory when run otherwise.
     */
    static Path repoPath(String relative) {
        String root = System.getProperty("sif.repo.root");
        return root == null ? Path.of(relative) : Path.of(root).resolve(relative);
    }
}
