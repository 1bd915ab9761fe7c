package sif.pcap;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sif.flows.FlowCsvWriter;
import sif.flows.FlowRecord;

/** {@code sif flows}: extract CICFlowMeter-compatible flows from a capture into a CICIDS2017 CSV. */
@Command(name = "flows", mixinStandardHelpOptions = true,
        description = "Extract CICFlowMeter-compatible flows (77 CICIDS2017 features) from a pcap/pcapng file "
                + "into a CSV in the CICIDS2017 TrafficLabelling layout.")
public final class FlowsCommand implements Callable<Integer> {

    @Option(names = "--pcap", required = true, description = "capture file (pcap or pcapng) or a directory of them")
    Path pcap;

    @Option(names = "--out", required = true, description = "CSV file to write")
    Path out;

    @Option(names = "--mode", defaultValue = "v4",
            description = "v4 (CICFlowMeter 4.0, what CICIDS2017 was made with) or engelen (corrected); default ${DEFAULT-VALUE}")
    String mode;

    @Option(names = "--flow-timeout", defaultValue = "120", description = "flow timeout in seconds; default ${DEFAULT-VALUE}")
    double flowTimeout;

    @Option(names = "--activity-timeout", defaultValue = "5", description = "activity timeout in seconds; default ${DEFAULT-VALUE}")
    double activityTimeout;

    @Option(names = "--ipv6", description = "also extract IPv6 flows (CICFlowMeter reads IPv4 only)")
    boolean ipv6;

    @Option(names = "--max-flows", defaultValue = "200000",
            description = "most flows held open at once; beyond it the oldest end early; default ${DEFAULT-VALUE}")
    int maxFlows;

    @Option(names = "--label", description = "value of the Label column (default: empty)")
    String label;

    @Option(names = "--cicids2017-timestamps",
            description = "write timestamps as CICFlowMeter does (dd/MM/yyyy hh:mm:ss AM|PM) instead of ISO; "
                    + "the published CICIDS2017 files dropped the AM/PM and seconds, which is read but not written")
    boolean cicTimestamps;

    @Override
    public Integer call() throws IOException {
        ExtractorConfig config;
        try {
            config = ExtractorConfig.defaults(CicMode.parse(mode))
                    .withTimeouts(seconds(flowTimeout, "--flow-timeout"), seconds(activityTimeout, "--activity-timeout"))
                    .withIpv6(ipv6)
                    .withMaxOpenFlows(maxFlows);
        } catch (IllegalArgumentException e) {
            System.err.println("flows: " + e.getMessage());
            return 2;
        }
        List<Path> files = PcapFlowSource.captureFiles(pcap);
        if (files.isEmpty()) {
            System.err.println("flows: no capture files at " + pcap);
            return 2;
        }
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        long start = System.nanoTime();
        PacketCounts counts;
        long flows = 0;
        try (PcapFlowSource source = PcapFlowSource.open(pcap, config, PcapFlowSource.Pacing.FAST, 1);
             FlowCsvWriter writer = new FlowCsvWriter(Files.newBufferedWriter(out),
                     cicTimestamps ? FlowCsvWriter.TimestampStyle.CICIDS2017 : FlowCsvWriter.TimestampStyle.ISO)) {
            try {
                while (source.hasNext()) {
                    FlowRecord r = source.next();
                    writer.write(label == null ? r : new FlowRecord(r.flowId(), r.srcIp(), r.srcPort(), r.dstIp(),
                            r.dstPort(), r.protocol(), r.timestampMs(), r.features(), label, r.sourceFile(), r.line()));
                    flows++;
                }
            } catch (java.io.UncheckedIOException e) {
                writer.flush();
                System.err.println("flows: " + failure(e.getCause(), flows, source.counts()));
                return 1;
            }
            counts = source.counts();
        }
        double secs = (System.nanoTime() - start) / 1e9;
        System.out.printf("flows: %s -> %d flows (%s mode) in %.2f s (%.0f packets/s), wrote %s%n",
                counts, flows, config.mode().name().toLowerCase(), secs, counts.read() / Math.max(secs, 1e-9), out);
        return 0;
    }

    /** The error line for a capture that could not be read to the end, or held no packet to decode. */
    private String failure(IOException cause, long flowsWritten, PacketCounts counts) {
        if (cause instanceof UndecodableCaptureException) {
            String hint = counts.skipped(PacketDecoder.Skip.IPV6_DISABLED) > 0 ? "; --ipv6 extracts IPv6 flows" : "";
            return cause.getMessage() + hint + "; no flows written to " + out;
        }
        return cause.getMessage() + " - the " + flowsWritten + " flows read before it were written to " + out
                + " (" + counts + ")";
    }

    private static Duration seconds(double s, String option) {
        if (!(s > 0) || Double.isInfinite(s)) {
            throw new IllegalArgumentException(option + " must be a positive number of seconds, got " + s);
        }
        return Duration.ofNanos((long) (s * 1e9));
    }
}
