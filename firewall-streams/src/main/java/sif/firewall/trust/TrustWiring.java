package sif.firewall.trust;

import java.io.IOException;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.processor.TimestampExtractor;
import sif.firewall.FirewallConfig;
import sif.firewall.FirewallExtensions;
import sif.firewall.Policy;
import sif.firewall.metrics.FirewallMetrics;
import sif.model.SequenceClassifier;
import sif.schemas.avro.Verdict;

/**
 * One-stop wiring of the trust module into the firewall topology (see the trust-policy README):
 * <pre>{@code
 * Policy policy = TrustWiring.policy(config, classifier.info());              // instead of defaultPolicy
 * FirewallExtensions ext = TrustWiring.withZeroTrust(FirewallExtensions.defaults().withMetrics(metrics));
 * ... in buildTopology, on the "verdicts" stream (the policy's decided flows), before split():
 * TrustWiring.afterPolicy(builder, verdicts, config, policy, metrics, model.version(), stamps);
 * }</pre>
 */
public final class TrustWiring {

    private TrustWiring() {
    }

    /** The engine-backed policy ({@code policy.file}, else built-in defaults). */
    public static EnginePolicy policy(FirewallConfig config, SequenceClassifier.ModelInfo model) throws IOException {
        return EnginePolicy.from(config, model);
    }

    /** {@code base} with the zero-trust step in place of the pass-through. */
    public static FirewallExtensions withZeroTrust(FirewallExtensions base) {
        return base.withTrustStep(new ZeroTrustStep(base.metrics()));
    }

    /**
     * Adds, after the policy: the hot policy feed from {@code policy.topic} (when {@code policy} is
     * an {@link EnginePolicy}), the alert documents and the blocklist.
     *
     * @param verdicts every verdict (ALLOW, BLOCK, ALERT)
     * @param stamps   the timestamp extractor for the blocklist topic's operator unblocks
     */
    public static void afterPolicy(StreamsBuilder builder, KStream<String, Verdict> verdicts, FirewallConfig config,
                                   Policy policy, FirewallMetrics metrics, String observerVersion,
                                   TimestampExtractor stamps) {
        TrustConfig tc = TrustConfig.from(config);
        if (policy instanceof EnginePolicy ep) {
            PolicyFeed.addTo(builder, tc.policyTopic(), ep.engine());
        }
        TrustOutputs.addTo(builder, verdicts, tc, metrics, observerVersion, stamps);
    }
}
