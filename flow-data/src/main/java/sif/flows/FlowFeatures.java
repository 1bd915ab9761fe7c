package sif.flows;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The 77 CICFlowMeter flow features of a CICIDS2017 TrafficLabelling row (columns 8 to 84, in file
 * order), under their canonical CSV names. Together with the destination port (part of the 5-tuple)
 * they are the 78 features of the MachineLearningCVE layout.
 *
 * <p>The original header repeats {@code Fwd Header Length}; the second occurrence is named
 * {@code Fwd Header Length.1} here, as pandas names it. {@link FlowRecord#features()} always holds
 * the 77 values in this order.
 */
public final class FlowFeatures {

    /** A feature: its canonical CSV column name and its Avro / Java field name. */
    public record Feature(String csvName, String fieldName) {}

    public static final List<Feature> ALL = List.of(
            new Feature("Flow Duration", "flowDuration"),
            new Feature("Total Fwd Packets", "totalFwdPackets"),
            new Feature("Total Backward Packets", "totalBackwardPackets"),
            new Feature("Total Length of Fwd Packets", "totalLengthOfFwdPackets"),
            new Feature("Total Length of Bwd Packets", "totalLengthOfBwdPackets"),
            new Feature("Fwd Packet Length Max", "fwdPacketLengthMax"),
            new Feature("Fwd Packet Length Min", "fwdPacketLengthMin"),
            new Feature("Fwd Packet Length Mean", "fwdPacketLengthMean"),
            new Feature("Fwd Packet Length Std", "fwdPacketLengthStd"),
            new Feature("Bwd Packet Length Max", "bwdPacketLengthMax"),
            new Feature("Bwd Packet Length Min", "bwdPacketLengthMin"),
            new Feature("Bwd Packet Length Mean", "bwdPacketLengthMean"),
            new Feature("Bwd Packet Length Std", "bwdPacketLengthStd"),
            new Feature("Flow Bytes/s", "flowBytesPerSec"),
            new Feature("Flow Packets/s", "flowPacketsPerSec"),
            new Feature("Flow IAT Mean", "flowIATMean"),
            new Feature("Flow IAT Std", "flowIATStd"),
            new Feature("Flow IAT Max", "flowIATMax"),
            new Feature("Flow IAT Min", "flowIATMin"),
            new Feature("Fwd IAT Total", "fwdIATTotal"),
            new Feature("Fwd IAT Mean", "fwdIATMean"),
            new Feature("Fwd IAT Std", "fwdIATStd"),
            new Feature("Fwd IAT Max", "fwdIATMax"),
            new Feature("Fwd IAT Min", "fwdIATMin"),
            new Feature("Bwd IAT Total", "bwdIATTotal"),
            new Feature("Bwd IAT Mean", "bwdIATMean"),
            new Feature("Bwd IAT Std", "bwdIATStd"),
            new Feature("Bwd IAT Max", "bwdIATMax"),
            new Feature("Bwd IAT Min", "bwdIATMin"),
            new Feature("Fwd PSH Flags", "fwdPSHFlags"),
            new Feature("Bwd PSH Flags", "bwdPSHFlags"),
            new Feature("Fwd URG Flags", "fwdURGFlags"),
            new Feature("Bwd URG Flags", "bwdURGFlags"),
            new Feature("Fwd Header Length", "fwdHeaderLength"),
            new Feature("Bwd Header Length", "bwdHeaderLength"),
            new Feature("Fwd Packets/s", "fwdPacketsPerSec"),
            new Feature("Bwd Packets/s", "bwdPacketsPerSec"),
            new Feature("Min Packet Length", "minPacketLength"),
            new Feature("Max Packet Length", "maxPacketLength"),
            new Feature("Packet Length Mean", "packetLengthMean"),
            new Feature("Packet Length Std", "packetLengthStd"),
            new Feature("Packet Length Variance", "packetLengthVariance"),
            new Feature("FIN Flag Count", "finFlagCount"),
            new Feature("SYN Flag Count", "synFlagCount"),
            new Feature("RST Flag Count", "rstFlagCount"),
            new Feature("PSH Flag Count", "pshFlagCount"),
            new Feature("ACK Flag Count", "ackFlagCount"),
            new Feature("URG Flag Count", "urgFlagCount"),
            new Feature("CWE Flag Count", "cweFlagCount"),
            new Feature("ECE Flag Count", "eceFlagCount"),
            new Feature("Down/Up Ratio", "downUpRatio"),
            new Feature("Average Packet Size", "averagePacketSize"),
            new Feature("Avg Fwd Segment Size", "avgFwdSegmentSize"),
            new Feature("Avg Bwd Segment Size", "avgBwdSegmentSize"),
            new Feature("Fwd Header Length.1", "fwdHeaderLength2"),
            new Feature("Fwd Avg Bytes/Bulk", "fwdAvgBytesBulk"),
            new Feature("Fwd Avg Packets/Bulk", "fwdAvgPacketsBulk"),
            new Feature("Fwd Avg Bulk Rate", "fwdAvgBulkRate"),
            new Feature("Bwd Avg Bytes/Bulk", "bwdAvgBytesBulk"),
            new Feature("Bwd Avg Packets/Bulk", "bwdAvgPacketsBulk"),
            new Feature("Bwd Avg Bulk Rate", "bwdAvgBulkRate"),
            new Feature("Subflow Fwd Packets", "subflowFwdPackets"),
            new Feature("Subflow Fwd Bytes", "subflowFwdBytes"),
            new Feature("Subflow Bwd Packets", "subflowBwdPackets"),
            new Feature("Subflow Bwd Bytes", "subflowBwdBytes"),
            new Feature("Init_Win_bytes_forward", "initWinBytesForward"),
            new Feature("Init_Win_bytes_backward", "initWinBytesBackward"),
            new Feature("act_data_pkt_fwd", "actDataPktFwd"),
            new Feature("min_seg_size_forward", "minSegSizeForward"),
            new Feature("Active Mean", "activeMean"),
            new Feature("Active Std", "activeStd"),
            new Feature("Active Max", "activeMax"),
            new Feature("Active Min", "activeMin"),
            new Feature("Idle Mean", "idleMean"),
            new Feature("Idle Std", "idleStd"),
            new Feature("Idle Max", "idleMax"),
            new Feature("Idle Min", "idleMin"));

    /** Number of flow features in {@link #ALL} (77). */
    public static final int COUNT = ALL.size();

    /** The duplicate column, never used as a model feature. */
    public static final String DUPLICATE = "Fwd Header Length.1";

    /**
     * Field names of the features CICFlowMeter's own formulas leave NaN for a degenerate flow: bytes/s
     * of a zero-duration flow without payload (0/0), and the inter-arrival statistics of a one-packet
     * flow (no interval). Real CICFlowMeter output, not damage.
     */
    public static final Set<String> MAY_BE_NAN = Set.of("flowBytesPerSec", "flowIATMean", "flowIATStd",
            "flowIATMax", "flowIATMin");
    /** Field names of the features CICFlowMeter makes +Infinity for a zero-duration flow (divided by its duration). */
    public static final Set<String> MAY_BE_INFINITE = Set.of("flowBytesPerSec", "flowPacketsPerSec");

    private static final Map<String, Integer> INDEX_BY_CSV = ALL.stream()
            .collect(Collectors.toUnmodifiableMap(Feature::csvName, ALL::indexOf));
    private static final Map<String, Integer> INDEX_BY_FIELD = ALL.stream()
            .collect(Collectors.toUnmodifiableMap(Feature::fieldName, ALL::indexOf));

    private static final int DURATION = indexOfField("flowDuration");
    private static final int FWD_PACKETS = indexOfField("totalFwdPackets");
    private static final int BWD_PACKETS = indexOfField("totalBackwardPackets");
    private static final int FWD_BYTES = indexOfField("totalLengthOfFwdPackets");
    private static final int BWD_BYTES = indexOfField("totalLengthOfBwdPackets");
    private static final int BYTES_PER_SEC = indexOfField("flowBytesPerSec");
    private static final boolean[] RATE = new boolean[COUNT];
    private static final boolean[] FLOW_IAT = new boolean[COUNT];

    static {
        for (int i = 0; i < COUNT; i++) {
            String f = ALL.get(i).fieldName();
            RATE[i] = MAY_BE_INFINITE.contains(f);
            FLOW_IAT[i] = MAY_BE_NAN.contains(f) && !MAY_BE_INFINITE.contains(f);
        }
    }

    private FlowFeatures() {}

    /**
     * Whether {@code value}, feature {@code index} of a flow whose features are {@code features}, is what
     * CICFlowMeter's own formulas give that flow where they are undefined — and so a real flow's value,
     * not damage: +Infinity for Flow Bytes/s or Flow Packets/s of a zero-duration flow (divided by its
     * duration), NaN for Flow Bytes/s of a zero-duration flow without payload (0/0), NaN for the Flow IAT
     * statistics of a one-packet flow (no interval). Anything else non-finite is not.
     */
    public static boolean undefinedByCicFlowMeter(int index, double value, double[] features) {
        if (value == Double.POSITIVE_INFINITY) {
            return RATE[index] && features[DURATION] == 0;
        }
        if (!Double.isNaN(value)) {
            return false;
        }
        if (index == BYTES_PER_SEC) {
            return features[DURATION] == 0 && features[FWD_BYTES] + features[BWD_BYTES] == 0;
        }
        return FLOW_IAT[index] && features[FWD_PACKETS] + features[BWD_PACKETS] == 1;
    }

    /** Index in {@link #ALL} of a canonical CSV name, or -1. */
    public static int indexOfCsvName(String csvName) {
        return INDEX_BY_CSV.getOrDefault(csvName, -1);
    }

    /** Index in {@link #ALL} of an Avro/Java field name, or -1. */
    public static int indexOfField(String fieldName) {
        return INDEX_BY_FIELD.getOrDefault(fieldName, -1);
    }

    public static List<String> csvNames() {
        return ALL.stream().map(Feature::csvName).toList();
    }
}
