package sif.firewall.trust;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sif.firewall.FirewallConfig;
import sif.firewall.FirewallExtensions;
import sif.firewall.FirewallTopology;
import sif.model.ClassifierSession;
import sif.model.SequenceClassifier;
import sif.schemas.avro.Decision;
import sif.schemas.avro.IdentityStatus;
import sif.schemas.avro.NetworkFlow;
import sif.schemas.avro.Verdict;
import sif.schemas.serde.AvroSerdes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The firewall owner's {@code buildTopology} with this module's zero-trust step and engine policy:
 * identity events + flows → exact verdicts.
 */
class FirewallWithZeroTrustTest {

    static final List<String> CLASSES = List.of("BENIGN", "DDoS", "DoS", "PortScan", "Other");

    /** Classifies by the newest flow's first feature: >= 1000 → DDoS 0.97, else BENIGN 0.95. */
    static final class StubClassifier implements SequenceClassifier {
        @Override
        public ModelInfo info() {
            return new ModelInfo("stub-1", CLASSES, 10, 0.85);
        }

        @Override
        public ClassifierSession newSession() {
            return new ClassifierSession() {
                @Override
                public float[][] predict(List<float[][]> sequences) {
                    float[][] out = new float[sequences.size()][CLASSES.size()];
                    for (int i = 0; i < out.length; i++) {
                        float[][] seq = sequences.get(i);
                        boolean ddos = seq[seq.length - 1][0] >= 1000f;
                        out[i][ddos ? 1 : 0] = ddos ? 0.97f : 0.95f;
                        out[i][ddos ? 0 : 4] = ddos ? 0.03f : 0.05f;
                    }
                    return out;
                }

                @Override
                public void close() {
                }
            };
        }

        @Override
        public void close() {
        }
    }

    @TempDir
    Path stateDir;

    @Test
    void identityEventsAndFlowsGiveExactVerdicts() throws Exception {
        FirewallConfig config = FirewallConfig.of(Map.of(FirewallConfig.APPLICATION_ID, "fw-zt-test",
                FirewallConfig.BATCH_SIZE, "1", FirewallConfig.METRICS_PORT, "-1",
                FirewallConfig.INFERENCE_PIPELINED, "false")); // outputs read right after each input
        StubClassifier classifier = new StubClassifier();
        var topology = FirewallTopology.buildTopology(config, classifier,
                TrustWiring.policy(config, classifier.info()), TrustWiring.withZeroTrust(FirewallExtensions.defaults()));
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "fw-zt-test");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "dummy:9092");
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        var verdictSerde = AvroSerdes.serde(Verdict.class, config.serdeConfig(), false);
        var flowSerde = AvroSerdes.serde(NetworkFlow.class, config.serdeConfig(), false);
        try (TopologyTestDriver d = new TopologyTestDriver(topology, p)) {
            TestInputTopic<String, byte[]> flows = d.createInputTopic("flows", Serdes.String().serializer(),
                    Serdes.ByteArray().serializer());
            TestInputTopic<String, sif.schemas.avro.IdentityEvent> ids = d.createInputTopic("identity",
                    Serdes.String().serializer(), ZeroTrustStepTest.IDENTITY_SERDE.serializer());
            TestOutputTopic<String, Verdict> allowed = d.createOutputTopic("flows.allowed",
                    Serdes.String().deserializer(), verdictSerde.deserializer());
            TestOutputTopic<String, Verdict> blocked = d.createOutputTopic("flows.blocked",
                    Serdes.String().deserializer(), verdictSerde.deserializer());

            long t0 = ZeroTrustStepTest.T0;
            var issued = ZeroTrustStepTest.issued("s1", t0);
            ids.pipeInput(issued.principal(), IdentityEvents.toAvro(issued), t0);

            NetworkFlow benign = ZeroTrustStepTest.flow("b1", ZeroTrustStepTest.HOST, t0 + 1_000);
            flows.pipeInput(ZeroTrustStepTest.HOST, flowSerde.serializer().serialize("flows", benign), t0 + 1_000);
            Verdict v1 = allowed.readValue();
            assertEquals("b1", v1.getFlowId());
            assertEquals(Decision.ALLOW, v1.getDecision());
            assertEquals(IdentityStatus.TRUSTED, v1.getIdentityStatus());
            assertEquals(ZeroTrustStepTest.P, v1.getPrincipal());
            assertTrue(v1.getReasons().get(0).startsWith("identity:TRUSTED"), v1.getReasons().toString());
            assertEquals("model:BENIGN p=0.950=>ALLOW", v1.getReasons().get(1));
            // the verdict carries the identity's age and flow count (both were always null before)
            assertEquals(java.util.Arrays.asList(1_000L, 1L), java.util.Arrays.asList(v1.getIdentityAgeMs(),
                    v1.getFlowsSinceVerification()));

            NetworkFlow outsider = ZeroTrustStepTest.flow("u1", "172.16.0.1", t0 + 2_000);
            flows.pipeInput("172.16.0.1", flowSerde.serializer().serialize("flows", outsider), t0 + 2_000);
            Verdict v2 = blocked.readValue();
            assertEquals("u1", v2.getFlowId());
            assertEquals(IdentityStatus.UNKNOWN, v2.getIdentityStatus());
            assertEquals(List.of("identity:UNKNOWN no identity bound to 172.16.0.1", "model:BENIGN p=0.950=>ALLOW",
                    "zero-trust:UNKNOWN=>BLOCK"), v2.getReasons());
            assertEquals(java.util.Arrays.asList(null, null), java.util.Arrays.asList(v2.getIdentityAgeMs(),
                    v2.getFlowsSinceVerification()), "no identity: neither");

            double[] f = sif.schemas.Flows.features(ZeroTrustStepTest.flow("x", ZeroTrustStepTest.HOST, t0));
            f[0] = 5_000;
            NetworkFlow attack = sif.schemas.Flows.toAvro(new sif.flows.FlowRecord("a1", ZeroTrustStepTest.HOST, 40000,
                    "192.168.10.50", 80, 6, t0 + 3_000, f, "DDoS", "t.csv", 2));
            flows.pipeInput(ZeroTrustStepTest.HOST, flowSerde.serializer().serialize("flows", attack), t0 + 3_000);
            Verdict v3 = blocked.readValue();
            assertEquals("a1", v3.getFlowId());
            assertEquals(IdentityStatus.TRUSTED, v3.getIdentityStatus());
            assertEquals("model:DDoS p=0.970>0.850=>BLOCK", v3.getReasons().get(1));
            assertEquals(java.util.Arrays.asList(3_000L, 2L), java.util.Arrays.asList(v3.getIdentityAgeMs(),
                    v3.getFlowsSinceVerification()));
            assertTrue(allowed.isEmpty());
            assertTrue(blocked.isEmpty());
        }
    }
}
