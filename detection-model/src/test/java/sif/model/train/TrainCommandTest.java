package sif.model.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** What {@code sif train} checks before it reads any data (a mistake used to surface after the training). */
class TrainCommandTest {

    private static TrainCommand parsed(String... args) {
        TrainCommand c = new TrainCommand();
        new CommandLine(c).parseArgs(args);
        return c;
    }

    @Test
    void optionsOutOfRangeAreNamed() {
        assertNull(parsed().training.problem(120));
        assertEquals("--epochs must be at least 1, got 0", parsed().training.problem(0));
        assertEquals("--test-fraction must be between 0 and 1 (exclusive), got 1.5",
                parsed("--test-fraction", "1.5").training.problem(120));
        assertTrue(parsed("--seq-len", "300").training.problem(120).startsWith("--seq-len must be 1..255"));
        assertTrue(parsed("--threshold", "NaN").training.problem(120).startsWith("--threshold must be"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrainCommand.temporalUnit("bogus"));
        assertEquals("--temporal-unit must be source_class, source_label or source, got 'bogus'", e.getMessage());
        assertEquals(sif.model.data.Splits.TemporalUnit.SOURCE_LABEL, TrainCommand.temporalUnit("source_label"));
    }

    @Test
    void outputDirectoriesAreCheckedBeforeTraining(@TempDir Path dir) throws IOException {
        TrainCommand.writableDirectory(dir.resolve("new/model"), "--out");
        assertTrue(Files.isDirectory(dir.resolve("new/model")));
        try (var s = Files.list(dir.resolve("new/model"))) {
            assertEquals(0, s.count(), "the probe file is removed");
        }
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        assertThrows(IllegalArgumentException.class, () -> TrainCommand.writableDirectory(file, "--out"));
        assertThrows(IOException.class, () -> TrainCommand.writableDirectory(Path.of("/proc/sif-train-check"), "--out"));
    }
}
