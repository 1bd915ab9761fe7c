package sif.firewall.trust;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Versioned binary layout of one trust-step store's values (the stores are String → byte[]).
 *
 * <p>A value is one format-version byte followed by the fields its subclass writes, in a fixed
 * order, with these primitives: times as 8-byte big-endian longs; counts, ports and lengths as
 * unsigned LEB128 varints; doubles as their 8 IEEE-754 bytes; strings as a varint (UTF-8 length + 1,
 * 0 for null) and the UTF-8 bytes; string lists as a varint count and front-coded elements (a varint
 * of the UTF-8 bytes shared with the previous element, a varint of the bytes that follow, those
 * bytes), which keeps lists of flow ids or addresses of one source small; enums as one byte
 * indexing a code table pinned in the codec ({@link TrustCodes}; 0 for null), never the ordinal, so
 * reordering an enum cannot change what a stored value means.
 *
 * <p>A value starting with {@code '{'} is the JSON these stores held before format 1; it is still
 * read (and rewritten in binary on the next update), so state restored from an older changelog
 * stays usable. So are the older binary versions a subclass still reads ({@link #readOlder}). Any
 * other unknown version, a truncated value or trailing bytes are an
 * {@link IllegalStateException} naming the store and the key.
 *
 * @param <T> the stored type
 */
public abstract class StoreCodec<T> {

    private static final byte LEGACY_JSON = '{';

    private final String store;
    private final Class<T> type;
    private final byte version;
    private final int sizeHint;

    protected StoreCodec(String store, Class<T> type, int version, int sizeHint) {
        if (version <= 0 || version > Byte.MAX_VALUE || version == LEGACY_JSON) {
            throw new IllegalArgumentException("format version " + version + " is not usable as a version byte");
        }
        this.store = store;
        this.type = type;
        this.version = (byte) version;
        this.sizeHint = sizeHint;
    }

    /** The store whose values this codec reads and writes. */
    public final String store() {
        return store;
    }

    /** The format version written by {@link #encode}. */
    public final int version() {
        return version;
    }

    /** The value as stored; never null. */
    public final byte[] encode(T value) {
        Writer out = new Writer(sizeHint);
        out.writeByte(version);
        write(value, out);
        return out.toByteArray();
    }

    /**
     * Reads a stored value.
     *
     * @param bytes the stored value, or null (absent)
     * @param key   the store key, for error messages
     * @return the value, or null when {@code bytes} is null
     * @throws IllegalStateException when the value is corrupt or of an unknown format version
     */
    public final T decode(byte[] bytes, String key) {
        if (bytes == null) {
            return null;
        }
        if (bytes.length == 0) {
            throw corrupt(key, bytes, "empty value", null);
        }
        if (bytes[0] == LEGACY_JSON) {
            return Json.read(new String(bytes, StandardCharsets.UTF_8), type, store + " key '" + key + "'");
        }
        if (bytes[0] > version || bytes[0] < oldestReadable()) {
            throw new IllegalStateException("unknown format version " + (bytes[0] & 0xFF) + " of "
                    + type.getSimpleName() + " in store " + store + " for key '" + key + "' (this build reads version"
                    + (oldestReadable() == version ? " " + version : "s " + oldestReadable() + " to " + version) + ")");
        }
        Reader in = new Reader(bytes);
        T value;
        try {
            value = bytes[0] == version ? read(in) : readOlder(in, bytes[0]);
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            throw corrupt(key, bytes, e.toString(), e);
        }
        if (in.remaining() != 0) {
            throw corrupt(key, bytes, in.remaining() + " trailing bytes", null);
        }
        return value;
    }

    /** Writes the fields of {@code value} (the version byte is already written). */
    protected abstract void write(T value, Writer out);

    /**
     * Reads the fields written by {@link #write}; throws {@link IllegalArgumentException} or
     * {@link BufferUnderflowException} on malformed input (reported as a corrupt value).
     */
    protected abstract T read(Reader in);

    /** The oldest format version {@link #readOlder} reads; this version unless a subclass reads older ones. */
    protected int oldestReadable() {
        return version;
    }

    /** Reads the fields of an older format {@code version} (from {@link #oldestReadable} up). */
    protected T readOlder(Reader in, int version) {
        throw new IllegalStateException("format version " + version + " is not read");
    }

    private IllegalStateException corrupt(String key, byte[] bytes, String why, Exception cause) {
        return new IllegalStateException("corrupt " + type.getSimpleName() + " in store " + store + " for key '" + key
                + "' (" + bytes.length + " bytes, format version " + version + "): " + why, cause);
    }

    /** Appends the primitives of the layout to a growing array. */
    protected static final class Writer {
        private byte[] buf;
        private int size;

        Writer(int capacity) {
            buf = new byte[Math.max(16, capacity)];
        }

        private void ensure(int more) {
            if (size + more > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
            }
        }

        public void writeByte(int b) {
            ensure(1);
            buf[size++] = (byte) b;
        }

        /** A time or other full-range long: 8 bytes, big-endian. */
        public void writeLong(long v) {
            ensure(8);
            for (int shift = 56; shift >= 0; shift -= 8) {
                buf[size++] = (byte) (v >>> shift);
            }
        }

        public void writeDouble(double v) {
            writeLong(Double.doubleToRawLongBits(v));
        }

        /** An unsigned LEB128 varint: 1 byte below 128, up to 10 bytes (negative values take 10). */
        public void writeVarLong(long v) {
            ensure(10);
            while ((v & ~0x7FL) != 0) {
                buf[size++] = (byte) ((v & 0x7F) | 0x80);
                v >>>= 7;
            }
            buf[size++] = (byte) v;
        }

        /** An int as an unsigned varint of its 32 bits (negative values take 5 bytes). */
        public void writeVarInt(int v) {
            writeVarLong(v & 0xFFFF_FFFFL);
        }

        public void writeString(String s) {
            if (s == null) {
                writeVarLong(0);
                return;
            }
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            writeVarLong(utf8.length + 1L);
            ensure(utf8.length);
            System.arraycopy(utf8, 0, buf, size, utf8.length);
            size += utf8.length;
        }

        /** A list of non-null strings, each front-coded against the previous one's UTF-8 bytes. */
        public void writeStrings(List<String> list) {
            writeVarInt(list.size());
            byte[] previous = new byte[0];
            for (String s : list) {
                byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
                int shared = Arrays.mismatch(previous, utf8);
                if (shared < 0) { // equal
                    shared = utf8.length;
                }
                writeVarInt(shared);
                writeVarInt(utf8.length - shared);
                ensure(utf8.length - shared);
                System.arraycopy(utf8, shared, buf, size, utf8.length - shared);
                size += utf8.length - shared;
                previous = utf8;
            }
        }

        public void writeInts(List<Integer> list) {
            writeVarInt(list.size());
            for (int v : list) {
                writeVarInt(v);
            }
        }

        /** An enum constant as its index in {@code codes} + 1, or 0 for null. */
        public <E extends Enum<E>> void writeEnum(E value, E[] codes) {
            if (value == null) {
                writeByte(0);
                return;
            }
            for (int i = 0; i < codes.length; i++) {
                if (codes[i] == value) {
                    writeByte(i + 1);
                    return;
                }
            }
            throw new IllegalStateException(value.getDeclaringClass().getSimpleName() + "." + value
                    + " has no code in the store format; add it at the end of the code table");
        }

        byte[] toByteArray() {
            return Arrays.copyOf(buf, size);
        }
    }

    /** Reads the primitives of the layout; malformed input throws (see {@link #read}). */
    protected static final class Reader {
        private final ByteBuffer buf;

        Reader(byte[] bytes) {
            buf = ByteBuffer.wrap(bytes, 1, bytes.length - 1);
        }

        int remaining() {
            return buf.remaining();
        }

        public long readLong() {
            return buf.getLong();
        }

        public double readDouble() {
            return Double.longBitsToDouble(buf.getLong());
        }

        public long readVarLong() {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                byte b = buf.get();
                v |= (long) (b & 0x7F) << shift;
                if (b >= 0) {
                    return v;
                }
            }
            throw new IllegalArgumentException("varint longer than 10 bytes");
        }

        public int readVarInt() {
            long v = readVarLong();
            if ((v >>> 32) != 0) {
                throw new IllegalArgumentException("varint " + Long.toUnsignedString(v) + " exceeds 32 bits");
            }
            return (int) v;
        }

        /** A varint used as a size: at most {@code extra} + the bytes left after it. */
        private int readSize(int extra, String what) {
            long n = readVarLong();
            if (n < 0 || n > buf.remaining() + (long) extra) {
                throw new IllegalArgumentException(what + " " + Long.toUnsignedString(n) + " exceeds the "
                        + buf.remaining() + " bytes left");
            }
            return (int) n;
        }

        public String readString() {
            int n = readSize(1, "string length");
            if (n == 0) {
                return null;
            }
            String s = new String(buf.array(), buf.arrayOffset() + buf.position(), n - 1, StandardCharsets.UTF_8);
            buf.position(buf.position() + n - 1);
            return s;
        }

        public List<String> readStrings() {
            int n = readSize(0, "list size");
            List<String> list = new ArrayList<>(n);
            byte[] element = new byte[0];
            int length = 0;
            for (int i = 0; i < n; i++) {
                int shared = readVarInt();
                if (shared < 0 || shared > length) {
                    throw new IllegalArgumentException("element " + i + " shares " + Integer.toUnsignedString(shared)
                            + " bytes with a previous element of " + length);
                }
                int rest = readSize(0, "element length");
                length = shared + rest;
                if (length > element.length) {
                    element = Arrays.copyOf(element, Math.max(length, 2 * element.length));
                }
                buf.get(element, shared, rest);
                list.add(new String(element, 0, length, StandardCharsets.UTF_8));
            }
            return list;
        }

        public List<Integer> readInts() {
            int n = readSize(0, "list size");
            List<Integer> list = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                list.add(readVarInt());
            }
            return list;
        }

        public <E extends Enum<E>> E readEnum(E[] codes) {
            int code = buf.get() & 0xFF;
            if (code > codes.length) {
                throw new IllegalArgumentException("unknown " + codes[0].getDeclaringClass().getSimpleName()
                        + " code " + code);
            }
            return code == 0 ? null : codes[code - 1];
        }
    }
}
