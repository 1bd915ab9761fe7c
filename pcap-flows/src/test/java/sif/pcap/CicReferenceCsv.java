package sif.pcap;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import sif.flows.FlowFeatures;

/** A small reader of CICFlowMeter V4.0 and Engelen CSV output, for the conformance test. */
final class CicReferenceCsv {

    /** One reference row: 5-tuple, start (µs, or seconds * 1e6 when the file has second precision), features. */
    record Row(String srcIp, int srcPort, String dstIp, int dstPort, int protocol, long startMicros,
               boolean secondPrecision, double[] features, int line) {
        String tuple() {
            return srcIp + ":" + srcPort + ">" + dstIp + ":" + dstPort + "/" + protocol;
        }
    }

    /** CICFlowMeter column names (both versions) to the index in {@link FlowFeatures#ALL}. */
    static final Map<String, Integer> ALIASES = new HashMap<>();

    static {
        String[][] a = {
            {"Total Fwd Packet", "Total Fwd Packets"},
            {"Total Bwd packets", "Total Backward Packets"},
            {"Total Length of Fwd Packet", "Total Length of Fwd Packets"},
            {"Total Length of Bwd Packet", "Total Length of Bwd Packets"},
            {"Packet Length Min", "Min Packet Length"},
            {"Packet Length Max", "Max Packet Length"},
            {"CWR Flag Count", "CWE Flag Count"},
            {"Fwd Segment Size Avg", "Avg Fwd Segment Size"},
            {"Bwd Segment Size Avg", "Avg Bwd Segment Size"},
            {"Fwd Bytes/Bulk Avg", "Fwd Avg Bytes/Bulk"},
            {"Fwd Packet/Bulk Avg", "Fwd Avg Packets/Bulk"},
            {"Fwd Bulk Rate Avg", "Fwd Avg Bulk Rate"},
            {"Bwd Bytes/Bulk Avg", "Bwd Avg Bytes/Bulk"},
            {"Bwd Packet/Bulk Avg", "Bwd Avg Packets/Bulk"},
            {"Bwd Bulk Rate Avg", "Bwd Avg Bulk Rate"},
            {"FWD Init Win Bytes", "Init_Win_bytes_forward"},
            {"Bwd Init Win Bytes", "Init_Win_bytes_backward"},
            {"Fwd Act Data Pkts", "act_data_pkt_fwd"},
            {"Fwd Seg Size Min", "min_seg_size_forward"},
        };
        for (String[] p : a) {
            ALIASES.put(p[0], FlowFeatures.indexOfCsvName(p[1]));
        }
        for (FlowFeatures.Feature f : FlowFeatures.ALL) {
            ALIASES.putIfAbsent(f.csvName(), FlowFeatures.indexOfCsvName(f.csvName()));
        }
    }

    private static final DateTimeFormatter V4_TIME = DateTimeFormatter.ofPattern("dd/MM/yyyy hh:mm:ss a", Locale.US);
    private static final DateTimeFormatter ENGELEN_TIME = new java.time.format.DateTimeFormatterBuilder()
            .appendPattern("yyyy-MM-dd HH:mm:ss")
            .optionalStart().appendFraction(java.time.temporal.ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
            .toFormatter();

    private CicReferenceCsv() {}

    static List<Row> read(Path csv) throws IOException {
        List<Row> rows = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
            String[] header = r.readLine().split(",", -1);
            int[] target = new int[header.length];
            int src = -1;
            int sport = -1;
            int dst = -1;
            int dport = -1;
            int proto = -1;
            int time = -1;
            int dupHeader = FlowFeatures.indexOfCsvName(FlowFeatures.DUPLICATE);
            for (int i = 0; i < header.length; i++) {
                String h = header[i].trim();
                target[i] = ALIASES.getOrDefault(h, -1);
                switch (h) {
                    case "Src IP", "Source IP" -> src = i;
                    case "Src Port", "Source Port" -> sport = i;
                    case "Dst IP", "Destination IP" -> dst = i;
                    case "Dst Port", "Destination Port" -> dport = i;
                    case "Protocol" -> proto = i;
                    case "Timestamp" -> time = i;
                    default -> { }
                }
            }
            String line;
            int n = 1;
            while ((line = r.readLine()) != null) {
                n++;
                if (line.isBlank() || line.startsWith("Flow ID")) {
                    continue;
                }
                String[] c = line.split(",", -1);
                double[] f = new double[FlowFeatures.COUNT];
                java.util.Arrays.fill(f, Double.NaN);
                for (int i = 0; i < c.length && i < target.length; i++) {
                    if (target[i] >= 0) {
                        f[target[i]] = parse(c[i]);
                    }
                }
                if (Double.isNaN(f[dupHeader]) || !header[header.length - 1].isEmpty()) {
                    f[dupHeader] = f[FlowFeatures.indexOfCsvName("Fwd Header Length")];
                }
                String ts = c[time].trim();
                boolean v4 = ts.contains("/");
                LocalDateTime t = LocalDateTime.parse(ts, v4 ? V4_TIME : ENGELEN_TIME);
                long micros = t.toEpochSecond(ZoneOffset.UTC) * 1_000_000L + t.getNano() / 1000;
                rows.add(new Row(c[src], Integer.parseInt(c[sport]), c[dst], Integer.parseInt(c[dport]),
                        Integer.parseInt(c[proto]), micros, v4, f, n));
            }
        }
        return rows;
    }

    private static double parse(String s) {
        s = s.trim();
        return switch (s) {
            case "NaN", "" -> Double.NaN;
            case "Infinity" -> Double.POSITIVE_INFINITY;
            case "-Infinity" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(s);
        };
    }
}
