package sif.firewall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import sif.policy.OutOfRange;
import sif.schemas.avro.IdentityStatus;

class ThresholdPolicyTest {

    private final ThresholdPolicy policy = new ThresholdPolicy(0.85, "BENIGN");

    private Policy.Decision decide(int cls, float p, IdentityStatus status) {
        float[] probs = RuleClassifier.probs(cls, p);
        return policy.decide(new Policy.Input("10.0.0.1", 1, "10.0.0.2", 80, 6, null, status,
                RuleClassifier.CLASSES, probs, cls, List.of("prior.rule")));
    }

    @Test
    void benignIsAllowed() {
        assertEquals(new Policy.Decision(Policy.Action.ALLOW, List.of("prior.rule", ThresholdPolicy.RULE_BENIGN), false),
                decide(0, 0.5f, IdentityStatus.NOT_EVALUATED));
        assertEquals(Policy.Action.ALLOW, decide(0, 0.99f, IdentityStatus.TRUSTED).action());
    }

    @Test
    void attackAboveThresholdIsBlockedAtOrBelowIsAlerted() {
        assertEquals(new Policy.Decision(Policy.Action.BLOCK, List.of("prior.rule", ThresholdPolicy.RULE_BLOCK), false),
                decide(1, 0.851f, IdentityStatus.NOT_EVALUATED));
        assertEquals(new Policy.Decision(Policy.Action.ALERT, List.of("prior.rule", ThresholdPolicy.RULE_ALERT), false),
                decide(1, 0.85f, IdentityStatus.NOT_EVALUATED));
        assertEquals(Policy.Action.ALERT, decide(3, 0.849f, IdentityStatus.NOT_EVALUATED).action());
    }

    @Test
    void untrustedIdentityIsNeverAllowed() {
        assertEquals(new Policy.Decision(Policy.Action.BLOCK,
                        List.of("prior.rule", ThresholdPolicy.RULE_BENIGN, ThresholdPolicy.RULE_UNTRUSTED), false),
                decide(0, 0.99f, IdentityStatus.STALE));
        for (IdentityStatus s : List.of(IdentityStatus.UNKNOWN, IdentityStatus.EXPIRED, IdentityStatus.REVOKED,
                IdentityStatus.NONCOMPLIANT)) {
            assertEquals(Policy.Action.BLOCK, decide(0, 0.99f, s).action(), s.name());
        }
    }

    /**
     * A flow with an input outside the model's training range: by default the model may not ALLOW it (ALERT)
     * and its BLOCK stands; the other settings ALERT or BLOCK every such flow or leave it to the model. The
     * reason that decided comes last, and an untrusted source's flow is BLOCKed whatever the setting.
     */
    @Test
    void aFlowOutsideTheTrainingRangeGetsTheOutOfRangeAction() {
        List<String> outside = List.of("Flow Duration", "SYN Flag Count", "ACK Flag Count", "ECE Flag Count");
        String rule = ThresholdPolicy.RULE_OUT_OF_RANGE + " [Flow Duration,SYN Flag Count,ACK Flag Count+1]";
        String one = ThresholdPolicy.RULE_OUT_OF_RANGE + " [Flow Duration]";
        assertEquals(new Policy.Decision(Policy.Action.BLOCK, List.of("prior.rule", rule, ThresholdPolicy.RULE_BLOCK),
                false), decideOutside(policy, 1, 0.99f, IdentityStatus.NOT_EVALUATED, outside), "the model's BLOCK stands");
        assertEquals(new Policy.Decision(Policy.Action.ALERT, List.of("prior.rule", ThresholdPolicy.RULE_BENIGN, one),
                false), decideOutside(policy, 0, 0.99f, IdentityStatus.TRUSTED, List.of("Flow Duration")));
        assertEquals(new Policy.Decision(Policy.Action.BLOCK, List.of("prior.rule", ThresholdPolicy.RULE_BENIGN, one,
                ThresholdPolicy.RULE_UNTRUSTED), false),
                decideOutside(policy, 0, 0.99f, IdentityStatus.UNKNOWN, List.of("Flow Duration")));

        ThresholdPolicy alert = new ThresholdPolicy(0.85, "BENIGN", OutOfRange.ALERT);
        assertEquals(new Policy.Decision(Policy.Action.ALERT, List.of("prior.rule", ThresholdPolicy.RULE_BLOCK, rule),
                false), decideOutside(alert, 1, 0.99f, IdentityStatus.NOT_EVALUATED, outside));
        assertEquals(new Policy.Decision(Policy.Action.BLOCK, List.of("prior.rule", ThresholdPolicy.RULE_BLOCK, rule,
                ThresholdPolicy.RULE_UNTRUSTED), false), decideOutside(alert, 1, 0.99f, IdentityStatus.STALE, outside),
                "an untrusted source is not let off the model's block");
        ThresholdPolicy block = new ThresholdPolicy(0.85, "BENIGN", OutOfRange.BLOCK);
        assertEquals(Policy.Action.BLOCK, decideOutside(block, 0, 0.99f, IdentityStatus.TRUSTED, outside).action());
        ThresholdPolicy model = new ThresholdPolicy(0.85, "BENIGN", OutOfRange.MODEL);
        assertEquals(new Policy.Decision(Policy.Action.ALLOW, List.of("prior.rule", rule, ThresholdPolicy.RULE_BENIGN),
                false), decideOutside(model, 0, 0.99f, IdentityStatus.TRUSTED, outside));
    }

    private static Policy.Decision decideOutside(ThresholdPolicy p, int cls, float prob, IdentityStatus status,
                                                 List<String> outside) {
        return p.decide(new Policy.Input("10.0.0.1", 1, "10.0.0.2", 80, 6, null, status, RuleClassifier.CLASSES,
                RuleClassifier.probs(cls, prob), cls, List.of("prior.rule"), outside));
    }

    @Test
    void thresholdMustBeAProbability() {
        assertThrows(IllegalArgumentException.class, () -> new ThresholdPolicy(1.2, "BENIGN"));
    }
}
