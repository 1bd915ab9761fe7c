package sif.pcap.lab;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import sif.flows.FlowRecord;

/**
 * Ground-truth labels of a lab capture, by construction: {@code labels.csv} lists, per phase, the
 * acting host ({@code src_ip}), its time window and the label. A flow's label is that of the first
 * phase whose host is the flow's source or destination and whose window, widened by 1 s before and
 * 2 s after, contains the flow's start.
 */
public final class LabLabels {

    /** One phase. */
    public record Phase(String ip, long startMs, long endMs, String label) {}

    /** Slack around each window, as in the lab reference README. */
    public static final long BEFORE_MS = 1000;
    public static final long AFTER_MS = 2000;

    private final List<Phase> phases;

    public LabLabels(List<Phase> phases) {
        this.phases = List.copyOf(phases);
    }

    public List<Phase> phases() {
        return phases;
    }

    /** Reads {@code src_ip,start_epoch_ms,end_epoch_ms,label}. */
    public static LabLabels read(Path csv) throws IOException {
        List<Phase> phases = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
            String header = r.readLine();
            if (header == null || !header.trim().equals("src_ip,start_epoch_ms,end_epoch_ms,label")) {
                throw new IOException(csv + ": expected header src_ip,start_epoch_ms,end_epoch_ms,label, got " + header);
            }
            String line;
            int n = 1;
            while ((line = r.readLine()) != null) {
                n++;
                if (line.isBlank()) {
                    continue;
                }
                String[] c = line.split(",", -1);
                try {
                    if (c.length != 4) {
                        throw new IllegalArgumentException("4 columns expected");
                    }
                    phases.add(new Phase(c[0].trim(), Long.parseLong(c[1].trim()), Long.parseLong(c[2].trim()), c[3].trim()));
                } catch (IllegalArgumentException e) {
                    throw new IOException(csv + " line " + n + ": bad phase '" + line + "': " + e.getMessage(), e);
                }
            }
        }
        return new LabLabels(phases);
    }

    /** The label of a flow, or null when no phase covers it. */
    public String label(FlowRecord flow) {
        long t = flow.timestampMs();
        for (Phase p : phases) {
            if ((p.ip().equals(flow.srcIp()) || p.ip().equals(flow.dstIp()))
                    && t >= p.startMs() - BEFORE_MS && t <= p.endMs() + AFTER_MS) {
                return p.label();
            }
        }
        return null;
    }

    /** The flow with its label set (or unchanged when no phase covers it). */
    public FlowRecord apply(FlowRecord f) {
        String label = label(f);
        return label == null ? f : new FlowRecord(f.flowId(), f.srcIp(), f.srcPort(), f.dstIp(), f.dstPort(),
                f.protocol(), f.timestampMs(), f.features(), label, f.sourceFile(), f.line());
    }
}
