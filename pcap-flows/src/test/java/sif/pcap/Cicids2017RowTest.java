package sif.pcap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sif.flows.FlowCsvReader;
import sif.flows.FlowFeatures;
import sif.flows.FlowRecord;

/**
 * A real CICIDS2017 row rebuilt as the packets that made it, extracted by SIF and compared with what
 * CICFlowMeter wrote, feature by feature. The header and row are copied byte for byte from
 * {@code cicids2017/Friday-WorkingHours-Afternoon-PortScan.pcap_ISCX.PortScan-subset.csv} (line 11).
 */
class Cicids2017RowTest {

    /**
     * Features in which the CICFlowMeter that made CICIDS2017 differs from V4.0 (commit 98a5eba), which
     * SIF's V4 mode reproduces ({@link CicFlowMeterConformanceTest}), in every CICIDS2017 row at hand: its
     * TCP flag counts are not the packets' flags (SYN Flag Count is 0 even for SYN scans) and its subflow
     * values equal the flow totals. Not compared.
     */
    private static final Set<String> NOT_AS_IN_V4 = Set.of("SYN Flag Count", "RST Flag Count", "PSH Flag Count",
            "ACK Flag Count", "Subflow Fwd Packets", "Subflow Fwd Bytes", "Subflow Bwd Packets", "Subflow Bwd Bytes");

    private static final String HEADER = "Flow ID,Source IP,Source Port,Destination IP,Destination Port,Protocol,"
            + "Timestamp,Flow Duration,Total Fwd Packets,Total Backward Packets,Total Length of Fwd Packets,"
            + "Total Length of Bwd Packets,Fwd Packet Length Max,Fwd Packet Length Min,Fwd Packet Length Mean,"
            + "Fwd Packet Length Std,Bwd Packet Length Max,Bwd Packet Length Min,Bwd Packet Length Mean,"
            + "Bwd Packet Length Std,Flow Bytes/s,Flow Packets/s,Flow IAT Mean,Flow IAT Std,Flow IAT Max,"
            + "Flow IAT Min,Fwd IAT Total,Fwd IAT Mean,Fwd IAT Std,Fwd IAT Max,Fwd IAT Min,Bwd IAT Total,"
            + "Bwd IAT Mean,Bwd IAT Std,Bwd IAT Max,Bwd IAT Min,Fwd PSH Flags,Bwd PSH Flags,Fwd URG Flags,"
            + "Bwd URG Flags,Fwd Header Length,Bwd Header Length,Fwd Packets/s,Bwd Packets/s,Min Packet Length,"
            + "Max Packet Length,Packet Length Mean,Packet Length Std,Packet Length Variance,FIN Flag Count,"
            + "SYN Flag Count,RST Flag Count,PSH Flag Count,ACK Flag Count,URG Flag Count,CWE Flag Count,"
            + "ECE Flag Count,Down/Up Ratio,Average Packet Size,Avg Fwd Segment Size,Avg Bwd Segment Size,"
            + "Fwd Header Length.1,Fwd Avg Bytes/Bulk,Fwd Avg Packets/Bulk,Fwd Avg Bulk Rate,Bwd Avg Bytes/Bulk,"
            + "Bwd Avg Packets/Bulk,Bwd Avg Bulk Rate,Subflow Fwd Packets,Subflow Fwd Bytes,Subflow Bwd Packets,"
            + "Subflow Bwd Bytes,Init_Win_bytes_forward,Init_Win_bytes_backward,act_data_pkt_fwd,"
            + "min_seg_size_forward,Active Mean,Active Std,Active Max,Active Min,Idle Mean,Idle Std,Idle Max,"
            + "Idle Min,Label";

    /**
     * nmap's SYN probe (IP 20 + TCP 24 bytes with an MSS option) and the victim's RST/ACK (20 + 20), 102 µs
     * apart, each padded to a 60-byte Ethernet frame: CICFlowMeter counts the 2 and 6 bytes of padding as
     * payload.
     */
    private static final String PORTSCAN_ROW = "172.16.0.1-192.168.10.50-54987-443-6,172.16.0.1,54987,"
            + "192.168.10.50,443,6,7/7/2017 1:55,102,1,1,2,6,2,2,2.0,0.0,6,6,6.0,0.0,78431.37255,19607.84314,"
            + "102.0,0.0,102.0,102.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0,0,0,0,24,20,9803.921569,"
            + "9803.921569,2,6,3.333333333,2.309401077,5.333333333,0,0,0,1,0,0,0,0,1,5.0,2.0,6.0,24,0,0,0,0,0,0,"
            + "1,2,1,6,1024,0,0,24,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,PortScan";

    /** 2017-07-07 13:55:30 UTC, within the row's minute ("1:55" on CICIDS2017's clock without AM/PM). */
    private static final long T0 = 1_499_435_730_000_000L;

    private static int f(String csvName) {
        return FlowFeatures.indexOfCsvName(csvName);
    }

    private static FlowRecord row(String header, String row) throws IOException {
        List<FlowRecord> out = new ArrayList<>();
        FlowCsvReader.read(new ByteArrayInputStream((header + "\n" + row + "\n").getBytes(StandardCharsets.UTF_8)),
                "row.csv", out::add);
        assertEquals(1, out.size());
        return out.get(0);
    }

    private static List<FlowRecord> extract(Path dir, List<TestCaptures.Frame> frames, CicMode mode) throws IOException {
        Path file = dir.resolve("portscan.pcap");
        Files.write(file, TestCaptures.pcap(frames, 1, false, false));
        List<FlowRecord> flows = new ArrayList<>();
        PcapFlows.extract(file, ExtractorConfig.defaults(mode), flows::add);
        return flows;
    }

    private static List<TestCaptures.Frame> synAndRstInPaddedFrames() {
        int attacker = TestCaptures.ip(172, 16, 0, 1);
        int victim = TestCaptures.ip(192, 168, 10, 50);
        byte[] syn = TestCaptures.ipv4Tcp(attacker, victim, 54987, 443, PacketInfo.SYN, 1024, 0, 24);
        byte[] rst = TestCaptures.ipv4Tcp(victim, attacker, 443, 54987, PacketInfo.RST | PacketInfo.ACK, 0, 0, 20);
        return List.of(new TestCaptures.Frame(T0, TestCaptures.padded(TestCaptures.ethernet(syn), 60)),
                new TestCaptures.Frame(T0 + 102, TestCaptures.padded(TestCaptures.ethernet(rst), 60)));
    }

    /** The row's 69 features that V4.0 computes as the CICIDS2017 generator did, the payload lengths among them. */
    @Test
    void paddedMinimumSizeFramesGiveTheCicids2017Row(@TempDir Path dir) throws IOException {
        FlowRecord expected = row(HEADER, PORTSCAN_ROW);
        List<FlowRecord> flows = extract(dir, synAndRstInPaddedFrames(), CicMode.V4);

        assertEquals(1, flows.size());
        FlowRecord r = flows.get(0);
        assertEquals(expected.flowId(), r.flowId());
        assertEquals(expected.srcIp(), r.srcIp());
        assertEquals(expected.srcPort(), r.srcPort());
        assertEquals(expected.dstIp(), r.dstIp());
        assertEquals(expected.dstPort(), r.dstPort());
        assertEquals(expected.protocol(), r.protocol());
        assertTrue(r.timestampMs() >= expected.timestampMs() && r.timestampMs() < expected.timestampMs() + 60_000,
                "starts in the row's minute");
        double[] x = r.features();
        double[] y = expected.features();
        int compared = 0;
        for (int k = 0; k < FlowFeatures.COUNT; k++) {
            String name = FlowFeatures.ALL.get(k).csvName();
            if (!NOT_AS_IN_V4.contains(name)) {
                assertTrue(CicFlowMeterConformanceTest.close(y[k], x[k]), name + ": SIF " + x[k] + ", CICIDS2017 " + y[k]);
                compared++;
            }
        }
        assertEquals(69, compared);
        // the values the padding decides, spelled out
        assertEquals(2, x[f("Total Length of Fwd Packets")]);
        assertEquals(6, x[f("Total Length of Bwd Packets")]);
        assertEquals(2, x[f("Fwd Packet Length Min")]);
        assertEquals(6, x[f("Bwd Packet Length Min")]);
        assertEquals(8 / 102e-6, x[f("Flow Bytes/s")], 1e-6);
        assertEquals(5.0, x[f("Average Packet Size")]);
    }

    @Test
    void engelenModeCountsThePaddingToo(@TempDir Path dir) throws IOException {
        List<FlowRecord> flows = extract(dir, synAndRstInPaddedFrames(), CicMode.ENGELEN);
        assertEquals(1, flows.size());
        double[] x = flows.get(0).features();
        assertEquals(2, x[f("Total Length of Fwd Packets")]);
        assertEquals(6, x[f("Total Length of Bwd Packets")]);
        assertEquals(8 / 102e-6, x[f("Flow Bytes/s")], 1e-6);
    }
}
