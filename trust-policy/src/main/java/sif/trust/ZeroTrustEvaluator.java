package sif.trust;

import java.util.HashMap;
import java.util.Map;

/**
 * The whole zero-trust step in memory (identities + per-source state + freshness rule); not
 * thread-safe. Useful for simulations and the benchmark; the Kafka Streams processor does the
 * same with changelogged stores.
 */
public final class ZeroTrustEvaluator {

    private final IdentityRegistry registry = new IdentityRegistry();
    private final Map<String, SourceState> sources = new HashMap<>();
    private final FreshnessRule rule;

    public ZeroTrustEvaluator(FreshnessPolicy policy) {
        this.rule = new FreshnessRule(policy);
    }

    public PrincipalIdentity onIdentityEvent(IdentityEvent event) {
        return registry.apply(event);
    }

    public TrustAssessment onFlow(String sourceIp, long flowTimeMs) {
        TrustAssessment a = rule.assess(sourceIp, flowTimeMs, registry.bySource(sourceIp), sources.get(sourceIp));
        sources.put(sourceIp, a.next());
        return a;
    }

    public SourceState sourceState(String sourceIp) {
        return sources.get(sourceIp);
    }

    public IdentityRegistry registry() {
        return registry;
    }
}
