package sif.firewall;

import java.util.ArrayList;
import java.util.List;
import sif.schemas.avro.IdentityStatus;

/**
 * The default policy (paper): ALLOW when the model predicts the benign class; BLOCK an attack class
 * whose confidence is above the threshold (0.85 in the paper); ALERT an attack class at or below it.
 * Probabilities are compared at float precision (the model's output type). Zero trust: a flow
 * whose identity was evaluated and found untrusted is never allowed; a benign prediction for it
 * becomes BLOCK. Immutable and thread-safe.
 *
 * <p>Rule ids written to the verdict's reasons: {@value #RULE_BENIGN}, {@value #RULE_BLOCK},
 * {@value #RULE_ALERT}, {@value #RULE_UNTRUSTED}.
 */
public final class ThresholdPolicy implements Policy {

    public static final String RULE_BENIGN = "model.benign.allow";
    public static final String RULE_BLOCK = "model.attack.above-threshold.block";
    public static final String RULE_ALERT = "model.attack.at-or-below-threshold.alert";
    public static final String RULE_UNTRUSTED = "zero-trust.untrusted.deny";

    private final double threshold;
    private final String benignClass;

    /**
     * @param threshold   confidence above which an attack class is blocked
     * @param benignClass the class name that means "no attack"
     */
    public ThresholdPolicy(double threshold, String benignClass) {
        if (!(threshold >= 0 && threshold <= 1)) {
            throw new IllegalArgumentException("threshold must be in [0, 1], got " + threshold);
        }
        this.threshold = threshold;
        this.benignClass = benignClass;
    }

    public double threshold() {
        return threshold;
    }

    @Override
    public Decision decide(Input in) {
        List<String> reasons = new ArrayList<>(in.priorReasons().size() + 2);
        reasons.addAll(in.priorReasons());
        boolean untrusted = in.identityStatus() != IdentityStatus.NOT_EVALUATED
                && in.identityStatus() != IdentityStatus.TRUSTED;
        if (benignClass.equals(in.predictedClass())) {
            reasons.add(RULE_BENIGN);
            if (untrusted) {
                reasons.add(RULE_UNTRUSTED);
                return new Decision(Action.BLOCK, reasons, false);
            }
            return new Decision(Action.ALLOW, reasons, false);
        }
        // the model's probabilities are floats: compare at float precision, so that a probability
        // the model reports as 0.85f counts as "at" a 0.85 threshold, not above it
        if ((float) in.confidence() > (float) threshold) {
            reasons.add(RULE_BLOCK);
            return new Decision(Action.BLOCK, reasons, false);
        }
        reasons.add(RULE_ALERT);
        return new Decision(Action.ALERT, reasons, false);
    }
}
