package sif.flows.tools;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import sif.flows.ClassMapping;
import sif.flows.DataPaths;
import sif.flows.FlowCsvReader;
import sif.flows.FlowCsvWriter;
import sif.flows.FlowRecord;
import sif.flows.ReadSummary;
import sif.flows.ReservoirSampler;

/**
 * SCALE TEST of the CSV reader and the per-class reservoir sampler - not an accuracy result.
 *
 * <p>Builds a large TrafficLabelling CSV in a temporary file by repeating, byte for byte, the data
 * rows of the real CICIDS2017 files of a directory (default {@code <data root>/cicids2017}, top
 * level only) under the original header, then reads it through {@link FlowCsvReader} into a
 * {@link ReservoirSampler} and writes {@code {rows, seconds, rows_per_s, peak_heap_mb, file_mb,
 * ...}} as JSON. Peak heap is the sum of the heap memory pools' peak usage during the read (reset
 * before it), an upper bound.
 *
 * <pre>
 * ReaderScaleCheck OUT.json [--rows N (1000000)] [--data DIR] [--cap PER_CLASS (10000)]
 *                  [--mapping five|fifteen] [--seed S] [--keep FILE]
 * </pre>
 */
public final class ReaderScaleCheck {

    private ReaderScaleCheck() {}

    public static void main(String[] args) throws IOException {
        if (args.length < 1 || args[0].startsWith("--")) {
            System.err.println("usage: ReaderScaleCheck OUT.json [--rows N] [--data DIR] [--cap N]"
                    + " [--mapping five|fifteen] [--seed S] [--keep FILE]");
            System.exit(2);
        }
        Path out = Path.of(args[0]);
        long rows = 1_000_000;
        Path data = DataPaths.cicids2017();
        int cap = 10_000;
        ClassMapping mapping = ClassMapping.FIVE;
        long seed = 17;
        Path keep = null;
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            String v = i + 1 < args.length ? args[i + 1] : null;
            if (v == null) {
                throw new IllegalArgumentException("missing value after " + a);
            }
            switch (a) {
                case "--rows" -> rows = Long.parseLong(v);
                case "--data" -> data = Path.of(v);
                case "--cap" -> cap = Integer.parseInt(v);
                case "--mapping" -> mapping = ClassMapping.parse(v);
                case "--seed" -> seed = Long.parseLong(v);
                case "--keep" -> keep = Path.of(v);
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
            i++;
        }
        Path csv = keep != null ? keep : Files.createTempFile("sif-scale-check-", ".csv");
        try {
            System.err.printf("SCALE TEST (not accuracy): generating %,d rows from %s%n", rows, data);
            generate(data, csv, rows);
            double fileMb = Files.size(csv) / (1024.0 * 1024.0);

            double loadAverage = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
            System.gc();
            List<MemoryPoolMXBean> heapPools = new ArrayList<>();
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == MemoryType.HEAP) {
                    pool.resetPeakUsage();
                    heapPools.add(pool);
                }
            }
            ReservoirSampler<FlowRecord> sampler = new ReservoirSampler<>(mapping.size(), cap, seed);
            ClassMapping m = mapping;
            var threads = ManagementFactory.getThreadMXBean();
            long cpuStart = threads.getCurrentThreadCpuTime();
            long start = System.nanoTime();
            ReadSummary summary = FlowCsvReader.read(csv, r -> sampler.offer(m.classOf(r.label()), r));
            double seconds = (System.nanoTime() - start) / 1e9;
            double cpuSeconds = (threads.getCurrentThreadCpuTime() - cpuStart) / 1e9;
            long peak = 0;
            for (MemoryPoolMXBean pool : heapPools) {
                peak += pool.getPeakUsage().getUsed();
            }
            double peakMb = peak / (1024.0 * 1024.0);
            double maxHeapMb = Runtime.getRuntime().maxMemory() / (1024.0 * 1024.0);

            String json = String.format(Locale.ROOT, "{%n"
                            + "  \"kind\": \"scale test of reader + reservoir sampler on repeated real rows (not an accuracy result)\",%n"
                            + "  \"rows\": %d,%n  \"seconds\": %.3f,%n  \"rows_per_s\": %.0f,%n"
                            + "  \"reader_thread_cpu_seconds\": %.3f,%n  \"rows_per_cpu_s\": %.0f,%n"
                            + "  \"load_average_at_start\": %.2f,%n"
                            + "  \"peak_heap_mb\": %.1f,%n  \"file_mb\": %.1f,%n  \"max_heap_mb\": %.0f,%n"
                            + "  \"skipped\": %d,%n  \"sampled\": %d,%n  \"cap_per_class\": %d,%n"
                            + "  \"mapping\": \"%s\",%n  \"source_dir\": \"%s\",%n  \"java\": \"%s\",%n"
                            + "  \"cpus\": %d%n}%n",
                    summary.rowsRead(), seconds, summary.rowsRead() / seconds, cpuSeconds,
                    summary.rowsRead() / cpuSeconds, loadAverage, peakMb, fileMb, maxHeapMb,
                    summary.rowsSkipped(), sampler.size(), cap, mapping.name().toLowerCase(Locale.ROOT),
                    data.toString().replace("\\", "\\\\").replace("\"", "\\\""),
                    System.getProperty("java.version"), Runtime.getRuntime().availableProcessors());
            if (out.getParent() != null) {
                Files.createDirectories(out.getParent());
            }
            Files.writeString(out, json, StandardCharsets.UTF_8);
            System.out.print(json);
            System.err.print(summary.describe());
            for (int c = 0; c < mapping.size(); c++) {
                System.err.printf("  class %-9s seen %,d kept %,d%n", mapping.className(c), sampler.seen(c),
                        sampler.kept(c));
            }
        } finally {
            if (keep == null) {
                Files.deleteIfExists(csv);
            }
        }
    }

    /** Repeats the data rows (raw bytes) of the directory's CSVs under the original header. */
    static void generate(Path dataDir, Path target, long rows) throws IOException {
        List<byte[]> lines = new ArrayList<>();
        for (Path f : FlowCsvReader.csvFiles(dataDir, false)) {
            byte[] all = Files.readAllBytes(f);
            boolean header = true;
            int lineStart = 0;
            for (int i = 0; i <= all.length; i++) {
                if (i == all.length || all[i] == '\n') {
                    if (header) {
                        header = false;
                        if (countCommas(all, lineStart, i) != 84) {
                            throw new IOException(f + " is not an 85-column TrafficLabelling file;"
                                    + " pass --data with only such files");
                        }
                    } else if (i > lineStart) {
                        byte[] line = new byte[i - lineStart + 1];
                        System.arraycopy(all, lineStart, line, 0, i - lineStart);
                        line[line.length - 1] = '\n';
                        lines.add(line);
                    }
                    lineStart = i + 1;
                }
            }
        }
        if (lines.isEmpty()) {
            throw new IOException(dataDir + ": no data rows to repeat");
        }
        try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(target), 1 << 20)) {
            o.write((FlowCsvWriter.HEADER + "\n").getBytes(StandardCharsets.ISO_8859_1));
            for (long n = 0; n < rows; n++) {
                o.write(lines.get((int) (n % lines.size())));
            }
        }
    }

    private static int countCommas(byte[] b, int from, int to) {
        int n = 0;
        for (int i = from; i < to; i++) {
            if (b[i] == ',') {
                n++;
            }
        }
        return n;
    }
}
