package sif.policy;

import org.junit.jupiter.api.Test;
import sif.trust.IdentityStatus;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PolicyEngineTest {

    static final String WS = "spiffe://sif.example/host/192.168.10.19";
    static final String BACKUP = "spiffe://sif.example/host/192.168.10.9";

    static String example() throws IOException {
        try (InputStream in = PolicyEngineTest.class.getResourceAsStream("/policy/example.yaml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static PolicyEngine engine() throws IOException {
        return new PolicyEngine(PolicyLoader.parse(example(), "example.yaml"));
    }

    static FlowContext flow(String src, String dst, int port, String principal, String cls, double p,
                            IdentityStatus status) {
        return new FlowContext(src, 40000, dst, port, 6, principal, cls, p, status);
    }

    @Test
    void modelDecisionsAndThreshold() throws IOException {
        PolicyEngine e = engine();
        PolicyDecision benign = e.evaluate(flow("192.168.10.5", "192.168.10.3", 80, null, "BENIGN", 0.40,
                IdentityStatus.TRUSTED));
        assertEquals(Decision.ALLOW, benign.decision());
        assertEquals(List.of("model:BENIGN p=0.400=>ALLOW"), benign.reasons());

        PolicyDecision dos = e.evaluate(flow("192.168.10.5", "192.168.10.3", 80, null, "DoS", 0.93,
                IdentityStatus.TRUSTED));
        assertEquals(Decision.BLOCK, dos.decision());
        assertEquals(List.of("model:DoS p=0.930>0.850=>BLOCK"), dos.reasons());

        // exactly at the threshold is NOT above it
        PolicyDecision at = e.evaluate(flow("192.168.10.5", "192.168.10.3", 80, null, "DoS", 0.85,
                IdentityStatus.TRUSTED));
        assertEquals(Decision.ALERT, at.decision());
        assertEquals("model:DoS p=0.850<=0.850=>ALERT", at.decidingRule());
        // the model's float 0.85f (0.8500000238 as a double) is at the threshold too
        assertEquals(Decision.ALERT, e.evaluate(flow("192.168.10.5", "192.168.10.3", 80, null, "DoS", 0.85f,
                IdentityStatus.TRUSTED)).decision());

        // per-class threshold
        assertEquals(Decision.ALERT, e.evaluate(flow("192.168.10.5", "192.168.10.3", 80, null, "PortScan", 0.88,
                IdentityStatus.TRUSTED)).decision());
        assertEquals(Decision.BLOCK, e.evaluate(flow("192.168.10.5", "192.168.10.3", 80, null, "PortScan", 0.91,
                IdentityStatus.TRUSTED)).decision());
        // unlisted class -> defaultAction
        assertEquals(Decision.ALERT, e.evaluate(flow("192.168.10.5", "192.168.10.3", 80, null, "Infiltration",
                0.99, IdentityStatus.TRUSTED)).decision());
    }

    @Test
    void precedence_deny_over_segmentation_over_suppression_over_model() throws IOException {
        PolicyEngine e = engine();
        // deny wins even for a benign, trusted, suppressed-looking flow
        PolicyDecision d = e.evaluate(flow("198.51.100.7", "192.168.10.3", 80, null, "BENIGN", 0.99,
                IdentityStatus.TRUSTED));
        assertEquals(Decision.BLOCK, d.decision());
        assertEquals(List.of("deny:known-bad=>BLOCK"), d.reasons());

        // deny (telnet) beats segmentation and suppression
        PolicyDecision t = e.evaluate(flow("192.168.10.9", "192.168.10.3", 23, BACKUP, "DoS", 0.99,
                IdentityStatus.TRUSTED));
        assertEquals(List.of("deny:no-telnet=>BLOCK"), t.reasons());

        // segmentation violation beats the model's ALLOW
        PolicyDecision s = e.evaluate(flow("192.168.10.19", "192.168.10.50", 22, WS, "BENIGN", 0.99,
                IdentityStatus.TRUSTED));
        assertEquals(Decision.BLOCK, s.decision());
        assertFalse(s.suppressed());
        assertEquals(List.of("segmentation:" + WS + " dst=192.168.10.50:22=>BLOCK"), s.reasons());
        // allowed segment
        assertEquals(Decision.ALLOW, e.evaluate(flow("192.168.10.19", "192.168.10.3", 445, WS, "BENIGN", 0.99,
                IdentityStatus.TRUSTED)).decision());
        assertEquals(Decision.ALLOW, e.evaluate(flow("192.168.10.19", "8.8.8.8", 443, WS, "BENIGN", 0.99,
                IdentityStatus.TRUSTED)).decision());

        // suppression beats the model
        PolicyDecision sup = e.evaluate(flow("192.168.10.50", "192.168.10.3", 22, null, "PortScan", 0.99,
                IdentityStatus.TRUSTED));
        assertEquals(Decision.ALLOW, sup.decision());
        assertTrue(sup.suppressed());
        assertEquals(List.of("model:PortScan p=0.990>0.900=>BLOCK", "suppress:vuln-scanner=>ALLOW"), sup.reasons());
        assertEquals("suppress:vuln-scanner=>ALLOW", sup.decidingRule());

        // suppression does not apply to other classes
        PolicyDecision notSup = e.evaluate(flow("192.168.10.50", "192.168.10.3", 22, null, "DoS", 0.99,
                IdentityStatus.TRUSTED));
        assertEquals(Decision.BLOCK, notSup.decision());
        assertFalse(notSup.suppressed());

        // suppression by principal + destination + port range
        PolicyDecision backup = e.evaluate(flow("192.168.10.9", "192.168.10.3", 8042, BACKUP, "DoS", 0.97,
                IdentityStatus.TRUSTED));
        assertTrue(backup.suppressed());
        assertEquals(Decision.ALLOW, backup.decision());
        assertFalse(e.evaluate(flow("192.168.10.9", "192.168.10.3", 8101, BACKUP, "DoS", 0.97,
                IdentityStatus.TRUSTED)).suppressed());
    }

    @Test
    void untrustedIsNeverAllowed() throws IOException {
        PolicyEngine e = engine();
        for (IdentityStatus s : List.of(IdentityStatus.UNKNOWN, IdentityStatus.EXPIRED, IdentityStatus.REVOKED,
                IdentityStatus.STALE, IdentityStatus.NONCOMPLIANT)) {
            PolicyDecision d = e.evaluate(flow("192.168.10.5", "192.168.10.3", 80, null, "BENIGN", 0.99, s));
            assertEquals(Decision.BLOCK, d.decision(), s.name());
            assertEquals(List.of("model:BENIGN p=0.990=>ALLOW", "zero-trust:" + s + "=>BLOCK"), d.reasons());
        }
        // a suppressed verdict of an untrusted source is still blocked, and no longer marked suppressed
        PolicyDecision sup = e.evaluate(flow("192.168.10.50", "192.168.10.3", 22, null, "PortScan", 0.99,
                IdentityStatus.STALE));
        assertEquals(Decision.BLOCK, sup.decision());
        assertFalse(sup.suppressed());
        assertEquals(List.of("model:PortScan p=0.990>0.900=>BLOCK", "suppress:vuln-scanner=>ALLOW",
                "zero-trust:STALE=>BLOCK"), sup.reasons());
        // a model BLOCK stays a BLOCK; zero trust is listed but did not decide
        PolicyDecision blk = e.evaluate(flow("192.168.10.5", "192.168.10.3", 80, null, "DDoS", 0.99,
                IdentityStatus.UNKNOWN));
        assertEquals(List.of("model:DDoS p=0.990>0.850=>BLOCK", "zero-trust:UNKNOWN"), blk.reasons());
        assertEquals("model:DDoS p=0.990>0.850=>BLOCK", blk.decidingRule());
        // exempt sources and NOT_EVALUATED are not subject to the floor
        assertEquals(Decision.ALLOW, e.evaluate(flow("203.0.113.9", "192.168.10.3", 80, null, "BENIGN", 0.99,
                IdentityStatus.UNKNOWN)).decision());
        assertEquals(Decision.ALLOW, e.evaluate(flow("192.168.10.5", "192.168.10.3", 80, null, "BENIGN", 0.99,
                null)).decision());
    }

    @Test
    void anIpv6AnyExemptionLeavesIpv4SourcesUnderZeroTrust() {
        PolicyEngine e = new PolicyEngine(PolicyLoader.parse("zeroTrust:\n  exemptSources: ['::/0']\n", "v6.yaml"));
        for (String v4 : List.of("198.51.100.9", "::ffff:198.51.100.9")) {
            assertEquals(Decision.BLOCK, e.evaluate(flow(v4, "10.0.0.1", 443, null, "BENIGN", 0.99,
                    IdentityStatus.UNKNOWN)).decision(), v4 + " is IPv4: '::/0' is any IPv6");
        }
        assertEquals(Decision.ALLOW, e.evaluate(flow("2001:db8::9", "2001:db8::1", 443, null, "BENIGN", 0.99,
                IdentityStatus.UNKNOWN)).decision(), "an IPv6 source is exempt");
    }

    @Test
    void rolloutModeAlertsInsteadOfBlocking() throws IOException {
        PolicyEngine e = new PolicyEngine(PolicyLoader.parse(example().replace("mode: enforce", "mode: rollout"),
                "rollout"));
        PolicyDecision d = e.evaluate(flow("192.168.10.5", "192.168.10.3", 80, null, "BENIGN", 0.99,
                IdentityStatus.STALE));
        assertEquals(Decision.ALERT, d.decision());
        assertEquals("zero-trust:STALE=>ALERT", d.decidingRule());
        // rollout never weakens a model BLOCK
        assertEquals(Decision.BLOCK, e.evaluate(flow("192.168.10.5", "192.168.10.3", 80, null, "DDoS", 0.99,
                IdentityStatus.STALE)).decision());
    }

    @Test
    void hotSwapAndRejectedUpdateKeepsCurrentRules() throws IOException {
        PolicyEngine e = engine();
        CompiledPolicy before = e.current();
        assertThrows(IllegalArgumentException.class, () -> e.update("classes: {DoS: {action: NUKE}}", "topic@5"));
        assertSame(before, e.current());
        assertThrows(IllegalArgumentException.class, () -> e.update("version: x\nsupress: []", "topic@6"),
                "unknown key (typo) rejected");
        assertThrows(IllegalArgumentException.class, () -> e.update("deny: [{id: all}]", "topic@7"),
                "a rule without criteria would match everything");
        assertThrows(IllegalArgumentException.class, () -> e.update("deny: [{id: x, sources: [10.0.0.0/40]}]",
                "topic@8"));
        e.update("{\"version\": \"json-1\", \"confidenceThreshold\": 0.5, "
                + "\"classes\": {\"DoS\": {\"action\": \"BLOCK\"}}}", "topic@9");
        assertEquals("json-1", e.current().version());
        PolicyDecision d = e.evaluate(flow("192.168.10.5", "192.168.10.3", 80, null, "DoS", 0.6,
                IdentityStatus.TRUSTED));
        assertEquals(Decision.BLOCK, d.decision());
        assertEquals("json-1", d.policyVersion());
        e.revert();
        assertSame(before, e.current());
    }

    @Test
    void portsMayBeWrittenAsNumbers() {
        PolicyEngine e = new PolicyEngine(PolicyLoader.parse("deny: [{id: ssh, ports: [22, '2222-2223']}]", "inline"));
        assertEquals(Decision.BLOCK, e.evaluate(flow("1.1.1.1", "2.2.2.2", 22, null, "BENIGN", 0.9, null)).decision());
        assertEquals(Decision.BLOCK, e.evaluate(flow("1.1.1.1", "2.2.2.2", 2223, null, "BENIGN", 0.9, null)).decision());
        assertEquals(Decision.ALLOW, e.evaluate(flow("1.1.1.1", "2.2.2.2", 2224, null, "BENIGN", 0.9, null)).decision());
    }

    /**
     * A flow with an input outside the model's training range is not decided by the model alone: by default
     * ({@code no-allow}) the model may not ALLOW it, and its BLOCK stands (an attacker who sets a flag the
     * training data never had does not turn a BLOCK into an ALERT); {@code alert}, {@code block} and {@code
     * model} as documented. The model's rule names the inputs; suppression and the zero-trust floor still apply.
     */
    @Test
    void aFlowOutsideTheModelsTrainingRangeGetsTheInputOutOfRangeAction() throws IOException {
        List<String> outside = List.of("Flow IAT Min", "SYN Flag Count", "ACK Flag Count", "ECE Flag Count");
        PolicyEngine e = engine();
        assertEquals(OutOfRange.NO_ALLOW, e.current().inputOutOfRange());
        PolicyDecision ddos = e.evaluate(outOfRange(flow("192.168.10.5", "192.168.10.3", 80, null, "DDoS", 0.99,
                IdentityStatus.TRUSTED), outside));
        assertEquals(Decision.BLOCK, ddos.decision(), "the model's BLOCK stands");
        assertEquals(List.of("model:DDoS p=0.990>0.850=>BLOCK",
                "model-out-of-range:DDoS [Flow IAT Min,SYN Flag Count,ACK Flag Count+1]"), ddos.reasons());
        assertEquals("model:DDoS", PolicyDecision.ruleId(ddos.decidingRule()), "the model decided");
        PolicyDecision benign = e.evaluate(outOfRange(flow("192.168.10.5", "192.168.10.3", 80, null, "BENIGN", 0.99,
                IdentityStatus.TRUSTED), List.of("Flow IAT Min")));
        assertEquals(Decision.ALERT, benign.decision(), "not ALLOWed on the model's word alone");
        assertEquals(List.of("model:BENIGN p=0.990=>ALLOW", "model-out-of-range:BENIGN [Flow IAT Min]=>ALERT"),
                benign.reasons());
        assertEquals("model-out-of-range:BENIGN [Flow IAT Min]=>ALERT", benign.decidingRule());
        assertEquals("model-out-of-range:BENIGN", PolicyDecision.ruleId(benign.decidingRule()));
        // a below-threshold ALERT stays an ALERT
        assertEquals(Decision.ALERT, e.evaluate(outOfRange(flow("192.168.10.5", "192.168.10.3", 80, null, "DoS", 0.5,
                IdentityStatus.TRUSTED), outside)).decision());
        // zero trust still raises an untrusted source's flow to BLOCK in enforce mode
        PolicyDecision unknown = e.evaluate(outOfRange(flow("192.168.10.5", "192.168.10.3", 80, null, "BENIGN", 0.99,
                IdentityStatus.UNKNOWN), List.of("Flow IAT Min")));
        assertEquals(Decision.BLOCK, unknown.decision());
        assertEquals("zero-trust:UNKNOWN=>BLOCK", unknown.decidingRule());
        // suppression still turns it into a (suppressed) ALLOW
        PolicyDecision sup = e.evaluate(outOfRange(flow("192.168.10.50", "192.168.10.3", 22, null, "PortScan", 0.99,
                IdentityStatus.TRUSTED), List.of("Flow IAT Min")));
        assertEquals(Decision.ALLOW, sup.decision());
        assertTrue(sup.suppressed());
        // inside the range (empty list, or the constructor without it): the model decides as before
        assertEquals(Decision.ALLOW, e.evaluate(outOfRange(flow("192.168.10.5", "192.168.10.3", 80, null, "BENIGN",
                0.99, IdentityStatus.TRUSTED), List.of())).decision());

        PolicyEngine alert = new PolicyEngine(PolicyLoader.parse(example().replace("inputOutOfRange: no-allow",
                "inputOutOfRange: alert"), "alert"));
        PolicyDecision alerted = alert.evaluate(outOfRange(flow("192.168.10.5", "192.168.10.3", 80, null, "DDoS", 0.99,
                IdentityStatus.TRUSTED), outside));
        assertEquals(Decision.ALERT, alerted.decision(), "'alert': not BLOCKed on the model's word either");
        assertEquals(Decision.BLOCK, alert.evaluate(outOfRange(flow("192.168.10.5", "192.168.10.3", 80, null, "DDoS",
                0.99, IdentityStatus.UNKNOWN), outside)).decision(), "the zero-trust floor blocks an unknown source");
        PolicyEngine block = new PolicyEngine(PolicyLoader.parse(example().replace("inputOutOfRange: no-allow",
                "inputOutOfRange: BLOCK"), "block"));
        assertEquals(OutOfRange.BLOCK, block.current().inputOutOfRange());
        assertEquals(Decision.BLOCK, block.evaluate(outOfRange(flow("192.168.10.5", "192.168.10.3", 80, null, "BENIGN",
                0.99, IdentityStatus.TRUSTED), outside)).decision());
        PolicyEngine model = new PolicyEngine(PolicyLoader.parse(example().replace("inputOutOfRange: no-allow",
                "inputOutOfRange: model"), "model"));
        PolicyDecision kept = model.evaluate(outOfRange(flow("192.168.10.5", "192.168.10.3", 80, null, "BENIGN", 0.99,
                IdentityStatus.TRUSTED), List.of("Flow IAT Min")));
        assertEquals(Decision.ALLOW, kept.decision(), "'model': the model's action stands");
        assertEquals(List.of("model:BENIGN p=0.990=>ALLOW", "model-out-of-range:BENIGN [Flow IAT Min]"), kept.reasons());
        assertEquals("model:BENIGN p=0.990=>ALLOW", kept.decidingRule());

        assertEquals(OutOfRange.NO_ALLOW, PolicyEngine.withDefaults().current().inputOutOfRange(), "the default");
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> PolicyLoader.parse(
                example().replace("inputOutOfRange: no-allow", "inputOutOfRange: allow"), "allow.yaml"));
        assertTrue(bad.getMessage().contains("inputOutOfRange must be 'no-allow', 'alert', 'block' or 'model', got "
                + "'allow'"), bad.getMessage());
    }

    private static FlowContext outOfRange(FlowContext f, List<String> inputs) {
        return new FlowContext(f.srcIp(), f.srcPort(), f.dstIp(), f.dstPort(), f.protocol(), f.principal(),
                f.predictedClass(), f.confidence(), f.identityStatus(), inputs);
    }

    @Test
    void defaultsMatchThePaper() {
        PolicyEngine e = PolicyEngine.withDefaults();
        assertEquals(0.85, e.current().confidenceThreshold());
        assertEquals(Decision.ALLOW, e.evaluate(flow("1.1.1.1", "2.2.2.2", 80, null, "BENIGN", 0.5, null)).decision());
        assertEquals(Decision.BLOCK, e.evaluate(flow("1.1.1.1", "2.2.2.2", 80, null, "DDoS", 0.86, null)).decision());
        assertEquals(Decision.ALERT, e.evaluate(flow("1.1.1.1", "2.2.2.2", 80, null, "DDoS", 0.80, null)).decision());
    }
}
