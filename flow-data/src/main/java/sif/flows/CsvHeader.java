package sif.flows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Maps the header of a CICFlowMeter CSV to {@link FlowRecord} fields by normalised column name
 * (trimmed, whitespace collapsed, case-insensitive), with aliases for the CICFlowMeter V4 and
 * Engelen spellings.
 */
final class CsvHeader {

    static final int FLOW_ID = -2;
    static final int SRC_IP = -3;
    static final int SRC_PORT = -4;
    static final int DST_IP = -5;
    static final int DST_PORT = -6;
    static final int PROTOCOL = -7;
    static final int TIMESTAMP = -8;
    static final int LABEL = -9;
    static final int IGNORED = -1;

    private static final Map<String, Integer> NAMES = new HashMap<>();

    /** Columns of other CICFlowMeter versions that have no CICIDS2017 counterpart (ignored). */
    static final Set<String> KNOWN_EXTRAS = Set.of(
            "fwd rst flags", "bwd rst flags", "icmp code", "icmp type", "bwd act data pkts",
            "bwd seg size min", "fwd tcp retrans. count", "bwd tcp retrans. count",
            "total tcp retrans. count", "total connection flow time");

    static {
        for (int i = 0; i < FlowFeatures.COUNT; i++) {
            NAMES.put(normalise(FlowFeatures.ALL.get(i).csvName()), i);
        }
        id(FLOW_ID, "Flow ID");
        id(SRC_IP, "Source IP", "Src IP");
        id(SRC_PORT, "Source Port", "Src Port");
        id(DST_IP, "Destination IP", "Dst IP");
        id(DST_PORT, "Destination Port", "Dst Port");
        id(PROTOCOL, "Protocol");
        id(TIMESTAMP, "Timestamp");
        id(LABEL, "Label");
        // CICFlowMeter V4.0 and Engelen et al. spellings
        alias("Total Fwd Packets", "Total Fwd Packet");
        alias("Total Backward Packets", "Total Bwd packets", "Total Bwd Packet");
        alias("Total Length of Fwd Packets", "Total Length of Fwd Packet");
        alias("Total Length of Bwd Packets", "Total Length of Bwd Packet");
        alias("Min Packet Length", "Packet Length Min");
        alias("Max Packet Length", "Packet Length Max");
        alias("CWE Flag Count", "CWR Flag Count");
        alias("Avg Fwd Segment Size", "Fwd Segment Size Avg");
        alias("Avg Bwd Segment Size", "Bwd Segment Size Avg");
        alias("Fwd Avg Bytes/Bulk", "Fwd Bytes/Bulk Avg");
        alias("Fwd Avg Packets/Bulk", "Fwd Packet/Bulk Avg");
        alias("Fwd Avg Bulk Rate", "Fwd Bulk Rate Avg");
        alias("Bwd Avg Bytes/Bulk", "Bwd Bytes/Bulk Avg");
        alias("Bwd Avg Packets/Bulk", "Bwd Packet/Bulk Avg");
        alias("Bwd Avg Bulk Rate", "Bwd Bulk Rate Avg");
        alias("Init_Win_bytes_forward", "FWD Init Win Bytes", "Init Fwd Win Bytes");
        alias("Init_Win_bytes_backward", "Bwd Init Win Bytes", "Init Bwd Win Bytes");
        alias("act_data_pkt_fwd", "Fwd Act Data Pkts");
        alias("min_seg_size_forward", "Fwd Seg Size Min");
    }

    private static void id(int role, String... names) {
        for (String n : names) {
            NAMES.put(normalise(n), role);
        }
    }

    private static void alias(String canonical, String... aliases) {
        int index = FlowFeatures.indexOfCsvName(canonical);
        if (index < 0) {
            throw new IllegalStateException("no feature " + canonical);
        }
        for (String a : aliases) {
            NAMES.put(normalise(a), index);
        }
    }

    static String normalise(String name) {
        StringBuilder b = new StringBuilder(name.length());
        boolean space = true;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isWhitespace(c) || c == '\ufeff' || c == '\u00a0') {
                if (!space) {
                    b.append(' ');
                    space = true;
                }
            } else {
                b.append(c);
                space = false;
            }
        }
        int len = b.length();
        if (len > 0 && b.charAt(len - 1) == ' ') {
            b.setLength(len - 1);
        }
        return b.toString().toLowerCase(Locale.ROOT);
    }

    final String[] names;
    /** Per column: a feature index (>= 0) or one of the negative roles. */
    final int[] roles;
    final int[] roleColumn = new int[10]; // by -role, column index or -1
    final CsvLayout layout;
    final boolean duplicatePresent;
    final List<String> missingFeatures;
    final List<String> ignoredColumns;
    /** Features with no column: filled with NaN (or, for the duplicate, copied). */
    final boolean[] featurePresent = new boolean[FlowFeatures.COUNT];

    private CsvHeader(String[] names, int[] roles, CsvLayout layout, boolean duplicatePresent,
                      List<String> missingFeatures, List<String> ignoredColumns) {
        this.names = names;
        this.roles = roles;
        this.layout = layout;
        this.duplicatePresent = duplicatePresent;
        this.missingFeatures = missingFeatures;
        this.ignoredColumns = ignoredColumns;
        Arrays.fill(roleColumn, -1);
        for (int c = 0; c < roles.length; c++) {
            if (roles[c] >= 0) {
                featurePresent[roles[c]] = true;
            } else if (roles[c] != IGNORED) {
                roleColumn[-roles[c]] = c;
            }
        }
    }

    int column(int role) {
        return roleColumn[-role];
    }

    static CsvHeader parse(String file, String[] rawNames) throws FlowCsvFormatException {
        int n = rawNames.length;
        int[] roles = new int[n];
        boolean[] seen = new boolean[FlowFeatures.COUNT];
        boolean[] seenId = new boolean[10];
        List<String> ignored = new ArrayList<>();
        int fwdHeader = FlowFeatures.indexOfCsvName("Fwd Header Length");
        int duplicate = FlowFeatures.indexOfCsvName(FlowFeatures.DUPLICATE);
        for (int c = 0; c < n; c++) {
            String key = normalise(rawNames[c]);
            Integer role = NAMES.get(key);
            if (role == null) {
                roles[c] = IGNORED;
                ignored.add(rawNames[c].trim());
                continue;
            }
            if (role >= 0) {
                if (role == fwdHeader && seen[fwdHeader]) {
                    role = duplicate; // the original header repeats Fwd Header Length
                }
                if (seen[role]) {
                    roles[c] = IGNORED;
                    ignored.add(rawNames[c].trim() + " (repeated)");
                    continue;
                }
                seen[role] = true;
            } else {
                if (seenId[-role]) {
                    roles[c] = IGNORED;
                    ignored.add(rawNames[c].trim() + " (repeated)");
                    continue;
                }
                seenId[-role] = true;
            }
            roles[c] = role;
        }
        int present = 0;
        List<String> missing = new ArrayList<>();
        for (int i = 0; i < FlowFeatures.COUNT; i++) {
            if (seen[i]) {
                present++;
            } else if (i != duplicate) {
                missing.add(FlowFeatures.ALL.get(i).csvName());
            }
        }
        if (present < FlowFeatures.COUNT / 2) {
            String header = String.join(",", Arrays.asList(rawNames));
            boolean binary = header.chars().anyMatch(ch -> ch < 0x20 && ch != '\t' || ch == 0xFFFD);
            throw new FlowCsvFormatException(file + ": not a CICFlowMeter flow CSV: only " + present + " of "
                    + FlowFeatures.COUNT + " flow feature columns recognised in "
                    + (binary ? "a header that is not text (a packet capture? pass it with --pcap)"
                            : "header " + header.substring(0, Math.min(200, header.length()))));
        }
        CsvLayout layout;
        if (seenId[-SRC_IP] || seenId[-FLOW_ID] || seenId[-TIMESTAMP]) {
            layout = CsvLayout.TRAFFIC_LABELLING;
        } else if (seenId[-DST_PORT]) {
            layout = CsvLayout.MACHINE_LEARNING_CVE;
        } else {
            throw new FlowCsvFormatException(file + ": no Source IP / Timestamp / Destination Port column;"
                    + " neither the TrafficLabelling nor the MachineLearningCVE layout");
        }
        String[] names = new String[n];
        for (int c = 0; c < n; c++) {
            names[c] = rawNames[c].trim();
        }
        return new CsvHeader(names, roles, layout, seen[duplicate], List.copyOf(missing), List.copyOf(ignored));
    }
}
