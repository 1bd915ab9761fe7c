package sif.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Summarises the CPU samples of a JFR recording (e.g. of {@code ./sif bench} run with
 * {@code -XX:StartFlightRecording}): Java samples ({@code jdk.ExecutionSample}) and samples of threads
 * inside native methods ({@code jdk.NativeMethodSample}, e.g. PyTorch inference through JNI), each
 * by thread, by top frame, and by inclusive SIF / Kafka method. A console tool:
 * {@code java -cp benchmarks/target/benchmarks.jar sif.bench.JfrTop FILE.jfr [N] [THREAD-REGEX]} (a thread is kept when
 * the regular expression is found in its name, so a plain substring works too).
 */
public final class JfrTop {

    /** Top frames of threads that wait rather than run. */
    static final Set<String> IDLE = Set.of("sun.nio.ch.EPoll.wait", "java.lang.Object.wait", "jdk.internal.misc.Unsafe.park",
            "sun.nio.ch.Net.accept", "sun.nio.ch.Net.poll", "java.lang.Thread.sleep", "sun.nio.ch.EPollSelectorImpl.doSelect");

    private JfrTop() {}

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: JfrTop FILE.jfr [TOP-N] [THREAD-NAME-REGEX]");
            System.exit(2);
        }
        int top = args.length > 1 ? Integer.parseInt(args[1]) : 25;
        Pattern filter = args.length > 2 ? Pattern.compile(args[2]) : null;
        for (String type : List.of("jdk.ExecutionSample", "jdk.NativeMethodSample")) {
            summarise(Path.of(args[0]), type, top, filter);
        }
    }

    private static void summarise(Path file, String type, int top, Pattern filter) throws IOException {
        Map<String, Long> byThread = new HashMap<>();
        Map<String, Long> byTopFrame = new HashMap<>();
        Map<String, Long> inclusive = new HashMap<>();
        long total = 0;
        long idle = 0;
        try (RecordingFile f = new RecordingFile(file)) {
            while (f.hasMoreEvents()) {
                RecordedEvent e = f.readEvent();
                if (!e.getEventType().getName().equals(type)) {
                    continue;
                }
                String thread = threadName(e);
                if (filter != null && !filter.matcher(thread).find()) {
                    continue;
                }
                RecordedStackTrace st = e.getStackTrace();
                if (st != null && !st.getFrames().isEmpty() && IDLE.contains(name(st.getFrames().get(0)))) {
                    idle++; // a thread parked in a wait (selector, lock, sleep): not CPU
                    continue;
                }
                total++;
                byThread.merge(threadGroup(thread), 1L, Long::sum);
                if (st == null || st.getFrames().isEmpty()) {
                    continue;
                }
                byTopFrame.merge(name(st.getFrames().get(0)), 1L, Long::sum);
                Set<String> seen = new HashSet<>();
                for (RecordedFrame fr : st.getFrames()) {
                    String n = name(fr);
                    if ((n.startsWith("sif.") || n.startsWith("org.apache.kafka.") || n.startsWith("ai.djl.")
                            || n.startsWith("org.rocksdb.") || n.startsWith("org.apache.avro.")
                            || n.startsWith("com.fasterxml.")) && seen.add(n)) {
                        inclusive.merge(n, 1L, Long::sum);
                    }
                }
            }
        }
        System.out.printf(Locale.ROOT, "%n== %s: %,d samples%s (%,d samples of idle waits left out)%n", type, total,
                filter == null ? "" : " (threads matching '" + filter + "')", idle);
        print("by thread", byThread, total, top);
        print("by top frame (self)", byTopFrame, total, top);
        print("inclusive (sif / kafka / djl / rocksdb / avro / jackson frames)", inclusive, total, top);
    }

    private static void print(String title, Map<String, Long> counts, long total, int top) {
        System.out.println("-- " + title);
        counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(top)
                .forEach(en -> System.out.printf(Locale.ROOT, "  %6.1f%%  %,8d  %s%n", 100.0 * en.getValue() / Math.max(1, total),
                        en.getValue(), en.getKey()));
    }

    private static String threadName(RecordedEvent e) {
        return threadName(e.getThread("sampledThread"));
    }

    /** A recorded thread's Java name, else its OS name ("?" for none). */
    static String threadName(RecordedThread t) {
        if (t == null) {
            return "?";
        }
        String n = t.getJavaName();
        return n != null ? n : t.getOSName();
    }

    /** Thread names without ids, so that e.g. all stream threads of an app group together. */
    static String threadGroup(String thread) {
        if (thread.startsWith("sif-inference")) { // named after the stream thread it serves
            return "firewall: inference thread";
        }
        if (thread.contains("StreamThread")) {
            return thread.contains("producer") ? "firewall: streams producer network thread" : "firewall: stream thread";
        }
        if (thread.startsWith("sif-bench-") || thread.contains("sif-bench-")) {
            return "bench harness: " + thread.replaceAll("[-0-9]+$", "");
        }
        return thread.replaceAll("[0-9]+", "N");
    }

    /** A frame's class and method, {@code pkg.Type.method}. */
    static String name(RecordedFrame f) {
        RecordedMethod m = f.getMethod();
        return m == null ? "?" : m.getType().getName() + "." + m.getName();
    }
}
