package sif.schemas;

import java.util.Objects;
import sif.flows.FlowFeatures;
import sif.flows.FlowRecord;
import sif.schemas.avro.NetworkFlow;

/**
 * Conversion between {@link FlowRecord} (sif.flows) and the Avro {@link NetworkFlow}, and the
 * feature vector of a {@code NetworkFlow} in {@link FlowFeatures#ALL} order.
 *
 * <p>Straight-line generated getters/setters: no reflection, no boxing per record. The order is
 * pinned against {@link FlowFeatures} by {@code FlowsTest}.
 */
public final class Flows {

    private Flows() {}

    /**
     * The Avro record for a flow. Absent values of the record stay as the record encodes them
     * (ports and protocol -1, no label/file/line as null); features are copied as they are (NaN and
     * infinities included: validation is the consumer's job).
     *
     * @throws IllegalArgumentException if the flow has no flow id, source or destination address
     *         (a MachineLearningCVE row cannot be keyed by source)
     */
    public static NetworkFlow toAvro(FlowRecord r) {
        Objects.requireNonNull(r, "flow");
        if (r.flowId() == null || r.srcIp() == null || r.dstIp() == null) {
            throw new IllegalArgumentException("flow " + r.flowId() + " (" + r.sourceFile() + ":" + r.line()
                    + ") lacks " + (r.flowId() == null ? "a flow id" : r.srcIp() == null ? "a source IP" : "a destination IP")
                    + "; NetworkFlow needs flow id and both addresses (use the TrafficLabelling CSVs)");
        }
        NetworkFlow flow = new NetworkFlow();
        flow.setFlowId(r.flowId());
        flow.setSrcIp(r.srcIp());
        flow.setSrcPort(r.srcPort());
        flow.setDstIp(r.dstIp());
        flow.setDstPort(r.dstPort());
        flow.setProtocol(r.protocol());
        flow.setEventTimeMs(r.timestampMs());
        double[] f = r.features();
        flow.setFlowDuration(f[0]);
        flow.setTotalFwdPackets(f[1]);
        flow.setTotalBackwardPackets(f[2]);
        flow.setTotalLengthOfFwdPackets(f[3]);
        flow.setTotalLengthOfBwdPackets(f[4]);
        flow.setFwdPacketLengthMax(f[5]);
        flow.setFwdPacketLengthMin(f[6]);
        flow.setFwdPacketLengthMean(f[7]);
        flow.setFwdPacketLengthStd(f[8]);
        flow.setBwdPacketLengthMax(f[9]);
        flow.setBwdPacketLengthMin(f[10]);
        flow.setBwdPacketLengthMean(f[11]);
        flow.setBwdPacketLengthStd(f[12]);
        flow.setFlowBytesPerSec(f[13]);
        flow.setFlowPacketsPerSec(f[14]);
        flow.setFlowIATMean(f[15]);
        flow.setFlowIATStd(f[16]);
        flow.setFlowIATMax(f[17]);
        flow.setFlowIATMin(f[18]);
        flow.setFwdIATTotal(f[19]);
        flow.setFwdIATMean(f[20]);
        flow.setFwdIATStd(f[21]);
        flow.setFwdIATMax(f[22]);
        flow.setFwdIATMin(f[23]);
        flow.setBwdIATTotal(f[24]);
        flow.setBwdIATMean(f[25]);
        flow.setBwdIATStd(f[26]);
        flow.setBwdIATMax(f[27]);
        flow.setBwdIATMin(f[28]);
        flow.setFwdPSHFlags(f[29]);
        flow.setBwdPSHFlags(f[30]);
        flow.setFwdURGFlags(f[31]);
        flow.setBwdURGFlags(f[32]);
        flow.setFwdHeaderLength(f[33]);
        flow.setBwdHeaderLength(f[34]);
        flow.setFwdPacketsPerSec(f[35]);
        flow.setBwdPacketsPerSec(f[36]);
        flow.setMinPacketLength(f[37]);
        flow.setMaxPacketLength(f[38]);
        flow.setPacketLengthMean(f[39]);
        flow.setPacketLengthStd(f[40]);
        flow.setPacketLengthVariance(f[41]);
        flow.setFinFlagCount(f[42]);
        flow.setSynFlagCount(f[43]);
        flow.setRstFlagCount(f[44]);
        flow.setPshFlagCount(f[45]);
        flow.setAckFlagCount(f[46]);
        flow.setUrgFlagCount(f[47]);
        flow.setCweFlagCount(f[48]);
        flow.setEceFlagCount(f[49]);
        flow.setDownUpRatio(f[50]);
        flow.setAveragePacketSize(f[51]);
        flow.setAvgFwdSegmentSize(f[52]);
        flow.setAvgBwdSegmentSize(f[53]);
        flow.setFwdHeaderLength2(f[54]);
        flow.setFwdAvgBytesBulk(f[55]);
        flow.setFwdAvgPacketsBulk(f[56]);
        flow.setFwdAvgBulkRate(f[57]);
        flow.setBwdAvgBytesBulk(f[58]);
        flow.setBwdAvgPacketsBulk(f[59]);
        flow.setBwdAvgBulkRate(f[60]);
        flow.setSubflowFwdPackets(f[61]);
        flow.setSubflowFwdBytes(f[62]);
        flow.setSubflowBwdPackets(f[63]);
        flow.setSubflowBwdBytes(f[64]);
        flow.setInitWinBytesForward(f[65]);
        flow.setInitWinBytesBackward(f[66]);
        flow.setActDataPktFwd(f[67]);
        flow.setMinSegSizeForward(f[68]);
        flow.setActiveMean(f[69]);
        flow.setActiveStd(f[70]);
        flow.setActiveMax(f[71]);
        flow.setActiveMin(f[72]);
        flow.setIdleMean(f[73]);
        flow.setIdleStd(f[74]);
        flow.setIdleMax(f[75]);
        flow.setIdleMin(f[76]);
        flow.setLabel(r.label());
        flow.setOriginFile(r.sourceFile());
        flow.setOriginLine(r.line() < 0 ? null : r.line());
        return flow;
    }

    /** The flow record of an Avro flow (origin line -1 where absent). */
    public static FlowRecord fromAvro(NetworkFlow flow) {
        Objects.requireNonNull(flow, "flow");
        Long line = flow.getOriginLine();
        return new FlowRecord(flow.getFlowId(), flow.getSrcIp(), flow.getSrcPort(), flow.getDstIp(),
                flow.getDstPort(), flow.getProtocol(), flow.getEventTimeMs(), features(flow), flow.getLabel(),
                flow.getOriginFile(), line == null ? -1L : line);
    }

    /** The 77 features of {@code flow} in {@link FlowFeatures#ALL} order (a new array). */
    public static double[] features(NetworkFlow flow) {
        double[] f = new double[FlowFeatures.COUNT];
        f[0] = flow.getFlowDuration();
        f[1] = flow.getTotalFwdPackets();
        f[2] = flow.getTotalBackwardPackets();
        f[3] = flow.getTotalLengthOfFwdPackets();
        f[4] = flow.getTotalLengthOfBwdPackets();
        f[5] = flow.getFwdPacketLengthMax();
        f[6] = flow.getFwdPacketLengthMin();
        f[7] = flow.getFwdPacketLengthMean();
        f[8] = flow.getFwdPacketLengthStd();
        f[9] = flow.getBwdPacketLengthMax();
        f[10] = flow.getBwdPacketLengthMin();
        f[11] = flow.getBwdPacketLengthMean();
        f[12] = flow.getBwdPacketLengthStd();
        f[13] = flow.getFlowBytesPerSec();
        f[14] = flow.getFlowPacketsPerSec();
        f[15] = flow.getFlowIATMean();
        f[16] = flow.getFlowIATStd();
        f[17] = flow.getFlowIATMax();
        f[18] = flow.getFlowIATMin();
        f[19] = flow.getFwdIATTotal();
        f[20] = flow.getFwdIATMean();
        f[21] = flow.getFwdIATStd();
        f[22] = flow.getFwdIATMax();
        f[23] = flow.getFwdIATMin();
        f[24] = flow.getBwdIATTotal();
        f[25] = flow.getBwdIATMean();
        f[26] = flow.getBwdIATStd();
        f[27] = flow.getBwdIATMax();
        f[28] = flow.getBwdIATMin();
        f[29] = flow.getFwdPSHFlags();
        f[30] = flow.getBwdPSHFlags();
        f[31] = flow.getFwdURGFlags();
        f[32] = flow.getBwdURGFlags();
        f[33] = flow.getFwdHeaderLength();
        f[34] = flow.getBwdHeaderLength();
        f[35] = flow.getFwdPacketsPerSec();
        f[36] = flow.getBwdPacketsPerSec();
        f[37] = flow.getMinPacketLength();
        f[38] = flow.getMaxPacketLength();
        f[39] = flow.getPacketLengthMean();
        f[40] = flow.getPacketLengthStd();
        f[41] = flow.getPacketLengthVariance();
        f[42] = flow.getFinFlagCount();
        f[43] = flow.getSynFlagCount();
        f[44] = flow.getRstFlagCount();
        f[45] = flow.getPshFlagCount();
        f[46] = flow.getAckFlagCount();
        f[47] = flow.getUrgFlagCount();
        f[48] = flow.getCweFlagCount();
        f[49] = flow.getEceFlagCount();
        f[50] = flow.getDownUpRatio();
        f[51] = flow.getAveragePacketSize();
        f[52] = flow.getAvgFwdSegmentSize();
        f[53] = flow.getAvgBwdSegmentSize();
        f[54] = flow.getFwdHeaderLength2();
        f[55] = flow.getFwdAvgBytesBulk();
        f[56] = flow.getFwdAvgPacketsBulk();
        f[57] = flow.getFwdAvgBulkRate();
        f[58] = flow.getBwdAvgBytesBulk();
        f[59] = flow.getBwdAvgPacketsBulk();
        f[60] = flow.getBwdAvgBulkRate();
        f[61] = flow.getSubflowFwdPackets();
        f[62] = flow.getSubflowFwdBytes();
        f[63] = flow.getSubflowBwdPackets();
        f[64] = flow.getSubflowBwdBytes();
        f[65] = flow.getInitWinBytesForward();
        f[66] = flow.getInitWinBytesBackward();
        f[67] = flow.getActDataPktFwd();
        f[68] = flow.getMinSegSizeForward();
        f[69] = flow.getActiveMean();
        f[70] = flow.getActiveStd();
        f[71] = flow.getActiveMax();
        f[72] = flow.getActiveMin();
        f[73] = flow.getIdleMean();
        f[74] = flow.getIdleStd();
        f[75] = flow.getIdleMax();
        f[76] = flow.getIdleMin();
        return f;
    }

    /** The 77 features as floats (the model's input type), in {@link FlowFeatures#ALL} order. */
    public static float[] featuresAsFloat(NetworkFlow flow) {
        float[] f = new float[FlowFeatures.COUNT];
        f[0] = (float) flow.getFlowDuration();
        f[1] = (float) flow.getTotalFwdPackets();
        f[2] = (float) flow.getTotalBackwardPackets();
        f[3] = (float) flow.getTotalLengthOfFwdPackets();
        f[4] = (float) flow.getTotalLengthOfBwdPackets();
        f[5] = (float) flow.getFwdPacketLengthMax();
        f[6] = (float) flow.getFwdPacketLengthMin();
        f[7] = (float) flow.getFwdPacketLengthMean();
        f[8] = (float) flow.getFwdPacketLengthStd();
        f[9] = (float) flow.getBwdPacketLengthMax();
        f[10] = (float) flow.getBwdPacketLengthMin();
        f[11] = (float) flow.getBwdPacketLengthMean();
        f[12] = (float) flow.getBwdPacketLengthStd();
        f[13] = (float) flow.getFlowBytesPerSec();
        f[14] = (float) flow.getFlowPacketsPerSec();
        f[15] = (float) flow.getFlowIATMean();
        f[16] = (float) flow.getFlowIATStd();
        f[17] = (float) flow.getFlowIATMax();
        f[18] = (float) flow.getFlowIATMin();
        f[19] = (float) flow.getFwdIATTotal();
        f[20] = (float) flow.getFwdIATMean();
        f[21] = (float) flow.getFwdIATStd();
        f[22] = (float) flow.getFwdIATMax();
        f[23] = (float) flow.getFwdIATMin();
        f[24] = (float) flow.getBwdIATTotal();
        f[25] = (float) flow.getBwdIATMean();
        f[26] = (float) flow.getBwdIATStd();
        f[27] = (float) flow.getBwdIATMax();
        f[28] = (float) flow.getBwdIATMin();
        f[29] = (float) flow.getFwdPSHFlags();
        f[30] = (float) flow.getBwdPSHFlags();
        f[31] = (float) flow.getFwdURGFlags();
        f[32] = (float) flow.getBwdURGFlags();
        f[33] = (float) flow.getFwdHeaderLength();
        f[34] = (float) flow.getBwdHeaderLength();
        f[35] = (float) flow.getFwdPacketsPerSec();
        f[36] = (float) flow.getBwdPacketsPerSec();
        f[37] = (float) flow.getMinPacketLength();
        f[38] = (float) flow.getMaxPacketLength();
        f[39] = (float) flow.getPacketLengthMean();
        f[40] = (float) flow.getPacketLengthStd();
        f[41] = (float) flow.getPacketLengthVariance();
        f[42] = (float) flow.getFinFlagCount();
        f[43] = (float) flow.getSynFlagCount();
        f[44] = (float) flow.getRstFlagCount();
        f[45] = (float) flow.getPshFlagCount();
        f[46] = (float) flow.getAckFlagCount();
        f[47] = (float) flow.getUrgFlagCount();
        f[48] = (float) flow.getCweFlagCount();
        f[49] = (float) flow.getEceFlagCount();
        f[50] = (float) flow.getDownUpRatio();
        f[51] = (float) flow.getAveragePacketSize();
        f[52] = (float) flow.getAvgFwdSegmentSize();
        f[53] = (float) flow.getAvgBwdSegmentSize();
        f[54] = (float) flow.getFwdHeaderLength2();
        f[55] = (float) flow.getFwdAvgBytesBulk();
        f[56] = (float) flow.getFwdAvgPacketsBulk();
        f[57] = (float) flow.getFwdAvgBulkRate();
        f[58] = (float) flow.getBwdAvgBytesBulk();
        f[59] = (float) flow.getBwdAvgPacketsBulk();
        f[60] = (float) flow.getBwdAvgBulkRate();
        f[61] = (float) flow.getSubflowFwdPackets();
        f[62] = (float) flow.getSubflowFwdBytes();
        f[63] = (float) flow.getSubflowBwdPackets();
        f[64] = (float) flow.getSubflowBwdBytes();
        f[65] = (float) flow.getInitWinBytesForward();
        f[66] = (float) flow.getInitWinBytesBackward();
        f[67] = (float) flow.getActDataPktFwd();
        f[68] = (float) flow.getMinSegSizeForward();
        f[69] = (float) flow.getActiveMean();
        f[70] = (float) flow.getActiveStd();
        f[71] = (float) flow.getActiveMax();
        f[72] = (float) flow.getActiveMin();
        f[73] = (float) flow.getIdleMean();
        f[74] = (float) flow.getIdleStd();
        f[75] = (float) flow.getIdleMax();
        f[76] = (float) flow.getIdleMin();
        return f;
    }
}
