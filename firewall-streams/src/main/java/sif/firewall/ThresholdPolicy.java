package sif.firewall;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import sif.policy.OutOfRange;
import sif.schemas.avro.IdentityStatus;

/**
 * The default policy (paper): ALLOW when the model predicts the benign class; BLOCK an attack class
 * whose confidence is above the threshold (0.85 in the paper); ALERT an attack class at or below it.
 * Probabilities are compared at float precision (the model's output type). Zero trust: a flow
 * whose identity was evaluated and found untrusted is never allowed; a benign prediction for it
 * becomes BLOCK. A flow with an input outside the model's training range ({@link Input#outOfRange()})
 * is not decided by the model alone: by default ({@link OutOfRange#NO_ALLOW}) the model may not ALLOW
 * it (ALERT instead), its BLOCK and ALERT stand; the other {@link OutOfRange} settings ALERT or BLOCK
 * every such flow, or leave it to the model. Whatever the setting, an untrusted source's flow is never
 * ALLOWed, nor let off the model's BLOCK. Immutable and thread-safe.
 *
 * <p>Rule ids written to the verdict's reasons: {@value #RULE_BENIGN}, {@value #RULE_BLOCK},
 * {@value #RULE_ALERT}, {@value #RULE_UNTRUSTED}, and for a flow outside the range {@value #RULE_OUT_OF_RANGE}
 * followed by the inputs outside ({@code model.input.out-of-range [Flow IAT Min,...]}): after the model's rule
 * when it changed the decision, before it when not (the last of the two decided).
 */
public final class ThresholdPolicy implements Policy {

    public static final String RULE_BENIGN = "model.benign.allow";
    public static final String RULE_BLOCK = "model.attack.above-threshold.block";
    public static final String RULE_ALERT = "model.attack.at-or-below-threshold.alert";
    public static final String RULE_UNTRUSTED = "zero-trust.untrusted.deny";
    public static final String RULE_OUT_OF_RANGE = "model.input.out-of-range";

    private final double threshold;
    private final String benignClass;
    private final OutOfRange outOfRange;

    /** With the default {@link OutOfRange#NO_ALLOW} for flows outside the model's training range. */
    public ThresholdPolicy(double threshold, String benignClass) {
        this(threshold, benignClass, OutOfRange.DEFAULT);
    }

    /**
     * @param threshold   confidence above which an attack class is blocked
     * @param benignClass the class name that means "no attack"
     * @param outOfRange  what becomes of the model's action for a flow outside its training range
     */
    public ThresholdPolicy(double threshold, String benignClass, OutOfRange outOfRange) {
        if (!(threshold >= 0 && threshold <= 1)) {
            throw new IllegalArgumentException("threshold must be in [0, 1], got " + threshold);
        }
        this.threshold = threshold;
        this.benignClass = benignClass;
        this.outOfRange = Objects.requireNonNull(outOfRange, "outOfRange");
    }

    public double threshold() {
        return threshold;
    }

    @Override
    public Decision decide(Input in) {
        List<String> reasons = new ArrayList<>(in.priorReasons().size() + 3);
        reasons.addAll(in.priorReasons());
        boolean untrusted = in.identityStatus() != IdentityStatus.NOT_EVALUATED
                && in.identityStatus() != IdentityStatus.TRUSTED;
        Action model;
        String modelRule;
        if (benignClass.equals(in.predictedClass())) {
            modelRule = RULE_BENIGN;
            model = Action.ALLOW;
        } else if ((float) in.confidence() > (float) threshold) {
            // the model's probabilities are floats: compare at float precision, so that a probability
            // the model reports as 0.85f counts as "at" a 0.85 threshold, not above it
            modelRule = RULE_BLOCK;
            model = Action.BLOCK;
        } else {
            modelRule = RULE_ALERT;
            model = Action.ALERT;
        }
        Action action = model;
        if (in.outOfRange().isEmpty()) {
            reasons.add(modelRule);
        } else {
            // the reason that set the decision comes last: the out-of-range rule only when it changed it
            action = Action.valueOf(outOfRange.apply(sif.policy.Decision.valueOf(model.name())).name());
            String rule = RULE_OUT_OF_RANGE + " " + OutOfRange.names(in.outOfRange());
            reasons.add(action == model ? rule : modelRule);
            reasons.add(action == model ? modelRule : rule);
        }
        // an untrusted source's flow is never allowed, nor let off the model's block by the range check
        if (untrusted && (action == Action.ALLOW || benignClass.equals(in.predictedClass())
                || (model == Action.BLOCK && action != Action.BLOCK))) {
            reasons.add(RULE_UNTRUSTED);
            action = Action.BLOCK;
        }
        return new Decision(action, reasons, false);
    }
}
