package sif.model.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sif.flows.ClassMapping;
import sif.flows.FlowCsvReader;
import sif.flows.FlowRecord;
import sif.flows.ReadSummary;
import sif.pcap.lab.LabLabels;

/**
 * A labelled lab corpus: the flows CICFlowMeter (or {@code sif flows}) extracted from a lab capture,
 * whose label column holds a placeholder ({@code NeedManualLabel}), labelled by construction from
 * the capture's phase windows ({@code labels.csv}) with the pcap-flows rule {@link LabLabels}: a
 * flow takes the phase of its attacker or client IP (as source or destination) whose window,
 * widened by 1 s before and 2 s after, contains the flow's start.
 *
 * <p>Lab labels name model classes of the five-class mapping ({@code BENIGN}, {@code DDoS},
 * {@code DoS}, {@code PortScan}, {@code Other}); an original CICIDS2017 label is accepted too.
 */
public final class LabDataset {

    private static final Logger LOG = LoggerFactory.getLogger(LabDataset.class);

    /** One labelled flow and its class index under the mapping. */
    public record LabFlow(FlowRecord flow, int classIndex) {}

    /**
     * @param phases     number of phases in labels.csv
     * @param flows      labelled flows in file order
     * @param unlabelled flows no phase covers (left out)
     * @param summary    the CSV reader's summary (rows read / skipped with file and line)
     */
    public record Loaded(Path flowsCsv, Path labelsCsv, int phases, List<LabFlow> flows, long unlabelled,
                         ReadSummary summary) {

        /** Flows per class name, every class of the mapping listed (0 when absent). */
        public Map<String, Long> countsPerClass(ClassMapping mapping) {
            Map<String, Long> m = new LinkedHashMap<>();
            for (String c : mapping.classes()) {
                m.put(c, 0L);
            }
            for (LabFlow f : flows) {
                m.merge(mapping.className(f.classIndex()), 1L, Long::sum);
            }
            return m;
        }
    }

    private LabDataset() {}

    /**
     * Reads and labels a lab corpus.
     *
     * @throws IOException              when a file cannot be read or labels.csv is malformed
     * @throws IllegalArgumentException when a phase label is neither a class of {@code mapping} nor a
     *                                  CICIDS2017 label
     */
    public static Loaded load(Path flowsCsv, Path labelsCsv, ClassMapping mapping) throws IOException {
        LabLabels labels = LabLabels.read(labelsCsv);
        Map<String, Integer> classOfPhaseLabel = new LinkedHashMap<>();
        for (LabLabels.Phase p : labels.phases()) {
            classOfPhaseLabel.computeIfAbsent(p.label(), l -> classIndex(mapping, l, labelsCsv));
        }
        List<LabFlow> out = new ArrayList<>();
        long[] unlabelled = {0};
        ReadSummary s = FlowCsvReader.read(flowsCsv, r -> {
            String label = labels.label(r);
            if (label == null) {
                unlabelled[0]++;
            } else {
                out.add(new LabFlow(labels.apply(r), classOfPhaseLabel.get(label)));
            }
        });
        if (s.rowsSkipped() > 0) {
            LOG.warn("{}", s.describe());
        }
        if (unlabelled[0] > 0) {
            LOG.warn("{} of {} flows in {} lie in no phase window of {} and are left out", unlabelled[0],
                    s.rowsRead(), flowsCsv, labelsCsv);
        }
        LOG.info("lab corpus {}: {} labelled flows", flowsCsv, out.size());
        return new Loaded(flowsCsv, labelsCsv, labels.phases().size(), List.copyOf(out), unlabelled[0], s);
    }

    private static int classIndex(ClassMapping mapping, String label, Path labelsCsv) {
        int c = mapping.indexOfClassName(label);
        if (c >= 0) {
            return c;
        }
        try {
            return mapping.classOf(label);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(labelsCsv + ": phase label '" + label + "' is neither a class of the "
                    + mapping.name().toLowerCase(java.util.Locale.ROOT) + " mapping " + mapping.classes()
                    + " nor a CICIDS2017 label", e);
        }
    }
}
