package sif.pcap;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import sif.flows.FlowRecord;

/**
 * Flows of a capture file, or of every capture in a directory (in first-packet order, one flow table across
 * files so that rotated captures join up), as an iterator: for {@code sif replay --pcap FILE|DIR}.
 *
 * <p>Pacing: {@link Pacing#FAST} returns flows as fast as they are extracted;
 * {@link Pacing#PACKET_TIME} holds each flow back until as much wall-clock time has passed since the
 * first packet as packet time had when the flow ended (divided by {@code speed}), so flows arrive
 * as they would have from a live extractor.
 *
 * <p>A truncated or corrupt capture: every flow read before the damage is returned, then
 * {@link #next()}/{@link #hasNext()} throw an {@link UncheckedIOException} wrapping the
 * {@link CaptureFormatException} (with the byte offset). Input that holds packets but none the
 * decoder can read fails the same way, with an {@link UndecodableCaptureException}; {@link #counts()}
 * tells what the packets were. Not thread-safe.
 */
public final class PcapFlowSource implements Iterator<FlowRecord>, AutoCloseable {

    /** How flows are released. */
    public enum Pacing { FAST, PACKET_TIME }

    private final Path input;
    private final List<Path> files;
    private final Pacing pacing;
    private final double speed;
    private final FlowExtractor extractor;
    private final PacketDecoder decoder;
    private final RawPacket raw = new RawPacket();
    private final PacketInfo info = new PacketInfo();
    private final ArrayDeque<FlowRecord> ready = new ArrayDeque<>();
    private final ArrayDeque<Long> readyAt = new ArrayDeque<>();
    private int fileIndex;
    private CaptureReader reader;
    private boolean done;
    private IOException failure;
    private long firstPacketMicros = Long.MIN_VALUE;
    private long currentMicros;
    private long wallStartNanos;

    private PcapFlowSource(Path input, List<Path> files, ExtractorConfig config, Pacing pacing, double speed) {
        if (!(speed > 0)) {
            throw new IllegalArgumentException("speed must be positive, got " + speed);
        }
        this.input = input;
        this.files = files;
        this.pacing = pacing;
        this.speed = speed;
        this.decoder = new PacketDecoder(config.ipv6());
        this.extractor = new FlowExtractor(config, r -> {
            ready.addLast(r);
            readyAt.addLast(currentMicros);
        });
    }

    /**
     * Opens a capture file or a directory of captures ({@code .pcap}, {@code .pcapng}, {@code .cap},
     * {@code .dmp}).
     *
     * @param speed packet-time speed-up for {@link Pacing#PACKET_TIME} (1 = real time)
     */
    public static PcapFlowSource open(Path fileOrDir, ExtractorConfig config, Pacing pacing, double speed)
            throws IOException {
        List<Path> files = captureFiles(fileOrDir);
        if (files.isEmpty()) {
            throw new IOException("no capture files (.pcap, .pcapng, .cap) at " + fileOrDir);
        }
        return new PcapFlowSource(fileOrDir, files, config, pacing, speed);
    }

    /** A capture's name: {@code .pcap}, {@code .pcapng}, {@code .cap} or {@code .dmp}, with tcpdump's rotation number. */
    private static final Pattern CAPTURE_NAME =
            Pattern.compile(".*\\.(pcap|pcapng|cap|dmp)[0-9]*", Pattern.CASE_INSENSITIVE);

    /**
     * The capture files a path names: the file itself, or a directory's captures in the order of their
     * first packet's time (name order where that ties or a file has none), so that rotated captures —
     * tcpdump's {@code -C} files {@code trace.pcap}, {@code trace.pcap1}, … or {@code -W}'s ring, editcap's
     * {@code cap_00001_…}, a sensor's {@code cap-9}, {@code cap-10} — are read in capture order.
     */
    public static List<Path> captureFiles(Path fileOrDir) throws IOException {
        if (Files.isRegularFile(fileOrDir)) {
            return List.of(fileOrDir);
        }
        if (!Files.isDirectory(fileOrDir)) {
            throw new IOException("no such capture file or directory: " + fileOrDir);
        }
        List<Path> names;
        try (Stream<Path> s = Files.list(fileOrDir)) {
            names = s.filter(Files::isRegularFile)
                    .filter(p -> CAPTURE_NAME.matcher(p.getFileName().toString()).matches())
                    .sorted().toList();
        }
        Map<Path, Long> firstPacket = new HashMap<>();
        for (Path p : names) {
            firstPacket.put(p, firstPacketMicros(p));
        }
        return names.stream().sorted(Comparator.comparingLong(firstPacket::get)).toList();
    }

    /** The time of a capture's first packet; Long.MAX_VALUE when it has none or cannot be read (reported when read). */
    private static long firstPacketMicros(Path file) {
        try (CaptureReader reader = CaptureReader.open(file)) {
            RawPacket p = new RawPacket();
            return reader.next(p) ? p.timestampMicros : Long.MAX_VALUE;
        } catch (IOException | RuntimeException e) {
            return Long.MAX_VALUE;
        }
    }

    /** Packets read so far. */
    public long packets() {
        return decoder.counts().read();
    }

    /** The packets read so far: decoded, and skipped by reason (a live view). */
    public PacketCounts counts() {
        return decoder.counts();
    }

    @Override
    public boolean hasNext() {
        while (ready.isEmpty() && !done) {
            pull();
        }
        if (ready.isEmpty() && failure != null) {
            IOException f = failure;
            failure = null;
            throw new UncheckedIOException(f);
        }
        return !ready.isEmpty();
    }

    @Override
    public FlowRecord next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        long at = readyAt.pollFirst();
        if (pacing == Pacing.PACKET_TIME && firstPacketMicros != Long.MIN_VALUE) {
            long dueNanos = wallStartNanos + (long) ((at - firstPacketMicros) * 1000 / speed);
            long wait;
            while ((wait = dueNanos - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
                if (Thread.currentThread().isInterrupted()) {
                    break;
                }
            }
        }
        return ready.pollFirst();
    }

    /** Reads packets until at least one flow is ready or input ends. */
    private void pull() {
        try {
            while (ready.isEmpty()) {
                if (reader == null) {
                    if (fileIndex >= files.size()) {
                        extractor.finish();
                        done = true;
                        PacketCounts counts = decoder.counts();
                        if (counts.read() > 0 && counts.decoded() == 0) {
                            failure = new UndecodableCaptureException(input.toString(), counts);
                        }
                        return;
                    }
                    Path file = files.get(fileIndex++);
                    reader = CaptureReader.open(file);
                    extractor.setSourceName(file.getFileName().toString());
                }
                if (!reader.next(raw)) {
                    reader.close();
                    reader = null;
                    continue;
                }
                if (decoder.decode(raw, info)) {
                    if (firstPacketMicros == Long.MIN_VALUE) {
                        firstPacketMicros = info.timestampMicros;
                        wallStartNanos = System.nanoTime();
                    }
                    currentMicros = info.timestampMicros;
                    extractor.accept(info);
                }
            }
        } catch (IOException e) {
            extractor.finish();
            done = true;
            failure = e;
            closeQuietly();
        }
    }

    private void closeQuietly() {
        if (reader != null) {
            try {
                reader.close();
            } catch (IOException ignored) {
                // already failing; the first error is the one reported
            }
            reader = null;
        }
    }

    @Override
    public void close() throws IOException {
        done = true;
        if (reader != null) {
            reader.close();
            reader = null;
        }
    }
}
