package sif.pcap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PacketDecoderTest {

    private static final int A = TestCaptures.ip(10, 0, 0, 1);
    private static final int B = TestCaptures.ip(10, 0, 0, 2);

    private static PacketInfo decode(byte[] frame, int linkType, boolean ipv6) {
        return decode(frame, frame.length, 0, linkType, ipv6);
    }

    /** Decodes the first {@code captured} bytes of {@code frame}, {@code originalLength} long on the wire (0: unknown). */
    private static PacketInfo decode(byte[] frame, int captured, int originalLength, int linkType, boolean ipv6) {
        RawPacket raw = new RawPacket();
        raw.data = frame;
        raw.offset = 0;
        raw.length = captured;
        raw.originalLength = originalLength;
        raw.linkType = linkType;
        raw.timestampMicros = 42;
        PacketInfo info = new PacketInfo();
        assertTrue(new PacketDecoder(ipv6).decode(raw, info), "decoded");
        return info;
    }

    private static void assertTcp(PacketInfo p) {
        assertEquals(4, p.ipVersion);
        assertEquals(A & 0xffffffffL, p.srcLo);
        assertEquals(B & 0xffffffffL, p.dstLo);
        assertEquals(40000, p.srcPort);
        assertEquals(80, p.dstPort);
        assertEquals(6, p.protocol);
        assertTrue(p.has(PacketInfo.SYN) && p.has(PacketInfo.ACK) && !p.has(PacketInfo.FIN));
        assertEquals(29200, p.window);
        assertEquals(40, p.headerBytes);
        assertEquals(10, p.payloadBytes);
        assertEquals(42, p.timestampMicros);
    }

    @Test
    void ethernetVlanSllSll2AndRawIpCarryTheSameTcpPacket() {
        byte[] ip = TestCaptures.ipv4Tcp(A, B, 40000, 80, PacketInfo.SYN | PacketInfo.ACK, 29200, 10, true);
        assertTcp(decode(TestCaptures.ethernet(ip), 1, false));
        assertTcp(decode(TestCaptures.ethernet(ip, 0x0800, true), 1, false));
        assertTcp(decode(TestCaptures.sll(ip), 113, false));
        assertTcp(decode(TestCaptures.sll2(ip), 276, false));
        assertTcp(decode(ip, 101, false));
        assertTcp(decode(ip, 228, false));
    }

    @Test
    void ethernetPaddingCountsAsPayloadAsInCicFlowMeter() {
        // a 40-byte RST/ACK and a 44-byte SYN with MSS, each in a 60-byte frame (CICIDS2017 PortScan: 6 and 2)
        byte[] rst = TestCaptures.ethernet(TestCaptures.ipv4Tcp(A, B, 443, 54987, PacketInfo.RST | PacketInfo.ACK, 0, 0, 20));
        byte[] syn = TestCaptures.ethernet(TestCaptures.ipv4Tcp(B, A, 54987, 443, PacketInfo.SYN, 1024, 0, 24));
        assertEquals(0, decode(rst, 1, false).payloadBytes, "unpadded");
        assertEquals(6, decode(TestCaptures.padded(rst, 60), 1, false).payloadBytes);
        PacketInfo s = decode(TestCaptures.padded(syn, 60), 1, false);
        assertEquals(2, s.payloadBytes);
        assertEquals(24, s.headerBytes);
        // 802.1Q-tagged frames are padded to 64 bytes
        assertEquals(6, decode(TestCaptures.padded(TestCaptures.ethernet(TestCaptures.ipv4Tcp(A, B, 1, 2,
                PacketInfo.ACK, 0, 0, 20), 0x0800, true), 64), 1, false).payloadBytes);
        // UDP too: 10 bytes of data in a 52-byte frame padded to 60 count as 18
        assertEquals(18, decode(TestCaptures.padded(TestCaptures.ethernet(TestCaptures.ipv4Udp(A, B, 1, 2, 10)), 60),
                1, false).payloadBytes);
    }

    @Test
    void aDeclaredFcsIsNotPayloadAndASnapLengthCutDoesNotShrinkIt() {
        byte[] rst = TestCaptures.padded(TestCaptures.ethernet(
                TestCaptures.ipv4Tcp(A, B, 443, 54987, PacketInfo.RST | PacketInfo.ACK, 0, 0, 20)), 60);
        byte[] withFcs = TestCaptures.padded(rst, 64); // the 4 FCS bytes after the padding
        RawPacket raw = new RawPacket();
        raw.data = withFcs;
        raw.length = 64;
        raw.originalLength = 64;
        raw.linkType = 1;
        raw.fcsBytes = 4;
        PacketInfo info = new PacketInfo();
        assertTrue(new PacketDecoder(false).decode(raw, info));
        assertEquals(6, info.payloadBytes, "declared FCS removed");
        raw.fcsBytes = 0;
        assertTrue(new PacketDecoder(false).decode(raw, info));
        assertEquals(10, info.payloadBytes, "an undeclared FCS counts, as in CICFlowMeter");

        // cut by a 54-byte snap length: the padding is on the wire, not in the capture
        assertEquals(6, decode(rst, 54, 60, 1, false).payloadBytes);
        // a full-size segment cut to 96 bytes keeps its 1460 bytes of payload
        byte[] big = TestCaptures.ethernet(TestCaptures.ipv4Tcp(A, B, 40000, 80, PacketInfo.ACK, 100, 1460, 20));
        assertEquals(1460, decode(big, 96, 1514, 1, false).payloadBytes);
        // an implausible original length (corrupt record) is ignored
        assertEquals(0, decode(rst, 54, 1 << 30, 1, false).payloadBytes);
    }

    @Test
    void udpAndIcmp() {
        PacketInfo u = decode(TestCaptures.ethernet(TestCaptures.ipv4Udp(A, B, 53000, 53, 33)), 1, false);
        assertEquals(17, u.protocol);
        assertEquals(8, u.headerBytes);
        assertEquals(33, u.payloadBytes);
        assertEquals(53, u.dstPort);
        PacketInfo i = decode(TestCaptures.ethernet(TestCaptures.ipv4Icmp(A, B, 8, 0, 56)), 1, false);
        assertEquals(1, i.protocol);
        assertEquals(8, i.icmpType);
        assertEquals(0, i.icmpCode);
        assertEquals(56, i.payloadBytes);
    }

    @Test
    void ipv6WithExtensionHeaderOnlyWhenEnabled() {
        byte[] src = new byte[16];
        byte[] dst = new byte[16];
        src[0] = (byte) 0xfd;
        src[15] = 1;
        dst[0] = (byte) 0xfd;
        dst[15] = 2;
        byte[] frame = TestCaptures.ethernet(TestCaptures.ipv6Tcp(src, dst, 5000, 443, PacketInfo.SYN, 12));
        PacketInfo p = decode(frame, 1, true);
        assertEquals(6, p.ipVersion);
        assertEquals(6, p.protocol);
        assertEquals(443, p.dstPort);
        assertEquals(12, p.payloadBytes);
        assertEquals(0xfd00000000000000L, p.srcHi);
        assertEquals(1, p.srcLo);
        assertEquals("fd00:0:0:0:0:0:0:1", FlowExtractor.address(p.srcHi, p.srcLo, true));

        RawPacket raw = new RawPacket();
        raw.data = frame;
        raw.length = frame.length;
        raw.linkType = 1;
        PacketDecoder ipv4Only = new PacketDecoder(false);
        assertFalse(ipv4Only.decode(raw, new PacketInfo()));
        assertEquals(PacketDecoder.Skip.IPV6_DISABLED, ipv4Only.lastSkip());
    }

    @Test
    void everyPacketIsCountedByOutcome() {
        PacketDecoder d = new PacketDecoder(false);
        RawPacket raw = new RawPacket();
        raw.linkType = 1;
        byte[][] frames = {
            TestCaptures.ethernet(TestCaptures.ipv4Udp(A, B, 1, 2, 3)),
            TestCaptures.ethernet(TestCaptures.ipv4Udp(A, B, 1, 2, 3)),
            TestCaptures.ethernet(new byte[28], 0x0806, false), // ARP
            TestCaptures.ethernet(TestCaptures.ipv6Tcp(new byte[16], new byte[16], 1, 2, PacketInfo.SYN, 0)),
            java.util.Arrays.copyOf(TestCaptures.ethernet(TestCaptures.ipv4Udp(A, B, 1, 2, 3)), 30)};
        for (byte[] f : frames) {
            raw.data = f;
            raw.length = f.length;
            d.decode(raw, new PacketInfo());
        }
        raw.linkType = 108;
        d.decode(raw, new PacketInfo());
        assertEquals(PacketDecoder.Skip.UNSUPPORTED_LINK_TYPE, d.lastSkip());
        PacketCounts c = d.counts();
        assertEquals(6, c.read());
        assertEquals(2, c.decoded());
        assertEquals(4, c.skipped());
        assertEquals(1, c.skipped(PacketDecoder.Skip.TRUNCATED));
        assertEquals(java.util.Set.of(108), c.unsupportedLinkTypes());
        assertEquals("6 packets read, 2 decoded, 4 skipped (1 on unsupported link type 108, 1 neither IPv4 nor IPv6, "
                + "1 IPv6 (not enabled), 1 truncated or malformed headers)", c.toString());
    }

    @Test
    void nonIpAndTruncatedFramesAreSkipped() {
        RawPacket raw = new RawPacket();
        raw.data = TestCaptures.ethernet(new byte[28], 0x0806, false); // ARP
        raw.length = raw.data.length;
        raw.linkType = 1;
        PacketDecoder d = new PacketDecoder(true);
        assertFalse(d.decode(raw, new PacketInfo()));
        assertEquals(PacketDecoder.Skip.NOT_IP, d.lastSkip());
        raw.length = 20;
        raw.data = TestCaptures.ethernet(TestCaptures.ipv4Tcp(A, B, 1, 2, 0, 0, 0, false));
        assertFalse(d.decode(raw, new PacketInfo()));
        assertEquals(PacketDecoder.Skip.TRUNCATED, d.lastSkip());
        // a TCP data offset below 5 words (20 bytes) is not a TCP header
        for (int words = 0; words < 5; words++) {
            byte[] ip = TestCaptures.ipv4Tcp(A, B, 1000, 80, PacketInfo.ACK, 1000, 10, false);
            ip[20 + 12] = (byte) (words << 4);
            raw.data = TestCaptures.ethernet(ip);
            raw.length = raw.data.length;
            assertFalse(d.decode(raw, new PacketInfo()), "data offset " + words);
            assertEquals(PacketDecoder.Skip.TRUNCATED, d.lastSkip());
        }
    }
}
