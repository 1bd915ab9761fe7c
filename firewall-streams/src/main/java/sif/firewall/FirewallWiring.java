package sif.firewall;

import java.io.IOException;
import java.io.UncheckedIOException;
import sif.firewall.metrics.FirewallMetrics;
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
        FirewallExtensions ext = TrustWiring.withZeroTrust(base).withAfterPolicy((builder, verdicts, c) ->
                TrustWiring.afterPolicy(builder, verdicts, c, policy, metrics, model.version()));
        return new FirewallWiring(policy, ext);
    }
}
