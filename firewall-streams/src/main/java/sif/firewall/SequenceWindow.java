package sif.firewall;

import java.nio.ByteBuffer;
import sif.flows.FlowFeatures;

/**
 * The per-source sequence as stored: the last T flows of one source within a maximum age, oldest
 * first, in a compact binary form. Pure functions over {@code byte[]}; no Kafka.
 *
 * <p>Layout (big-endian): {@code version:u8, count:u8, count × (eventTimeMs:i64, 77 × f32)}; one
 * entry is {@value #ENTRY_BYTES} bytes, so T = 10 takes {@code 2 + 10 × 316 = 3162} bytes.
 *
 * <p>Rule of {@link #append}: given the stored sequence and a new flow at event time {@code t},
 * drop the stored entries older than {@code t - maxAgeMs}, keep the newest {@code T - 1} of the rest
 * (in arrival order) and add the new flow last. The model sees exactly this sequence.
 */
public final class SequenceWindow {

    public static final byte VERSION = 1;
    static final int HEADER_BYTES = 2;
    public static final int ENTRY_BYTES = Long.BYTES + FlowFeatures.COUNT * Float.BYTES;

    private SequenceWindow() {}

    /**
     * The sequence after {@code features} (event time {@code eventTimeMs}) is appended to
     * {@code stored} ({@code null} = empty).
     */
    public static byte[] append(byte[] stored, long eventTimeMs, float[] features, int maxLength, long maxAgeMs) {
        if (features.length != FlowFeatures.COUNT) {
            throw new IllegalArgumentException("a flow needs " + FlowFeatures.COUNT + " features, got " + features.length);
        }
        int n = count(stored);
        long oldest = eventTimeMs - maxAgeMs;
        // entries to keep: the newest (maxLength - 1) among those not older than `oldest`
        int[] keep = new int[Math.min(n, maxLength - 1)];
        int kept = 0;
        for (int i = n - 1; i >= 0 && kept < keep.length; i--) {
            if (timeAt(stored, i) >= oldest) {
                keep[kept++] = i;
            }
        }
        byte[] out = new byte[HEADER_BYTES + (kept + 1) * ENTRY_BYTES];
        out[0] = VERSION;
        out[1] = (byte) (kept + 1);
        int pos = HEADER_BYTES;
        for (int j = kept - 1; j >= 0; j--) {
            System.arraycopy(stored, HEADER_BYTES + keep[j] * ENTRY_BYTES, out, pos, ENTRY_BYTES);
            pos += ENTRY_BYTES;
        }
        ByteBuffer b = ByteBuffer.wrap(out, pos, ENTRY_BYTES);
        b.putLong(eventTimeMs);
        for (float f : features) {
            b.putFloat(f);
        }
        return out;
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
        if (stored.length != HEADER_BYTES + n * ENTRY_BYTES) {
            throw new IllegalArgumentException("corrupt sequence: " + n + " entries need "
                    + (HEADER_BYTES + n * ENTRY_BYTES) + " bytes, got " + stored.length);
        }
        return n;
    }

    /** Event time of entry {@code i}. */
    public static long timeAt(byte[] stored, int i) {
        return ByteBuffer.wrap(stored).getLong(HEADER_BYTES + i * ENTRY_BYTES);
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

    /** The model input: {@code [count][77]} raw features, oldest first. */
    public static float[][] features(byte[] stored) {
        int n = count(stored);
        float[][] rows = new float[n][FlowFeatures.COUNT];
        ByteBuffer b = ByteBuffer.wrap(stored);
        for (int i = 0; i < n; i++) {
            int pos = HEADER_BYTES + i * ENTRY_BYTES + Long.BYTES;
            float[] row = rows[i];
            for (int k = 0; k < row.length; k++) {
                row[k] = b.getFloat(pos + k * Float.BYTES);
            }
        }
        return rows;
    }
}
