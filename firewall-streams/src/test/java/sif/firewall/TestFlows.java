package sif.firewall;

import java.util.Arrays;
import org.apache.kafka.common.serialization.Serializer;
import sif.flows.FlowFeatures;
import sif.flows.FlowRecord;
import sif.schemas.Flows;
import sif.schemas.avro.NetworkFlow;
import sif.schemas.serde.AvroSerdes;

/** Builds flows for tests: plausible features, with feature overrides. */
final class TestFlows {

    static final long T0 = 1_499_443_200_000L; // 2017-07-07T16:00:00Z
    private static final Serializer<NetworkFlow> SER = AvroSerdes.singleObject(NetworkFlow.class).serializer();

    private TestFlows() {}

    static double[] features(double duration, double fwdPackets) {
        double[] f = new double[FlowFeatures.COUNT];
        Arrays.fill(f, 1.0);
        f[0] = duration;
        f[1] = fwdPackets;
        return f;
    }

    /**
     * The features CICFlowMeter gives a one-packet flow without payload (an unanswered probe): no
     * duration, so Flow Packets/s = Infinity and Flow Bytes/s = NaN (0/0), and no inter-arrival time, so
     * Flow IAT Mean/Std/Max/Min = NaN.
     */
    static double[] onePacketFeatures() {
        double[] f = features(0, 1);
        for (String zero : new String[] {"totalBackwardPackets", "totalLengthOfFwdPackets", "totalLengthOfBwdPackets"}) {
            f[FlowFeatures.indexOfField(zero)] = 0;
        }
        for (String nan : FlowFeatures.MAY_BE_NAN) {
            f[FlowFeatures.indexOfField(nan)] = Double.NaN;
        }
        f[FlowFeatures.indexOfField("flowPacketsPerSec")] = Double.POSITIVE_INFINITY;
        return f;
    }

    static NetworkFlow flow(String id, String src, long eventTime, double duration, double fwdPackets) {
        return flow(id, src, eventTime, features(duration, fwdPackets));
    }

    static NetworkFlow flow(String id, String src, long eventTime, double[] features) {
        return Flows.toAvro(new FlowRecord(id, src, 40000, "192.168.10.50", 80, 6, eventTime, features, "BENIGN",
                "test.csv", 1));
    }

    static NetworkFlow withFeature(NetworkFlow base, String field, double value) {
        double[] f = Flows.features(base);
        f[FlowFeatures.indexOfField(field)] = value;
        return flow(base.getFlowId(), base.getSrcIp(), base.getEventTimeMs(), f);
    }

    static byte[] bytes(NetworkFlow f) {
        return SER.serialize("flows", f);
    }
}
