package sif.firewall.metrics;

import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Meters by one tag value, looked up without allocating on the hot path. Raw keys map to a
 * normalized tag value; the number of distinct series is bounded: past {@code maxKeys} new values
 * share the series tagged {@value #OVERFLOW}, so a bug upstream cannot explode cardinality.
 */
final class TagCache<M> {

    static final String OVERFLOW = "other";
    static final String MISSING = "none";

    private final ConcurrentHashMap<String, M> byKey = new ConcurrentHashMap<>();
    private final Function<String, M> factory;
    private final boolean lowerCase;
    private final int maxKeys;
    private volatile M overflow;

    TagCache(Function<String, M> factory, boolean lowerCase, int maxKeys) {
        this.factory = factory;
        this.lowerCase = lowerCase;
        this.maxKeys = maxKeys;
    }

    M get(String key) {
        M meter = byKey.get(key == null ? MISSING : key);
        return meter != null ? meter : create(key == null ? MISSING : key);
    }

    /** Registers the series for {@code key} now, so it is exported (as zero) before first use. */
    M preRegister(String key) {
        return get(key);
    }

    Iterable<M> meters() {
        return byKey.values();
    }

    private M create(String key) {
        String tag = normalize(key);
        if (byKey.size() >= maxKeys) {
            M meter = overflow;
            if (meter == null) {
                synchronized (this) {
                    meter = overflow;
                    if (meter == null) {
                        meter = factory.apply(OVERFLOW);
                        overflow = meter;
                    }
                }
            }
            return meter;
        }
        return byKey.computeIfAbsent(key, k -> factory.apply(tag));
    }

    private String normalize(String key) {
        String trimmed = key.strip();
        if (trimmed.isEmpty()) {
            return MISSING;
        }
        return lowerCase ? trimmed.toLowerCase(Locale.ROOT) : trimmed;
    }
}
