package sif.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sif.flows.DataPaths;
import sif.flows.FlowCsvReader;
import sif.flows.FlowCsvWriter;
import sif.flows.FlowFeatures;
import sif.flows.FlowRecord;

class CsvFlowSourceTest {

    private static List<FlowRecord> drain(FlowSource source) throws IOException {
        List<FlowRecord> out = new ArrayList<>();
        try (FlowSource.Pass p = source.open()) {
            p.forEachRemaining(out::add);
        }
        return out;
    }

    private static FlowRecord flow(String id, long ts) {
        return new FlowRecord(id, "10.0.0.1", 1, "10.0.0.2", 80, 6, ts, new double[FlowFeatures.COUNT], "BENIGN",
                null, -1);
    }

    private static void write(Path file, FlowRecord... flows) throws IOException {
        try (FlowCsvWriter w = new FlowCsvWriter(file)) {
            for (FlowRecord f : flows) {
                w.write(f);
            }
        }
    }

    @Test
    void globalStableSortAcrossOverlappingFiles(@TempDir Path dir) throws IOException {
        // b.csv and c.csv overlap in time; a.csv is later than both
        write(dir.resolve("a.csv"), flow("a1", 9_000), flow("a2", 8_000));
        write(dir.resolve("b.csv"), flow("b1", 3_000), flow("b2", 1_000), flow("b3", 5_000));
        write(dir.resolve("c.csv"), flow("c1", 3_000), flow("c2", 2_000), flow("c3", 6_000));
        CsvFlowSource source = new CsvFlowSource(List.of(dir), FlowCsvReader.Options.DEFAULT);
        List<String> ids = drain(source).stream().map(FlowRecord::flowId).toList();
        assertEquals(List.of("b2", "c2", "b1", "c1", "b3", "c3", "a2", "a1"), ids,
                "sorted by time; equal times keep file order (b before c)");
        assertEquals(8, source.flowsPerPass());
        assertEquals(0, source.lastReadSummary().rowsSkipped());
        assertEquals(ids, drain(source).stream().map(FlowRecord::flowId).toList(), "a second pass is equal");
    }

    @Test
    void malformedRowsAreReported(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("x.csv");
        write(f, flow("x1", 1_000));
        Files.writeString(f, Files.readString(f) + "1,2,3\n");
        CsvFlowSource source = new CsvFlowSource(List.of(f), FlowCsvReader.Options.DEFAULT);
        assertEquals(1, drain(source).size());
        assertEquals(1, source.lastReadSummary().rowsSkipped());
        assertEquals(3, source.lastReadSummary().skippedRows().get(0).line());
    }

    @Test
    void missingInputFailsAtOnce(@TempDir Path dir) {
        assertThrows(NoSuchFileException.class,
                () -> new CsvFlowSource(List.of(dir.resolve("nope.csv")), FlowCsvReader.Options.DEFAULT));
        assertThrows(IOException.class, () -> new CsvFlowSource(List.of(dir), FlowCsvReader.Options.DEFAULT),
                "a directory without CSVs");
    }

    @Test
    void realDirectoryInEventTimeOrder() throws IOException {
        Path dir = DataPaths.cicids2017();
        assumeTrue(DataPaths.isDirectory(dir), DataPaths.missingMessage(dir));
        CsvFlowSource source = new CsvFlowSource(List.of(dir), FlowCsvReader.Options.DEFAULT);
        List<FlowRecord> rows = drain(source);
        assertEquals(2972, rows.size());
        for (int i = 1; i < rows.size(); i++) {
            assertTrue(rows.get(i).timestampMs() >= rows.get(i - 1).timestampMs(), "row " + i);
        }
        // Thursday web attacks first, then Friday PortScan (13:05), part1 (15:30), DDoS (15:56)
        assertTrue(rows.get(0).sourceFile().contains("XSS"));
        assertTrue(rows.get(rows.size() - 1).sourceFile().contains("DDoS-subset"));
    }
}
