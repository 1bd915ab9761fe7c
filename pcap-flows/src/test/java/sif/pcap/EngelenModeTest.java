package sif.pcap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sif.flows.FlowFeatures;
import sif.flows.FlowRecord;

/**
 * What Engelen et al.'s corrected CICFlowMeter (the generator with ICMP, retransmission and "Total
 * Connection Flow Time" columns, as in the lab reference CSV) does that the lab reference capture
 * cannot show — it holds TCP only, no flow starting with a SYN-ACK and no bulk transfer.
 */
class EngelenModeTest {

    static final int A = TestCaptures.ip(10, 0, 0, 1);
    static final int B = TestCaptures.ip(10, 0, 0, 2);
    static final long T0 = 1_763_784_000_000_000L;

    static int f(String name) {
        return FlowFeatures.indexOfCsvName(name);
    }

    static TestCaptures.Frame tcp(long t, int s, int d, int sp, int dp, int flags, int payload) {
        return new TestCaptures.Frame(t, TestCaptures.ethernet(TestCaptures.ipv4Tcp(s, d, sp, dp, flags, 1000, payload,
                false)));
    }

    static TestCaptures.Frame udp(long t, int s, int d, int sp, int dp) {
        return new TestCaptures.Frame(t, TestCaptures.ethernet(TestCaptures.ipv4Udp(s, d, sp, dp, 10)));
    }

    static List<FlowRecord> extract(Path dir, List<TestCaptures.Frame> frames, CicMode mode) throws IOException {
        Path file = dir.resolve("t.pcap");
        Files.write(file, TestCaptures.pcap(frames, 1, false, false));
        List<FlowRecord> flows = new ArrayList<>();
        PcapFlows.extract(file, ExtractorConfig.defaults(mode), flows::add);
        return flows;
    }

    /** Two forward bulks, 4 × 100 B and (over a second later) 5 × 101 B: Engelen's averages are decimals, V4's whole. */
    @Test
    void bulkAveragesAreDecimalsInEngelenAndWholeInV4(@TempDir Path dir) throws IOException {
        List<TestCaptures.Frame> frames = new ArrayList<>();
        frames.add(tcp(T0, A, B, 1000, 80, PacketInfo.ACK, 0));
        for (int i = 0; i < 4; i++) {
            frames.add(tcp(T0 + 10 + i * 10, A, B, 1000, 80, PacketInfo.ACK, 100));
        }
        for (int i = 0; i < 5; i++) {
            frames.add(tcp(T0 + 2_000_000 + i * 10, A, B, 1000, 80, PacketInfo.ACK, 101));
        }
        double[] engelen = extract(dir, frames, CicMode.ENGELEN).get(0).features();
        assertEquals(905.0 / 2, engelen[f("Fwd Avg Bytes/Bulk")], 1e-9);
        assertEquals(9.0 / 2, engelen[f("Fwd Avg Packets/Bulk")], 1e-9);
        // 905 B over the bulks' 30 µs + 40 µs
        assertEquals(905 / 70e-6, engelen[f("Fwd Avg Bulk Rate")], 1e-3);
        // V4 counts every payload in the backward bulk (a quirk kept on purpose), in whole numbers
        double[] v4 = extract(dir, frames, CicMode.V4).get(0).features();
        assertEquals(0, v4[f("Fwd Avg Bytes/Bulk")]);
        assertEquals(452, v4[f("Bwd Avg Bytes/Bulk")]);
        assertEquals(4, v4[f("Bwd Avg Packets/Bulk")]);
        assertEquals(Math.floor(905 / 70e-6), v4[f("Bwd Avg Bulk Rate")]);
    }

    /** An ICMP message whose type and code both differ from the flow's first (echo, then port unreachable). */
    @Test
    void anIcmpMessageOfAnotherTypeAndCodeStartsANewFlow(@TempDir Path dir) throws IOException {
        List<TestCaptures.Frame> frames = List.of(
                new TestCaptures.Frame(T0, TestCaptures.ethernet(TestCaptures.ipv4Icmp(A, B, 8, 0, 56))),
                new TestCaptures.Frame(T0 + 100, TestCaptures.ethernet(TestCaptures.ipv4Icmp(A, B, 8, 0, 56))),
                new TestCaptures.Frame(T0 + 200, TestCaptures.ethernet(TestCaptures.ipv4Icmp(B, A, 3, 3, 56))),
                // same type, other code: not a new flow
                new TestCaptures.Frame(T0 + 300, TestCaptures.ethernet(TestCaptures.ipv4Icmp(B, A, 3, 1, 56))));
        List<FlowRecord> flows = extract(dir, frames, CicMode.ENGELEN);
        assertEquals(2, flows.size());
        assertEquals(2, flows.get(0).features()[f("Total Fwd Packets")]);
        assertEquals("10.0.0.2-10.0.0.1-0-0-1", flows.get(1).flowId());
        assertEquals(2, flows.get(1).features()[f("Total Fwd Packets")]);
        assertEquals(1, extract(dir, frames, CicMode.V4).size());
    }

    /** A flow seen first by its SYN-ACK (the SYN was missed) is the client's: the SYN-ACK counts backward. */
    @Test
    void aFlowSeenFirstByItsSynAckIsOrientedFromTheClient(@TempDir Path dir) throws IOException {
        List<TestCaptures.Frame> frames = List.of(tcp(T0, B, A, 80, 1000, PacketInfo.SYN | PacketInfo.ACK, 0),
                tcp(T0 + 100, A, B, 1000, 80, PacketInfo.ACK, 0));
        FlowRecord engelen = extract(dir, frames, CicMode.ENGELEN).get(0);
        assertEquals("10.0.0.1-10.0.0.2-1000-80-6", engelen.flowId());
        assertEquals(1, engelen.features()[f("Total Backward Packets")]);
        assertEquals("10.0.0.2-10.0.0.1-80-1000-6", extract(dir, frames, CicMode.V4).get(0).flowId());
    }

    /**
     * A UDP flow cut by the flow timeout (120 s) continues in its old direction while the "dialogue" goes on
     * (the next packet within a flow timeout of the last), and starts afresh in the packet's own after a longer gap.
     */
    @Test
    void aTimedOutUdpDialogueKeepsItsDirectionUntilAGapLongerThanTheFlowTimeout(@TempDir Path dir)
            throws IOException {
        List<TestCaptures.Frame> frames = List.of(
                udp(T0, A, B, 1000, 53),
                udp(T0 + 100_000_000L, B, A, 53, 1000),
                udp(T0 + 121_000_000L, B, A, 53, 1000),
                udp(T0 + 400_000_000L, B, A, 53, 1000));
        List<FlowRecord> flows = extract(dir, frames, CicMode.ENGELEN);
        assertEquals(List.of("10.0.0.1-10.0.0.2-1000-53-17", "10.0.0.1-10.0.0.2-1000-53-17",
                "10.0.0.2-10.0.0.1-53-1000-17"), flows.stream().map(FlowRecord::flowId).toList());
    }
}
