package sif.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import sif.firewall.SequenceInferenceProcessor;

/**
 * Samples this process every {@code interval}: its CPU (time used and {@code getProcessCpuLoad}),
 * the whole machine's CPU load (other processes show up here), heap in use and resident set size
 * ({@code VmRSS} of {@code /proc/self/status}). At the end of the phase it splits the process CPU
 * time by thread: the firewall's Java threads (every Kafka Streams thread and client carries the
 * application id in its name), the benchmark harness (threads and clients named {@code sif-bench-*}),
 * the other Java threads (the in-process broker), and the rest, which is native: GC, JIT and the
 * PyTorch intra-op thread pool (not Java threads, so invisible to {@link ThreadMXBean}). With one
 * PyTorch thread (the firewall's default) the model runs on the calling thread, so its compute is
 * counted in the firewall's inference threads, not in native. The firewall's share is also split by
 * role ({@link Usage#firewallThreadCores}): stream threads, inference threads, producer network
 * threads, other. For every OS thread it also reads how long it was runnable but waiting for a CPU
 * ({@link Usage#osThreadRunQueueWait}): the difference between a thread that is idle and one that is
 * starved. When the broker runs in a process of its own ({@code --broker process}), its CPU
 * and resident set are read from {@code /proc/<pid>} as well. It also counts the heap each Java thread
 * allocated ({@code com.sun.management.ThreadMXBean#getThreadAllocatedBytes}): the firewall's by role,
 * and all Java threads' together — the allocation rate that sets how often the young GC pauses.
 * One sampler per phase.
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
     * @param firewallThreadCores the firewall's Java CPU by thread role ({@link #role}), cores
     * @param osThreadCores      the whole process's CPU by OS thread name ({@code /proc/self/task/<tid>/comm},
     *                           digits dropped, so "GC Thread#0" and "GC Thread#1" add up), cores; shows
     *                           what the native share is (GC, JIT compilers, RocksDB, any PyTorch pool)
     * @param brokerProcessCores the broker process's CPU time / wall time (NaN: no broker process)
     * @param brokerRssMaxBytes  largest VmRSS of the broker process at a sample (-1: none)
     * @param brokerRequestsPerSecond requests the in-JVM broker handled per second, by type ({@link BrokerRequests};
     *                           empty for a broker process)
     * @param osThreadRunQueueWait the whole process's time runnable but waiting for a CPU, by OS thread
     *                           name as in {@code osThreadCores} (seconds per second of the phase, from
     *                           {@code /proc/self/task/<tid>/schedstat}): where a thread is CPU-starved
     *                           rather than idle
     * @param firewallAllocatedBytesPerSecond heap allocated by the firewall's Java threads during the phase, by
     *                           role as in {@code firewallThreadCores}, bytes per second (empty where the JVM
     *                           does not count allocations)
     * @param javaAllocatedBytesPerSecond heap allocated by all Java threads alive at the end of the phase (the
     *                           firewall's, the broker's, the harness's), bytes per second (NaN where not counted)
     */
    public record Usage(double processCores, double firewallJavaCores, double harnessJavaCores, double otherJavaCores,
                        double nativeCores, double processCpuLoadAvg,
                        double systemCpuLoadAvg, long heapUsedMaxBytes, long rssMaxBytes, int samples,
                        Map<String, Double> firewallThreadCores, Map<String, Double> osThreadCores,
                        double brokerProcessCores, long brokerRssMaxBytes, Map<String, Double> brokerRequestsPerSecond,
                        Map<String, Double> osThreadRunQueueWait,
                        Map<String, Double> firewallAllocatedBytesPerSecond, double javaAllocatedBytesPerSecond) {

        /**
         * The OS name of the firewall's inference threads as keyed here: Linux keeps a thread name's
         * first 15 characters, the prefix's 14 and the first digit of the task id, shown as {@code #}.
         */
        public static final String INFERENCE_OS_THREAD = SequenceInferenceProcessor.INFERENCE_THREAD_PREFIX + "#";

        /** Whether the broker ran in a process of its own (its CPU is then in {@link #brokerProcessCores}). */
        public boolean brokerApart() {
            return !Double.isNaN(brokerProcessCores);
        }

        /** Time the inference threads were runnable but waiting for a CPU, in cores (0 where not measured). */
        public double inferenceRunQueueWait() {
            return osThreadRunQueueWait.getOrDefault(INFERENCE_OS_THREAD, 0.0);
        }

        /** Time all this process's threads were runnable but waiting for a CPU, in cores. */
        public double totalRunQueueWait() {
            return osThreadRunQueueWait.values().stream().mapToDouble(Double::doubleValue).sum();
        }

        /** Heap allocated by the firewall's Java threads, bytes per second (NaN where not counted). */
        public double firewallAllocatedBytesPerSecondTotal() {
            return firewallAllocatedBytesPerSecond.isEmpty() ? Double.NaN
                    : firewallAllocatedBytesPerSecond.values().stream().mapToDouble(Double::doubleValue).sum();
        }

        /** This process's CPU plus, when apart, the broker process's. */
        public double totalCores() {
            return brokerApart() ? processCores + brokerProcessCores : processCores;
        }
    }

    private final com.sun.management.OperatingSystemMXBean os;
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    /** The same bean's allocation counters, or null where this JVM does not count them. */
    private final com.sun.management.ThreadMXBean allocations = allocationCounter(threads);
    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final ScheduledExecutorService timer;
    private final long startNanos;
    private final long startProcessCpu;
    private final String firewallMarker;
    /** CPU time of each Java thread alive at the start, by thread id. */
    private final Map<Long, Long> startThreadCpu = new HashMap<>();
    /** Heap allocated by each Java thread alive at the start, by thread id. */
    private final Map<Long, Long> startThreadAllocated = new HashMap<>();
    private final Map<String, OsThreadTimes> startOsThreads;
    private final long brokerPid;
    private final long startBrokerTicks;
    private long brokerRssMax = -1;
    private final Map<String, Long> startBrokerRequests = BrokerRequests.snapshot();
    private double processLoadSum;
    private double systemLoadSum;
    private int loadSamples;
    private long heapMax;
    private long rssMax = -1;
    private int samples;

    /** CPU time (ns) of harness threads that have ended: a phase's sampler counts what ended while it ran. */
    private static final java.util.concurrent.atomic.AtomicLong ENDED_HARNESS_CPU = new java.util.concurrent.atomic.AtomicLong();
    private final long startEndedHarnessCpu = ENDED_HARNESS_CPU.get();

    /**
     * Called by a harness thread as it ends ({@code sif-bench-*}, e.g. the load generator's sender), with
     * its own CPU time: a thread that is gone when a sampler stops is otherwise not counted at all.
     */
    static void harnessThreadEnded(long cpuNanos) {
        ENDED_HARNESS_CPU.addAndGet(Math.max(0, cpuNanos));
    }

    private ResourceSampler(long intervalMs, String firewallMarker, long brokerPid) {
        this.firewallMarker = firewallMarker;
        this.brokerPid = brokerPid;
        this.startBrokerTicks = brokerPid > 0 ? processTicks(brokerPid) : -1;
        this.os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        this.startNanos = System.nanoTime();
        this.startProcessCpu = os.getProcessCpuTime();
        for (long id : threads.getAllThreadIds()) {
            startThreadCpu.put(id, Math.max(0, threads.getThreadCpuTime(id)));
            if (allocations != null) {
                startThreadAllocated.put(id, Math.max(0, allocations.getThreadAllocatedBytes(id)));
            }
        }
        this.startOsThreads = osThreads();
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
        return new ResourceSampler(intervalMs, firewallMarker, -1);
    }

    /**
     * @param firewallMarker text in the names of the firewall's threads (its application id)
     * @param brokerPid      the broker's process id, or -1 when the broker runs in this JVM
     */
    public static ResourceSampler start(long intervalMs, String firewallMarker, long brokerPid) {
        return new ResourceSampler(intervalMs, firewallMarker, brokerPid);
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
        if (brokerPid > 0) {
            brokerRssMax = Math.max(brokerRssMax, procStatus(Path.of("/proc/" + brokerPid + "/status"), "VmRSS:"));
        }
        samples++;
    }

    /** Stops sampling and summarises the phase. */
    public synchronized Usage stop() {
        timer.shutdownNow();
        sample();
        double wall = (System.nanoTime() - startNanos) / 1e9;
        double proc = (os.getProcessCpuTime() - startProcessCpu) / 1e9 / wall;
        // each live Java thread's CPU during the phase (a thread started meanwhile counts from 0),
        // by group and, for the firewall's, by role
        double[] group = new double[3]; // firewall, harness, other
        Map<String, Double> roles = new TreeMap<>();
        Map<String, Double> allocatedByRole = new TreeMap<>();
        double allocated = 0;
        for (ThreadInfo t : threads.getThreadInfo(threads.getAllThreadIds())) {
            long a = t == null || allocations == null ? -1 : allocations.getThreadAllocatedBytes(t.getThreadId());
            if (a >= 0) {
                double perSecond = (a - startThreadAllocated.getOrDefault(t.getThreadId(), 0L)) / wall;
                allocated += perSecond;
                if (t.getThreadName().contains(firewallMarker)) {
                    allocatedByRole.merge(role(t.getThreadName()), perSecond, Double::sum);
                }
            }
            long c = t == null ? -1 : threads.getThreadCpuTime(t.getThreadId());
            if (c <= 0) {
                continue;
            }
            double cores = (c - startThreadCpu.getOrDefault(t.getThreadId(), 0L)) / 1e9 / wall;
            String name = t.getThreadName();
            if (name.contains(firewallMarker)) {
                group[0] += cores;
                roles.merge(role(name), cores, Double::sum);
            } else {
                group[name.contains("sif-bench-") ? 1 : 2] += cores;
            }
        }
        group[1] += (ENDED_HARNESS_CPU.get() - startEndedHarnessCpu) / 1e9 / wall;
        double fw = group[0];
        double harness = group[1];
        double other = group[2];
        double nativeCores = Math.max(0, proc - fw - harness - other);
        Map<String, Double> os = new TreeMap<>();
        Map<String, Double> runQueue = new TreeMap<>();
        osThreads().forEach((key, now) -> {
            OsThreadTimes start = startOsThreads.getOrDefault(key, OsThreadTimes.ZERO);
            String name = key.substring(key.indexOf(' ') + 1);
            long used = now.ticks() - start.ticks();
            if (used > 0) {
                os.merge(name, used / (double) CLOCK_TICKS / wall, Double::sum);
            }
            long waited = now.runQueueNanos() - start.runQueueNanos();
            if (now.runQueueNanos() >= 0 && waited > 0) {
                runQueue.merge(name, waited / 1e9 / wall, Double::sum);
            }
        });
        os.values().removeIf(cores -> cores < 0.005);
        runQueue.values().removeIf(cores -> cores < 0.005);
        long brokerTicks = brokerPid > 0 ? processTicks(brokerPid) : -1;
        double broker = startBrokerTicks >= 0 && brokerTicks >= 0
                ? (brokerTicks - startBrokerTicks) / (double) CLOCK_TICKS / wall : Double.NaN;
        return new Usage(proc, fw, harness, other, nativeCores, loadSamples == 0 ? Double.NaN : processLoadSum / loadSamples,
                loadSamples == 0 ? Double.NaN : systemLoadSum / loadSamples, heapMax, rssMax, samples, roles, os,
                broker, brokerRssMax, BrokerRequests.rates(startBrokerRequests, BrokerRequests.snapshot(), wall), runQueue,
                allocatedByRole, allocations == null ? Double.NaN : allocated);
    }

    /** The bean's per-thread allocation counters, switched on where supported; null where not. */
    private static com.sun.management.ThreadMXBean allocationCounter(ThreadMXBean threads) {
        if (threads instanceof com.sun.management.ThreadMXBean t && t.isThreadAllocatedMemorySupported()) {
            if (!t.isThreadAllocatedMemoryEnabled()) {
                t.setThreadAllocatedMemoryEnabled(true);
            }
            return t;
        }
        return null;
    }

    /** Linux's USER_HZ: the unit of utime and stime in /proc stat files. */
    private static final int CLOCK_TICKS = 100;

    /**
     * What the kernel counts for one thread: CPU time (utime + stime, in clock ticks) and the time it
     * spent runnable on a run queue, waiting for a CPU (ns; -1 where {@code schedstat} is absent).
     */
    record OsThreadTimes(long ticks, long runQueueNanos) {
        static final OsThreadTimes ZERO = new OsThreadTimes(0, 0);
    }

    /**
     * {@link OsThreadTimes} of every thread of this process, keyed "tid name" (name with digits
     * removed), from {@code /proc/self/task}; empty where /proc is not available.
     */
    static Map<String, OsThreadTimes> osThreads() {
        Map<String, OsThreadTimes> out = new HashMap<>();
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    String name = Files.readString(task.resolve("comm")).trim().replaceAll("[0-9]+", "#");
                    out.put(task.getFileName() + " " + name, new OsThreadTimes(
                            statTicks(Files.readString(task.resolve("stat"))), runQueueNanos(task)));
                } catch (IOException | RuntimeException e) {
                    // the thread ended while being read
                }
            }
        } catch (IOException e) {
            return out;
        }
        return out;
    }

    /**
     * Field 2 of a thread's {@code schedstat} ("time spent waiting on a runqueue", ns; kernel
     * documentation, scheduler/sched-stats); -1 where the kernel does not provide it.
     */
    private static long runQueueNanos(Path task) {
        try {
            return Long.parseLong(Files.readString(task.resolve("schedstat")).trim().split(" ")[1]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** utime + stime of process {@code pid} (all its threads), from {@code /proc/<pid>/stat}; -1 where unreadable. */
    static long processTicks(long pid) {
        try {
            return statTicks(Files.readString(Path.of("/proc/" + pid + "/stat")));
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** utime + stime of a {@code /proc} stat line (fields 14 and 15, counted after the parenthesised name). */
    private static long statTicks(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    /** The role of a firewall thread, by its name: stream, inference (with the model's compute), producer, other. */
    static String role(String threadName) {
        if (threadName.startsWith(SequenceInferenceProcessor.INFERENCE_THREAD_PREFIX)) {
            return "inference";
        }
        if (threadName.startsWith("kafka-producer-network-thread")) {
            return "producer_network";
        }
        if (threadName.matches(".*-StreamThread-\\d+$")) {
            return "stream";
        }
        return "other";
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }

    /** VmRSS of this process in bytes, -1 where /proc is not available. */
    public static long rssBytes() {
        return procStatus(SELF_STATUS, "VmRSS:");
    }

    /** VmHWM (peak RSS) of this process in bytes, -1 where /proc is not available. */
    public static long peakRssBytes() {
        return procStatus(SELF_STATUS, "VmHWM:");
    }

    private static final Path SELF_STATUS = Path.of("/proc/self/status");

    private static long procStatus(Path status, String field) {
        try {
            List<String> lines = Files.readAllLines(status);
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
