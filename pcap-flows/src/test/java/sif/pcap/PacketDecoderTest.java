package sif.pcap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PacketDecoderTest {

    private static final int A = TestCaptures.ip(10, 0, 0, 1);
    private static final int B = TestCaptures.ip(10, 0, 0, 2);

    private static PacketInfo decode(byte[] frame, int linkType, boolean ipv6) {
        RawPacket raw = new RawPacket();
        raw.data = frame;
        raw.offset = 0;
        raw.length = frame.length;
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
    void payloadComesFromIpLengthsNotEthernetPadding() {
        byte[] ip = TestCaptures.ipv4Tcp(A, B, 40000, 80, PacketInfo.ACK, 100, 0, false);
        byte[] frame = TestCaptures.ethernet(ip);
        byte[] padded = java.util.Arrays.copyOf(frame, 60);
        assertEquals(0, decode(padded, 1, false).payloadBytes);
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
    }
}
