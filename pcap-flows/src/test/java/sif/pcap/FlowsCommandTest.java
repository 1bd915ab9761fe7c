package sif.pcap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import sif.flows.DataPaths;
import sif.flows.FlowCsvReader;
import sif.flows.FlowFeatures;
import sif.flows.FlowRecord;

class FlowsCommandTest {

    private static final long T0 = 1_763_784_000_000_000L;

    private static int run(String... args) {
        return new CommandLine(new FlowsCommand()).execute(args);
    }

    /** Exit code and what the command printed. */
    private record Outcome(int exit, String out, String err) {}

    private static Outcome runCapturing(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int exit = run(args);
            return new Outcome(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void theSummaryCountsThePacketsReadAndTheSkippedOnesByReason(@TempDir Path dir) throws IOException {
        List<TestCaptures.Frame> frames = new ArrayList<>(FlowExtractorTest.httpConnection(40000, T0));
        frames.addAll(FlowExtractorTest.httpConnection(40001, T0 + 2000));
        frames.add(new TestCaptures.Frame(T0 + 5000, TestCaptures.ethernet(new byte[28], 0x0806, false))); // ARP
        frames.add(new TestCaptures.Frame(T0 + 5001, Arrays.copyOf(TestCaptures.ethernet(
                TestCaptures.ipv4Udp(1, 2, 3, 4, 5)), 30))); // IPv4 header cut short
        Path pcap = dir.resolve("mixed.pcap");
        Files.write(pcap, TestCaptures.pcap(frames, 1, false, false));

        Outcome o = runCapturing("--pcap", pcap.toString(), "--out", dir.resolve("o.csv").toString());

        assertEquals(0, o.exit(), o.err());
        assertTrue(o.out().startsWith("flows: 22 packets read, 20 decoded, 2 skipped (1 neither IPv4 nor IPv6, "
                + "1 truncated or malformed headers) -> 2 flows (v4 mode) in "), o.out());
    }

    @Test
    void aCaptureWithoutOnePacketToDecodeIsAnErrorThatSaysWhy(@TempDir Path dir) throws IOException {
        Path loop = dir.resolve("loop.pcap");
        Files.write(loop, TestCaptures.pcap(TestCaptures.loopFrames(T0, 3), 108, false, false));
        Path out = dir.resolve("o.csv");
        Outcome o = runCapturing("--pcap", loop.toString(), "--out", out.toString());
        assertEquals(1, o.exit());
        assertEquals("flows: " + loop + ": none of the 3 packets could be decoded (3 on unsupported link type 108); "
                + "no flows written to " + out, o.err().strip());
        assertEquals("", o.out());

        byte[] v6src = new byte[16];
        byte[] v6dst = new byte[16];
        v6src[15] = 1;
        v6dst[15] = 2;
        Path v6 = dir.resolve("v6.pcap");
        Files.write(v6, TestCaptures.pcap(List.of(
                new TestCaptures.Frame(T0, TestCaptures.ethernet(TestCaptures.ipv6Tcp(v6src, v6dst, 5000, 443, 0x02, 0))),
                new TestCaptures.Frame(T0 + 10, TestCaptures.ethernet(TestCaptures.ipv6Tcp(v6dst, v6src, 443, 5000, 0x12, 0)))),
                1, false, false));
        o = runCapturing("--pcap", v6.toString(), "--out", out.toString());
        assertEquals(1, o.exit());
        assertEquals("flows: " + v6 + ": none of the 2 packets could be decoded (2 IPv6 (not enabled)); "
                + "--ipv6 extracts IPv6 flows; no flows written to " + out, o.err().strip());
        o = runCapturing("--pcap", v6.toString(), "--out", out.toString(), "--ipv6", "--mode", "engelen");
        assertEquals(0, o.exit(), o.err());
        assertTrue(o.out().startsWith("flows: 2 packets read, 2 decoded, 0 skipped -> 1 flows (engelen mode)"), o.out());
    }

    @Test
    void aCaptureWithNoPacketsAtAllIsEmptyNotAnError(@TempDir Path dir) throws IOException {
        Path empty = dir.resolve("empty.pcap");
        Files.write(empty, TestCaptures.pcap(List.of(), 1, false, false));
        Outcome o = runCapturing("--pcap", empty.toString(), "--out", dir.resolve("o.csv").toString());
        assertEquals(0, o.exit(), o.err());
        assertTrue(o.out().startsWith("flows: 0 packets read, 0 decoded, 0 skipped -> 0 flows (v4 mode)"), o.out());
    }

    @Test
    void writesTrafficLabellingCsvThatTheFlowReaderReadsBack(@TempDir Path dir) throws IOException {
        List<TestCaptures.Frame> frames = new ArrayList<>(FlowExtractorTest.httpConnection(40000, T0));
        frames.addAll(FlowExtractorTest.httpConnection(40001, T0 + 2000));
        Path pcap = dir.resolve("two.pcap");
        Files.write(pcap, TestCaptures.pcap(frames, 1, false, false));
        Path out = dir.resolve("out/flows.csv");

        assertEquals(0, run("--pcap", pcap.toString(), "--out", out.toString(), "--mode", "engelen", "--label", "BENIGN"));

        List<String> lines = Files.readAllLines(out);
        assertEquals(3, lines.size());
        assertEquals(85, lines.get(0).split(",", -1).length);
        assertTrue(lines.get(0).startsWith("Flow ID, Source IP, Source Port"));
        List<FlowRecord> back = new ArrayList<>();
        FlowCsvReader.read(out, back::add);
        List<FlowRecord> direct = new ArrayList<>();
        PcapFlows.extract(pcap, ExtractorConfig.defaults(CicMode.ENGELEN), direct::add);
        assertEquals(2, back.size());
        for (int i = 0; i < 2; i++) {
            assertEquals("BENIGN", back.get(i).label());
            assertEquals(direct.get(i).srcIp(), back.get(i).srcIp());
            assertEquals(direct.get(i).dstPort(), back.get(i).dstPort());
            assertEquals(direct.get(i).timestampMs(), back.get(i).timestampMs());
            assertArrayEquals(direct.get(i).features(), back.get(i).features(), 1e-9);
        }
    }

    @Test
    void badOptionsAndCorruptCapturesFailWithAClearExitCode(@TempDir Path dir) throws IOException {
        Path junk = dir.resolve("junk.pcap");
        Files.writeString(junk, "not a capture at all");
        assertEquals(1, run("--pcap", junk.toString(), "--out", dir.resolve("o.csv").toString()));
        Path empty = Files.createDirectory(dir.resolve("empty"));
        assertEquals(2, run("--pcap", empty.toString(), "--out", dir.resolve("o.csv").toString()));
        assertEquals(2, run("--pcap", junk.toString(), "--out", dir.resolve("o.csv").toString(), "--mode", "v5"));
        assertEquals(2, run("--pcap", junk.toString(), "--out", dir.resolve("o.csv").toString(), "--flow-timeout", "0"));
    }

    @Test
    void labCaptureRoundTripsThroughTheCsv(@TempDir Path dir) throws IOException {
        Path pcap = DataPaths.labReference().resolve("capture.pcap");
        assumeTrue(Files.isRegularFile(pcap), "lab reference capture not found at " + pcap + "; round trip not checked");
        Path out = dir.resolve("lab.csv");
        assertEquals(0, run("--pcap", pcap.toString(), "--out", out.toString()));
        List<FlowRecord> back = new ArrayList<>();
        FlowCsvReader.read(out, back::add);
        assertEquals(12_148, back.size());
        List<FlowRecord> direct = new ArrayList<>();
        PcapFlows.extract(pcap, ExtractorConfig.defaults(CicMode.V4), direct::add);
        for (int i = 0; i < direct.size(); i++) {
            double[] a = direct.get(i).features();
            double[] b = back.get(i).features();
            for (int k = 0; k < FlowFeatures.COUNT; k++) {
                assertTrue(CicFlowMeterConformanceTest.close(a[k], b[k]),
                        "row " + i + " " + FlowFeatures.ALL.get(k).csvName() + ": " + a[k] + " vs " + b[k]
                                + " " + Arrays.toString(b));
            }
        }
    }
}
