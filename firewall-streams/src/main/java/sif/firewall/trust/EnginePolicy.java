package sif.firewall.trust;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import sif.firewall.Policy;
import sif.model.SequenceClassifier;
import sif.policy.CompiledPolicy;
import sif.policy.PolicyDecision;
import sif.policy.PolicyEngine;
import sif.policy.PolicyLoader;
import sif.policy.PolicyRules;
import sif.trust.IdentityStatus;

/**
 * The firewall's {@link Policy} backed by the trust-policy {@link PolicyEngine} (deny,
 * segmentation, suppression, per-class actions, zero-trust floor). Thread-safe; the engine's rules
 * can be swapped at run time (see {@link PolicyFeed}). Reasons = the prior reasons (zero trust) then
 * the engine's, in order.
 */
public final class EnginePolicy implements Policy {

    private final PolicyEngine engine;

    public EnginePolicy(PolicyEngine engine) {
        this.engine = engine;
    }

    public PolicyEngine engine() {
        return engine;
    }

    /** {@link #from(TrustConfig, Double, String, String, SequenceClassifier.ModelInfo)} with the firewall's settings. */
    public static EnginePolicy from(sif.firewall.FirewallConfig config, SequenceClassifier.ModelInfo model)
            throws IOException {
        return from(TrustConfig.from(config), config.confidenceThresholdOverride(), config.benignClass(),
                config.inputOutOfRangeOverride(), model);
    }

    /**
     * The policy of {@code policy.file} when set; otherwise the built-in defaults, with {@code benignClass}
     * (the {@code policy.benign.class} setting) as the class that is allowed and the threshold from {@code
     * policy.confidence.threshold} or, failing that, the model's decision threshold, and {@code
     * inputOutOfRange} (the {@code policy.input.out.of.range} setting; null: {@code no-allow}) for flows with an
     * input outside the model's training range.
     *
     * @throws IllegalArgumentException when {@code policy.file} is set together with {@code
     *     policy.confidence.threshold}, {@code policy.input.out.of.range} or a {@code policy.benign.class} other
     *     than {@code BENIGN}: the file's threshold and actions decide, and the settings would be silently ignored
     */
    public static EnginePolicy from(TrustConfig config, Double thresholdOverride, String benignClass,
                                    String inputOutOfRange, SequenceClassifier.ModelInfo model) throws IOException {
        if (!config.policyFile().isBlank()) {
            if (thresholdOverride != null || inputOutOfRange != null || !PolicyRules.BENIGN.equals(benignClass)) {
                throw new IllegalArgumentException("policy.file (" + config.policyFile() + ") sets the confidence "
                        + "threshold and the action of each class itself; remove policy.confidence.threshold, "
                        + "policy.input.out.of.range and policy.benign.class from the firewall's settings, or set "
                        + "them in the policy file (confidenceThreshold, inputOutOfRange, classes)");
            }
            return new EnginePolicy(new PolicyEngine(PolicyLoader.load(Path.of(config.policyFile()))));
        }
        PolicyRules d = PolicyRules.defaults();
        double threshold = thresholdOverride != null ? thresholdOverride : model.decisionThreshold();
        Map<String, PolicyRules.ClassRule> classes = new LinkedHashMap<>(d.classes());
        if (!PolicyRules.BENIGN.equals(benignClass)) {
            // the model's benign class is allowed; a class named BENIGN, if the model has one, is not
            classes.remove(PolicyRules.BENIGN);
            classes.put(benignClass, new PolicyRules.ClassRule(sif.policy.Decision.ALLOW, null));
        }
        for (String c : model.classNames()) {
            classes.putIfAbsent(c, new PolicyRules.ClassRule(d.defaultAction(), null));
        }
        PolicyRules rules = new PolicyRules(d.version(), threshold, d.mode(), d.defaultAction(), d.belowThreshold(),
                inputOutOfRange, classes, d.zeroTrust(), d.deny(), d.suppress(), d.segmentation());
        return new EnginePolicy(new PolicyEngine(CompiledPolicy.compile(rules, "built-in defaults")));
    }

    @Override
    public Decision decide(Input in) {
        IdentityStatus status = in.identityStatus() == null ? IdentityStatus.NOT_EVALUATED
                : IdentityStatus.valueOf(in.identityStatus().name());
        PolicyDecision d = engine.evaluate(new sif.policy.FlowContext(in.srcIp(), in.srcPort(), in.dstIp(),
                in.dstPort(), in.protocol(), in.principal(), in.predictedClass(), in.confidence(), status,
                in.outOfRange()));
        List<String> reasons = new ArrayList<>(in.priorReasons().size() + d.reasons().size());
        reasons.addAll(in.priorReasons());
        reasons.addAll(d.reasons());
        return new Decision(Action.valueOf(d.decision().name()), reasons, d.suppressed());
    }
}
