package sif.flows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The CICFlowMeter V4 and Engelen outputs of the lab capture: every feature maps by name. */
class LabReferenceHeadersTest {

    private static Path file(String name) {
        Path dir = DataPaths.labReference();
        assumeTrue(DataPaths.isDirectory(dir), DataPaths.missingMessage(dir));
        Path f = dir.resolve(name);
        assumeTrue(Files.isRegularFile(f), "lab file " + f + " not found");
        return f;
    }

    @Test
    void cicflowmeterV4() throws IOException {
        List<FlowRecord> rows = new ArrayList<>();
        ReadSummary s = FlowCsvReader.read(file("capture.cicflowmeter-v4.csv"), rows::add);
        ReadSummary.FileSummary f = s.files().get(0);
        assertEquals(0, s.rowsSkipped(), s::describe);
        assertEquals(12_148, s.rowsRead());
        assertEquals(84, f.columns());
        assertEquals(CsvLayout.TRAFFIC_LABELLING, f.layout());
        assertTrue(f.missingFeatures().isEmpty(), f.missingFeatures()::toString);
        assertTrue(f.ignoredColumns().isEmpty(), f.ignoredColumns()::toString);
        assertFalse(f.duplicateFwdHeaderLength());
        assertEquals(Map.of("NeedManualLabel", 12_148L), s.labelCounts());
        FlowRecord first = rows.get(0);
        assertEquals("10.77.0.2", first.srcIp());
        assertEquals(37916, first.srcPort());
        assertEquals(Instant.parse("2026-11-22T04:09:27Z").toEpochMilli(), first.timestampMs());
        assertEquals(1037.0, first.features()[FlowFeatures.indexOfCsvName("Flow Duration")]);
        assertNoMissingValues(rows);
    }

    @Test
    void engelen() throws IOException {
        List<FlowRecord> rows = new ArrayList<>();
        ReadSummary s = FlowCsvReader.read(file("capture.cicflowmeter-engelen.csv"), rows::add);
        ReadSummary.FileSummary f = s.files().get(0);
        assertEquals(0, s.rowsSkipped(), s::describe);
        assertEquals(8_347, s.rowsRead());
        assertEquals(94, f.columns());
        assertTrue(f.missingFeatures().isEmpty(), f.missingFeatures()::toString);
        assertEquals(List.of("Fwd RST Flags", "Bwd RST Flags", "Bwd Act Data Pkts", "Bwd Seg Size Min",
                "ICMP Code", "ICMP Type", "Fwd TCP Retrans. Count", "Bwd TCP Retrans. Count",
                "Total TCP Retrans. Count", "Total Connection Flow Time"), f.ignoredColumns());
        assertEquals(Instant.parse("2026-11-22T04:10:02.940Z").toEpochMilli(), rows.get(0).timestampMs());
        assertNoMissingValues(rows);
    }

    private static void assertNoMissingValues(List<FlowRecord> rows) {
        for (FlowRecord r : rows) {
            for (int i = 0; i < FlowFeatures.COUNT; i++) {
                assertFalse(Double.isNaN(r.features()[i]) && !FlowFeatures.ALL.get(i).csvName().contains("/s"),
                        r.sourceFile() + ":" + r.line() + " " + FlowFeatures.ALL.get(i).csvName());
            }
        }
    }
}
