package sif.pcap.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sif.flows.DataPaths;
import sif.flows.FlowRecord;
import sif.pcap.CicMode;
import sif.pcap.ExtractorConfig;
import sif.pcap.PcapFlows;

class LabLabelsTest {

    private static FlowRecord flow(String src, String dst, long ms) {
        return new FlowRecord("x", src, 1, dst, 2, 6, ms, new double[77], null, null, -1);
    }

    @Test
    void firstCoveringPhaseOfSourceOrDestinationWins() {
        LabLabels l = new LabLabels(List.of(
                new LabLabels.Phase("10.0.0.3", 10_000, 20_000, "PortScan"),
                new LabLabels.Phase("10.0.0.3", 22_000, 30_000, "DDoS"),
                new LabLabels.Phase("10.0.0.2", 0, 100_000, "BENIGN")));
        assertEquals("PortScan", l.label(flow("10.0.0.3", "10.0.0.1", 9_000)));
        assertEquals("PortScan", l.label(flow("10.0.0.1", "10.0.0.3", 21_500)), "2 s after, first match");
        assertEquals("DDoS", l.label(flow("10.0.0.3", "10.0.0.1", 23_000)));
        assertNull(l.label(flow("10.0.0.3", "10.0.0.1", 33_000)));
        assertEquals("BENIGN", l.label(flow("10.0.0.2", "10.0.0.1", 50_000)));
        assertNull(l.label(flow("10.0.0.9", "10.0.0.1", 50_000)));
        assertEquals("DDoS", l.apply(flow("10.0.0.3", "10.0.0.1", 23_000)).label());
    }

    @Test
    void badFilesAreRejectedWithTheLine(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("labels.csv");
        Files.writeString(f, "src_ip,start_epoch_ms,end_epoch_ms,label\n10.0.0.3,abc,5,DoS\n");
        IOException e = assertThrows(IOException.class, () -> LabLabels.read(f));
        assertEquals(true, e.getMessage().contains("line 2"), e.getMessage());
        Files.writeString(f, "ip,start\n");
        assertThrows(IOException.class, () -> LabLabels.read(f));
    }

    @Test
    void referenceLabelCountsAreReproduced() throws IOException {
        Path dir = DataPaths.labReference();
        assumeTrue(Files.isRegularFile(dir.resolve("capture.pcap")), "lab reference capture not found under " + dir);
        LabLabels labels = LabLabels.read(dir.resolve("labels.csv"));
        // the README counted V4's rows from its CSV, whose timestamps have whole seconds only
        Map<String, Integer> v4 = new TreeMap<>();
        PcapFlows.extract(dir.resolve("capture.pcap"), ExtractorConfig.defaults(CicMode.V4),
                r -> v4.merge(String.valueOf(labels.label(flow(r.srcIp(), r.dstIp(), r.timestampMs() / 1000 * 1000))),
                        1, Integer::sum));
        assertEquals(Map.of("BENIGN", 254, "PortScan", 2017, "DDoS", 1961, "DoS", 7907, "Other", 9), v4);
        Map<String, Integer> engelen = new TreeMap<>();
        PcapFlows.extract(dir.resolve("capture.pcap"), ExtractorConfig.defaults(CicMode.ENGELEN),
                r -> engelen.merge(String.valueOf(labels.label(r)), 1, Integer::sum));
        assertEquals(Map.of("BENIGN", 254, "PortScan", 2000, "DDoS", 1975, "DoS", 4105, "Other", 13), engelen);
    }
}
