package sif.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * What a JVM allocates, and where: sums the weights (bytes) of a JFR recording's
 * {@code jdk.ObjectAllocationSample} events — by thread, by class, and by allocation path (the class,
 * then up to three SIF frames, innermost first; the innermost frame when no SIF frame is on the stack)
 * — over the last {@code SECONDS} of the recording (e.g. the fixed-load phase a benchmark ran last).
 * The allocation rate sets how often the young GC pauses. Record with a higher sampling rate than
 * JFR's profile ({@code 300/s}), e.g. a copy of {@code profile.jfc} whose
 * {@code jdk.ObjectAllocationSample} throttle is {@code 5000/s}. A console tool:
 * {@code java -cp benchmarks/target/benchmarks.jar sif.bench.JfrAllocations FILE.jfr [SECONDS] [TOP-N]}
 * (SECONDS 0 = the whole recording).
 */
public final class JfrAllocations {

    static final String EVENT = "jdk.ObjectAllocationSample";

    private JfrAllocations() {}

    /** Sampled bytes per key, largest first. */
    record Share(String key, long bytes) {}

    /** @param seconds the span summed: the window asked for, or first to last sample when the recording is shorter */
    record Summary(long bytes, double seconds, List<Share> byThread, List<Share> byClass, List<Share> byPath) {
        double mbPerSecond(long b) {
            return seconds > 0 ? b / 1e6 / seconds : Double.NaN;
        }
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: JfrAllocations FILE.jfr [SECONDS] [TOP-N]");
            System.exit(2);
        }
        long seconds = args.length > 1 ? Long.parseLong(args[1]) : 0;
        int top = args.length > 2 ? Integer.parseInt(args[2]) : 25;
        Summary s = summarise(Path.of(args[0]), seconds);
        System.out.printf(Locale.ROOT, "%s: %,.1f MB sampled over %.1f s (%s), %.1f MB/s%n", args[0], s.bytes() / 1e6,
                s.seconds(), seconds > 0 ? "the last " + seconds + " s" : "the whole recording", s.mbPerSecond(s.bytes()));
        print("by thread", s.byThread(), s, top);
        print("by class", s.byClass(), s, top);
        print("by path (class < SIF frames, innermost first)", s.byPath(), s, top);
    }

    static Summary summarise(Path file, long lastSeconds) throws IOException {
        List<RecordedEvent> events = new ArrayList<>();
        Instant first = null;
        Instant last = null;
        try (RecordingFile rf = new RecordingFile(file)) {
            while (rf.hasMoreEvents()) {
                RecordedEvent e = rf.readEvent();
                if (e.getEventType().getName().equals(EVENT)) {
                    events.add(e);
                    first = first == null || e.getStartTime().isBefore(first) ? e.getStartTime() : first;
                    last = last == null || e.getStartTime().isAfter(last) ? e.getStartTime() : last;
                }
            }
        }
        if (events.isEmpty()) {
            return new Summary(0, 0, List.of(), List.of(), List.of());
        }
        Instant from = lastSeconds > 0 ? last.minusSeconds(lastSeconds) : first;
        if (from.isBefore(first)) {
            from = first;
        }
        Map<String, Long> byThread = new HashMap<>();
        Map<String, Long> byClass = new HashMap<>();
        Map<String, Long> byPath = new HashMap<>();
        long total = 0;
        for (RecordedEvent e : events) {
            if (e.getStartTime().isBefore(from)) {
                continue;
            }
            long bytes = e.getLong("weight");
            total += bytes;
            String thread = JfrTop.threadName(e.getThread("eventThread"));
            String type = e.getClass("objectClass").getName();
            byThread.merge(JfrTop.threadGroup(thread), bytes, Long::sum);
            byClass.merge(type, bytes, Long::sum);
            byPath.merge(path(type, e), bytes, Long::sum);
        }
        double seconds = Duration.between(from, last).toNanos() / 1e9;
        return new Summary(total, seconds, sorted(byThread), sorted(byClass), sorted(byPath));
    }

    /** The allocated class, then up to three SIF frames (innermost first), or the innermost frame when none. */
    static String path(String type, RecordedEvent e) {
        StringBuilder b = new StringBuilder(type);
        if (e.getStackTrace() == null) {
            return b.append(" < (no stack)").toString();
        }
        List<RecordedFrame> frames = e.getStackTrace().getFrames();
        int sif = 0;
        for (RecordedFrame f : frames) {
            String owner = f.getMethod().getType().getName();
            if (owner.startsWith("sif.")) {
                b.append(" < ").append(owner.substring(owner.lastIndexOf('.') + 1)).append('.').append(f.getMethod().getName());
                if (++sif == 3) {
                    break;
                }
            }
        }
        if (sif == 0 && !frames.isEmpty()) {
            b.append(" < [").append(JfrTop.name(frames.get(0))).append(']');
        }
        return b.toString();
    }

    private static List<Share> sorted(Map<String, Long> m) {
        List<Share> out = new ArrayList<>();
        m.forEach((k, v) -> out.add(new Share(k, v)));
        out.sort((x, y) -> Long.compare(y.bytes(), x.bytes()));
        return out;
    }

    private static void print(String title, List<Share> shares, Summary s, int top) {
        System.out.println("-- " + title);
        shares.stream().limit(top).forEach(sh -> System.out.printf(Locale.ROOT, "  %5.1f%%  %7.2f MB/s  %s%n",
                100.0 * sh.bytes() / Math.max(1, s.bytes()), s.mbPerSecond(sh.bytes()), sh.key()));
    }
}
