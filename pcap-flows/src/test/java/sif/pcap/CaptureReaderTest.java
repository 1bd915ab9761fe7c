package sif.pcap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class CaptureReaderTest {

    private static final byte[] F1 = TestCaptures.ethernet(TestCaptures.ipv4Udp(1, 2, 3, 4, 5));
    private static final byte[] F2 = TestCaptures.ethernet(TestCaptures.ipv4Udp(1, 2, 3, 4, 7));

    private static CaptureReader reader(byte[] file) throws IOException {
        return CaptureReader.open(new ByteArrayInputStream(file), "test");
    }

    @ParameterizedTest
    @CsvSource({"false,false", "true,false", "false,true", "true,true"})
    void readsClassicPcapInBothByteOrdersAndResolutions(boolean bigEndian, boolean nanos) throws IOException {
        byte[] file = TestCaptures.pcap(List.of(new TestCaptures.Frame(1_700_000_000_123_456L, F1),
                new TestCaptures.Frame(1_700_000_001_000_001L, F2)), 1, bigEndian, nanos);
        try (CaptureReader r = reader(file)) {
            RawPacket p = new RawPacket();
            assertTrue(r.next(p));
            assertEquals(1_700_000_000_123_456L, p.timestampMicros);
            assertEquals(1, p.linkType);
            assertArrayEquals(F1, Arrays.copyOfRange(p.data, p.offset, p.offset + p.length));
            assertEquals(24, p.fileOffset);
            assertTrue(r.next(p));
            assertEquals(1_700_000_001_000_001L, p.timestampMicros);
            assertEquals(F2.length, p.length);
            assertFalse(r.next(p));
        }
    }

    @ParameterizedTest
    @CsvSource({"false", "true"})
    void readsPcapngWithSeveralInterfacesAndResolutions(boolean bigEndian) throws IOException {
        byte[] raw = TestCaptures.ipv4Udp(1, 2, 3, 4, 1);
        byte[] file = new TestCaptures.Pcapng(bigEndian)
                .iface(1, 6)
                .iface(101, 9)
                .epb(0, 1_700_000_000_000_001L, F1)
                .epb(1, 1_700_000_000_000_002L, raw)
                .spb(F2)
                .bytes();
        try (CaptureReader r = reader(file)) {
            assertTrue(r.isPcapng());
            RawPacket p = new RawPacket();
            assertTrue(r.next(p));
            assertEquals(1, p.linkType);
            assertEquals(1_700_000_000_000_001L, p.timestampMicros);
            assertArrayEquals(F1, Arrays.copyOfRange(p.data, p.offset, p.offset + p.length));
            assertTrue(r.next(p));
            assertEquals(101, p.linkType);
            assertEquals(1_700_000_000_000_002L, p.timestampMicros);
            assertArrayEquals(raw, Arrays.copyOfRange(p.data, p.offset, p.offset + p.length));
            assertTrue(r.next(p));
            assertEquals(1, p.linkType);
            assertEquals(1_700_000_000_000_002L, p.timestampMicros, "a simple packet block keeps the last time");
            assertArrayEquals(F2, Arrays.copyOfRange(p.data, p.offset, p.offset + p.length));
            assertFalse(r.next(p));
        }
    }

    @Test
    void aDeclaredFcsLengthIsReadAndTheLinkTypeKeptApart() throws IOException {
        // classic pcap: FCS length 2 (16-bit words) and the P bit above LINKTYPE_ETHERNET
        byte[] pcap = TestCaptures.pcap(List.of(new TestCaptures.Frame(1_000_000L, F1)),
                0x2000_0000 | 0x0400_0000 | 1, false, false);
        try (CaptureReader r = reader(pcap)) {
            RawPacket p = new RawPacket();
            assertTrue(r.next(p));
            assertEquals(1, p.linkType);
            assertEquals(4, p.fcsBytes);
        }
        // pcapng: if_fcslen in bits on the second interface only
        byte[] ng = new TestCaptures.Pcapng(false).iface(1, 6).ifaceWithFcs(1, 32).epb(0, 5, F1).epb(1, 6, F2).bytes();
        try (CaptureReader r = reader(ng)) {
            RawPacket p = new RawPacket();
            assertTrue(r.next(p));
            assertEquals(0, p.fcsBytes);
            assertTrue(r.next(p));
            assertEquals(4, p.fcsBytes);
            assertEquals(1, p.linkType);
        }
    }

    @Test
    void truncatedPacketGivesTheRecordOffsetAfterTheGoodPackets() throws IOException {
        byte[] file = TestCaptures.pcap(List.of(new TestCaptures.Frame(1_000_000L, F1),
                new TestCaptures.Frame(2_000_000L, F2)), 1, false, false);
        byte[] cut = Arrays.copyOf(file, file.length - 3);
        try (CaptureReader r = reader(cut)) {
            RawPacket p = new RawPacket();
            assertTrue(r.next(p));
            CaptureFormatException e = assertThrows(CaptureFormatException.class, () -> r.next(p));
            assertEquals(24 + 16 + F1.length, e.offset());
            assertTrue(e.getMessage().contains("truncated"), e.getMessage());
            assertTrue(e.getMessage().contains("offset " + (24 + 16 + F1.length)), e.getMessage());
        }
    }

    @Test
    void corruptRecordLengthIsReported() throws IOException {
        byte[] file = TestCaptures.pcap(List.of(new TestCaptures.Frame(1_000_000L, F1)), 1, false, false);
        file[24 + 8] = (byte) 0xff;
        file[24 + 11] = (byte) 0x7f; // captured length ~2 GB
        try (CaptureReader r = reader(file)) {
            CaptureFormatException e = assertThrows(CaptureFormatException.class, () -> r.next(new RawPacket()));
            assertEquals(24, e.offset());
        }
    }

    @Test
    void truncatedPcapngBlockIsReported() throws IOException {
        byte[] file = new TestCaptures.Pcapng(false).iface(1, 6).epb(0, 5, F1).epb(0, 6, F2).bytes();
        byte[] cut = Arrays.copyOf(file, file.length - 10);
        try (CaptureReader r = reader(cut)) {
            RawPacket p = new RawPacket();
            assertTrue(r.next(p));
            CaptureFormatException e = assertThrows(CaptureFormatException.class, () -> r.next(p));
            int secondEpb = 28 + 32 + 32 + ((F1.length + 3) & ~3);
            assertEquals(secondEpb, e.offset());
        }
    }

    @Test
    void unknownMagicIsRejected() {
        CaptureFormatException e = assertThrows(CaptureFormatException.class,
                () -> reader("hello, not a capture".getBytes()));
        assertEquals(0, e.offset());
        assertTrue(e.getMessage().contains("magic"));
    }
}
