package sif.schemas;

import java.util.List;
import java.util.Map;
import sif.flows.FlowFeatures;
import sif.flows.FlowRecord;
import sif.schemas.avro.Decision;
import sif.schemas.avro.IdentityEvent;
import sif.schemas.avro.IdentityEventType;
import sif.schemas.avro.IdentityStatus;
import sif.schemas.avro.NetworkFlow;
import sif.schemas.avro.Verdict;

/** Fixed sample records for tests. */
public final class TestRecords {
    private TestRecords() {}

    public static FlowRecord flowRecord() {
        double[] f = new double[FlowFeatures.COUNT];
        for (int i = 0; i < f.length; i++) {
            f[i] = i * 1.5 + 0.25; // distinct per position, so an order mix-up shows
        }
        return new FlowRecord("192.168.10.5-104.16.207.165-54865-443-6", "192.168.10.5", 54865, "104.16.207.165",
                443, 6, 1499171234000L, f, "BENIGN", "Monday-WorkingHours.pcap_ISCX.csv", 42);
    }

    public static NetworkFlow networkFlow() {
        return Flows.toAvro(flowRecord());
    }

    public static Verdict verdict() {
        return Verdict.newBuilder()
                .setFlowId("f1").setSrcIp("10.0.0.1").setSrcPort(1234).setDstIp("10.0.0.2").setDstPort(80)
                .setProtocol(6).setEventTimeMs(1000L).setDecision(Decision.BLOCK).setPredictedClass("DDoS")
                .setConfidence(0.97).setProbabilities(Map.of("BENIGN", 0.01, "DDoS", 0.97, "DoS", 0.01,
                        "PortScan", 0.005, "Other", 0.005))
                .setModelVersion("m1").setReasons(List.of("model:DDoS>0.85")).setIdentityStatus(IdentityStatus.TRUSTED)
                .setPrincipal("spiffe://sif/host-5").setIdentityAgeMs(1200L).setFlowsSinceVerification(7L)
                .build();
    }

    public static IdentityEvent identityEvent() {
        return IdentityEvent.newBuilder().setPrincipal("spiffe://sif/host-5").setType(IdentityEventType.ISSUED)
                .setBoundAddresses(List.of("192.168.10.5")).setCredentialSerial("01ab").setNotBeforeMs(0L)
                .setNotAfterMs(3_600_000L).setVerifiedAtMs(1000L).setEventTimeMs(1000L).build();
    }
}
