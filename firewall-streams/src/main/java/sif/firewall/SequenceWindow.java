package sif.firewall;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A per-source sequence of flows in a compact binary form: the flows of one source within a
 * maximum age, oldest first, each as its event time and its model-input row (what
 * {@code SequenceClassifier.input} made of its raw features, so a flow is transformed once, when it
 * arrives). Pure functions over {@code byte[]}; no Kafka.
 *
 * <p>Layout (big-endian): {@code version:u8 (=2), count:u8, width:u16, format:i32,
 * count × (eventTimeMs:i64, width × f32)}. {@code format} identifies the transform that made the
 * rows ({@link #formatId}); rows of another format (a replaced model) or of the older version 1
 * layout are not mixed with new ones: {@link #usable} says so and the caller starts afresh.
 *
 * <p>Rule of {@link #append}: given the stored sequence and a new flow at event time {@code t}, take
 * the stored entries at or before {@code t} and not older than {@code t - maxAgeMs}, keep the newest
 * {@code T - 1} of them in event-time order (arrival order among equal times) and add the new flow
 * last: the last T flows of the source up to and including it, in event-time order, as the model was
 * trained. The model sees exactly this sequence. Flows mostly arrive in event-time order, but not
 * always: an exporter such as CICFlowMeter emits a flow when it ends, stamped with its start, so a
 * long flow arrives after shorter ones that started later; its sequence then leaves those out. What
 * a store keeps between flows is {@link #context(byte[], byte[], int, long)}: the newest {@code T - 1}
 * entries of the stored ones and the new flow, in event-time order, none older than the newest's
 * {@code maxAgeMs}: all the next flow needs. With 76 model inputs per flow, T = 10 keeps
 * {@code 8 + 9 × 312 = 2816} bytes per source.
 */
public final class SequenceWindow {

    public static final byte VERSION = 2;
    static final int HEADER_BYTES = 8;
    /** A row value in place: big-endian, as {@link ByteBuffer#putFloat} wrote it. */
    private static final VarHandle FLOAT = MethodHandles.byteArrayViewVarHandle(float[].class, ByteOrder.BIG_ENDIAN);

    private SequenceWindow() {}

    /** The format id stored with rows made by the transform named {@code inputFormat}. */
    public static int formatId(String inputFormat) {
        return inputFormat.hashCode();
    }

    /** Bytes of one entry with {@code width} values per row. */
    public static int entryBytes(int width) {
        return Long.BYTES + width * Float.BYTES;
    }

    /** Untagged rows (format 0): for tests and tools that keep raw features. */
    public static byte[] append(byte[] stored, long eventTimeMs, float[] row, int maxLength, long maxAgeMs) {
        return append(stored, eventTimeMs, row, 0, maxLength, maxAgeMs);
    }

    /**
     * The sequence after {@code row} (event time {@code eventTimeMs}, rows of format {@code format})
     * is appended to {@code stored} ({@code null} = empty), at most {@code maxLength} entries.
     *
     * @throws IllegalArgumentException if {@code stored} is not {@link #usable} for this row
     */
    public static byte[] append(byte[] stored, long eventTimeMs, float[] row, int format, int maxLength,
                                long maxAgeMs) {
        int width = row.length;
        if (width < 1 || width > 0xFFFF) {
            throw new IllegalArgumentException("a row needs 1..65535 values, got " + width);
        }
        if (maxLength < 1) {
            throw new IllegalArgumentException("sequence length must be >= 1, got " + maxLength);
        }
        if (stored != null && !usable(stored, format, width)) {
            throw new IllegalArgumentException("stored sequence has another layout (version " + stored[0]
                    + ") or row format than the new flow (format " + format + ", width " + width + ")");
        }
        int n = count(stored);
        int entry = entryBytes(width);
        long oldest = eventTimeMs - maxAgeMs;
        // entries to keep: the newest (maxLength - 1) in event-time order among those in [oldest, t]
        int[] order = byTime(stored, n);
        int[] keep = new int[Math.min(n, maxLength - 1)];
        int kept = 0;
        for (int j = n - 1; j >= 0 && kept < keep.length; j--) {
            long time = timeAt(stored, order[j]);
            if (time >= oldest && time <= eventTimeMs) {
                keep[kept++] = order[j];
            }
        }
        byte[] out = new byte[HEADER_BYTES + (kept + 1) * entry];
        ByteBuffer b = ByteBuffer.wrap(out);
        header(b, kept + 1, width, format);
        int pos = HEADER_BYTES;
        for (int j = kept - 1; j >= 0; j--) {
            System.arraycopy(stored, HEADER_BYTES + keep[j] * entry, out, pos, entry);
            pos += entry;
        }
        b.position(pos);
        b.putLong(eventTimeMs);
        for (float f : row) {
            b.putFloat(f);
        }
        return out;
    }

    /**
     * What a store keeps after {@code sequence} (what {@link #append} made of {@code stored} and a new
     * flow, the new flow last): the newest {@code max(1, maxLength - 1)} in event-time order of the
     * stored entries and the new flow, none older than {@code maxAgeMs} before the newest of them. When
     * no stored entry is newer than the new flow (flows arriving in event-time order) that is
     * {@link #context(byte[], int)} of the sequence.
     */
    public static byte[] context(byte[] stored, byte[] sequence, int maxLength, long maxAgeMs) {
        int n = count(stored);
        int last = count(sequence) - 1;
        long t = timeAt(sequence, last);
        long newest = newestTime(stored);
        if (n == 0 || newest <= t) {
            return context(sequence, maxLength);
        }
        // a late flow: it joins the stored entries at its place in event time, after those of its own time
        int[] order = byTime(stored, n);
        int at = n;
        while (at > 0 && timeAt(stored, order[at - 1]) > t) {
            at--;
        }
        int[] merged = new int[n + 1]; // stored indexes oldest first, -1 for the new flow
        System.arraycopy(order, 0, merged, 0, at);
        merged[at] = -1;
        System.arraycopy(order, at, merged, at + 1, n - at);
        // the newest max(1, T - 1), none older than maxAgeMs before the newest (a suffix: merged is in time order)
        long oldest = newest - maxAgeMs;
        int keep = Math.max(1, maxLength - 1);
        int from = merged.length;
        while (from > 0 && merged.length - from < keep
                && (merged[from - 1] < 0 ? t : timeAt(stored, merged[from - 1])) >= oldest) {
            from--;
        }
        int width = width(sequence);
        int entry = entryBytes(width);
        byte[] out = new byte[HEADER_BYTES + (merged.length - from) * entry];
        header(ByteBuffer.wrap(out), merged.length - from, width, ByteBuffer.wrap(sequence).getInt(4));
        for (int k = from, pos = HEADER_BYTES; k < merged.length; k++, pos += entry) {
            if (merged[k] < 0) {
                System.arraycopy(sequence, HEADER_BYTES + last * entry, out, pos, entry);
            } else {
                System.arraycopy(stored, HEADER_BYTES + merged[k] * entry, out, pos, entry);
            }
        }
        return out;
    }

    /** Entry indexes of {@code stored} in event-time order, equal times in stored (arrival) order. */
    private static int[] byTime(byte[] stored, int n) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
            long ti = timeAt(stored, i);
            int j = i;
            while (j > 0 && timeAt(stored, order[j - 1]) > ti) { // insertion sort: n < 256, almost always sorted
                order[j] = order[j - 1];
                j--;
            }
            order[j] = i;
        }
        return order;
    }

    /**
     * What a store keeps of {@code sequence} for the flows to come: its newest
     * {@code max(1, maxLength - 1)} entries (the same array when it is not longer).
     */
    public static byte[] context(byte[] sequence, int maxLength) {
        int n = count(sequence);
        int keep = Math.max(1, maxLength - 1);
        if (n <= keep) {
            return sequence;
        }
        int width = width(sequence);
        int entry = entryBytes(width);
        byte[] out = new byte[HEADER_BYTES + keep * entry];
        header(ByteBuffer.wrap(out), keep, width, ByteBuffer.wrap(sequence).getInt(4));
        System.arraycopy(sequence, HEADER_BYTES + (n - keep) * entry, out, HEADER_BYTES, keep * entry);
        return out;
    }

    private static void header(ByteBuffer b, int count, int width, int format) {
        b.put(VERSION).put((byte) count).putShort((short) width).putInt(format);
    }

    /**
     * Why {@code stored} cannot be extended with rows of {@code format} and {@code width} (an older
     * layout, another model's rows, corrupt bytes), or null when it can: {@link #usable} without the
     * exception, for callers that start such a sequence afresh.
     */
    public static String unusable(byte[] stored, int format, int width) {
        try {
            return usable(stored, format, width) ? null : "made by an older layout or for another model input format";
        } catch (IllegalArgumentException e) {
            return "corrupt: " + e.getMessage();
        }
    }

    /**
     * Whether rows of {@code format} and {@code width} may be appended to {@code stored}: it has the
     * current layout and the same row format. {@code false} for an older layout or another format.
     *
     * @throws IllegalArgumentException if a current-layout value is corrupt
     */
    public static boolean usable(byte[] stored, int format, int width) {
        if (stored.length < HEADER_BYTES || stored[0] != VERSION) {
            return false;
        }
        count(stored);
        return width(stored) == width && ByteBuffer.wrap(stored).getInt(4) == format;
    }

    /** Flows in the sequence (0 for {@code null}). */
    public static int count(byte[] stored) {
        if (stored == null) {
            return 0;
        }
        if (stored.length < HEADER_BYTES || stored[0] != VERSION) {
            throw new IllegalArgumentException("not a sequence of version " + VERSION + " ("
                    + stored.length + " bytes)");
        }
        int n = stored[1] & 0xFF;
        int expected = HEADER_BYTES + n * entryBytes(width(stored));
        if (stored.length != expected) {
            throw new IllegalArgumentException("corrupt sequence: " + n + " entries need " + expected
                    + " bytes, got " + stored.length);
        }
        return n;
    }

    private static int width(byte[] stored) {
        return ((stored[2] & 0xFF) << 8) | (stored[3] & 0xFF);
    }

    /** Event time of entry {@code i}. */
    public static long timeAt(byte[] stored, int i) {
        return ByteBuffer.wrap(stored).getLong(HEADER_BYTES + i * entryBytes(width(stored)));
    }

    /** The newest event time in the sequence ({@link Long#MIN_VALUE} when empty). */
    public static long newestTime(byte[] stored) {
        long max = Long.MIN_VALUE;
        for (int i = 0, n = count(stored); i < n; i++) {
            max = Math.max(max, timeAt(stored, i));
        }
        return max;
    }

    /** The event times, oldest first. */
    public static long[] times(byte[] stored) {
        int n = count(stored);
        long[] t = new long[n];
        for (int i = 0; i < n; i++) {
            t[i] = timeAt(stored, i);
        }
        return t;
    }

    /** The rows, {@code [count][width]}, oldest first: the model input. */
    public static float[][] rows(byte[] stored) {
        float[][] rows = new float[count(stored)][width(stored)];
        rowsInto(stored, rows);
        return rows;
    }

    /**
     * Copies the rows, oldest first, into {@code dst} (one array of the sequence's width per entry), for
     * callers that reuse their row arrays from one batch to the next.
     *
     * @throws IllegalArgumentException if {@code dst} has another number of rows or a row another width
     */
    public static void rowsInto(byte[] stored, float[][] dst) {
        int n = count(stored);
        if (dst.length != n) {
            throw new IllegalArgumentException(n + " rows into " + dst.length);
        }
        lastRowsInto(stored, dst);
    }

    /**
     * Copies the newest {@code dst.length} rows, oldest first, into {@code dst}: the last rows of the
     * sequence, e.g. the T a model looks at when the sequence is longer. No allocation.
     *
     * @throws IllegalArgumentException if the sequence has fewer rows or a row of {@code dst} another width
     */
    public static void lastRowsInto(byte[] stored, float[][] dst) {
        int n = count(stored);
        int width = width(stored);
        if (dst.length > n) {
            throw new IllegalArgumentException("the last " + dst.length + " rows of " + n);
        }
        int entry = entryBytes(width);
        int first = n - dst.length;
        for (int i = 0; i < dst.length; i++) {
            float[] row = dst[i];
            if (row.length != width) {
                throw new IllegalArgumentException("row " + i + " has " + row.length + " values, the sequence " + width);
            }
            int at = HEADER_BYTES + (first + i) * entry + Long.BYTES;
            for (int k = 0; k < width; k++) {
                row[k] = (float) FLOAT.get(stored, at + k * Float.BYTES);
            }
        }
    }
}
