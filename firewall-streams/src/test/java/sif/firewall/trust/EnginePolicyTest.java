package sif.firewall.trust;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sif.firewall.FirewallConfig;
import sif.firewall.Policy;
import sif.model.SequenceClassifier;
import sif.schemas.avro.IdentityStatus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EnginePolicyTest {

    static final SequenceClassifier.ModelInfo MODEL = new SequenceClassifier.ModelInfo("m1",
            List.of("BENIGN", "DDoS", "DoS", "PortScan", "Other"), 10, 0.85);

    @TempDir
    Path stateDir;

    static Policy.Input input(String src, int predicted, float p, IdentityStatus status) {
        float[] probs = new float[5];
        probs[predicted] = p;
        return new Policy.Input(src, 40000, "192.168.10.50", 22, 6, null, status, MODEL.classNames(), probs,
                predicted, List.of("identity:" + status));
    }

    @Test
    void defaultsFollowThePaperAndZeroTrust() throws Exception {
        EnginePolicy policy = EnginePolicy.from(TrustConfig.defaults(), null, "BENIGN", null, MODEL);
        Policy.Decision benign = policy.decide(input("192.168.10.5", 0, 0.9f, IdentityStatus.TRUSTED));
        assertEquals(Policy.Action.ALLOW, benign.action());
        assertEquals(List.of("identity:TRUSTED", "model:BENIGN p=0.900=>ALLOW"), benign.reasons());
        assertEquals(Policy.Action.BLOCK, policy.decide(input("172.16.0.1", 1, 0.95f, IdentityStatus.TRUSTED)).action());
        assertEquals(Policy.Action.ALERT, policy.decide(input("172.16.0.1", 1, 0.80f, IdentityStatus.TRUSTED)).action());
        Policy.Decision untrusted = policy.decide(input("172.16.0.1", 0, 0.99f, IdentityStatus.UNKNOWN));
        assertEquals(Policy.Action.BLOCK, untrusted.action());
        assertEquals("zero-trust:UNKNOWN=>BLOCK", untrusted.reasons().get(untrusted.reasons().size() - 1));
        assertEquals(Policy.Action.ALLOW, policy.decide(input("172.16.0.1", 0, 0.99f, IdentityStatus.NOT_EVALUATED))
                .action());
    }

    /**
     * {@code policy.benign.class} names the class that is allowed under the built-in rules with zero trust on
     * too; before, only the trust-off policy read it, and a model's "Normal" got the default action (ALERT).
     */
    @Test
    void theBenignClassSettingIsTheAllowedClass() throws Exception {
        SequenceClassifier.ModelInfo model = new SequenceClassifier.ModelInfo("m2", List.of("Normal", "DDoS"), 10, 0.85);
        FirewallConfig config = FirewallConfig.of(Map.of("application.id", "benign-test",
                FirewallConfig.POLICY_BENIGN_CLASS, "Normal"));
        EnginePolicy policy = EnginePolicy.from(config, model);
        Policy.Input normal = new Policy.Input("192.168.10.5", 40000, "192.168.10.50", 22, 6, null,
                IdentityStatus.TRUSTED, model.classNames(), new float[] {0.99f, 0.01f}, 0, List.of());
        assertEquals(Policy.Action.ALLOW, policy.decide(normal).action(), policy.decide(normal).reasons().toString());
        Policy.Input ddos = new Policy.Input("172.16.0.1", 40000, "192.168.10.50", 80, 6, null,
                IdentityStatus.TRUSTED, model.classNames(), new float[] {0.01f, 0.99f}, 1, List.of());
        assertEquals(Policy.Action.BLOCK, policy.decide(ddos).action());
    }

    /** A policy file decides thresholds and actions: the three settings it would override are refused with it. */
    @Test
    void aPolicyFileWithTheSettingsItOverridesIsRefused() throws Exception {
        Path file = stateDir.resolve("policy.yaml");
        java.nio.file.Files.writeString(file, "version: f1\n");
        FirewallConfig withFile = FirewallConfig.of(Map.of("application.id", "file-test", "policy.file", file.toString()));
        assertEquals("f1", EnginePolicy.from(withFile, MODEL).engine().current().version());
        for (var extra : List.of(Map.of(FirewallConfig.POLICY_CONFIDENCE_THRESHOLD, "0.9"),
                Map.of(FirewallConfig.POLICY_BENIGN_CLASS, "Normal"),
                Map.of(FirewallConfig.POLICY_INPUT_OUT_OF_RANGE, "block"))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> EnginePolicy.from(withFile.with(extra), MODEL));
            assertTrue(e.getMessage().contains("remove policy.confidence.threshold, policy.input.out.of.range and "
                    + "policy.benign.class"), e.getMessage());
        }
    }

    /** Without a policy file, policy.input.out.of.range sets the built-in rules' action for flows out of range. */
    @Test
    void theOutOfRangeSettingSetsTheBuiltInRulesAction() throws Exception {
        Policy.Input outside = new Policy.Input("172.16.0.1", 40000, "192.168.10.50", 80, 6, null,
                IdentityStatus.TRUSTED, MODEL.classNames(), new float[] {0.99f, 0.01f}, 0, List.of(),
                List.of("Flow IAT Min"));
        assertEquals(Policy.Action.ALERT, EnginePolicy.from(TrustConfig.defaults(), null, "BENIGN", null, MODEL)
                .decide(outside).action(), "default no-allow: a benign prediction is ALERTed");
        assertEquals(Policy.Action.BLOCK, EnginePolicy.from(TrustConfig.defaults(), null, "BENIGN", "block", MODEL)
                .decide(outside).action());
        assertEquals(Policy.Action.ALLOW, EnginePolicy.from(TrustConfig.defaults(), null, "BENIGN", "model", MODEL)
                .decide(outside).action());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FirewallConfig.of(Map.of(
                "application.id", "oor", FirewallConfig.POLICY_INPUT_OUT_OF_RANGE, "allow")));
        assertTrue(e.getMessage().contains("policy.input.out.of.range must be 'no-allow', 'alert', 'block' or 'model', "
                + "got 'allow'"), e.getMessage());
    }

    @Test
    void policyTopicHotUpdatesTheEngine() throws Exception {
        EnginePolicy policy = EnginePolicy.from(TrustConfig.defaults(), null, "BENIGN", null, MODEL);
        StreamsBuilder b = new StreamsBuilder();
        PolicyFeed.addTo(b, "policy", policy.engine());
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "policy-test");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "dummy:9092");
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        try (TopologyTestDriver d = new TopologyTestDriver(b.build(), p)) {
            TestInputTopic<String, String> topic = d.createInputTopic("policy", Serdes.String().serializer(),
                    Serdes.String().serializer());
            topic.pipeInput("current", "version: v2\nsuppress:\n  - id: scanner\n    sources: [172.16.0.1/32]\n"
                    + "    classes: [DDoS]\n");
            assertEquals("v2", policy.engine().current().version());
            Policy.Decision d2 = policy.decide(input("172.16.0.1", 1, 0.95f, IdentityStatus.TRUSTED));
            assertEquals(Policy.Action.ALLOW, d2.action());
            assertTrue(d2.suppressed());
            topic.pipeInput("current", "version: [broken"); // rejected, v2 stays
            assertEquals("v2", policy.engine().current().version());
            // hostile or careless documents: a null port (a NullPointerException in the compiler once),
            // a key twice, an alias bomb; each rejected without stopping the updater
            topic.pipeInput("current", "version: v3\ndeny: [{id: a, ports: [~]}]\n");
            topic.pipeInput("current", "version: v3\nversion: v4\n");
            topic.pipeInput("current", "a: &a [x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\n"
                    + "c: &c [*b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c]\nversion: v5\n");
            assertEquals("v2", policy.engine().current().version());
            topic.pipeInput("current", (String) null); // tombstone: back to the start rules
            assertEquals("builtin-default", policy.engine().current().version());
            assertFalse(policy.decide(input("172.16.0.1", 1, 0.95f, IdentityStatus.TRUSTED)).suppressed());
        }
    }

    @Test
    void configDefaultsAndValidation() {
        TrustConfig c = TrustConfig.defaults();
        assertEquals("identity", c.identityTopic());
        assertEquals("identity.challenges", c.challengesTopic());
        assertEquals(300_000, c.freshness().maxAgeMs());
        assertEquals(500, c.freshness().maxFlows());
        assertEquals("blocklist", c.blocklistTopic());
        TrustConfig o = TrustConfig.from(Map.of(TrustConfig.MAX_FLOWS, "42", TrustConfig.CHALLENGE_ON, "stale,unknown",
                TrustConfig.ALERTS_FORMAT, "OCSF")::get);
        assertEquals(42, o.freshness().maxFlows());
        assertTrue(o.freshness().challengeOn().contains(sif.trust.IdentityStatus.UNKNOWN));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> TrustConfig.from(Map.of(TrustConfig.MAX_AGE_MS, "-1")::get));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> TrustConfig.from(Map.of(TrustConfig.CHALLENGE_ON, "SLEEPY")::get));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> TrustConfig.from(Map.of(TrustConfig.ALERTS_FORMAT, "cef")::get));
        IllegalArgumentException idle = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> TrustConfig.from(Map.of(TrustConfig.SOURCE_IDLE_MS, "60000")::get));
        assertEquals("trust.source.idle.ms (60000) must be at least trust.max.age.ms + validation.max.future.skew.ms"
                + " (300000 + 300000)", idle.getMessage());
        // the age limit alone is no longer enough: a flow dated up to the skew ahead moves the idle clock
        assertThrows(IllegalArgumentException.class, () -> TrustConfig.from(Map.of(TrustConfig.SOURCE_IDLE_MS, "599999")::get));
        assertEquals(600_000, TrustConfig.from(Map.of(TrustConfig.SOURCE_IDLE_MS, "600000")::get).sourceIdle().toMillis());
        assertEquals(300_000, TrustConfig.from(Map.of(TrustConfig.SOURCE_IDLE_MS, "300000",
                FirewallConfig.VALIDATION_MAX_FUTURE_SKEW_MS, "0")::get).sourceIdle().toMillis());
    }
}
