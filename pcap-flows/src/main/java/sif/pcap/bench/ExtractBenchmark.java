package sif.pcap.bench;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;
import sif.flows.DataPaths;
import sif.pcap.CaptureReader;
import sif.pcap.CicMode;
import sif.pcap.ExtractorConfig;
import sif.pcap.PcapFlows;
import sif.pcap.RawPacket;

/**
 * Throughput benchmark of pcap to flows (read, decode, extract; flows counted, not written).
 * Builds a large capture by repeating the lab reference capture's packets, each copy shifted in time
 * by the capture's span and with its IPv4 addresses moved to another /16, then extracts it once and
 * prints JSON with packets/s and peak heap. Run with a bounded heap, e.g.
 * {@code java -Xmx256m -cp ... sif.pcap.bench.ExtractBenchmark --packets 6000000}.
 *
 * <p>Options: {@code --source FILE} (default: the lab reference capture), {@code --packets N}
 * (default 6,000,000), {@code --mode v4|engelen}, {@code --keep} (keep the generated file).
 */
public final class ExtractBenchmark {

    private ExtractBenchmark() {}

    public static void main(String[] args) throws IOException {
        Path source = DataPaths.labReference().resolve("capture.pcap");
        long target = 6_000_000L;
        CicMode mode = CicMode.V4;
        boolean keep = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--source" -> source = Paths.get(args[++i]);
                case "--packets" -> target = Long.parseLong(args[++i]);
                case "--mode" -> mode = CicMode.parse(args[++i]);
                case "--keep" -> keep = true;
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Path big = Files.createTempFile("sif-bench-", ".pcap");
        try {
            long written = build(source, big, target);
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                pool.resetPeakUsage();
            }
            java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            long cpu0 = threads.getCurrentThreadCpuTime();
            long proc0 = processCpuNanos();
            long t0 = System.nanoTime();
            PcapFlows.Stats stats = PcapFlows.extract(big, ExtractorConfig.defaults(mode), r -> { });
            long nanos = System.nanoTime() - t0;
            double cpuSecs = (threads.getCurrentThreadCpuTime() - cpu0) / 1e9;
            double procSecs = (processCpuNanos() - proc0) / 1e9;
            long peakHeap = 0;
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == MemoryType.HEAP) {
                    peakHeap += pool.getPeakUsage().getUsed();
                }
            }
            double secs = nanos / 1e9;
            System.out.println(String.format(Locale.ROOT,
                    "{\"benchmark\":\"pcap-flows-extract\",\"mode\":\"%s\",\"packets\":%d,\"decodedPackets\":%d,"
                            + "\"flows\":%d,\"fileBytes\":%d,\"seconds\":%.3f,\"packetsPerSecond\":%.0f,"
                            + "\"cpuSeconds\":%.3f,\"packetsPerCpuSecond\":%.0f,\"processCpuSeconds\":%.3f,"
                            + "\"packetsPerProcessCpuSecond\":%.0f,\"loadAverage\":%.2f,"
                            + "\"peakHeapBytes\":%d,\"peakHeapMiB\":%.1f,\"maxHeapMiB\":%.1f,\"javaVersion\":\"%s\"}",
                    mode.name().toLowerCase(Locale.ROOT), stats.packets(), stats.decoded(), stats.flows(),
                    Files.size(big), secs, stats.packets() / secs, cpuSecs, stats.packets() / cpuSecs, procSecs, stats.packets() / procSecs,
                    ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), peakHeap, peakHeap / 1048576.0,
                    Runtime.getRuntime().maxMemory() / 1048576.0, System.getProperty("java.version")));
            if (written != stats.packets()) {
                throw new IllegalStateException("wrote " + written + " packets but read " + stats.packets());
            }
        } finally {
            if (!keep) {
                Files.deleteIfExists(big);
            } else {
                System.err.println("kept " + big);
            }
        }
    }

    /** CPU time of the whole JVM (extraction, GC, JIT), or -1 where the platform does not report it. */
    private static long processCpuNanos() {
        java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean s ? s.getProcessCpuTime() : -1;
    }

    /** Writes a classic little-endian microsecond pcap of about {@code target} packets. */
    static long build(Path source, Path out, long target) throws IOException {
        // load the source packets once (the lab capture is ~5 MB)
        java.util.List<byte[]> frames = new java.util.ArrayList<>();
        java.util.List<Long> times = new java.util.ArrayList<>();
        int linkType;
        try (CaptureReader r = CaptureReader.open(source)) {
            RawPacket p = new RawPacket();
            linkType = -1;
            while (r.next(p)) {
                linkType = p.linkType;
                byte[] f = new byte[p.length];
                System.arraycopy(p.data, p.offset, f, 0, p.length);
                frames.add(f);
                times.add(p.timestampMicros);
            }
        }
        if (frames.isEmpty() || linkType != 1) {
            throw new IOException("benchmark source must be a non-empty Ethernet capture: " + source);
        }
        long first = times.get(0);
        long span = times.get(times.size() - 1) - first + 1_000_000L;
        long written = 0;
        ByteBuffer hdr = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        hdr.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(262144).putInt(1);
        ByteBuffer rec = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(out), 1 << 20)) {
            os.write(hdr.array());
            for (int rep = 0; written < target; rep++) {
                for (int i = 0; i < frames.size() && written < target; i++) {
                    byte[] f = frames.get(i).clone();
                    if (f.length >= 34 && (f[12] & 0xff) == 0x08 && f[13] == 0x00) {
                        // move both IPv4 addresses to another /16 per copy (checksums are not checked)
                        f[14 + 12 + 1] = (byte) (f[14 + 12 + 1] + rep);
                        f[14 + 16 + 1] = (byte) (f[14 + 16 + 1] + rep);
                    }
                    long ts = times.get(i) + rep * span;
                    rec.clear();
                    rec.putInt((int) (ts / 1_000_000L)).putInt((int) (ts % 1_000_000L)).putInt(f.length).putInt(f.length);
                    os.write(rec.array());
                    os.write(f);
                    written++;
                }
            }
        }
        return written;
    }
}
