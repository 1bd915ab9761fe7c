package sif.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Samples this process every {@code interval}: its CPU (time used and {@code getProcessCpuLoad}),
 * the whole machine's CPU load (other processes show up here), heap in use and resident set size
 * ({@code VmRSS} of {@code /proc/self/status}). At the end of the phase it splits the process CPU
 * time by thread: the firewall's Java threads (every Kafka Streams thread and client carries the
 * application id in its name), the benchmark harness (threads and clients named {@code sif-bench-*}),
 * the other Java threads (the in-process broker), and the rest, which is native: GC, JIT and the
 * PyTorch intra-op thread pool (not Java threads, so invisible to {@link ThreadMXBean}). One
 * sampler per phase.
 */
public final class ResourceSampler implements AutoCloseable {

    /**
     * @param processCores       process CPU time / wall time (1.0 = one core busy)
     * @param firewallJavaCores  CPU of the firewall's Java threads (stream threads, their clients)
     * @param harnessJavaCores   CPU of the harness's threads (load generator, collector)
     * @param otherJavaCores     CPU of the other Java threads (the in-process broker)
     * @param nativeCores        the rest of the process CPU: GC, JIT, PyTorch's native threads
     * @param processCpuLoadAvg  mean of getProcessCpuLoad() (share of all cores, 0..1)
     * @param systemCpuLoadAvg   mean of getCpuLoad() (whole machine, 0..1)
     * @param heapUsedMaxBytes   most heap in use at a sample
     * @param rssMaxBytes        largest VmRSS at a sample (-1 if unavailable)
     * @param samples            samples taken
     */
    public record Usage(double processCores, double firewallJavaCores, double harnessJavaCores, double otherJavaCores,
                        double nativeCores, double processCpuLoadAvg,
                        double systemCpuLoadAvg, long heapUsedMaxBytes, long rssMaxBytes, int samples) {}

    private final com.sun.management.OperatingSystemMXBean os;
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final ScheduledExecutorService timer;
    private final long startNanos;
    private final long startProcessCpu;
    private final String firewallMarker;
    private final long[] startJavaCpu;
    private double processLoadSum;
    private double systemLoadSum;
    private int loadSamples;
    private long heapMax;
    private long rssMax = -1;
    private int samples;

    private ResourceSampler(long intervalMs, String firewallMarker) {
        this.firewallMarker = firewallMarker;
        this.os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        this.startNanos = System.nanoTime();
        this.startProcessCpu = os.getProcessCpuTime();
        this.startJavaCpu = javaCpuNanos();
        os.getProcessCpuLoad(); // the first reading of a fresh bean is meaningless
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sif-bench-sampler");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleAtFixedRate(this::sample, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
    }

    /** @param firewallMarker text in the names of the firewall's threads (its application id) */
    public static ResourceSampler start(long intervalMs, String firewallMarker) {
        return new ResourceSampler(intervalMs, firewallMarker);
    }

    private synchronized void sample() {
        double p = os.getProcessCpuLoad();
        double s = os.getCpuLoad();
        if (p >= 0 && s >= 0) {
            processLoadSum += p;
            systemLoadSum += s;
            loadSamples++;
        }
        heapMax = Math.max(heapMax, memory.getHeapMemoryUsage().getUsed());
        rssMax = Math.max(rssMax, rssBytes());
        samples++;
    }

    /** Stops sampling and summarises the phase. */
    public synchronized Usage stop() {
        timer.shutdownNow();
        sample();
        double wall = (System.nanoTime() - startNanos) / 1e9;
        double proc = (os.getProcessCpuTime() - startProcessCpu) / 1e9 / wall;
        long[] java = javaCpuNanos();
        double fw = (java[0] - startJavaCpu[0]) / 1e9 / wall;
        double harness = (java[1] - startJavaCpu[1]) / 1e9 / wall;
        double other = (java[2] - startJavaCpu[2]) / 1e9 / wall;
        double nativeCores = Math.max(0, proc - fw - harness - other);
        return new Usage(proc, fw, harness, other, nativeCores, loadSamples == 0 ? Double.NaN : processLoadSum / loadSamples,
                loadSamples == 0 ? Double.NaN : systemLoadSum / loadSamples, heapMax, rssMax, samples);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }

    /** CPU time of the live Java threads: {firewall, harness, other}. */
    long[] javaCpuNanos() {
        long[] sum = new long[3];
        for (ThreadInfo t : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (t == null) {
                continue;
            }
            long c = threads.getThreadCpuTime(t.getThreadId());
            if (c <= 0) {
                continue;
            }
            String name = t.getThreadName();
            int k = name.contains(firewallMarker) ? 0 : name.contains("sif-bench-") ? 1 : 2;
            sum[k] += c;
        }
        return sum;
    }

    /** VmRSS of this process in bytes, -1 where /proc is not available. */
    public static long rssBytes() {
        return procStatus("VmRSS:");
    }

    /** VmHWM (peak RSS) of this process in bytes, -1 where /proc is not available. */
    public static long peakRssBytes() {
        return procStatus("VmHWM:");
    }

    private static long procStatus(String field) {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/self/status"));
            for (String l : lines) {
                if (l.startsWith(field)) {
                    String[] parts = l.substring(field.length()).trim().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024L; // kB
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
