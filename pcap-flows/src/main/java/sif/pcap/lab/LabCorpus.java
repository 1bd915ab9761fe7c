package sif.pcap.lab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import sif.flows.FlowCsvWriter;
import sif.pcap.ExtractorConfig;
import sif.pcap.PcapFlows;

/** Turns a lab run's {@code capture.pcap} and {@code labels.csv} into a labelled flow CSV. */
public final class LabCorpus {

    /** Label column value counted for flows no phase covers (they are not written). */
    public static final String UNLABELLED = "(unlabelled)";

    private LabCorpus() {}

    /**
     * Extracts the flows of {@code dir/capture.pcap}, labels them from {@code dir/labels.csv} and writes
     * the labelled ones to {@code csv} (CICIDS2017 TrafficLabelling layout).
     *
     * @return flow counts per label, {@link #UNLABELLED} included
     */
    public static Map<String, Long> write(Path dir, ExtractorConfig config, Path csv) throws IOException {
        LabLabels labels = LabLabels.read(dir.resolve("labels.csv"));
        Map<String, Long> counts = new TreeMap<>();
        try (FlowCsvWriter writer = new FlowCsvWriter(Files.newBufferedWriter(csv), FlowCsvWriter.TimestampStyle.ISO)) {
            PcapFlows.extract(dir.resolve("capture.pcap"), config, flow -> {
                String label = labels.label(flow);
                counts.merge(label == null ? UNLABELLED : label, 1L, Long::sum);
                if (label != null) {
                    try {
                        writer.write(labels.apply(flow));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return counts;
    }
}
