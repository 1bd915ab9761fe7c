package sif.flows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Reads every real CICIDS2017 file under the data root and checks the counts given in SOURCES.md. */
class RealDataReaderTest {

    private static final String XSS = "Web Attack \u2013 XSS";
    private static final String SQLI = "Web Attack \u2013 Sql Injection";
    private static final String BRUTE = "Web Attack \u2013 Brute Force";

    private static Path dir;

    @BeforeAll
    static void data() {
        dir = DataPaths.cicids2017();
        assumeTrue(DataPaths.isDirectory(dir), DataPaths.missingMessage(dir));
    }

    private static List<FlowRecord> readAll(Path file, long rows, Map<String, Long> labels, CsvLayout layout)
            throws IOException {
        assumeTrue(file.toFile().isFile(), "data file " + file + " not found");
        List<FlowRecord> out = new ArrayList<>();
        ReadSummary s = FlowCsvReader.read(file, out::add);
        assertEquals(0, s.rowsSkipped(), () -> s.describe());
        assertEquals(rows, s.rowsRead(), () -> s.describe());
        assertEquals(rows, out.size());
        assertEquals(new TreeMap<>(labels), s.labelCounts(), () -> s.describe());
        assertEquals(1, s.files().size());
        assertEquals(layout, s.files().get(0).layout());
        for (FlowRecord r : out) {
            assertEquals(file.getFileName().toString(), r.sourceFile());
            assertTrue(Labels.isKnown(r.label()), r.label());
        }
        return out;
    }

    @Test
    void ddosPart1ContiguousPrefix() throws IOException {
        List<FlowRecord> rows = readAll(dir.resolve("Friday-WorkingHours-Afternoon-DDos.pcap_ISCX.part1.csv"), 299,
                Map.of("BENIGN", 299L), CsvLayout.TRAFFIC_LABELLING);
        FlowRecord first = rows.get(0);
        assertEquals("192.168.10.5-104.16.207.165-54865-443-6", first.flowId());
        assertEquals("104.16.207.165", first.srcIp());
        assertEquals(443, first.srcPort());
        assertEquals("192.168.10.5", first.dstIp());
        assertEquals(54865, first.dstPort());
        assertEquals(6, first.protocol());
        assertEquals(Instant.parse("2017-07-07T15:30:00Z").toEpochMilli(), first.timestampMs());
        assertEquals(3.0, first.features()[0]);
        assertEquals(2, first.line());
        assertEquals(44, rows.stream().map(FlowRecord::srcIp).distinct().count());
        for (FlowRecord r : rows) {
            assertEquals(r.features()[FlowFeatures.indexOfCsvName("Fwd Header Length")],
                    r.features()[FlowFeatures.indexOfCsvName(FlowFeatures.DUPLICATE)]);
        }
        assertTrue(FlowCsvReader.read(dir.resolve("Friday-WorkingHours-Afternoon-DDos.pcap_ISCX.part1.csv"), r -> { })
                .files().get(0).duplicateFwdHeaderLength());
    }

    @Test
    void ddosSubset() throws IOException {
        List<FlowRecord> rows = readAll(dir.resolve("Friday-WorkingHours-Afternoon-DDos.pcap_ISCX.DDoS-subset.csv"),
                1000, Map.of("DDoS", 1000L), CsvLayout.TRAFFIC_LABELLING);
        long t = Instant.parse("2017-07-07T15:56:00Z").toEpochMilli();
        for (FlowRecord r : rows) {
            assertEquals(t, r.timestampMs());
            assertEquals("172.16.0.1", r.srcIp());
            assertEquals("192.168.10.50", r.dstIp());
        }
    }

    @Test
    void portScanSubset() throws IOException {
        List<FlowRecord> rows = readAll(dir.resolve("Friday-WorkingHours-Afternoon-PortScan.pcap_ISCX.PortScan-subset.csv"),
                1000, Map.of("PortScan", 1000L), CsvLayout.TRAFFIC_LABELLING);
        assertEquals(Instant.parse("2017-07-07T13:05:00Z").toEpochMilli(), rows.get(0).timestampMs());
        assertEquals(Instant.parse("2017-07-07T14:51:00Z").toEpochMilli(), rows.get(rows.size() - 1).timestampMs());
        assertNonDecreasing(rows);
    }

    @Test
    void xssSubset() throws IOException {
        List<FlowRecord> rows = readAll(dir.resolve("Thursday-WorkingHours-Morning-WebAttacks.pcap_ISCX.XSS-subset.csv"),
                652, Map.of(XSS, 652L), CsvLayout.TRAFFIC_LABELLING);
        FlowRecord first = rows.get(0);
        assertEquals(52120, first.srcPort()); // written as 52120.0
        assertEquals(80, first.dstPort());
        assertEquals(6, first.protocol());
        assertEquals(Instant.parse("2017-07-06T10:15:00Z").toEpochMilli(), first.timestampMs());
        assertEquals(Instant.parse("2017-07-06T10:35:00Z").toEpochMilli(), rows.get(rows.size() - 1).timestampMs());
        assertNonDecreasing(rows);
    }

    @Test
    void sqlInjectionSubset() throws IOException {
        List<FlowRecord> rows = readAll(dir.resolve("Thursday-WorkingHours-Morning-WebAttacks.pcap_ISCX.SqlInjection-subset.csv"),
                21, Map.of(SQLI, 21L), CsvLayout.TRAFFIC_LABELLING);
        assertEquals(Instant.parse("2017-07-06T10:40:00Z").toEpochMilli(), rows.get(0).timestampMs());
        assertEquals(Instant.parse("2017-07-06T10:42:00Z").toEpochMilli(), rows.get(20).timestampMs());
    }

    @Test
    void fallbackEncodedIds() throws IOException {
        Path file = dir.resolve("fallback/Thursday-WorkingHours-Morning-WebAttacks.pcap_ISCX.web_attacks_balanced.encoded-ids.csv");
        List<FlowRecord> rows = readAll(file, 7267,
                Map.of("BENIGN", 5087L, BRUTE, 1507L, XSS, 652L, SQLI, 21L), CsvLayout.TRAFFIC_LABELLING);
        FlowRecord first = rows.get(0);
        assertEquals("62015", first.flowId());
        assertEquals("1261", first.srcIp()); // a label-encoding, kept as given
        assertEquals("1599", first.dstIp());
        assertEquals(51885, first.srcPort());
        assertEquals(53, first.dstPort());
        assertEquals(17, first.protocol());
        assertEquals(-1, first.timestampMs()); // the timestamp is a code, not a time
        ReadSummary s = FlowCsvReader.read(file, r -> { });
        ReadSummary.FileSummary f = s.files().get(0);
        assertEquals(84, f.columns());
        assertFalse(f.duplicateFwdHeaderLength());
        assertEquals(7267, f.encodedIdRows());
        assertTrue(f.missingFeatures().isEmpty(), f.missingFeatures()::toString);
        for (FlowRecord r : rows) {
            assertEquals(r.features()[FlowFeatures.indexOfCsvName("Fwd Header Length")],
                    r.features()[FlowFeatures.indexOfCsvName(FlowFeatures.DUPLICATE)]);
        }
    }

    @Test
    void fallbackMachineLearningCve() throws IOException {
        Path file = dir.resolve("fallback/Thursday-WorkingHours-Afternoon-Infilteration.pcap_ISCX.MLCVE.sample.csv");
        List<FlowRecord> rows = readAll(file, 536, Map.of("BENIGN", 500L, "Infiltration", 36L),
                CsvLayout.MACHINE_LEARNING_CVE);
        FlowRecord first = rows.get(0);
        assertNull(first.srcIp());
        assertNull(first.dstIp());
        assertEquals(-1, first.srcPort());
        assertEquals(80, first.dstPort());
        assertEquals(-1, first.protocol());
        assertEquals(-1, first.timestampMs());
        assertEquals(file.getFileName() + ":2", first.flowId());
        assertEquals(5710825.0, first.features()[0]);
    }

    @Test
    void mainDirectoryWithoutSubdirs() throws IOException {
        ReadSummary s = FlowCsvReader.read(dir, r -> { });
        assertEquals(5, s.files().size());
        assertEquals(2972, s.rowsRead());
        assertEquals(0, s.rowsSkipped());
        assertEquals(new TreeMap<>(Map.of("BENIGN", 299L, "DDoS", 1000L, "PortScan", 1000L, XSS, 652L, SQLI, 21L)),
                s.labelCounts());
        for (ReadSummary.FileSummary f : s.files()) {
            assertEquals(85, f.columns());
            assertTrue(f.duplicateFwdHeaderLength());
            assertTrue(f.missingFeatures().isEmpty());
            assertTrue(f.ignoredColumns().isEmpty());
        }
    }

    @Test
    void includeSubdirsReadsFallbackAfterTopLevel() throws IOException {
        try (FlowCsvReader.FlowIterator it = FlowCsvReader.iterate(dir, FlowCsvReader.Options.DEFAULT.withIncludeSubdirs(true))) {
            assertEquals(7, it.files().size());
            assertEquals("fallback", it.files().get(5).getParent().getFileName().toString());
            long n = 0;
            while (it.hasNext()) {
                assertNotNull(it.next());
                n++;
            }
            assertEquals(2972 + 7267 + 536, n);
            assertEquals(n, it.summary().rowsRead());
            assertEquals(7, it.summary().files().size());
        }
    }

    @Test
    void streamFormMatchesCallbackForm() throws IOException {
        List<String> viaCallback = new ArrayList<>();
        FlowCsvReader.read(dir, r -> viaCallback.add(r.sourceFile() + ":" + r.line()));
        List<String> viaStream;
        try (var s = FlowCsvReader.stream(dir, FlowCsvReader.Options.DEFAULT)) {
            viaStream = s.map(r -> r.sourceFile() + ":" + r.line()).toList();
        }
        assertEquals(viaCallback, viaStream);
        assertEquals(2972, viaStream.size());
    }

    private static void assertNonDecreasing(List<FlowRecord> rows) {
        for (int i = 1; i < rows.size(); i++) {
            assertTrue(rows.get(i).timestampMs() >= rows.get(i - 1).timestampMs(), "row " + i);
        }
    }
}
