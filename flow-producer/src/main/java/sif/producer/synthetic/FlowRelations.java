package sif.producer.synthetic;

import java.util.Set;
import sif.flows.FlowFeatures;

/**
 * Makes one drawn feature vector self-consistent the way CICFlowMeter computes its features: the
 * drawn totals (duration, packets and bytes per direction) and per-packet extremes stay, and every
 * feature CICFlowMeter derives from them is derived from them — rates, means, subflows, segment
 * sizes, variance, the IAT means and their bounds — with min ≤ mean ≤ max wherever CICFlowMeter has
 * all three, and nothing backward in a flow without backward packets. TCP-only fields (flags, TCP
 * windows) are zero, or -1 for windows, for other protocols, as in the real rows.
 *
 * <p>Before, each feature was drawn and clamped on its own: in 20,000 synthetic flows Flow Bytes/s
 * equalled bytes / duration in 4 %, Flow Packets/s in 1 %, Fwd Packet Length Mean = bytes / packets
 * in 4 %, and 99.5 % of synthetic UDP flows had a TCP window (a reviewer's comparison with the real
 * rows, where these hold in 98–100 %).
 */
final class FlowRelations {

    private static final int DURATION = at("Flow Duration");
    private static final int FWD_PACKETS = at("Total Fwd Packets");
    private static final int BWD_PACKETS = at("Total Backward Packets");
    private static final int FWD_BYTES = at("Total Length of Fwd Packets");
    private static final int BWD_BYTES = at("Total Length of Bwd Packets");
    private static final int FWD_MAX = at("Fwd Packet Length Max");
    private static final int FWD_MIN = at("Fwd Packet Length Min");
    private static final int FWD_MEAN = at("Fwd Packet Length Mean");
    private static final int FWD_STD = at("Fwd Packet Length Std");
    private static final int BWD_MAX = at("Bwd Packet Length Max");
    private static final int BWD_MIN = at("Bwd Packet Length Min");
    private static final int BWD_MEAN = at("Bwd Packet Length Mean");
    private static final int BWD_STD = at("Bwd Packet Length Std");
    private static final int FLOW_BYTES_S = at("Flow Bytes/s");
    private static final int FLOW_PACKETS_S = at("Flow Packets/s");
    private static final int FLOW_IAT_MEAN = at("Flow IAT Mean");
    private static final int FLOW_IAT_STD = at("Flow IAT Std");
    private static final int FLOW_IAT_MAX = at("Flow IAT Max");
    private static final int FLOW_IAT_MIN = at("Flow IAT Min");
    private static final int FWD_IAT_TOTAL = at("Fwd IAT Total");
    private static final int BWD_IAT_TOTAL = at("Bwd IAT Total");
    private static final int FWD_PSH = at("Fwd PSH Flags");
    private static final int BWD_PSH = at("Bwd PSH Flags");
    private static final int FWD_URG = at("Fwd URG Flags");
    private static final int BWD_URG = at("Bwd URG Flags");
    private static final int BWD_HEADER = at("Bwd Header Length");
    private static final int FWD_PACKETS_S = at("Fwd Packets/s");
    private static final int BWD_PACKETS_S = at("Bwd Packets/s");
    private static final int MIN_LENGTH = at("Min Packet Length");
    private static final int MAX_LENGTH = at("Max Packet Length");
    private static final int LENGTH_MEAN = at("Packet Length Mean");
    private static final int LENGTH_STD = at("Packet Length Std");
    private static final int LENGTH_VARIANCE = at("Packet Length Variance");
    private static final int[] TCP_FLAG_COUNTS = {at("FIN Flag Count"), at("SYN Flag Count"), at("RST Flag Count"),
            at("PSH Flag Count"), at("ACK Flag Count"), at("URG Flag Count"), at("CWE Flag Count"),
            at("ECE Flag Count")};
    private static final int DOWN_UP = at("Down/Up Ratio");
    private static final int AVERAGE_SIZE = at("Average Packet Size");
    private static final int FWD_SEGMENT = at("Avg Fwd Segment Size");
    private static final int BWD_SEGMENT = at("Avg Bwd Segment Size");
    private static final int SUB_FWD_PACKETS = at("Subflow Fwd Packets");
    private static final int SUB_FWD_BYTES = at("Subflow Fwd Bytes");
    private static final int SUB_BWD_PACKETS = at("Subflow Bwd Packets");
    private static final int SUB_BWD_BYTES = at("Subflow Bwd Bytes");
    private static final int INIT_WIN_FWD = at("Init_Win_bytes_forward");
    private static final int INIT_WIN_BWD = at("Init_Win_bytes_backward");
    private static final int ACT_DATA_FWD = at("act_data_pkt_fwd");
    private static final int[] BWD_BULK = {at("Bwd Avg Bytes/Bulk"), at("Bwd Avg Packets/Bulk"), at("Bwd Avg Bulk Rate")};
    private static final int TCP = 6;

    /**
     * Every feature {@link #apply} may change: those it derives from others and the drawn ones it bounds
     * or zeroes (the rest are drawn within the fitted ranges and left alone).
     */
    static final Set<Integer> ADJUSTED;

    static {
        Set<Integer> a = new java.util.HashSet<>(java.util.List.of(DURATION, FWD_PACKETS, BWD_PACKETS, FWD_BYTES,
                BWD_BYTES, FWD_MAX, FWD_MIN, FWD_MEAN, FWD_STD, BWD_MAX, BWD_MIN, BWD_MEAN, BWD_STD, FLOW_BYTES_S,
                FLOW_PACKETS_S, FLOW_IAT_MEAN, FLOW_IAT_STD, FLOW_IAT_MAX, FLOW_IAT_MIN, FWD_PSH, BWD_PSH, FWD_URG,
                BWD_URG, BWD_HEADER, FWD_PACKETS_S, BWD_PACKETS_S, MIN_LENGTH, MAX_LENGTH, LENGTH_MEAN, LENGTH_STD,
                LENGTH_VARIANCE, DOWN_UP, AVERAGE_SIZE, FWD_SEGMENT, BWD_SEGMENT, SUB_FWD_PACKETS, SUB_FWD_BYTES,
                SUB_BWD_PACKETS, SUB_BWD_BYTES, INIT_WIN_FWD, INIT_WIN_BWD, ACT_DATA_FWD));
        for (int i = 0; i < 5; i++) { // Total, Mean, Std, Max, Min
            a.add(FWD_IAT_TOTAL + i);
            a.add(BWD_IAT_TOTAL + i);
        }
        for (int i : TCP_FLAG_COUNTS) {
            a.add(i);
        }
        for (int i : BWD_BULK) {
            a.add(i);
        }
        ADJUSTED = Set.copyOf(a);
    }

    private FlowRelations() {
    }

    private static int at(String csvName) {
        return FlowFeatures.indexOfCsvName(csvName);
    }

    /** Makes {@code x} (one flow's features, drawn) consistent, in place, for a flow of {@code protocol}. */
    static void apply(double[] x, int protocol) {
        double fwd = Math.max(1, Math.rint(x[FWD_PACKETS]));
        double bwd = Math.max(0, Math.rint(x[BWD_PACKETS]));
        x[FWD_PACKETS] = fwd;
        x[BWD_PACKETS] = bwd;
        double n = fwd + bwd;
        // a flow of more than one packet lasts at least a microsecond: its rates stay finite
        x[DURATION] = Math.max(n > 1 ? 1 : 0, x[DURATION]);
        double duration = x[DURATION];

        lengths(x, fwd, FWD_BYTES, FWD_MAX, FWD_MIN, FWD_MEAN, FWD_STD);
        if (bwd == 0) {
            x[BWD_BYTES] = 0;
            x[BWD_MAX] = x[BWD_MIN] = x[BWD_MEAN] = x[BWD_STD] = 0;
            x[BWD_PSH] = x[BWD_URG] = x[BWD_HEADER] = 0;
            for (int i : BWD_BULK) {
                x[i] = 0;
            }
        } else {
            lengths(x, bwd, BWD_BYTES, BWD_MAX, BWD_MIN, BWD_MEAN, BWD_STD);
        }
        double bytes = x[FWD_BYTES] + x[BWD_BYTES];

        double seconds = duration / 1e6;
        x[FLOW_BYTES_S] = seconds > 0 ? bytes / seconds : 0;
        x[FLOW_PACKETS_S] = seconds > 0 ? n / seconds : 0;
        x[FWD_PACKETS_S] = seconds > 0 ? fwd / seconds : 0;
        x[BWD_PACKETS_S] = seconds > 0 ? bwd / seconds : 0;

        // inter-arrival times: n - 1 gaps over the flow's duration; per direction within it
        iat(x, n, duration, -1, FLOW_IAT_MEAN, FLOW_IAT_STD, FLOW_IAT_MAX, FLOW_IAT_MIN);
        x[FWD_IAT_TOTAL] = Math.min(Math.max(0, x[FWD_IAT_TOTAL]), duration);
        iat(x, fwd, x[FWD_IAT_TOTAL], FWD_IAT_TOTAL, FWD_IAT_TOTAL + 1, FWD_IAT_TOTAL + 2, FWD_IAT_TOTAL + 3,
                FWD_IAT_TOTAL + 4);
        x[BWD_IAT_TOTAL] = Math.min(Math.max(0, x[BWD_IAT_TOTAL]), duration);
        iat(x, bwd, x[BWD_IAT_TOTAL], BWD_IAT_TOTAL, BWD_IAT_TOTAL + 1, BWD_IAT_TOTAL + 2, BWD_IAT_TOTAL + 3,
                BWD_IAT_TOTAL + 4);

        x[MIN_LENGTH] = bwd > 0 ? Math.min(x[FWD_MIN], x[BWD_MIN]) : x[FWD_MIN];
        x[MAX_LENGTH] = Math.max(x[FWD_MAX], x[BWD_MAX]);
        x[LENGTH_MEAN] = clamp(bytes / n, x[MIN_LENGTH], x[MAX_LENGTH]);
        x[LENGTH_STD] = Math.min(Math.max(0, x[LENGTH_STD]), x[MAX_LENGTH] - x[MIN_LENGTH]);
        x[LENGTH_VARIANCE] = x[LENGTH_STD] * x[LENGTH_STD];
        x[AVERAGE_SIZE] = x[LENGTH_MEAN];
        x[DOWN_UP] = Math.floor(bwd / fwd); // CICFlowMeter divides the two counts as integers
        x[FWD_SEGMENT] = x[FWD_MEAN];
        x[BWD_SEGMENT] = x[BWD_MEAN];
        x[SUB_FWD_PACKETS] = fwd;
        x[SUB_FWD_BYTES] = x[FWD_BYTES];
        x[SUB_BWD_PACKETS] = bwd;
        x[SUB_BWD_BYTES] = x[BWD_BYTES];
        x[ACT_DATA_FWD] = Math.min(Math.max(0, x[ACT_DATA_FWD]), fwd);

        if (protocol != TCP) {
            for (int i : TCP_FLAG_COUNTS) {
                x[i] = 0;
            }
            x[FWD_PSH] = x[BWD_PSH] = x[FWD_URG] = x[BWD_URG] = 0;
            x[INIT_WIN_FWD] = -1;
            x[INIT_WIN_BWD] = -1;
        } else if (bwd == 0) {
            x[INIT_WIN_BWD] = -1;
        }
    }

    /**
     * One direction's packet lengths: the bytes between packets × min and packets × max (no packet
     * longer than the longest drawn), mean = bytes / packets, std 0 for one packet and at most max - min.
     */
    private static void lengths(double[] x, double packets, int bytes, int max, int min, int mean, int std) {
        x[min] = Math.max(0, Math.min(x[min], x[max]));
        x[bytes] = clamp(x[bytes], packets * x[min], packets * x[max]);
        double m = x[bytes] / packets;
        x[mean] = m;
        if (packets == 1) {
            x[max] = x[min] = m;
            x[std] = 0;
        } else {
            x[std] = Math.min(Math.max(0, x[std]), x[max] - x[min]);
        }
    }

    /**
     * Inter-arrival times of {@code packets} packets spread over {@code total}: mean = total / (packets - 1),
     * min ≤ mean ≤ max ≤ total; all zero for fewer than two packets ({@code totalIndex}, when ≥ 0, too).
     */
    private static void iat(double[] x, double packets, double total, int totalIndex, int mean, int std, int max,
                            int min) {
        if (packets < 2) {
            x[mean] = x[std] = x[max] = x[min] = 0;
            if (totalIndex >= 0) {
                x[totalIndex] = 0;
            }
            return;
        }
        double m = total / (packets - 1);
        x[mean] = m;
        x[max] = clamp(x[max], m, total);
        x[min] = clamp(x[min], 0, m);
        if (packets == 2) {
            x[max] = x[min] = m;
            x[std] = 0;
        } else {
            x[std] = Math.min(Math.max(0, x[std]), x[max] - x[min]);
        }
    }

    private static double clamp(double v, double lo, double hi) {
        return Math.max(lo, Math.min(hi, v));
    }
}
