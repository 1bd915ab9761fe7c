package sif.pcap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
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
