package sif.pcap;

/**
 * The fields of one decoded IP packet that flow extraction needs. Mutable and reused by
 * {@link PacketDecoder}; addresses are held as two longs each (IPv4 in the low 32 bits of
 * {@code srcLo}/{@code dstLo}, {@code srcHi}/{@code dstHi} zero).
 */
public final class PacketInfo {
    public static final int FIN = 0x01;
    public static final int SYN = 0x02;
    public static final int RST = 0x04;
    public static final int PSH = 0x08;
    public static final int ACK = 0x10;
    public static final int URG = 0x20;
    public static final int ECE = 0x40;
    public static final int CWR = 0x80;

    public long timestampMicros;
    public int ipVersion;
    public long srcHi;
    public long srcLo;
    public long dstHi;
    public long dstLo;
    public int srcPort;
    public int dstPort;
    /** IP protocol number: 6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6. */
    public int protocol;
    /** TCP flags (the constants above), 0 for other protocols. */
    public int flags;
    /** TCP window field (unscaled), 0 for other protocols. */
    public int window;
    /** Transport header length in bytes (TCP data offset, 8 for UDP and ICMP). */
    public int headerBytes;
    /**
     * Transport payload length in bytes as CICFlowMeter counts it: from the IP length fields, plus the
     * frame's bytes after the IP datagram (Ethernet padding; not a declared FCS). See {@link PacketDecoder}.
     */
    public int payloadBytes;
    public int icmpType = -1;
    public int icmpCode = -1;

    public boolean has(int flag) {
        return (flags & flag) != 0;
    }
}
