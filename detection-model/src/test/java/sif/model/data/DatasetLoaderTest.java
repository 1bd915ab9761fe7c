package sif.model.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sif.flows.ClassMapping;
import sif.flows.FlowCsvWriter;
import sif.flows.FlowFeatures;
import sif.flows.FlowRecord;

/**
 * A row whose label maps to no class (missing, or not a CICIDS2017 label, e.g. another dataset's
 * {@code DoS attacks-Hulk}) is skipped and reported with its file and line, like a malformed row,
 * with or without per-class sampling; before, it ended the whole run with no file or line.
 */
class DatasetLoaderTest {

    @TempDir
    Path dir;

    private static FlowRecord row(int i, String label) {
        double[] f = new double[FlowFeatures.COUNT];
        Arrays.fill(f, i);
        return new FlowRecord("f" + i, "10.0.0." + i, 40000, "192.168.10.50", 80, 6, 1_499_000_000_000L + i * 1000L, f,
                label, "flows.csv", i + 1);
    }

    @Test
    void twoInputFilesOfOneNameAreRefused() throws IOException {
        for (String sub : new String[] {"a", "b"}) {
            java.nio.file.Files.createDirectories(dir.resolve(sub));
            try (FlowCsvWriter w = new FlowCsvWriter(dir.resolve(sub).resolve("Friday.csv"))) {
                w.write(row(1, "BENIGN"));
            }
        }
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> DatasetLoader.load(List.of(dir.resolve("a"), dir.resolve("b")), ClassMapping.FIVE, 0, 42));
        assertTrue(e.getMessage().contains("two input files share the name Friday.csv"), e.getMessage());
        // the same file named twice (its folder, then itself) is read once
        DatasetLoader.Loaded once = DatasetLoader.load(List.of(dir.resolve("a"), dir.resolve("a/Friday.csv")),
                ClassMapping.FIVE, 0, 42);
        assertEquals(1, once.table().size());
        assertEquals(1, once.files().size());
    }

    @Test
    void rowsWithoutAKnownLabelAreSkippedAndReportedWithFileAndLine() throws IOException {
        Path csv = dir.resolve("flows.csv");
        try (FlowCsvWriter w = new FlowCsvWriter(csv)) {
            w.write(row(1, "BENIGN"));
            w.write(row(2, "DoS attacks-Hulk")); // line 3
            w.write(row(3, "DDoS"));
            w.write(row(4, "")); // line 5
            w.write(row(5, "PortScan"));
        }
        for (int maxRowsPerClass : new int[] {0, 10}) {
            DatasetLoader.Loaded loaded = DatasetLoader.load(List.of(csv), ClassMapping.FIVE, maxRowsPerClass, 42);
            assertEquals(Map.of("BENIGN", 1L, "DDoS", 1L, "DoS", 0L, "PortScan", 1L, "Other", 0L),
                    loaded.table().countsPerClass(), "sampling " + maxRowsPerClass);
            assertEquals(3, loaded.rowsRead());
            assertEquals(2, loaded.rowsSkipped());
            assertEquals(3, loaded.files().get(0).rows());
            assertEquals(2, loaded.files().get(0).skipped());
            String notes = String.join("\n", loaded.readerNotes());
            assertTrue(notes.contains("flows.csv:3: unknown CICIDS2017 label 'DoS attacks-Hulk'"), notes);
            assertTrue(notes.contains("flows.csv:5:"), notes);
        }
    }
}
