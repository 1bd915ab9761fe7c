package sif.pcap;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/** Builds small frames and capture files for tests. */
final class TestCaptures {

    private TestCaptures() {}

    /** One frame with its capture time and its length on the wire (more than captured: cut by the snap length). */
    record Frame(long micros, byte[] bytes, int originalLength) {
        Frame(long micros, byte[] bytes) {
            this(micros, bytes, bytes.length);
        }
    }

    static int ip(int a, int b, int c, int d) {
        return a << 24 | b << 16 | c << 8 | d;
    }

    /** IPv4 + TCP with {@code payload} bytes of payload and a 20-byte (or 40 with options) TCP header. */
    static byte[] ipv4Tcp(int src, int dst, int sport, int dport, int flags, int window, int payload, boolean options) {
        return ipv4Tcp(src, dst, sport, dport, flags, window, payload, options ? 40 : 20);
    }

    /** IPv4 + TCP with a {@code tcpLen}-byte TCP header (options beyond 20 bytes: an MSS of 1460, then zeros). */
    static byte[] ipv4Tcp(int src, int dst, int sport, int dport, int flags, int window, int payload, int tcpLen) {
        ByteBuffer b = ByteBuffer.allocate(20 + tcpLen + payload);
        b.put((byte) 0x45).put((byte) 0).putShort((short) (20 + tcpLen + payload)).putShort((short) 1)
                .putShort((short) 0x4000).put((byte) 64).put((byte) 6).putShort((short) 0).putInt(src).putInt(dst);
        b.putShort((short) sport).putShort((short) dport).putInt(1).putInt(0)
                .put((byte) ((tcpLen / 4) << 4)).put((byte) flags).putShort((short) window).putShort((short) 0).putShort((short) 0);
        if (tcpLen >= 24) {
            b.put((byte) 2).put((byte) 4).putShort((short) 1460);
        }
        return b.array();
    }

    /** {@code frame} padded with zeros to {@code length} bytes, as Ethernet pads frames to its 60-byte minimum. */
    static byte[] padded(byte[] frame, int length) {
        return java.util.Arrays.copyOf(frame, Math.max(length, frame.length));
    }

    static byte[] ipv4Udp(int src, int dst, int sport, int dport, int payload) {
        ByteBuffer b = ByteBuffer.allocate(28 + payload);
        b.put((byte) 0x45).put((byte) 0).putShort((short) (28 + payload)).putShort((short) 1)
                .putShort((short) 0).put((byte) 64).put((byte) 17).putShort((short) 0).putInt(src).putInt(dst);
        b.putShort((short) sport).putShort((short) dport).putShort((short) (8 + payload)).putShort((short) 0);
        return b.array();
    }

    static byte[] ipv4Icmp(int src, int dst, int type, int code, int payload) {
        ByteBuffer b = ByteBuffer.allocate(28 + payload);
        b.put((byte) 0x45).put((byte) 0).putShort((short) (28 + payload)).putShort((short) 1)
                .putShort((short) 0).put((byte) 64).put((byte) 1).putShort((short) 0).putInt(src).putInt(dst);
        b.put((byte) type).put((byte) code);
        return b.array();
    }

    /** IPv6 (with a hop-by-hop extension header) + TCP. */
    static byte[] ipv6Tcp(byte[] src, byte[] dst, int sport, int dport, int flags, int payload) {
        ByteBuffer b = ByteBuffer.allocate(40 + 8 + 20 + payload);
        b.putInt(0x60000000).putShort((short) (8 + 20 + payload)).put((byte) 0).put((byte) 64).put(src).put(dst);
        b.put((byte) 6).put((byte) 0).putShort((short) 0).putInt(0); // hop-by-hop, 8 bytes, next TCP
        b.putShort((short) sport).putShort((short) dport).putInt(1).putInt(0)
                .put((byte) (5 << 4)).put((byte) flags).putShort((short) 1000).putShort((short) 0).putShort((short) 0);
        return b.array();
    }

    static byte[] ethernet(byte[] ip, int etherType, boolean vlan) {
        ByteBuffer b = ByteBuffer.allocate(14 + (vlan ? 4 : 0) + ip.length);
        b.put(new byte[12]);
        if (vlan) {
            b.putShort((short) 0x8100).putShort((short) 42);
        }
        b.putShort((short) etherType).put(ip);
        return b.array();
    }

    static byte[] ethernet(byte[] ip) {
        return ethernet(ip, (ip[0] & 0xf0) == 0x60 ? 0x86dd : 0x0800, false);
    }

    static byte[] sll(byte[] ip) {
        ByteBuffer b = ByteBuffer.allocate(16 + ip.length);
        b.putShort((short) 0).putShort((short) 1).putShort((short) 6).put(new byte[8]).putShort((short) 0x0800).put(ip);
        return b.array();
    }

    static byte[] sll2(byte[] ip) {
        ByteBuffer b = ByteBuffer.allocate(20 + ip.length);
        b.putShort((short) 0x0800).putShort((short) 0).putInt(2).putShort((short) 1).put((byte) 0).put((byte) 6)
                .put(new byte[8]).put(ip);
        return b.array();
    }

    /** {@code n} frames of LINKTYPE_LOOP (108), a link type the decoder does not read, 1 µs apart. */
    static List<Frame> loopFrames(long start, int n) {
        byte[] ip = ipv4Udp(ip(10, 0, 0, 1), ip(10, 0, 0, 2), 1, 2, 10);
        byte[] frame = new byte[4 + ip.length];
        frame[3] = 2; // AF_INET, network byte order
        System.arraycopy(ip, 0, frame, 4, ip.length);
        List<Frame> frames = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            frames.add(new Frame(start + i, frame));
        }
        return frames;
    }

    /** A classic pcap file. */
    static byte[] pcap(List<Frame> frames, int linkType, boolean bigEndian, boolean nanos) {
        ByteOrder order = bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer h = ByteBuffer.allocate(24).order(order);
        h.putInt(nanos ? 0xa1b23c4d : 0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0)
                .putInt(65535).putInt(linkType);
        out.writeBytes(h.array());
        for (Frame f : frames) {
            ByteBuffer r = ByteBuffer.allocate(16).order(order);
            long frac = nanos ? (f.micros() % 1_000_000L) * 1000 : f.micros() % 1_000_000L;
            r.putInt((int) (f.micros() / 1_000_000L)).putInt((int) frac).putInt(f.bytes().length).putInt(f.originalLength());
            out.writeBytes(r.array());
            out.writeBytes(f.bytes());
        }
        return out.toByteArray();
    }

    /** A pcapng builder (little- or big-endian). */
    static final class Pcapng {
        private final ByteOrder order;
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final List<Integer> resolutions = new ArrayList<>();

        Pcapng(boolean bigEndian) {
            order = bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
            ByteBuffer b = ByteBuffer.allocate(28).order(order);
            b.putInt(0x0a0d0d0a).putInt(28).putInt(0x1a2b3c4d).putShort((short) 1).putShort((short) 0).putLong(-1).putInt(28);
            out.writeBytes(b.array());
        }

        /** Adds an interface; {@code tsresol} as in the if_tsresol option (6 = µs, 9 = ns). */
        Pcapng iface(int linkType, int tsresol) {
            ByteBuffer b = ByteBuffer.allocate(32).order(order);
            b.putInt(1).putInt(32).putShort((short) linkType).putShort((short) 0).putInt(0)
                    .putShort((short) 9).putShort((short) 1).put((byte) tsresol).put(new byte[3])
                    .putShort((short) 0).putShort((short) 0).putInt(32);
            out.writeBytes(b.array());
            resolutions.add(tsresol);
            return this;
        }

        /** Adds a microsecond interface whose frames end in an FCS of {@code fcsBits} (option if_fcslen). */
        Pcapng ifaceWithFcs(int linkType, int fcsBits) {
            ByteBuffer b = ByteBuffer.allocate(40).order(order);
            b.putInt(1).putInt(40).putShort((short) linkType).putShort((short) 0).putInt(0)
                    .putShort((short) 9).putShort((short) 1).put((byte) 6).put(new byte[3])
                    .putShort((short) 13).putShort((short) 1).put((byte) fcsBits).put(new byte[3])
                    .putShort((short) 0).putShort((short) 0).putInt(40);
            out.writeBytes(b.array());
            resolutions.add(6);
            return this;
        }

        Pcapng epb(int iface, long micros, byte[] frame) {
            long units = micros;
            for (int i = 6; i < resolutions.get(iface); i++) {
                units *= 10;
            }
            int padded = (frame.length + 3) & ~3;
            int total = 32 + padded;
            ByteBuffer b = ByteBuffer.allocate(total).order(order);
            b.putInt(6).putInt(total).putInt(iface).putInt((int) (units >>> 32)).putInt((int) units)
                    .putInt(frame.length).putInt(frame.length).put(frame).put(new byte[padded - frame.length]).putInt(total);
            out.writeBytes(b.array());
            return this;
        }

        Pcapng spb(byte[] frame) {
            int padded = (frame.length + 3) & ~3;
            int total = 16 + padded;
            ByteBuffer b = ByteBuffer.allocate(total).order(order);
            b.putInt(3).putInt(total).putInt(frame.length).put(frame).put(new byte[padded - frame.length]).putInt(total);
            out.writeBytes(b.array());
            return this;
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }
}
