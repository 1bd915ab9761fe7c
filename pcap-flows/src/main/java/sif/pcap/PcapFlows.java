package sif.pcap;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sif.flows.FlowRecord;

/** Extracts flows from a capture file: reader, decoder and extractor wired together. */
public final class PcapFlows {

    private static final Logger LOG = LoggerFactory.getLogger(PcapFlows.class);

    /**
     * Counts of one extraction.
     *
     * @param counts the packets read: decoded, and skipped by reason
     * @param flows  flows emitted
     */
    public record Stats(PacketCounts counts, long flows) {

        /** Packets read. */
        public long packets() {
            return counts.read();
        }

        /** Packets decoded into flows. */
        public long decoded() {
            return counts.decoded();
        }
    }

    private PcapFlows() {}

    /**
     * Reads {@code capture} and emits its flows to {@code sink}, ending with the flows still open.
     * On a truncated or corrupt capture every flow read so far is emitted first, then the
     * {@link CaptureFormatException} (with the byte offset) is thrown.
     */
    public static Stats extract(Path capture, ExtractorConfig config, Consumer<FlowRecord> sink) throws IOException {
        FlowExtractor extractor = new FlowExtractor(config, sink);
        extractor.setSourceName(capture.getFileName().toString());
        return run(capture, extractor, true);
    }

    /**
     * Feeds every packet of {@code capture} to {@code extractor}; calls {@link FlowExtractor#finish()}
     * at the end when {@code finish} is set, and always before rethrowing a format error.
     */
    public static Stats run(Path capture, FlowExtractor extractor, boolean finish) throws IOException {
        PacketDecoder decoder = new PacketDecoder(extractor.config().ipv6());
        RawPacket raw = new RawPacket();
        PacketInfo info = new PacketInfo();
        long before = extractor.emitted();
        try (CaptureReader reader = CaptureReader.open(capture)) {
            while (reader.next(raw)) {
                if (decoder.decode(raw, info)) {
                    extractor.accept(info);
                }
            }
        } catch (CaptureFormatException e) {
            extractor.finish();
            LOG.warn("{}: stopped after {}, {} flows emitted: {}", capture, decoder.counts(),
                    extractor.emitted() - before, e.getMessage());
            throw e;
        }
        if (finish) {
            extractor.finish();
        }
        return new Stats(decoder.counts(), extractor.emitted() - before);
    }
}
