package sif.flows;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FlowCsvWriterTest {

    @Test
    void headerIsTheOriginal85Columns() throws IOException {
        assertEquals(85, FlowCsvWriter.COLUMNS.size());
        assertEquals(85, FlowCsvWriter.HEADER.split(",").length);
        Path part1 = DataPaths.cicids2017().resolve("Friday-WorkingHours-Afternoon-DDos.pcap_ISCX.part1.csv");
        assumeTrue(Files.isRegularFile(part1), DataPaths.missingMessage(part1.getParent()));
        try (var lines = Files.lines(part1, StandardCharsets.ISO_8859_1)) {
            assertEquals(lines.findFirst().orElseThrow(), FlowCsvWriter.HEADER);
        }
    }

    @Test
    void roundTrip() throws IOException {
        double[] f = new double[FlowFeatures.COUNT];
        for (int i = 0; i < f.length; i++) {
            f[i] = i * 1.5;
        }
        f[13] = Double.POSITIVE_INFINITY;
        f[14] = Double.NaN;
        f[15] = -1;
        f[16] = 1e-7;
        f[17] = 123456789012.25;
        List<FlowRecord> in = List.of(
                new FlowRecord("id-1", "10.77.0.3", 47406, "10.77.0.1", 80, 6, 1795320602940L, f,
                        Labels.WEB_XSS, "a.pcap", 7),
                new FlowRecord("id-2", "10.77.0.2", 1, "10.77.0.1", 22, 17, 0L, f.clone(), null, null, -1));
        StringWriter w = new StringWriter();
        try (FlowCsvWriter out = new FlowCsvWriter(w, FlowCsvWriter.TimestampStyle.ISO)) {
            for (FlowRecord r : in) {
                out.write(r);
            }
            assertEquals(2, out.rows());
        }
        List<FlowRecord> back = new ArrayList<>();
        ReadSummary s = FlowCsvReader.read(new ByteArrayInputStream(w.toString().getBytes(StandardCharsets.UTF_8)),
                "out.csv", back::add);
        assertEquals(0, s.rowsSkipped());
        assertEquals(2, back.size());
        for (int i = 0; i < 2; i++) {
            FlowRecord a = in.get(i);
            FlowRecord b = back.get(i);
            assertEquals(a.flowId(), b.flowId());
            assertEquals(a.srcIp(), b.srcIp());
            assertEquals(a.srcPort(), b.srcPort());
            assertEquals(a.dstIp(), b.dstIp());
            assertEquals(a.dstPort(), b.dstPort());
            assertEquals(a.protocol(), b.protocol());
            assertEquals(a.timestampMs(), b.timestampMs());
            assertArrayEquals(a.features(), b.features());
            assertEquals(a.label(), b.label());
            assertEquals(i + 2L, b.line());
        }
    }

    @Test
    void rewritesRealFileToEqualRecords(@TempDir Path tmp) throws IOException {
        Path xss = DataPaths.cicids2017().resolve("Thursday-WorkingHours-Morning-WebAttacks.pcap_ISCX.XSS-subset.csv");
        assumeTrue(Files.isRegularFile(xss), DataPaths.missingMessage(xss.getParent()));
        List<FlowRecord> original = new ArrayList<>();
        FlowCsvReader.read(xss, original::add);
        Path out = tmp.resolve("xss.csv");
        try (FlowCsvWriter w = new FlowCsvWriter(out)) {
            for (FlowRecord r : original) {
                w.write(r);
            }
        }
        List<FlowRecord> back = new ArrayList<>();
        ReadSummary s = FlowCsvReader.read(out, back::add);
        assertEquals(652, s.rowsRead());
        assertEquals(0, s.rowsSkipped());
        for (int i = 0; i < original.size(); i++) {
            assertArrayEquals(original.get(i).features(), back.get(i).features());
            assertEquals(original.get(i).timestampMs(), back.get(i).timestampMs());
            assertEquals(original.get(i).label(), back.get(i).label());
        }
    }
}
