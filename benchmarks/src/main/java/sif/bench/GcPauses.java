package sif.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * The garbage collections of this JVM during a phase, one by one, from the collectors' JMX
 * notifications: per collector, how many, their total and longest duration, and how many took
 * longer than the 15 ms latency target. In {@code ./sif bench} the JVM holds the firewall and, by
 * default, the broker and the load generator, so a stop-the-world pause stops all three: a 20 ms
 * pause a second alone puts ~2 % of flows above 15 ms (docs/performance.md). Only pauses are counted
 * as such: the collectors' concurrent work (G1's "G1 Concurrent GC", ZGC's "... Cycles") runs beside
 * the application and is reported apart, under {@code concurrent}.
 */
final class GcPauses implements NotificationListener, AutoCloseable {

    /** One collection: collector name, its action ("end of minor GC", ...), duration in ms. */
    record Gc(String collector, String action, long durationMs) {}

    private final List<NotificationEmitter> emitters = new ArrayList<>();
    private final List<Gc> gcs = new ArrayList<>();
    /** The pauses' {start, end}, epoch ms (the collector's times are since JVM start). */
    private final List<long[]> pauseWindows = new ArrayList<>();
    private final long jvmStartMs = ManagementFactory.getRuntimeMXBean().getStartTime();
    private final long startNanos = System.nanoTime();

    private GcPauses() {
    }

    /** Starts recording the collections of every collector of this JVM. */
    static GcPauses start() {
        GcPauses p = new GcPauses();
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter e) {
                e.addNotificationListener(p, null, null);
                p.emitters.add(e);
            }
        }
        return p;
    }

    @Override
    public void handleNotification(Notification n, Object handback) {
        if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
            return;
        }
        GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
        synchronized (gcs) {
            gcs.add(new Gc(info.getGcName(), info.getGcAction(), info.getGcInfo().getDuration()));
            if (!concurrent(info.getGcName())) {
                pauseWindows.add(new long[] {jvmStartMs + info.getGcInfo().getStartTime(),
                        jvmStartMs + info.getGcInfo().getEndTime()});
            }
        }
    }

    /** Whether a collector's notifications are concurrent work rather than pauses. */
    static boolean concurrent(String collector) {
        return collector.contains("Concurrent") || collector.endsWith("Cycles");
    }

    /** The pauses so far, each {start, end} in epoch ms (for {@link StageTap}: which flows they held up). */
    List<long[]> pauseWindows() {
        synchronized (gcs) {
            return List.copyOf(pauseWindows);
        }
    }

    /** Stops recording and summarizes the phase ({@link #summary}). */
    Map<String, Object> stop() {
        close();
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        synchronized (gcs) {
            return summary(List.copyOf(gcs), seconds);
        }
    }

    /**
     * Per collector: {@code count}, {@code total_ms}, {@code max_ms}, {@code over_15ms}; then, over the
     * pausing collectors, {@code pause_ms_per_s} and {@code pause_share_of_phase}.
     */
    static Map<String, Object> summary(List<Gc> gcs, double seconds) {
        Map<String, Map<String, Object>> pauses = new TreeMap<>();
        Map<String, Map<String, Object>> concurrent = new TreeMap<>();
        long pauseMs = 0;
        for (Gc g : gcs) {
            Map<String, Object> m = (concurrent(g.collector()) ? concurrent : pauses).computeIfAbsent(g.collector(),
                    k -> new LinkedHashMap<>(Map.of("count", 0L, "total_ms", 0L, "max_ms", 0L, "over_15ms", 0L)));
            m.merge("count", 1L, (a, b) -> (Long) a + (Long) b);
            m.merge("total_ms", g.durationMs(), (a, b) -> (Long) a + (Long) b);
            m.merge("max_ms", g.durationMs(), (a, b) -> Math.max((Long) a, (Long) b));
            m.merge("over_15ms", g.durationMs() > 15 ? 1L : 0L, (a, b) -> (Long) a + (Long) b);
            if (!concurrent(g.collector())) {
                pauseMs += g.durationMs();
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("pauses", sorted(pauses));
        out.put("concurrent", sorted(concurrent));
        out.put("pause_ms_per_s", BenchCommand.round(pauseMs / seconds, 2));
        out.put("pause_share_of_phase", BenchCommand.round(pauseMs / 1e3 / seconds, 4));
        return out;
    }

    private static Map<String, Object> sorted(Map<String, Map<String, Object>> byCollector) {
        Map<String, Object> out = new LinkedHashMap<>();
        byCollector.forEach((name, m) -> {
            Map<String, Object> o = new LinkedHashMap<>();
            for (String k : List.of("count", "total_ms", "max_ms", "over_15ms")) {
                o.put(k, m.get(k));
            }
            out.put(name, o);
        });
        return out;
    }

    /** One console line for {@link #summary}'s map. */
    @SuppressWarnings("unchecked")
    static String line(Map<String, Object> m) {
        StringBuilder b = new StringBuilder("GC pauses:");
        Map<String, Object> pauses = (Map<String, Object>) m.get("pauses");
        if (pauses.isEmpty()) {
            b.append(" none");
        }
        pauses.forEach((name, v) -> {
            Map<String, Object> c = (Map<String, Object>) v;
            b.append(String.format(Locale.ROOT, " %s %d (total %d ms, max %d ms, %d over 15 ms);", name, c.get("count"),
                    c.get("total_ms"), c.get("max_ms"), c.get("over_15ms")));
        });
        b.append(String.format(Locale.ROOT, " %s ms paused per second (%s of the phase)", m.get("pause_ms_per_s"),
                m.get("pause_share_of_phase")));
        return b.toString();
    }

    @Override
    public void close() {
        for (NotificationEmitter e : emitters) {
            try {
                e.removeNotificationListener(this);
            } catch (ListenerNotFoundException ignored) {
                // already removed
            }
        }
        emitters.clear();
    }
}
