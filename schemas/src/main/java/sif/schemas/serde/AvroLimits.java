package sif.schemas.serde;

import org.apache.avro.SystemLimitException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Caps the lengths Avro allocates for while decoding. A string, bytes field or array declares its
 * length first, and Avro allocates that much before reading it: without a cap, a 60-byte record
 * declaring a 1.9 GB flow id makes the decoder throw {@link OutOfMemoryError} (seen on a 256 MB heap;
 * on a larger one it allocates the 1.9 GB, then fails) — an error, not the exception the validate step
 * turns into a dead letter, and it stops the stream thread. Avro's own limits
 * ({@link SystemLimitException}'s {@code org.apache.avro.limits.*} system properties) default to
 * about 2 GB; SIF sets them to {@value #MAX_LENGTH}, more than any record a broker takes by default
 * holds, unless they are set already (e.g. {@code -Dorg.apache.avro.limits.string.maxLength=...}).
 * Avro reads the properties once, when it first checks a length, so this runs before SIF's serdes
 * decode anything; {@link #effective} says whether it took.
 */
public final class AvroLimits {

    /** Longest string or bytes field, and most array or map items, Avro decodes: 1 MiB. */
    public static final long MAX_LENGTH = 1 << 20;
    private static final Logger LOG = LoggerFactory.getLogger(AvroLimits.class);
    private static final boolean APPLIED = apply();

    private AvroLimits() {}

    /** Makes sure the limits are set (idempotent; the work is done once, when this class loads). */
    public static void ensure() {
        if (!APPLIED) {
            LOG.debug("Avro length limits were not applied");
        }
    }

    private static boolean apply() {
        boolean ours = false;
        for (String p : new String[] {SystemLimitException.MAX_STRING_LENGTH_PROPERTY,
                SystemLimitException.MAX_BYTES_LENGTH_PROPERTY, SystemLimitException.MAX_COLLECTION_LENGTH_PROPERTY}) {
            if (System.getProperty(p) == null) {
                System.setProperty(p, Long.toString(MAX_LENGTH));
                ours = true;
            }
        }
        boolean ok = effective();
        if (!ok && ours) {
            LOG.warn("Avro decoded data before SIF could cap the lengths it allocates for: a record declaring a "
                    + "gigabyte-long field can exhaust the heap. Start the JVM with -D{}={} (and the bytes and "
                    + "collectionItems limits)", SystemLimitException.MAX_STRING_LENGTH_PROPERTY, MAX_LENGTH);
        }
        return ok;
    }

    /** Whether Avro refuses a string longer than {@link #MAX_LENGTH} (the limits are in force). */
    public static boolean effective() {
        try {
            SystemLimitException.checkMaxStringLength(MAX_LENGTH + 1);
            return false;
        } catch (SystemLimitException e) {
            return true;
        }
    }
}
