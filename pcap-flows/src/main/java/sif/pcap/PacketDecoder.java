package sif.pcap;

/**
 * Decodes link, network and transport headers of a {@link RawPacket} into a {@link PacketInfo}.
 * Link types: Ethernet (1, with 802.1Q/802.1ad VLAN tags), raw IP (101, 12, 14, 228, 229), Linux
 * cooked capture SLL (113) and SLL2 (276), BSD loopback (0). Network: IPv4 (options, first
 * fragment only), IPv6 (skipping hop-by-hop, routing, destination-options and fragment headers).
 * Transport: TCP, UDP, ICMP, ICMPv6.
 *
 * <p>Payload lengths are counted as CICFlowMeter counts them (jnetpcap: the frame's bytes after the
 * transport header): the IP length fields plus any link-layer trailer after the IP datagram, such as
 * the padding of minimum-size Ethernet frames (a 40-byte TCP RST in a 60-byte frame has 6 bytes of
 * payload). Two differences from jnetpcap: a frame check sequence that the capture declares
 * ({@link RawPacket#fcsBytes}) is not counted, and a frame the capture cut short (snap length) is
 * measured by its length on the wire, not by the bytes captured.
 *
 * <p>Every packet given to {@link #decode} is counted in {@link #counts()}.
 */
public final class PacketDecoder {

    /** Decode outcome: {@link #NONE} for a decoded packet, else why it was skipped. */
    public enum Skip {
        NONE("decoded"),
        UNSUPPORTED_LINK_TYPE("on an unsupported link type"),
        NOT_IP("neither IPv4 nor IPv6"),
        IPV6_DISABLED("IPv6 (not enabled)"),
        UNSUPPORTED_PROTOCOL("neither TCP, UDP nor ICMP"),
        FRAGMENT("non-first IP fragments"),
        TRUNCATED("truncated or malformed headers");

        private final String description;

        Skip(String description) {
            this.description = description;
        }

        /** What the packets skipped for this reason are, for summaries ("3 truncated or malformed headers"). */
        public String description() {
            return description;
        }
    }

    /**
     * The largest original (on-the-wire) length trusted for a frame the capture cut short: libpcap's
     * maximum snap length. A larger value, or one below the captured length, is taken to be corrupt and
     * the captured length is used instead.
     */
    static final int MAX_WIRE_LENGTH = 262_144;

    private final boolean ipv6;
    private final PacketCounts counts = new PacketCounts();
    private Skip lastSkip = Skip.NONE;

    /** @param ipv6 whether IPv6 packets are decoded (CICFlowMeter reads IPv4 only by default) */
    public PacketDecoder(boolean ipv6) {
        this.ipv6 = ipv6;
    }

    /** Why the last {@link #decode} returned false ({@link Skip#NONE} if it returned true). */
    public Skip lastSkip() {
        return lastSkip;
    }

    /** The packets given to {@link #decode} so far, by outcome (a live view). */
    public PacketCounts counts() {
        return counts;
    }

    /** @return true when {@code out} holds a TCP, UDP or ICMP packet */
    public boolean decode(RawPacket raw, PacketInfo out) {
        boolean decoded = decodeFrame(raw, out);
        counts.add(lastSkip, raw.linkType);
        return decoded;
    }

    /**
     * The frame's length on the wire: its original length when the capture cut it short (and that
     * length is plausible), else the captured length.
     */
    static int wireLength(RawPacket raw) {
        int orig = raw.originalLength;
        return orig > raw.length && orig <= MAX_WIRE_LENGTH ? orig : raw.length;
    }

    private boolean decodeFrame(RawPacket raw, PacketInfo out) {
        byte[] b = raw.data;
        int p = raw.offset;
        int end = raw.offset + raw.length;
        int etherType;
        switch (raw.linkType) {
            case 1 -> { // Ethernet
                if (end - p < 14) {
                    return skip(Skip.TRUNCATED);
                }
                etherType = u16(b, p + 12);
                p += 14;
                while ((etherType == 0x8100 || etherType == 0x88a8 || etherType == 0x9100) && end - p >= 4) {
                    etherType = u16(b, p + 2);
                    p += 4;
                }
            }
            case 113 -> { // Linux SLL
                if (end - p < 16) {
                    return skip(Skip.TRUNCATED);
                }
                etherType = u16(b, p + 14);
                p += 16;
            }
            case 276 -> { // Linux SLL2
                if (end - p < 20) {
                    return skip(Skip.TRUNCATED);
                }
                etherType = u16(b, p);
                p += 20;
            }
            case 101, 12, 14 -> { // raw IP
                if (end - p < 1) {
                    return skip(Skip.TRUNCATED);
                }
                etherType = (b[p] & 0xf0) == 0x60 ? 0x86dd : 0x0800;
            }
            case 228 -> etherType = 0x0800;
            case 229 -> etherType = 0x86dd;
            case 0 -> { // BSD loopback: 4-byte host-order family
                if (end - p < 5) {
                    return skip(Skip.TRUNCATED);
                }
                p += 4;
                etherType = (b[p] & 0xf0) == 0x60 ? 0x86dd : 0x0800;
            }
            default -> {
                return skip(Skip.UNSUPPORTED_LINK_TYPE);
            }
        }
        out.timestampMicros = raw.timestampMicros;
        // where the frame ends on the wire, without a declared FCS (beyond `end` if the capture cut it short)
        int frameEnd = raw.offset + wireLength(raw) - Math.max(0, raw.fcsBytes);
        if (etherType == 0x0800) {
            return ipv4(b, p, end, frameEnd, out);
        }
        if (etherType == 0x86dd) {
            return ipv6 ? ipv6(b, p, end, frameEnd, out) : skip(Skip.IPV6_DISABLED);
        }
        return skip(Skip.NOT_IP);
    }

    /** Bytes of the frame after the IP datagram that ends at {@code datagramEnd}: Ethernet padding, trailers. */
    private static int trailer(int datagramEnd, int frameEnd) {
        return Math.max(0, frameEnd - datagramEnd);
    }

    private boolean ipv4(byte[] b, int p, int end, int frameEnd, PacketInfo out) {
        if (end - p < 20 || (b[p] & 0xf0) != 0x40) {
            return skip(Skip.TRUNCATED);
        }
        int ihl = (b[p] & 0x0f) * 4;
        int total = u16(b, p + 2);
        if (ihl < 20 || end - p < ihl) {
            return skip(Skip.TRUNCATED);
        }
        if (total < ihl) { // TSO captures may carry 0; fall back to the frame's length
            total = Math.min(end, frameEnd) - p;
        }
        int fragOffset = u16(b, p + 6) & 0x1fff;
        if (fragOffset != 0) {
            return skip(Skip.FRAGMENT);
        }
        out.ipVersion = 4;
        out.srcHi = 0;
        out.dstHi = 0;
        out.srcLo = u32(b, p + 12);
        out.dstLo = u32(b, p + 16);
        return transport(b, p + ihl, end, b[p + 9] & 0xff, total - ihl + trailer(p + total, frameEnd), out);
    }

    private boolean ipv6(byte[] b, int p, int end, int frameEnd, PacketInfo out) {
        if (end - p < 40) {
            return skip(Skip.TRUNCATED);
        }
        int payloadLen = u16(b, p + 4);
        int next = b[p + 6] & 0xff;
        out.ipVersion = 6;
        out.srcHi = u64(b, p + 8);
        out.srcLo = u64(b, p + 16);
        out.dstHi = u64(b, p + 24);
        out.dstLo = u64(b, p + 32);
        int q = p + 40;
        int remaining = payloadLen + trailer(q + payloadLen, frameEnd);
        for (int guard = 0; guard < 8; guard++) {
            if (next == 0 || next == 43 || next == 60) {
                if (end - q < 8) {
                    return skip(Skip.TRUNCATED);
                }
                int len = ((b[q + 1] & 0xff) + 1) * 8;
                next = b[q] & 0xff;
                q += len;
                remaining -= len;
            } else if (next == 44) {
                if (end - q < 8) {
                    return skip(Skip.TRUNCATED);
                }
                if ((u16(b, q + 2) & 0xfff8) != 0) {
                    return skip(Skip.FRAGMENT);
                }
                next = b[q] & 0xff;
                q += 8;
                remaining -= 8;
            } else {
                break;
            }
        }
        return transport(b, q, end, next, remaining, out);
    }

    private boolean transport(byte[] b, int p, int end, int proto, int ipPayload, PacketInfo out) {
        out.protocol = proto;
        out.flags = 0;
        out.window = 0;
        out.icmpType = -1;
        out.icmpCode = -1;
        switch (proto) {
            case 6 -> {
                if (end - p < 20) {
                    return skip(Skip.TRUNCATED);
                }
                out.srcPort = u16(b, p);
                out.dstPort = u16(b, p + 2);
                int off = ((b[p + 12] & 0xf0) >> 4) * 4;
                if (off < 20) {
                    return skip(Skip.TRUNCATED); // a data offset below 5 words: not a TCP header
                }
                out.flags = b[p + 13] & 0xff;
                out.window = u16(b, p + 14);
                out.headerBytes = off;
                out.payloadBytes = Math.max(0, ipPayload - off);
                return ok();
            }
            case 17 -> {
                if (end - p < 8) {
                    return skip(Skip.TRUNCATED);
                }
                out.srcPort = u16(b, p);
                out.dstPort = u16(b, p + 2);
                out.headerBytes = 8;
                out.payloadBytes = Math.max(0, ipPayload - 8);
                return ok();
            }
            case 1, 58 -> {
                if (end - p < 2) {
                    return skip(Skip.TRUNCATED);
                }
                out.srcPort = 0;
                out.dstPort = 0;
                out.icmpType = b[p] & 0xff;
                out.icmpCode = b[p + 1] & 0xff;
                out.headerBytes = 8;
                out.payloadBytes = Math.max(0, ipPayload - 8);
                return ok();
            }
            default -> {
                return skip(Skip.UNSUPPORTED_PROTOCOL);
            }
        }
    }

    private boolean ok() {
        lastSkip = Skip.NONE;
        return true;
    }

    private boolean skip(Skip why) {
        lastSkip = why;
        return false;
    }

    private static int u16(byte[] b, int i) {
        return (b[i] & 0xff) << 8 | (b[i + 1] & 0xff);
    }

    private static long u32(byte[] b, int i) {
        return ((long) (b[i] & 0xff) << 24) | (b[i + 1] & 0xff) << 16 | (b[i + 2] & 0xff) << 8 | (b[i + 3] & 0xff);
    }

    private static long u64(byte[] b, int i) {
        return (u32(b, i) << 32) | u32(b, i + 4);
    }
}
