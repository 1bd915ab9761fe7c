package sif.kafka;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * A child JVM on this JVM's class path: how it is launched, how its output reaches a log file, how it
 * is stopped. Used for the {@link BrokerProcess} and by the benchmark's start-up probe (a fresh
 * firewall JVM).
 */
public final class ChildJvm {

    /** Children started here and still running: a shutdown hook stops them with this JVM. */
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        // without it, a JVM ended by a signal (its finally blocks do not run) would leave its children
        // (a broker with its heap, ports and log directory) running under init
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(p -> {
            if (p.isAlive()) {
                p.destroy();
            }
        }), "sif-child-jvms-stop"));
    }

    private ChildJvm() {}

    /** Starts {@code pb}'s process; it is stopped (SIGTERM) if this JVM ends while it runs. */
    public static Process start(ProcessBuilder pb) throws IOException {
        Process p = pb.start();
        LIVE.add(p);
        p.onExit().thenRun(() -> LIVE.remove(p));
        return p;
    }

    /** This JVM's {@code java} executable ({@code java} from the path if it cannot be told). */
    public static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    /** {@code <this JVM's java> <jvmOptions> -cp <this class path> <mainClass> <args>}, mutable. */
    public static List<String> command(List<String> jvmOptions, String mainClass, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(java());
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass);
        cmd.addAll(args);
        return cmd;
    }

    /**
     * Copies the child's output (stdout with stderr redirected into it) to {@code log}, line by line
     * and flushed, until the child closes it. Each line goes through {@code onLine} on arrival, which
     * returns what is written (the line itself, or the line decorated). Runs on the caller's thread.
     */
    public static void copyOutput(Process child, Path log, UnaryOperator<String> onLine) throws IOException {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
             PrintWriter out = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                out.println(onLine.apply(line));
                out.flush();
            }
        }
    }

    /**
     * Stops the child with SIGTERM (its shutdown hooks run) and kills it if it has not exited within
     * 30 s. An interrupt kills it at once and is passed on.
     */
    public static void stop(Process child) {
        if (!child.isAlive()) {
            return;
        }
        child.destroy();
        try {
            if (!child.waitFor(30, TimeUnit.SECONDS)) {
                child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            child.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
