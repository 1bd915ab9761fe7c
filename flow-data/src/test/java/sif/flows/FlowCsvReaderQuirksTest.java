package sif.flows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Header and value quirks, on small inline CSVs. */
class FlowCsvReaderQuirksTest {

    private static final int FWD_HEADER = FlowFeatures.indexOfCsvName("Fwd Header Length");
    private static final int DUP = FlowFeatures.indexOfCsvName(FlowFeatures.DUPLICATE);
    private static final int BYTES_PER_S = FlowFeatures.indexOfCsvName("Flow Bytes/s");
    private static final int PACKETS_PER_S = FlowFeatures.indexOfCsvName("Flow Packets/s");

    /** The original 85-column header (leading spaces, repeated Fwd Header Length). */
    static String originalHeader() {
        return FlowCsvWriter.HEADER;
    }

    /** A pandas-style header: stripped, second copy named Fwd Header Length.1. */
    static String pandasHeader() {
        List<String> cols = new ArrayList<>(FlowCsvWriter.ID_COLUMNS);
        FlowFeatures.ALL.forEach(f -> cols.add(f.csvName()));
        cols.add("Label");
        return String.join(",", cols);
    }

    /** A data row: given ids, feature i = i + 1 except overrides, then the label. */
    static String row(String ids, Map<Integer, String> overrides, String label) {
        StringBuilder b = new StringBuilder(ids);
        for (int i = 0; i < FlowFeatures.COUNT; i++) {
            b.append(',').append(overrides.getOrDefault(i, Integer.toString(i + 1)));
        }
        return b.append(',').append(label).toString();
    }

    static final String IDS = "10.0.0.1-10.0.0.2-1234-80-6,10.0.0.1,1234,10.0.0.2,80,6,7/7/2017 3:56";

    private record Result(List<FlowRecord> rows, ReadSummary summary) {}

    private static Result read(byte[] bytes) throws IOException {
        List<FlowRecord> rows = new ArrayList<>();
        ReadSummary s = FlowCsvReader.read(new ByteArrayInputStream(bytes), "inline.csv", rows::add);
        return new Result(rows, s);
    }

    private static Result read(String text) throws IOException {
        return read(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void originalHeaderWithLeadingSpacesAndRepeatedColumn() throws IOException {
        Result r = read(originalHeader() + "\n" + row(IDS, Map.of(DUP, "33"), "BENIGN") + "\n");
        assertEquals(1, r.rows().size());
        FlowRecord f = r.rows().get(0);
        assertEquals(34.0, f.features()[FWD_HEADER]);
        assertEquals(33.0, f.features()[DUP], "second Fwd Header Length goes to the .1 feature");
        assertEquals("10.0.0.1", f.srcIp());
        assertEquals(1234, f.srcPort());
        assertEquals(Instant.parse("2017-07-07T15:56:00Z").toEpochMilli(), f.timestampMs());
        assertTrue(r.summary().files().get(0).duplicateFwdHeaderLength());
    }

    @Test
    void pandasDotOneColumn() throws IOException {
        Result r = read(pandasHeader() + "\n" + row(IDS, Map.of(DUP, "99"), "BENIGN") + "\n");
        assertEquals(99.0, r.rows().get(0).features()[DUP]);
        assertTrue(r.summary().files().get(0).missingFeatures().isEmpty());
    }

    @Test
    void utf8ByteOrderMark() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
        b.write((pandasHeader() + "\n" + row(IDS, Map.of(), "BENIGN") + "\n").getBytes(StandardCharsets.UTF_8));
        Result r = read(b.toByteArray());
        assertEquals(1, r.rows().size());
        assertEquals("10.0.0.1-10.0.0.2-1234-80-6", r.rows().get(0).flowId(), "BOM must not stick to Flow ID");
    }

    @Test
    void infinityNanAndFloatIntegers() throws IOException {
        String ids = "x,10.0.0.1,1234.0,10.0.0.2,80.0,6.0,7/7/2017 3:56";
        Result r = read(pandasHeader() + "\n"
                + row(ids, Map.of(BYTES_PER_S, "Infinity", PACKETS_PER_S, "NaN", 0, "52120.0"), "BENIGN") + "\n"
                + row(ids, Map.of(BYTES_PER_S, "inf", PACKETS_PER_S, "-Infinity", 0, ""), "BENIGN") + "\n");
        assertEquals(2, r.rows().size());
        FlowRecord a = r.rows().get(0);
        assertEquals(1234, a.srcPort());
        assertEquals(80, a.dstPort());
        assertEquals(6, a.protocol());
        assertEquals(52120.0, a.features()[0]);
        assertEquals(Double.POSITIVE_INFINITY, a.features()[BYTES_PER_S]);
        assertTrue(Double.isNaN(a.features()[PACKETS_PER_S]));
        FlowRecord b = r.rows().get(1);
        assertEquals(Double.POSITIVE_INFINITY, b.features()[BYTES_PER_S]);
        assertEquals(Double.NEGATIVE_INFINITY, b.features()[PACKETS_PER_S]);
        assertTrue(Double.isNaN(b.features()[0]), "an empty value reads as NaN");
        assertEquals(0, r.summary().rowsSkipped());
    }

    @Test
    void blankLinesAndCommaOnlyLinesAreNotRows() throws IOException {
        String empty = ",".repeat(84);
        Result r = read("\n" + pandasHeader() + "\r\n\r\n" + row(IDS, Map.of(), "BENIGN") + "\r\n" + empty + "\n\n"
                + row(IDS, Map.of(), "DDoS"));
        assertEquals(2, r.rows().size());
        assertEquals(0, r.summary().rowsSkipped());
        assertEquals(3, r.summary().blankLines());
        assertEquals(4, r.rows().get(0).line());
        assertEquals(7, r.rows().get(1).line(), "last line without a newline");
        assertEquals("DDoS", r.rows().get(1).label());
    }

    @Test
    void everyDashEncodingOfWebAttackLabels() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write((pandasHeader() + "\n").getBytes(StandardCharsets.US_ASCII));
        byte[][] dashes = {
            {(byte) 0x96},                          // cp1252 original
            {(byte) 0xC2, (byte) 0x96},             // U+0096 as UTF-8
            {(byte) 0xE2, (byte) 0x80, (byte) 0x93}, // real en-dash
            {'-'},                                   // plain hyphen
        };
        for (byte[] dash : dashes) {
            b.write(row(IDS, Map.of(), "").getBytes(StandardCharsets.US_ASCII));
            b.write("Web Attack ".getBytes(StandardCharsets.US_ASCII));
            b.write(dash);
            b.write(" Brute Force\n".getBytes(StandardCharsets.US_ASCII));
        }
        Result r = read(b.toByteArray());
        assertEquals(4, r.rows().size());
        for (FlowRecord f : r.rows()) {
            assertEquals("Web Attack \u2013 Brute Force", f.label());
        }
        assertEquals(Map.of("Web Attack \u2013 Brute Force", 4L), r.summary().labelCounts());
    }

    @Test
    void malformedRowsAreSkippedWithLineNumbers() throws IOException {
        String good = row(IDS, Map.of(), "BENIGN");
        Result r = read(pandasHeader() + "\n"
                + good + "\n"
                + good + ",extra\n"                                   // line 3: 86 columns
                + row(IDS, Map.of(5, "12abc"), "BENIGN") + "\n"          // line 4: bad number
                + row(IDS.replace("3:56", "25:99"), Map.of(), "BENIGN") + "\n" // line 5: bad time
                + row(IDS.replace(",80,", ",-80,"), Map.of(), "BENIGN") + "\n" // line 6: negative port
                + "1,2,3\n"                                            // line 7: short
                + good + "\n");
        assertEquals(2, r.rows().size());
        ReadSummary s = r.summary();
        assertEquals(5, s.rowsSkipped());
        List<Long> lines = s.skippedRows().stream().map(ReadSummary.SkippedRow::line).toList();
        assertEquals(List.of(3L, 4L, 5L, 6L, 7L), lines);
        assertTrue(s.skippedRows().get(0).reason().contains("expected 85 columns, found 86"), s.skippedRows().get(0).reason());
        assertTrue(s.skippedRows().get(1).reason().contains("12abc"));
        assertTrue(s.skippedRows().get(2).reason().contains("25:99"));
        assertTrue(s.skippedRows().get(3).reason().contains("-80"));
        assertEquals("inline.csv", s.skippedRows().get(0).file());
        assertEquals(2, s.files().get(0).rows());
        assertEquals(5, s.files().get(0).skipped());
        assertTrue(s.describe().contains("inline.csv:3: expected 85 columns"), s.describe());
    }

    /**
     * A row of the TrafficLabelling layout without its Timestamp or Source IP cannot take its place in its
     * source's time-ordered sequence: it is skipped and reported. Before, it was read with no time and
     * silently moved to the file-order fallback source, out of its host's sequences.
     */
    @Test
    void rowsWithoutTimestampOrSourceIpAreSkippedAndReported() throws IOException {
        String good = row(IDS, Map.of(), "DDoS");
        Result r = read(pandasHeader() + "\n"
                + good + "\n"
                + row(IDS.replace("7/7/2017 3:56", ""), Map.of(), "DDoS") + "\n"     // line 3: no time
                + row(IDS.replace(",10.0.0.1,1234,", ", ,1234,"), Map.of(), "DDoS") + "\n" // line 4: no source
                + good + "\n");
        assertEquals(2, r.rows().size());
        List<String> reasons = r.summary().skippedRows().stream().map(ReadSummary.SkippedRow::reason).toList();
        assertEquals(List.of(3L, 4L), r.summary().skippedRows().stream().map(ReadSummary.SkippedRow::line).toList());
        assertTrue(reasons.get(0).contains("blank Timestamp") && reasons.get(1).contains("blank Source IP"),
                reasons.toString());
    }

    @Test
    void header84WithoutDuplicateCopiesFwdHeaderLength() throws IOException {
        String header = pandasHeader().replace(",Fwd Header Length.1", "");
        String data = row(IDS, Map.of(), "BENIGN");
        // drop the duplicate's value from the row
        List<String> fields = new ArrayList<>(List.of(data.split(",")));
        fields.remove(7 + DUP);
        Result r = read(header + "\n" + String.join(",", fields) + "\n");
        assertEquals(1, r.rows().size());
        FlowRecord f = r.rows().get(0);
        assertEquals(f.features()[FWD_HEADER], f.features()[DUP]);
        assertFalse(r.summary().files().get(0).duplicateFwdHeaderLength());
        assertTrue(r.summary().files().get(0).missingFeatures().isEmpty());
    }

    @Test
    void machineLearningCveLayout() throws IOException {
        List<String> cols = new ArrayList<>();
        cols.add(" Destination Port");
        FlowFeatures.ALL.forEach(f -> cols.add(" " + f.csvName()));
        cols.add(" Label");
        StringBuilder row = new StringBuilder("443");
        for (int i = 0; i < FlowFeatures.COUNT; i++) {
            row.append(',').append(i);
        }
        row.append(",Infiltration");
        Result r = read(String.join(",", cols) + "\n" + row + "\n");
        FlowRecord f = r.rows().get(0);
        assertEquals(CsvLayout.MACHINE_LEARNING_CVE, r.summary().files().get(0).layout());
        assertEquals("inline.csv:2", f.flowId());
        assertEquals(443, f.dstPort());
        assertEquals(-1, f.srcPort());
        assertEquals(-1, f.protocol());
        assertEquals(-1, f.timestampMs());
        assertEquals(null, f.srcIp());
        assertEquals("Infiltration", f.label());
    }

    @Test
    void unknownLabelIsKeptAsWritten() throws IOException {
        Result r = read(pandasHeader() + "\n" + row(IDS, Map.of(), "NeedManualLabel") + "\n");
        assertEquals("NeedManualLabel", r.rows().get(0).label());
    }

    @Test
    void notAFlowCsvFailsClearly() {
        FlowCsvFormatException e = assertThrows(FlowCsvFormatException.class,
                () -> read("src_ip,start_epoch_ms,end_epoch_ms,label\n10.0.0.1,1,2,BENIGN\n"));
        assertTrue(e.getMessage().contains("inline.csv"), e.getMessage());
        assertTrue(e.getMessage().contains("not a CICFlowMeter flow CSV"), e.getMessage());
        assertThrows(FlowCsvFormatException.class, () -> read(""));
        assertThrows(FlowCsvFormatException.class, () -> read(new byte[] {(byte) 0xFF, (byte) 0xFE, 'F', 0}));
    }

    @Test
    void theStreamIsClosedWhenTheHeaderCannotBeRead() {
        for (byte[] bad : new byte[][] {{(byte) 0xFF, (byte) 0xFE, 'F', 0}, {}, "a,b\n".getBytes(StandardCharsets.UTF_8)}) {
            boolean[] closed = {false};
            ByteArrayInputStream in = new ByteArrayInputStream(bad) {
                @Override
                public void close() {
                    closed[0] = true;
                }
            };
            assertThrows(FlowCsvFormatException.class, () -> FlowCsvReader.read(in, "bad.csv", r -> { }));
            assertTrue(closed[0], "closed after " + bad.length + " bytes");
        }
    }

    @Test
    void quotedFields() throws IOException {
        String data = row("\"a,b\",10.0.0.1,1234,10.0.0.2,80,6,7/7/2017 9:00", Map.of(), "\"BENIGN\"");
        Result r = read(pandasHeader() + "\n" + data + "\n");
        assertEquals("a,b", r.rows().get(0).flowId());
        assertEquals("BENIGN", r.rows().get(0).label());
    }
}
