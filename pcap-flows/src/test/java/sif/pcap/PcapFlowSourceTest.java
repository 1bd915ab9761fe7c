package sif.pcap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sif.flows.FlowRecord;

class PcapFlowSourceTest {

    private static final long T0 = 1_763_784_000_000_000L;

    private static List<FlowRecord> drain(PcapFlowSource s) {
        List<FlowRecord> out = new ArrayList<>();
        s.forEachRemaining(out::add);
        return out;
    }

    @Test
    void readsEveryCaptureOfADirectoryInNameOrder(@TempDir Path dir) throws IOException {
        Files.write(dir.resolve("b.pcap"), TestCaptures.pcap(FlowExtractorTest.httpConnection(40001, T0 + 10_000), 1, false, false));
        Files.write(dir.resolve("a.pcap"), TestCaptures.pcap(FlowExtractorTest.httpConnection(40000, T0), 1, false, false));
        Files.writeString(dir.resolve("notes.txt"), "ignored");
        try (PcapFlowSource s = PcapFlowSource.open(dir, ExtractorConfig.defaults(CicMode.ENGELEN),
                PcapFlowSource.Pacing.FAST, 1)) {
            List<FlowRecord> flows = drain(s);
            assertEquals(2, flows.size());
            assertEquals(40000, flows.get(0).srcPort());
            assertEquals("a.pcap", flows.get(0).sourceFile());
            assertEquals("b.pcap", flows.get(1).sourceFile());
            assertEquals(20, s.packets());
        }
    }

    /**
     * tcpdump's rotated files ({@code -C}: trace.pcap, trace.pcap1, …, trace.pcap10) are all read, in the
     * order of their first packet — name order would put pcap10 before pcap2, and a flow table seeing time
     * run backwards gave negative durations.
     */
    @Test
    void rotatedCapturesAreAllReadInCaptureOrder(@TempDir Path dir) throws IOException {
        List<String> names = List.of("trace.pcap", "trace.pcap1", "trace.pcap2", "trace.pcap10");
        for (int i = 0; i < names.size(); i++) {
            Files.write(dir.resolve(names.get(i)), TestCaptures.pcap(
                    FlowExtractorTest.httpConnection(40000 + i, T0 + i * 10_000_000L), 1, false, false));
        }
        Files.write(dir.resolve("cap-empty.pcap"), TestCaptures.pcap(List.of(), 1, false, false));
        assertEquals(List.of("trace.pcap", "trace.pcap1", "trace.pcap2", "trace.pcap10", "cap-empty.pcap"),
                PcapFlowSource.captureFiles(dir).stream().map(p -> p.getFileName().toString()).toList());
        try (PcapFlowSource s = PcapFlowSource.open(dir, ExtractorConfig.defaults(CicMode.V4),
                PcapFlowSource.Pacing.FAST, 1)) {
            List<FlowRecord> flows = drain(s);
            assertEquals(List.of(40000, 40001, 40002, 40003), flows.stream().map(FlowRecord::srcPort).toList());
        }
    }

    @Test
    void packetTimePacingHoldsFlowsBackByCaptureTime(@TempDir Path dir) throws IOException {
        List<TestCaptures.Frame> frames = new ArrayList<>(FlowExtractorTest.httpConnection(40000, T0));
        frames.addAll(FlowExtractorTest.httpConnection(40001, T0 + 400_000)); // 0.4 s later
        Path f = dir.resolve("paced.pcap");
        Files.write(f, TestCaptures.pcap(frames, 1, false, false));
        try (PcapFlowSource s = PcapFlowSource.open(f, ExtractorConfig.defaults(CicMode.V4),
                PcapFlowSource.Pacing.PACKET_TIME, 2.0)) {
            long start = System.nanoTime();
            assertTrue(s.hasNext());
            s.next();
            s.next();
            long elapsedMs = (System.nanoTime() - start) / 1_000_000;
            // the second flow ended 0.4009 s of packet time after the first packet: 0.2 s at speed 2
            assertTrue(elapsedMs >= 195, "paced by packet time, took " + elapsedMs + " ms");
            assertFalse(s.hasNext());
        }
    }

    @Test
    void aTruncatedCaptureYieldsItsFlowsThenTheError(@TempDir Path dir) throws IOException {
        List<TestCaptures.Frame> frames = new ArrayList<>(FlowExtractorTest.httpConnection(40000, T0));
        frames.addAll(FlowExtractorTest.httpConnection(40001, T0 + 5000));
        byte[] file = TestCaptures.pcap(frames, 1, false, false);
        Path f = dir.resolve("cut.pcap");
        Files.write(f, Arrays.copyOf(file, file.length - 7));
        try (PcapFlowSource s = PcapFlowSource.open(f, ExtractorConfig.defaults(CicMode.ENGELEN),
                PcapFlowSource.Pacing.FAST, 1)) {
            assertTrue(s.hasNext());
            s.next();
            assertTrue(s.hasNext());
            s.next();
            UncheckedIOException e = assertThrows(UncheckedIOException.class, s::hasNext);
            assertInstanceOf(CaptureFormatException.class, e.getCause());
        }
    }

    @Test
    void countsThePacketsReadAndTheSkippedOnesByReason(@TempDir Path dir) throws IOException {
        List<TestCaptures.Frame> frames = new ArrayList<>(FlowExtractorTest.httpConnection(40000, T0));
        frames.add(new TestCaptures.Frame(T0 + 5000, TestCaptures.ethernet(new byte[28], 0x0806, false))); // ARP
        Path f = dir.resolve("arp.pcap");
        Files.write(f, TestCaptures.pcap(frames, 1, false, false));
        try (PcapFlowSource s = PcapFlowSource.open(f, ExtractorConfig.defaults(CicMode.ENGELEN),
                PcapFlowSource.Pacing.FAST, 1)) {
            assertEquals(1, drain(s).size());
            assertEquals(11, s.packets());
            assertEquals(10, s.counts().decoded());
            assertEquals(1, s.counts().skipped(PacketDecoder.Skip.NOT_IP));
        }
    }

    @Test
    void inputWithoutOnePacketToDecodeFailsWithTheReasons(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("loop.pcap");
        Files.write(f, TestCaptures.pcap(TestCaptures.loopFrames(T0, 3), 108, false, false));
        try (PcapFlowSource s = PcapFlowSource.open(f, ExtractorConfig.defaults(CicMode.V4),
                PcapFlowSource.Pacing.FAST, 1)) {
            UncheckedIOException e = assertThrows(UncheckedIOException.class, s::hasNext);
            UndecodableCaptureException u = assertInstanceOf(UndecodableCaptureException.class, e.getCause());
            assertEquals(f + ": none of the 3 packets could be decoded (3 on unsupported link type 108)", u.getMessage());
            assertEquals(3, u.counts().skipped(PacketDecoder.Skip.UNSUPPORTED_LINK_TYPE));
            assertFalse(s.hasNext(), "the failure is reported once");
        }
    }

    @Test
    void missingInputIsAClearError(@TempDir Path dir) {
        IOException e = assertThrows(IOException.class, () -> PcapFlowSource.open(dir.resolve("nope.pcap"),
                ExtractorConfig.defaults(CicMode.V4), PcapFlowSource.Pacing.FAST, 1));
        assertTrue(e.getMessage().contains("nope.pcap"));
    }
}
