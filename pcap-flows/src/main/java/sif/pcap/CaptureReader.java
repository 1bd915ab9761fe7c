package sif.pcap;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Streaming reader of classic pcap (both byte orders, micro- and nanosecond timestamps) and pcapng
 * (SHB, IDB, EPB, SPB and the obsolete PB; several interfaces and sections, per-interface timestamp
 * resolution and offset). No native code, no per-packet allocation: {@link #next(RawPacket)} fills a
 * caller-owned holder whose byte array is reused.
 *
 * <p>Truncated or corrupt input raises a {@link CaptureFormatException} carrying the byte offset of
 * the record that could not be read; every packet before it has been returned.
 */
public final class CaptureReader implements Closeable {

    private static final int PCAP_MAGIC_US = 0xa1b2c3d4;
    private static final int PCAP_MAGIC_NS = 0xa1b23c4d;
    private static final int PCAPNG_SHB = 0x0a0d0d0a;
    private static final int BOM = 0x1a2b3c4d;
    private static final int MAX_RECORD = 64 * 1024 * 1024;

    private final InputStream in;
    private final String name;
    private final byte[] buf = new byte[1 << 16];
    private int bufPos;
    private int bufLen;
    private long position; // file offset of buf[bufPos]
    private byte[] record = new byte[1 << 16];

    private final boolean pcapng;
    private boolean bigEndian;
    // classic pcap
    private boolean nanos;
    private int linkType;
    private int fcsBytes;
    // pcapng interfaces of the current section
    private final List<long[]> interfaces = new ArrayList<>(); // {linkType, unitsPerSecond, offsetSeconds, fcsBytes}
    private long lastTimestamp;

    private CaptureReader(InputStream in, String name) throws IOException {
        this.in = in;
        this.name = name;
        if (!fill(4)) {
            throw new CaptureFormatException(name + ": empty file, not a pcap or pcapng capture", 0);
        }
        int magicLe = le32(buf, bufPos);
        int magicBe = be32(buf, bufPos);
        if (magicBe == PCAPNG_SHB) {
            pcapng = true;
        } else if (magicLe == PCAP_MAGIC_US || magicLe == PCAP_MAGIC_NS) {
            pcapng = false;
            bigEndian = false;
            nanos = magicLe == PCAP_MAGIC_NS;
        } else if (magicBe == PCAP_MAGIC_US || magicBe == PCAP_MAGIC_NS) {
            pcapng = false;
            bigEndian = true;
            nanos = magicBe == PCAP_MAGIC_NS;
        } else {
            throw new CaptureFormatException(String.format("%s: unknown magic number 0x%08x, not a pcap or pcapng capture",
                    name, magicBe), 0);
        }
        if (!pcapng) {
            long off = position;
            if (!fill(24)) {
                throw new CaptureFormatException(name + ": truncated pcap global header", off);
            }
            int field = int32(buf, bufPos + 20);
            linkType = field & 0xffff; // the upper bits carry the FCS length, if the P bit (0x04000000) is set
            fcsBytes = (field & 0x04000000) != 0 ? ((field >>> 28) & 0xf) * 2 : 0; // in 16-bit words
            consume(24);
        }
    }

    /** Opens a capture file; the format is detected from its magic number. */
    public static CaptureReader open(Path file) throws IOException {
        InputStream in = Files.newInputStream(file);
        try {
            return new CaptureReader(in, file.toString());
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    /** Reads from a stream (not closed by this reader's {@link #close()} unless the stream is owned). */
    public static CaptureReader open(InputStream in, String name) throws IOException {
        return new CaptureReader(in, name);
    }

    public boolean isPcapng() {
        return pcapng;
    }

    /** Byte offset of the next unread record. */
    public long position() {
        return position;
    }

    /**
     * Reads the next packet into {@code p}.
     *
     * @return false at a clean end of file
     * @throws CaptureFormatException on a truncated or corrupt record
     */
    public boolean next(RawPacket p) throws IOException {
        return pcapng ? nextPcapng(p) : nextPcap(p);
    }

    private boolean nextPcap(RawPacket p) throws IOException {
        long off = position;
        if (!fill(16)) {
            if (bufLen - bufPos == 0) {
                return false;
            }
            throw new CaptureFormatException(name + ": truncated packet record header", off);
        }
        long sec = int32(buf, bufPos) & 0xffffffffL;
        long frac = int32(buf, bufPos + 4) & 0xffffffffL;
        int incl = int32(buf, bufPos + 8);
        int orig = int32(buf, bufPos + 12);
        if (incl < 0 || incl > MAX_RECORD || (nanos ? frac >= 1_000_000_000L : frac >= 1_000_000L)) {
            throw new CaptureFormatException(name + ": corrupt packet record header (captured length " + incl
                    + ", fraction " + frac + ")", off);
        }
        consume(16);
        ensureRecord(incl);
        if (!read(record, 0, incl)) {
            throw new CaptureFormatException(name + ": truncated packet data (" + incl + " bytes expected)", off);
        }
        p.timestampMicros = sec * 1_000_000L + (nanos ? frac / 1000 : frac);
        p.linkType = linkType;
        p.fcsBytes = fcsBytes;
        p.data = record;
        p.offset = 0;
        p.length = incl;
        p.originalLength = orig;
        p.fileOffset = off;
        return true;
    }

    private boolean nextPcapng(RawPacket p) throws IOException {
        while (true) {
            long off = position;
            if (!fill(8)) {
                if (bufLen - bufPos == 0) {
                    return false;
                }
                throw new CaptureFormatException(name + ": truncated pcapng block header", off);
            }
            int type = int32(buf, bufPos);
            if (type == PCAPNG_SHB) {
                if (!fill(12)) {
                    throw new CaptureFormatException(name + ": truncated section header block", off);
                }
                int bom = le32(buf, bufPos + 8);
                if (bom == BOM) {
                    bigEndian = false;
                } else if (Integer.reverseBytes(bom) == BOM) {
                    bigEndian = true;
                } else {
                    throw new CaptureFormatException(name + ": corrupt section header (byte-order magic)", off);
                }
                interfaces.clear();
            }
            int total = int32(buf, bufPos + 4);
            if (total < 12 || (total & 3) != 0 || total > MAX_RECORD) {
                throw new CaptureFormatException(name + ": corrupt pcapng block length " + total, off);
            }
            ensureRecord(total);
            if (!read(record, 0, total)) {
                throw new CaptureFormatException(name + ": truncated pcapng block (" + total + " bytes expected)", off);
            }
            if (int32(record, total - 4) != total) {
                throw new CaptureFormatException(name + ": corrupt pcapng block (trailing length differs)", off);
            }
            switch (type) {
                case 0x00000001 -> interfaces.add(parseIdb(total, off));
                case 0x00000006, 0x00000002 -> {
                    if (total < 32) {
                        throw new CaptureFormatException(name + ": corrupt packet block", off);
                    }
                    int ifId = type == 6 ? int32(record, 8) : int16(record, 8);
                    long[] ifc = iface(ifId, off);
                    long ts = ((int32(record, 12) & 0xffffffffL) << 32) | (int32(record, 16) & 0xffffffffL);
                    int incl = int32(record, 20);
                    int orig = int32(record, 24);
                    if (incl < 0 || 28 + incl > total - 4) {
                        throw new CaptureFormatException(name + ": corrupt packet block (captured length " + incl + ")", off);
                    }
                    fillPacket(p, ifc, ts, 28, incl, orig, off);
                    return true;
                }
                case 0x00000003 -> {
                    long[] ifc = iface(0, off);
                    int orig = int32(record, 8);
                    int incl = Math.min(orig, total - 16);
                    if (incl < 0) {
                        throw new CaptureFormatException(name + ": corrupt simple packet block", off);
                    }
                    p.timestampMicros = lastTimestamp; // an SPB carries no timestamp: keep the previous one
                    p.linkType = (int) ifc[0];
                    p.fcsBytes = (int) ifc[3];
                    p.data = record;
                    p.offset = 12;
                    p.length = incl;
                    p.originalLength = orig;
                    p.fileOffset = off;
                    return true;
                }
                default -> {
                    // SHB, NRB, ISB, DSB, custom...: nothing needed
                }
            }
        }
    }

    private void fillPacket(RawPacket p, long[] ifc, long ts, int dataOff, int incl, int orig, long off) {
        long unitsPerSec = ifc[1];
        long micros;
        if (unitsPerSec == 1_000_000L) {
            micros = ts;
        } else if (unitsPerSec % 1_000_000L == 0) {
            micros = ts / (unitsPerSec / 1_000_000L);
        } else {
            long sec = ts / unitsPerSec;
            long rem = ts % unitsPerSec;
            micros = sec * 1_000_000L + (long) (rem * (1_000_000.0 / unitsPerSec));
        }
        p.timestampMicros = micros + ifc[2] * 1_000_000L;
        lastTimestamp = p.timestampMicros;
        p.linkType = (int) ifc[0];
        p.fcsBytes = (int) ifc[3];
        p.data = record;
        p.offset = dataOff;
        p.length = incl;
        p.originalLength = orig;
        p.fileOffset = off;
    }

    private long[] iface(int id, long off) throws CaptureFormatException {
        if (id < 0 || id >= interfaces.size()) {
            throw new CaptureFormatException(name + ": packet refers to undeclared interface " + id, off);
        }
        return interfaces.get(id);
    }

    private long[] parseIdb(int total, long off) throws CaptureFormatException {
        if (total < 20) {
            throw new CaptureFormatException(name + ": corrupt interface description block", off);
        }
        long lt = int16(record, 8);
        long units = 1_000_000L;
        long tsOffset = 0;
        long fcs = 0;
        int pos = 16;
        int end = total - 4;
        while (pos + 4 <= end) {
            int code = int16(record, pos);
            int len = int16(record, pos + 2);
            int v = pos + 4;
            if (code == 0) {
                break;
            }
            if (v + len > end) {
                throw new CaptureFormatException(name + ": corrupt interface option", off);
            }
            if (code == 9 && len >= 1) { // if_tsresol
                int r = record[v] & 0xff;
                int exp = r & 0x7f;
                if ((r & 0x80) == 0) {
                    units = exp > 18 ? Long.MAX_VALUE : pow(10, exp);
                } else {
                    units = exp > 62 ? Long.MAX_VALUE : 1L << exp;
                }
            } else if (code == 13 && len >= 1) { // if_fcslen: in bits per the spec; small values are bytes
                int value = record[v] & 0xff;
                fcs = value >= 8 ? value / 8 : value;
            } else if (code == 14 && len == 8) { // if_tsoffset (seconds)
                tsOffset = ((int32(record, v) & 0xffffffffL) << 32) | (int32(record, v + 4) & 0xffffffffL);
                if (!bigEndian) {
                    tsOffset = (int32(record, v) & 0xffffffffL) | ((long) int32(record, v + 4) << 32);
                }
            }
            pos = v + ((len + 3) & ~3);
        }
        return new long[] {lt, units, tsOffset, fcs};
    }

    private static long pow(long b, int e) {
        long r = 1;
        for (int i = 0; i < e; i++) {
            r *= b;
        }
        return r;
    }

    private void ensureRecord(int n) {
        if (record.length < n) {
            record = new byte[Math.max(n, record.length * 2)];
        }
    }

    /** Ensures n bytes are buffered; false if EOF came first (what was there stays buffered). */
    private boolean fill(int n) throws IOException {
        if (bufLen - bufPos >= n) {
            return true;
        }
        if (bufPos > 0) {
            System.arraycopy(buf, bufPos, buf, 0, bufLen - bufPos);
            bufLen -= bufPos;
            bufPos = 0;
        }
        while (bufLen < n) {
            int r = in.read(buf, bufLen, buf.length - bufLen);
            if (r < 0) {
                return false;
            }
            bufLen += r;
        }
        return true;
    }

    private void consume(int n) {
        bufPos += n;
        position += n;
    }

    private boolean read(byte[] dst, int off, int n) throws IOException {
        int avail = bufLen - bufPos;
        if (avail >= n) {
            System.arraycopy(buf, bufPos, dst, off, n);
            consume(n);
            return true;
        }
        System.arraycopy(buf, bufPos, dst, off, avail);
        consume(avail);
        int done = avail;
        while (done < n) {
            int r = in.read(dst, off + done, n - done);
            if (r < 0) {
                return false;
            }
            done += r;
            position += r;
        }
        return true;
    }

    private int int32(byte[] b, int i) {
        return bigEndian ? be32(b, i) : le32(b, i);
    }

    private int int16(byte[] b, int i) {
        return bigEndian ? ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff) : ((b[i + 1] & 0xff) << 8) | (b[i] & 0xff);
    }

    private static int le32(byte[] b, int i) {
        return (b[i] & 0xff) | (b[i + 1] & 0xff) << 8 | (b[i + 2] & 0xff) << 16 | (b[i + 3] & 0xff) << 24;
    }

    private static int be32(byte[] b, int i) {
        return (b[i] & 0xff) << 24 | (b[i + 1] & 0xff) << 16 | (b[i + 2] & 0xff) << 8 | (b[i + 3] & 0xff);
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
