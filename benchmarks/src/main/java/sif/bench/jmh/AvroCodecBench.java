package sif.bench.jmh;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import sif.bench.BenchFlows;
import sif.schemas.Flows;
import sif.schemas.avro.Decision;
import sif.schemas.avro.IdentityStatus;
import sif.schemas.avro.NetworkFlow;
import sif.schemas.avro.Verdict;
import sif.schemas.serde.AvroSerdes;

/**
 * Avro per flow with the firewall's serdes (single-object encoding, no registry): NetworkFlow
 * encode (producer) and decode (the firewall's validate step, plus the feature vector it extracts),
 * Verdict encode (the firewall's sinks) and decode (consumers).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Dlogback.configurationFile=sif-bench-logback.xml"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class AvroCodecBench {

    private final Serializer<NetworkFlow> flowSer = AvroSerdes.singleObject(NetworkFlow.class).serializer();
    private final Deserializer<NetworkFlow> flowDe = AvroSerdes.singleObject(NetworkFlow.class).deserializer();
    private final Serializer<Verdict> verdictSer = AvroSerdes.singleObject(Verdict.class).serializer();
    private final Deserializer<Verdict> verdictDe = AvroSerdes.singleObject(Verdict.class).deserializer();
    private NetworkFlow[] flows;
    private byte[][] flowBytes;
    private Verdict[] verdicts;
    private byte[][] verdictBytes;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        BenchFlows source = BenchInputs.flows();
        int n = Math.min(source.size(), 4096);
        flows = new NetworkFlow[n];
        flowBytes = new byte[n][];
        verdicts = new Verdict[n];
        verdictBytes = new byte[n][];
        for (int i = 0; i < n; i++) {
            flows[i] = source.template(i);
            flowBytes[i] = flowSer.serialize("flows", flows[i]);
            verdicts[i] = verdictOf(flows[i]);
            verdictBytes[i] = verdictSer.serialize("flows.allowed", verdicts[i]);
        }
    }

    static Verdict verdictOf(NetworkFlow f) {
        return Verdict.newBuilder()
                .setFlowId(f.getFlowId()).setSrcIp(f.getSrcIp()).setSrcPort(f.getSrcPort()).setDstIp(f.getDstIp())
                .setDstPort(f.getDstPort()).setProtocol(f.getProtocol()).setEventTimeMs(f.getEventTimeMs())
                .setDecision(Decision.ALLOW).setPredictedClass("BENIGN").setConfidence(0.97)
                .setProbabilities(Map.of("BENIGN", 0.97, "DDoS", 0.01, "DoS", 0.01, "PortScan", 0.005, "Other", 0.005))
                .setModelVersion("cicids2017-lstm-0123456789ab")
                .setReasons(List.of("identity:UNKNOWN no identity bound to " + f.getSrcIp(), "class:BENIGN allow"))
                .setIdentityStatus(IdentityStatus.UNKNOWN).setSequenceLength(10)
                .setIngestTimeMs(f.getEventTimeMs()).setVerdictTimeMs(f.getEventTimeMs() + 3)
                .setInferenceMicros(1800).setBatchSize(64).setLabel(f.getLabel())
                .build();
    }

    private int advance() {
        int i = next;
        next = (next + 1) % flows.length;
        return i;
    }

    @Benchmark
    public byte[] flowEncode() {
        return flowSer.serialize("flows", flows[advance()]);
    }

    @Benchmark
    public NetworkFlow flowDecode() {
        return flowDe.deserialize("flows", flowBytes[advance()]);
    }

    /** Decode plus the float feature vector the firewall extracts (its validate step). */
    @Benchmark
    public float[] flowDecodeAndFeatures() {
        return Flows.featuresAsFloat(flowDe.deserialize("flows", flowBytes[advance()]));
    }

    @Benchmark
    public byte[] verdictEncode() {
        return verdictSer.serialize("flows.allowed", verdicts[advance()]);
    }

    @Benchmark
    public Verdict verdictDecode() {
        return verdictDe.deserialize("flows.allowed", verdictBytes[advance()]);
    }
}
