package sif.bench;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import sif.kafka.ChildJvm;

/**
 * Process start → first verdict: launches the firewall ({@code sif.firewall.FirewallMain}) in a
 * FRESH JVM against a topic that already holds flows, and measures from just before
 * {@link ProcessBuilder#start()} to the first output record seen by a read_committed consumer that
 * was listening before the launch. The child's log lines are time-stamped on arrival to split the
 * time into JVM + model load, Kafka Streams start-up, and processing.
 */
public final class StartupProbe {

    /** The child's log configuration (a classpath resource of this module). */
    public static final String CHILD_LOGBACK = "sif-bench-child-logback.xml";

    /**
     * @param firstVerdictSeconds launch → first output record consumed (read_committed)
     * @param milestones          seconds from launch at which the child logged: "model loaded", "running"
     * @param childLog            the child's log file
     */
    public record Result(double firstVerdictSeconds, Map<String, Double> milestones, Path childLog) {}

    private StartupProbe() {}

    /**
     * @param firewallConfig firewall properties for the child (bootstrap servers, topics, model.dir, ...)
     * @param collector      already listening on the child's output topics
     * @param workDir        where the config and the child's log go
     */
    public static Result run(Map<String, String> firewallConfig, VerdictCollector collector, Path workDir,
                             Duration timeout) throws IOException, InterruptedException {
        return run(firewallConfig, collector, workDir, timeout, null);
    }

    /**
     * Records an AppCDS archive the way {@code ./sif} does: a child running
     * {@code FirewallMain --check} with {@code -XX:ArchiveClassesAtExit}, with the same class path
     * and configuration as the measured children.
     *
     * @return the archive, or {@code null} if the JVM did not write one (reason in the log)
     */
    public static Path recordArchive(Map<String, String> firewallConfig, Path workDir)
            throws IOException, InterruptedException {
        Files.createDirectories(workDir);
        Path archive = workDir.resolve("firewall-cds.jsa");
        List<String> cmd = command(firewallConfig, workDir, List.of("-XX:ArchiveClassesAtExit=" + archive));
        cmd.add("--check");
        Process child = ChildJvm.start(new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(workDir.resolve("cds-record.log").toFile()));
        if (!child.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)) {
            // a hung check: measured without the archive (exitValue() of a process not yet gone would throw)
            child.destroyForcibly().waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
            return null;
        }
        return child.exitValue() == 0 && Files.isRegularFile(archive) ? archive : null;
    }

    /** As {@link #run(Map, VerdictCollector, Path, Duration)}, with the AppCDS {@code archive} if not null. */
    public static Result run(Map<String, String> firewallConfig, VerdictCollector collector, Path workDir,
                             Duration timeout, Path archive) throws IOException, InterruptedException {
        Path log = workDir.resolve("firewall-child.log");
        List<String> cmd = command(firewallConfig, workDir, archive == null ? List.of()
                : List.of("-XX:SharedArchiveFile=" + archive, "-Xlog:cds=off", "-Xlog:cds+dynamic=off"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        Map<String, Double> milestones = new LinkedHashMap<>();
        long t0 = System.nanoTime();
        Process child = ChildJvm.start(pb);
        Thread reader = new Thread(() -> pump(child, log, t0, milestones), "sif-bench-child-log");
        reader.setDaemon(true);
        reader.start();
        try {
            boolean seen = collector.awaitCount(1, timeout);
            double first = seen ? (collector.firstReceiptNanos() - t0) / 1e9 : Double.NaN;
            if (!seen && !child.isAlive()) {
                throw new IllegalStateException("the firewall child exited with " + child.exitValue()
                        + " before any verdict; see " + log);
            }
            synchronized (milestones) {
                return new Result(first, new LinkedHashMap<>(milestones), log);
            }
        } finally {
            ChildJvm.stop(child);
            reader.join(5_000);
        }
    }

    /** {@code java [jvmOptions] ... sif.firewall.FirewallMain --config <workDir>/firewall.properties}. */
    private static List<String> command(Map<String, String> firewallConfig, Path workDir, List<String> jvmOptions)
            throws IOException {
        Files.createDirectories(workDir);
        Path config = workDir.resolve("firewall.properties");
        Properties p = new Properties();
        p.putAll(firewallConfig);
        try (Writer w = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
            p.store(w, "sif bench: start-to-first-verdict child");
        }
        List<String> options = new ArrayList<>(jvmOptions);
        options.add("-Dai.djl.offline=true");
        options.add("-Dlogback.configurationFile=" + CHILD_LOGBACK);
        for (String key : List.of("ai.djl.pytorch.num_threads", "ai.djl.pytorch.num_interop_threads")) {
            String v = System.getProperty(key);
            if (v != null) {
                options.add("-D" + key + "=" + v);
            }
        }
        String repoRoot = System.getProperty("sif.repo.root");
        if (repoRoot != null) {
            options.add("-Dsif.repo.root=" + repoRoot);
        }
        return ChildJvm.command(options, "sif.firewall.FirewallMain", List.of("--config", config.toString()));
    }

    private static void pump(Process child, Path log, long t0, Map<String, Double> milestones) {
        try {
            ChildJvm.copyOutput(child, log, line -> {
                double at = (System.nanoTime() - t0) / 1e9;
                synchronized (milestones) {
                    if (line.contains("loaded model")) {
                        milestones.putIfAbsent("model_loaded_s", at);
                    } else if (line.contains("-> RUNNING")) {
                        milestones.putIfAbsent("streams_running_s", at);
                    }
                }
                return String.format(Locale.ROOT, "[+%.3fs] %s", at, line);
            });
        } catch (IOException e) {
            // the child went away; its log is what it is
        }
    }
}
