package sif.firewall;

import java.io.IOException;
import java.io.UncheckedIOException;
import sif.firewall.metrics.FirewallMetrics;
import sif.firewall.trust.TrustConfig;
import sif.firewall.trust.TrustWiring;
import sif.model.SequenceClassifier;

/**
 * The standard firewall as {@code ./sif firewall} and {@code ./sif demo} run it: with
 * {@code trust.enabled=true} (default) the zero-trust step, the engine policy and the SIEM alert
 * documents / blocklist of the trust module; otherwise the pass-through step and the
 * {@link ThresholdPolicy}.
 *
 * @param policy     the policy to pass to {@link FirewallTopology#buildTopology}
 * @param extensions the extensions to pass with it
 */
public record FirewallWiring(Policy policy, FirewallExtensions extensions) {

    public static FirewallWiring standard(FirewallConfig config, SequenceClassifier classifier,
                                          FirewallMetrics metrics) {
        SequenceClassifier.ModelInfo model = classifier.info();
        checkAgainstModel(config, model);
        FirewallExtensions base = FirewallExtensions.defaults().withMetrics(metrics);
        if (!config.trustEnabled()) {
            return new FirewallWiring(FirewallTopology.defaultPolicy(config, model), base);
        }
        Policy policy;
        try {
            policy = TrustWiring.policy(config, model);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the policy file: " + e.getMessage(), e);
        }
        FirewallExtensions ext = TrustWiring.withZeroTrust(base).withAfterPolicy((builder, verdicts, c, stamps) ->
                TrustWiring.afterPolicy(builder, verdicts, c, policy, metrics, model.version(), stamps));
        return new FirewallWiring(policy, ext);
    }

    /**
     * Settings that only make sense for some models: a benign class the model does not have allows nothing
     * (a typo, {@code Benign}, blocked or alerted every flow), and a sequence longer than the model's T is
     * cut to its last T flows by the model anyway.
     *
     * @throws IllegalArgumentException naming the setting and the model's values
     */
    static void checkAgainstModel(FirewallConfig config, SequenceClassifier.ModelInfo model) {
        boolean benignFromSettings = !config.trustEnabled() || TrustConfig.from(config).policyFile().isBlank();
        if (benignFromSettings && !model.classNames().contains(config.benignClass())) {
            throw new IllegalArgumentException(FirewallConfig.POLICY_BENIGN_CLASS + " '" + config.benignClass()
                    + "' is not one of the model's classes " + model.classNames() + ": no flow would be allowed");
        }
        Integer t = config.sequenceLengthOverride();
        if (t != null && t > model.sequenceLength()) {
            throw new IllegalArgumentException(FirewallConfig.SEQUENCE_LENGTH + " " + t + " is longer than the "
                    + "model's sequences (T=" + model.sequenceLength() + "), which it cuts to their last "
                    + model.sequenceLength() + " flows: set at most " + model.sequenceLength());
        }
    }
}
