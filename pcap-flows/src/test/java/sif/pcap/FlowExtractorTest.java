package sif.pcap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sif.flows.FlowFeatures;
import sif.flows.FlowRecord;

class FlowExtractorTest {

    private static final int CLIENT = TestCaptures.ip(10, 77, 0, 2);
    private static final int SERVER = TestCaptures.ip(10, 77, 0, 1);
    private static final long T0 = 1_763_784_000_000_000L;

    private static final int SYN = PacketInfo.SYN;
    private static final int ACK = PacketInfo.ACK;
    private static final int FIN = PacketInfo.FIN;
    private static final int PSH = PacketInfo.PSH;
    private static final int RST = PacketInfo.RST;

    private static int f(String csvName) {
        return FlowFeatures.indexOfCsvName(csvName);
    }

    /** A short HTTP exchange that the client closes: 10 packets, 100 µs apart. */
    static List<TestCaptures.Frame> httpConnection(int clientPort, long start) {
        int[][] pkts = { // {fromClient, flags, payload}
            {1, SYN, 0}, {0, SYN | ACK, 0}, {1, ACK, 0}, {1, PSH | ACK, 79}, {0, ACK, 0},
            {0, PSH | ACK, 190}, {1, ACK, 0}, {1, FIN | ACK, 0}, {0, FIN | ACK, 0}, {1, ACK, 0}};
        List<TestCaptures.Frame> out = new ArrayList<>();
        for (int i = 0; i < pkts.length; i++) {
            boolean c = pkts[i][0] == 1;
            byte[] ip = TestCaptures.ipv4Tcp(c ? CLIENT : SERVER, c ? SERVER : CLIENT, c ? clientPort : 80,
                    c ? 80 : clientPort, pkts[i][1], c ? 64240 : 65160, pkts[i][2], i < 2);
            out.add(new TestCaptures.Frame(start + i * 100L, TestCaptures.ethernet(ip)));
        }
        return out;
    }

    private static List<FlowRecord> extract(Path dir, List<TestCaptures.Frame> frames, ExtractorConfig config)
            throws IOException {
        Path file = dir.resolve("t.pcap");
        Files.write(file, TestCaptures.pcap(frames, 1, false, false));
        List<FlowRecord> flows = new ArrayList<>();
        PcapFlows.extract(file, config, flows::add);
        return flows;
    }

    @Test
    void v4EndsTheFlowAtTheBackwardFinAndLeavesTheLastAckAsAnAppendix(@TempDir Path dir) throws IOException {
        List<TestCaptures.Frame> frames = new ArrayList<>(httpConnection(40000, T0));
        List<FlowRecord> flows = extract(dir, frames, ExtractorConfig.defaults(CicMode.V4));
        // the final ACK starts a one-packet flow, which V4 does not write at the end
        assertEquals(1, flows.size());
        FlowRecord r = flows.get(0);
        assertEquals("10.77.0.2-10.77.0.1-40000-80-6", r.flowId());
        assertEquals(T0 / 1000, r.timestampMs());
        double[] x = r.features();
        assertEquals(800, x[f("Flow Duration")]);
        assertEquals(5, x[f("Total Fwd Packets")]);
        assertEquals(4, x[f("Total Backward Packets")]);
        assertEquals(79, x[f("Total Length of Fwd Packets")]);
        assertEquals(190, x[f("Total Length of Bwd Packets")]);
        assertEquals(2, x[f("FIN Flag Count")]);
        assertEquals(0, x[f("Fwd PSH Flags")], "V4 counts PSH only on the first packet");
        assertEquals(0, x[f("Down/Up Ratio")], "V4 divides integers");
        assertEquals(269.0 / 10, x[f("Packet Length Mean")], 1e-12, "V4 counts the first packet twice");
        assertEquals(20 + 20 + 20 + 20 + 40, x[f("Fwd Header Length")]);
        assertEquals(x[f("Fwd Header Length")], x[f("Fwd Header Length.1")]);
        assertEquals(64240, x[f("Init_Win_bytes_forward")]);
        assertEquals(20, x[f("min_seg_size_forward")]);
        assertEquals(100, x[f("Flow IAT Mean")], 1e-9);
        assertEquals(269 / 800e-6, x[f("Flow Bytes/s")], 1e-6);
    }

    @Test
    void engelenKeepsTheWholeConnectionInOneFlow(@TempDir Path dir) throws IOException {
        List<FlowRecord> flows = extract(dir, httpConnection(40000, T0), ExtractorConfig.defaults(CicMode.ENGELEN));
        assertEquals(1, flows.size());
        double[] x = flows.get(0).features();
        assertEquals(900, x[f("Flow Duration")]);
        assertEquals(6, x[f("Total Fwd Packets")]);
        assertEquals(4, x[f("Total Backward Packets")]);
        assertEquals(1, x[f("Fwd PSH Flags")]);
        assertEquals(1, x[f("Bwd PSH Flags")]);
        assertEquals(4.0 / 6, x[f("Down/Up Ratio")], 1e-12);
        assertEquals(65160, x[f("Init_Win_bytes_backward")]);
        assertEquals(26.9, x[f("Packet Length Mean")], 1e-12);
    }

    @Test
    void v4SplitsAServerClosedConnectionIntoAnAppendix(@TempDir Path dir) throws IOException {
        // the server closes first: its FIN ends the flow; client ACK, client FIN and server ACK follow
        List<TestCaptures.Frame> frames = new ArrayList<>(httpConnection(40001, T0).subList(0, 7));
        int[][] tail = {{0, FIN | ACK}, {1, ACK}, {1, FIN | ACK}, {0, ACK}};
        for (int i = 0; i < tail.length; i++) {
            boolean c = tail[i][0] == 1;
            frames.add(new TestCaptures.Frame(T0 + 700 + i * 100L, TestCaptures.ethernet(TestCaptures.ipv4Tcp(
                    c ? CLIENT : SERVER, c ? SERVER : CLIENT, c ? 40001 : 80, c ? 80 : 40001, tail[i][1], 500, 0, false))));
        }
        List<FlowRecord> v4 = extract(dir, frames, ExtractorConfig.defaults(CicMode.V4));
        assertEquals(2, v4.size(), "the connection and its appendix");
        assertEquals(3, v4.get(1).features()[f("Total Fwd Packets")] + v4.get(1).features()[f("Total Backward Packets")]);
        List<FlowRecord> engelen = extract(dir, frames, ExtractorConfig.defaults(CicMode.ENGELEN));
        assertEquals(1, engelen.size());
        assertEquals(11, engelen.get(0).features()[f("Total Fwd Packets")] + engelen.get(0).features()[f("Total Backward Packets")]);
    }

    @Test
    void rstEndsTheFlowInV4AndANewSynStartsTheNextFlowInEngelen(@TempDir Path dir) throws IOException {
        assertEquals(2, extract(dir, twoRefusedConnections(RST | ACK), ExtractorConfig.defaults(CicMode.V4)).size());
        // Engelen's generator tests RST before ACK: an RST, with or without ACK, marks the flow for
        // termination and the next SYN starts a new flow
        for (int rst : new int[] {RST, RST | ACK}) {
            List<FlowRecord> engelen = extract(dir, twoRefusedConnections(rst), ExtractorConfig.defaults(CicMode.ENGELEN));
            assertEquals(2, engelen.size());
            assertEquals(T0 / 1000, engelen.get(0).timestampMs());
            assertEquals((T0 + 1000) / 1000, engelen.get(1).timestampMs());
        }
    }

    private static List<TestCaptures.Frame> twoRefusedConnections(int resetFlags) {
        List<TestCaptures.Frame> frames = new ArrayList<>();
        for (int k = 0; k < 2; k++) { // the same 5-tuple twice: SYN, then a reset from the server
            long t = T0 + k * 1000;
            frames.add(new TestCaptures.Frame(t, TestCaptures.ethernet(TestCaptures.ipv4Tcp(CLIENT, SERVER, 40002, 22, SYN, 1024, 0, false))));
            frames.add(new TestCaptures.Frame(t + 50, TestCaptures.ethernet(TestCaptures.ipv4Tcp(SERVER, CLIENT, 22, 40002, resetFlags, 0, 0, false))));
        }
        return frames;
    }

    @Test
    void flowTimeoutEndsFlowsAsPacketTimeAdvancesWithBoundedMemory() {
        List<FlowRecord> out = new ArrayList<>();
        ExtractorConfig cfg = ExtractorConfig.defaults(CicMode.ENGELEN).withTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(5));
        FlowExtractor x = new FlowExtractor(cfg, out::add);
        PacketInfo p = new PacketInfo();
        p.ipVersion = 4;
        p.protocol = 17;
        p.headerBytes = 8;
        p.payloadBytes = 10;
        for (int i = 0; i < 1000; i++) { // one new UDP flow per 100 ms for 100 s
            p.srcLo = TestCaptures.ip(10, 1, i / 256, i % 256) & 0xffffffffL;
            p.dstLo = SERVER;
            p.srcPort = 1000 + i;
            p.dstPort = 53;
            p.timestampMicros = T0 + i * 100_000L;
            x.accept(p);
            assertTrue(x.openFlows() <= 111, "open flows stay within the timeout window: " + x.openFlows());
        }
        assertTrue(out.size() >= 880, "flows ended by timeout while reading: " + out.size());
        x.finish();
        assertEquals(1000, out.size());
    }

    @Test
    void udpFlowTimesOutIntoTwoFlowsAndActiveIdleIsMeasured(@TempDir Path dir) throws IOException {
        List<TestCaptures.Frame> frames = new ArrayList<>();
        long[] times = {0, 1_000_000, 8_000_000, 9_000_000, 130_000_000, 131_000_000};
        for (int i = 0; i < times.length; i++) {
            boolean c = i % 2 == 0;
            frames.add(new TestCaptures.Frame(T0 + times[i], TestCaptures.ethernet(TestCaptures.ipv4Udp(
                    c ? CLIENT : SERVER, c ? SERVER : CLIENT, c ? 5353 : 53, c ? 53 : 5353, 20))));
        }
        for (CicMode mode : CicMode.values()) {
            List<FlowRecord> flows = extract(dir, frames, ExtractorConfig.defaults(mode));
            assertEquals(2, flows.size(), mode.name());
            double[] first = flows.get(0).features();
            assertEquals(4, first[f("Total Fwd Packets")] + first[f("Total Backward Packets")]);
            assertEquals(7_000_000, first[f("Idle Mean")], 1e-9, "one idle gap of 7 s > 5 s activity timeout");
            assertEquals(1_000_000, first[f("Active Mean")], 1e-9);
            // one gap longer than 1 s (the 7 s one) counts one subflow: 2 forward packets / 1
            assertEquals(2, first[f("Subflow Fwd Packets")], 1e-12);
        }
    }

    private static final int A = TestCaptures.ip(10, 0, 0, 1);
    private static final int B = TestCaptures.ip(10, 0, 0, 2);

    private static TestCaptures.Frame udp(long micros, int src, int dst, int sport, int dport) {
        return new TestCaptures.Frame(micros, TestCaptures.ethernet(TestCaptures.ipv4Udp(src, dst, sport, dport, 10)));
    }

    private static TestCaptures.Frame tcp(long micros, int src, int dst, int sport, int dport, int flags, int payload) {
        return new TestCaptures.Frame(micros, TestCaptures.ethernet(TestCaptures.ipv4Tcp(src, dst, sport, dport, flags,
                1000, payload, false)));
    }

    /** {@code frames} with one packet between two other hosts at T0 + 120 s, just before the timeout shows. */
    private static List<TestCaptures.Frame> withUnrelatedPacket(List<TestCaptures.Frame> frames) {
        List<TestCaptures.Frame> busy = new ArrayList<>(frames);
        busy.add(2, udp(T0 + 120_000_000L, TestCaptures.ip(10, 0, 0, 3), TestCaptures.ip(10, 0, 0, 4), 5, 6));
        return busy;
    }

    private static FlowRecord startingAt(List<FlowRecord> flows, long micros) {
        return flows.stream().filter(r -> r.timestampMs() == micros / 1000 && !r.srcIp().equals("10.0.0.3"))
                .findFirst().orElseThrow(() -> new AssertionError("no flow starting at " + micros + " in " + flows));
    }

    @Test
    void afterATimeoutV4ContinuesInTheOldDirectionWhateverOtherTrafficThereIs(@TempDir Path dir) throws IOException {
        // A->B, B->A; after the 120 s timeout B->A first, then A->B
        List<TestCaptures.Frame> quiet = List.of(udp(T0, A, B, 1000, 53), udp(T0 + 100_000, B, A, 53, 1000),
                udp(T0 + 120_500_000L, B, A, 53, 1000), udp(T0 + 120_600_000L, A, B, 1000, 53));
        for (List<TestCaptures.Frame> frames : List.of(quiet, withUnrelatedPacket(quiet))) {
            List<FlowRecord> flows = extract(dir, frames, ExtractorConfig.defaults(CicMode.V4));
            assertEquals(2, flows.size(), "the timed-out flow and its continuation (V4 drops the one-packet flow)");
            FlowRecord first = flows.get(0);
            assertEquals("10.0.0.1-10.0.0.2-1000-53-17", first.flowId());
            assertEquals(1, first.features()[f("Total Fwd Packets")]);
            assertEquals(1, first.features()[f("Total Backward Packets")]);
            // CICFlowMeter: new BasicFlow(packet, flow.getSrc(), flow.getDst(), ...): the first packet counted
            // forward, then the old flow's direction, in which the A->B packet is forward too
            FlowRecord next = startingAt(flows, T0 + 120_500_000L);
            assertEquals("10.0.0.1-10.0.0.2-1000-53-17", next.flowId());
            assertEquals(2, next.features()[f("Total Fwd Packets")]);
            assertEquals(0, next.features()[f("Total Backward Packets")]);
            assertEquals(20, next.features()[f("Total Length of Fwd Packets")]);
            assertEquals(100_000, next.features()[f("Flow Duration")]);
        }
    }

    @Test
    void afterATimeoutEngelenContinuesATcpConnectionInTheOldDirectionWhateverOtherTrafficThereIs(@TempDir Path dir)
            throws IOException {
        List<TestCaptures.Frame> quiet = List.of(tcp(T0, A, B, 1000, 80, SYN, 0), tcp(T0 + 100, B, A, 80, 1000, SYN | ACK, 0),
                tcp(T0 + 120_500_000L, B, A, 80, 1000, PSH | ACK, 10), tcp(T0 + 120_600_000L, A, B, 1000, 80, ACK, 0));
        for (List<TestCaptures.Frame> frames : List.of(quiet, withUnrelatedPacket(quiet))) {
            List<FlowRecord> flows = extract(dir, frames, ExtractorConfig.defaults(CicMode.ENGELEN));
            // Engelen's generator fixes the old direction before the first packet is classified
            FlowRecord next = startingAt(flows, T0 + 120_500_000L);
            assertEquals("10.0.0.1-10.0.0.2-1000-80-6", next.flowId());
            assertEquals(1, next.features()[f("Total Fwd Packets")]);
            assertEquals(1, next.features()[f("Total Backward Packets")]);
            assertEquals(10, next.features()[f("Total Length of Bwd Packets")]);
        }
    }

    @Test
    void aNewConnectionAfterATimedOutFinishedOneTakesItsOwnDirectionInEngelenMode(@TempDir Path dir) throws IOException {
        // a bare RST ends the teardown; B's SYN without ACK 130 s later is a new connection, not a continuation
        List<TestCaptures.Frame> frames = List.of(tcp(T0, A, B, 1000, 80, SYN, 0), tcp(T0 + 100, B, A, 80, 1000, RST, 0),
                tcp(T0 + 130_000_000L, B, A, 80, 1000, SYN, 0));
        List<FlowRecord> flows = extract(dir, frames, ExtractorConfig.defaults(CicMode.ENGELEN));
        assertEquals("10.0.0.2-10.0.0.1-80-1000-6", startingAt(flows, T0 + 130_000_000L).flowId());
    }

    /** An IPv4 packet of {@code protocol} from {@code src}:{@code srcPort} to {@code dst}:{@code dstPort}. */
    private static PacketInfo ipv4(int protocol, int src, int dst, int srcPort, int dstPort) {
        PacketInfo p = new PacketInfo();
        p.ipVersion = 4;
        p.protocol = protocol;
        p.srcLo = src;
        p.dstLo = dst;
        p.srcPort = srcPort;
        p.dstPort = dstPort;
        return p;
    }

    /**
     * A fast SYN scan behind one long UDP flow: each probe's flow ends at once (RST), but the UDP flow at
     * the head of the start-order queue ends only by timeout, and the ended flows behind it must not pile
     * up until then (before, 100,000 probes kept 100,001 flows queued).
     */
    @Test
    void flowsEndedBehindALongOpenFlowDoNotPileUp() {
        List<FlowRecord> out = new ArrayList<>();
        FlowExtractor x = new FlowExtractor(ExtractorConfig.defaults(CicMode.V4), out::add);
        PacketInfo p = ipv4(17, CLIENT, SERVER, 5353, 53);
        p.timestampMicros = T0;
        x.accept(p);
        int maxQueued = 0;
        for (int i = 0; i < 100_000; i++) { // 10,000 probes a second for 10 s
            long t = T0 + 1 + i * 100L;
            int probePort = 10_000 + i % 50_000;
            int scanned = 1 + i / 50_000;
            PacketInfo syn = ipv4(6, CLIENT, SERVER, probePort, scanned);
            syn.flags = SYN;
            syn.timestampMicros = t;
            x.accept(syn);
            PacketInfo rst = ipv4(6, SERVER, CLIENT, scanned, probePort);
            rst.flags = RST | ACK;
            rst.timestampMicros = t + 10;
            x.accept(rst);
            maxQueued = Math.max(maxQueued, x.queuedFlows());
        }
        assertEquals(1, x.openFlows(), "only the UDP flow is open");
        assertEquals(100_000, out.size(), "every probe's flow ended by its RST");
        assertTrue(maxQueued <= FlowExtractor.COMPACT_AFTER + 10, "queued at most: " + maxQueued);
    }

    @Test
    void theOpenFlowCapEndsTheOldestFlowsEarly() {
        List<FlowRecord> out = new ArrayList<>();
        FlowExtractor x = new FlowExtractor(ExtractorConfig.defaults(CicMode.ENGELEN).withMaxOpenFlows(10), out::add);
        PacketInfo p = new PacketInfo();
        p.ipVersion = 4;
        p.protocol = 17;
        p.dstLo = SERVER;
        p.dstPort = 53;
        for (int i = 0; i < 25; i++) {
            p.srcLo = CLIENT;
            p.srcPort = 1000 + i;
            p.timestampMicros = T0 + i;
            x.accept(p);
            assertTrue(x.openFlows() <= 10);
        }
        assertEquals(15, x.evicted());
        assertEquals(15, out.size());
        assertEquals(1000, out.get(0).srcPort(), "oldest first");
        x.finish();
        assertEquals(25, out.size());
    }

    @Test
    void snapshotsOfLongFlowsAreEmittedWhenAsked() {
        List<FlowRecord> ended = new ArrayList<>();
        List<FlowRecord> snaps = new ArrayList<>();
        ExtractorConfig cfg = ExtractorConfig.defaults(CicMode.V4).withSnapshotInterval(Duration.ofSeconds(10));
        FlowExtractor x = new FlowExtractor(cfg, ended::add, snaps::add);
        PacketInfo p = ipv4(17, CLIENT, SERVER, 1, 2);
        for (int s = 0; s <= 60; s++) {
            p.timestampMicros = T0 + s * 1_000_000L;
            x.accept(p);
        }
        x.finish();
        assertEquals(6, snaps.size());
        assertEquals(1, ended.size());
        assertEquals(61, ended.get(0).features()[f("Total Fwd Packets")]);
        assertEquals(11, snaps.get(0).features()[f("Total Fwd Packets")]);
        assertThrows(IllegalArgumentException.class, () -> new FlowExtractor(cfg, ended::add));
    }

    @Test
    void truncatedCaptureEmitsTheFlowsReadSoFarThenReportsTheOffset(@TempDir Path dir) throws IOException {
        List<TestCaptures.Frame> frames = new ArrayList<>(httpConnection(40000, T0));
        frames.addAll(httpConnection(40010, T0 + 5000));
        byte[] file = TestCaptures.pcap(frames, 1, false, false);
        Path cut = dir.resolve("cut.pcap");
        Files.write(cut, Arrays.copyOf(file, file.length - 5));
        List<FlowRecord> flows = new ArrayList<>();
        CaptureFormatException e = assertThrows(CaptureFormatException.class,
                () -> PcapFlows.extract(cut, ExtractorConfig.defaults(CicMode.ENGELEN), flows::add));
        assertEquals(2, flows.size(), "both connections, the second without its last packet");
        assertTrue(e.offset() > 24 && e.offset() < file.length);
        assertTrue(e.getMessage().contains("cut.pcap"));
    }
}
