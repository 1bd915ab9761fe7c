package sif.firewall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
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

    @Test
    void thresholdMustBeAProbability() {
        assertThrows(IllegalArgumentException.class, () -> new ThresholdPolicy(1.2, "BENIGN"));
    }
}
