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
import java.util.Set;
import java.util.regex.Pattern;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where threads wait rather than run: sums the blocking events of a JFR recording
 * ({@code jdk.ThreadPark}, {@code jdk.JavaMonitorEnter}, {@code jdk.JavaMonitorWait}) by call path,
 * for the threads whose name matches a regular expression. The complement of {@link JfrTop}, which
 * sees only threads on a CPU: a stream thread that waits for the model or for a commit shows up here.
 * Record with a low threshold, e.g. {@code -XX:StartFlightRecording=settings=profile,locking-threshold=1ms,...}.
 * A console tool: {@code java -cp benchmarks/target/benchmarks.jar sif.bench.JfrWaits FILE.jfr THREAD-REGEX [TOP-N] [DEPTH]}.
 */
public final class JfrWaits {

    static final Set<String> EVENTS = Set.of("jdk.ThreadPark", "jdk.JavaMonitorEnter", "jdk.JavaMonitorWait");
    /** Frames of the waiting machinery itself, skipped so that a path starts at the caller that waits. */
    private static final List<String> MACHINERY = List.of("java.util.concurrent.", "jdk.internal.", "java.lang.Object.wait",
            "java.lang.Thread.");

    private JfrWaits() {}

    /** Waits on one call path. */
    record WaitPath(String path, long count, Duration total, Duration max) {}

    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: JfrWaits FILE.jfr THREAD-REGEX [TOP-N] [DEPTH]");
            System.exit(2);
        }
        Pattern threads = Pattern.compile(args[1]);
        int top = args.length > 2 ? Integer.parseInt(args[2]) : 15;
        int depth = args.length > 3 ? Integer.parseInt(args[3]) : 5;
        Summary s = summarise(Path.of(args[0]), threads, depth);
        System.out.printf(Locale.ROOT, "%s: threads matching /%s/: %,d waits, %.2f s waiting over %.2f s (first to last event)%n",
                args[0], args[1], s.waits(), seconds(s.total()), seconds(s.span()));
        s.paths().stream().limit(top).forEach(p -> System.out.printf(Locale.ROOT, "%8.2f s %6d waits  max %7.1f ms  %s%n",
                seconds(p.total()), p.count(), p.max().toNanos() / 1e6, p.path()));
    }

    record Summary(long waits, Duration total, Duration span, List<WaitPath> paths) {}

    static Summary summarise(Path file, Pattern threads, int depth) throws IOException {
        Map<String, long[]> byPath = new HashMap<>(); // count, total ns, max ns
        long waits = 0;
        long totalNs = 0;
        Instant first = null;
        Instant last = null;
        try (RecordingFile rf = new RecordingFile(file)) {
            while (rf.hasMoreEvents()) {
                RecordedEvent e = rf.readEvent();
                if (!EVENTS.contains(e.getEventType().getName())) {
                    continue;
                }
                RecordedThread t = e.getThread();
                String name = t == null ? null : t.getJavaName();
                if (name == null || !threads.matcher(name).find()) {
                    continue;
                }
                long ns = e.getDuration().toNanos();
                long[] a = byPath.computeIfAbsent(e.getEventType().getName().substring(4) + " | " + path(e, depth),
                        k -> new long[3]);
                a[0]++;
                a[1] += ns;
                a[2] = Math.max(a[2], ns);
                waits++;
                totalNs += ns;
                first = first == null || e.getStartTime().isBefore(first) ? e.getStartTime() : first;
                last = last == null || e.getEndTime().isAfter(last) ? e.getEndTime() : last;
            }
        }
        List<WaitPath> paths = new ArrayList<>();
        byPath.forEach((k, a) -> paths.add(new WaitPath(k, a[0], Duration.ofNanos(a[1]), Duration.ofNanos(a[2]))));
        paths.sort((x, y) -> y.total().compareTo(x.total()));
        return new Summary(waits, Duration.ofNanos(totalNs), first == null ? Duration.ZERO : Duration.between(first, last),
                paths);
    }

    /** The first {@code depth} frames above the waiting machinery, innermost first. */
    static String path(RecordedEvent e, int depth) {
        if (e.getStackTrace() == null) {
            return "(no stack)";
        }
        List<String> out = new ArrayList<>();
        for (RecordedFrame f : e.getStackTrace().getFrames()) {
            String type = f.getMethod().getType().getName();
            String m = type + "." + f.getMethod().getName();
            if (out.isEmpty() && MACHINERY.stream().anyMatch(m::startsWith)) {
                continue;
            }
            out.add(type.substring(type.lastIndexOf('.') + 1) + "." + f.getMethod().getName() + ":" + f.getLineNumber());
            if (out.size() == depth) {
                break;
            }
        }
        return String.join(" < ", out);
    }

    private static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }
}
