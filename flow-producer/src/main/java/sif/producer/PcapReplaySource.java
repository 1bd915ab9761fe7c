package sif.producer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import sif.flows.FlowFeatures;
import sif.flows.FlowRecord;
import sif.pcap.ExtractorConfig;
import sif.pcap.PcapFlowSource;
import sif.pcap.lab.LabLabels;

/**
 * Flows extracted directly from a capture file or a directory of captures ({@link PcapFlowSource}
 * of module pcap-flows, one flow table across the files), for {@code ./sif replay --pcap}.
 *
 * <p>Flows come in the order the extractor emits them, i.e. when they end (FIN/RST, timeouts, end
 * of capture), as from a live CICFlowMeter; each flow's timestamp is its first packet. Extraction
 * itself is not paced ({@link PcapFlowSource.Pacing#FAST}); {@code --speedup} paces by {@link
 * #paceTimeMs} = the flow's last packet (start + Flow Duration), so the replayer's {@code --max-wait}
 * and Ctrl-C apply as for CSVs.
 *
 * <p>Flow ids are CICFlowMeter's ({@code src-dst-sport-dport-proto}), which repeat as in the
 * CICIDS2017 CSVs; the origin (file, line) is unique: the file where the flow was read and its
 * 1-based emission index in the pass.
 *
 * <p>Labels: null, unless a lab labels file ({@code src_ip,start_epoch_ms,end_epoch_ms,label}, see
 * {@link LabLabels}) is given. A truncated or corrupt capture: every flow read before the damage is
 * replayed, then the pass fails with the reader's error (byte offset included).
 */
public final class PcapReplaySource implements FlowSource {

    private static final int FLOW_DURATION = FlowFeatures.indexOfCsvName("Flow Duration");

    private final Path input;
    private final List<Path> files;
    private final ExtractorConfig config;
    private final LabLabels labels;
    private volatile sif.pcap.PacketCounts lastCounts;

    /**
     * @param input  a capture file or a directory of captures (.pcap, .pcapng, .cap, .dmp, rotated .pcapN; in first-packet order)
     * @param config extraction settings (CICFlowMeter mode, timeouts)
     * @param labels ground-truth labels to apply, or null for none
     * @throws IOException when the input does not exist or holds no capture
     */
    public PcapReplaySource(Path input, ExtractorConfig config, LabLabels labels) throws IOException {
        this.input = Objects.requireNonNull(input, "input");
        this.config = Objects.requireNonNull(config, "config");
        this.labels = labels;
        this.files = PcapFlowSource.captureFiles(input);
        if (files.isEmpty()) {
            throw new IOException("no capture files (.pcap, .pcapng, .cap, .dmp) in " + input);
        }
    }

    /** The capture files, in reading order. */
    public List<Path> files() {
        return files;
    }

    @Override
    public Pass open() throws IOException {
        PcapFlowSource flows = PcapFlowSource.open(input, config, PcapFlowSource.Pacing.FAST, 1);
        return new Pass() {
            private long index;

            @Override
            public boolean hasNext() {
                return flows.hasNext(); // UncheckedIOException on a damaged capture, after every flow before it
            }

            @Override
            public FlowRecord next() {
                FlowRecord r = flows.next();
                String label = labels == null ? null : labels.label(r);
                return new FlowRecord(r.flowId(), r.srcIp(), r.srcPort(), r.dstIp(), r.dstPort(), r.protocol(),
                        r.timestampMs(), r.features(), label, r.sourceFile(), ++index);
            }

            @Override
            public void close() throws IOException {
                lastCounts = flows.counts();
                flows.close();
            }
        };
    }

    /** The packets the last pass read, decoded and skipped (by reason); null before a pass ends. */
    public sif.pcap.PacketCounts lastCounts() {
        return lastCounts;
    }

    /** The flow's last packet: its start plus its Flow Duration (microseconds). */
    @Override
    public long paceTimeMs(FlowRecord flow) {
        long start = flow.timestampMs();
        if (start < 0) {
            return start;
        }
        double durationMicros = flow.features()[FLOW_DURATION];
        return durationMicros > 0 && Double.isFinite(durationMicros) ? start + (long) (durationMicros / 1000) : start;
    }

    @Override
    public String describe() {
        return files.size() + " capture file(s) from " + input + " (" + config.mode().name().toLowerCase(java.util.Locale.ROOT)
                + " flow extraction" + (labels == null ? ", unlabelled" : ", labelled by " + labels.phases().size()
                + " phase(s)") + ")";
    }
}
