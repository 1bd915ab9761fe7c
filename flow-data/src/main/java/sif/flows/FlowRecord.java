package sif.flows;

/**
 * One flow as read from a CICIDS2017 CSV (or extracted from a capture).
 *
 * @param flowId      CICFlowMeter flow id, or a generated one where the file has none
 * @param srcIp       source address; {@code null} in the MachineLearningCVE layout; in the
 *                    fallback file with label-encoded ids an integer code as a string (not an IP)
 * @param srcPort     source port, -1 where absent
 * @param dstIp       destination address; {@code null} where absent
 * @param dstPort     destination port
 * @param protocol    IP protocol number, -1 where absent
 * @param timestampMs flow start, epoch ms (CICIDS2017 wall-clock times are read as UTC), -1
 *                    where absent
 * @param features    the 77 flow features in {@link FlowFeatures#ALL} order, raw as written
 *                    (may hold NaN or infinities; the consumer decides)
 * @param label       the label: canonical (see {@link Labels#canonical}) when it is one of the 15
 *                    CICIDS2017 labels in any dash encoding, else as written in the file (trimmed,
 *                    e.g. CICFlowMeter's {@code NeedManualLabel}); {@code null} when absent
 * @param sourceFile  file name the row came from, or {@code null}
 * @param line        1-based line number in that file, or -1
 */
public record FlowRecord(
        String flowId,
        String srcIp,
        int srcPort,
        String dstIp,
        int dstPort,
        int protocol,
        long timestampMs,
        double[] features,
        String label,
        String sourceFile,
        long line) {

    public FlowRecord {
        if (features == null || features.length != FlowFeatures.COUNT) {
            throw new IllegalArgumentException("a flow needs " + FlowFeatures.COUNT + " features, got "
                    + (features == null ? "null" : features.length));
        }
    }
}
