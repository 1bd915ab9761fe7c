package sif.bench.jmh;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import sif.firewall.Policy;
import sif.firewall.trust.EnginePolicy;
import sif.firewall.trust.SourceStateCodec;
import sif.policy.FlowContext;
import sif.policy.PolicyDecision;
import sif.policy.PolicyEngine;
import sif.trust.BindingIndex;
import sif.trust.FreshnessPolicy;
import sif.trust.FreshnessRule;
import sif.trust.IdentityEvent;
import sif.trust.IdentityEventType;
import sif.trust.IdentityResolver;
import sif.trust.PrincipalIdentity;
import sif.trust.SourceState;
import sif.trust.TrustAssessment;
import sif.trust.ZeroTrustEvaluator;

/**
 * Zero trust + policy per flow (target: at most 0.05 ms = 50,000 ns). Identities: 1,000 hosts
 * and 20 /24 subnets; sources: a third bound hosts, a third inside bound subnets, a third unknown.
 * Event time moves 1 ms per flow, and every {@value #REVERIFY_EVERY} flows the next principal in
 * turn is re-verified (a ROTATED event, applied as the identity store's updater applies it), so each
 * is verified about every 130 s of event time and a few dozen flows of each source: bound sources
 * stay TRUSTED for the whole run, as in a deployment whose identities keep verifying, rather than all
 * turning STALE within the first warm-up second (5 minutes of event time; before session 33 they did,
 * and every flow was BLOCKed). The predicted class is the top class of the flow's probabilities, so
 * the mix of ALLOW / ALERT / BLOCK and of the policy's rules is the built-in policy's on a varied
 * stream ({@code MicrobenchmarksSmokeTest} checks the mix after 2.5 million flows).
 * <ul>
 * <li>{@code decisionLogic}: the pure decision path, {@link ZeroTrustEvaluator#onFlow} (binding
 * lookup + freshness rule) and {@link PolicyEngine#evaluate} with the built-in policy;</li>
 * <li>{@code firewallPath}: what the firewall's zero-trust processor and policy step do per flow
 * <em>without the state-store accesses</em>: the bound principal from the binding index, its parsed
 * identity from the processor's per-generation cache (a map lookup; the identity store's JSON is
 * parsed once per principal and generation, not per flow), the source's state decoded with
 * {@link SourceStateCodec}, the freshness rule, the new state encoded, the reasons list, and
 * {@link EnginePolicy#decide}. Left out: the reads of the identity store's generation key and of the
 * source's state, and the write of its new state (RocksDB behind the Streams cache; see
 * {@code SequenceStoreBench.rocksdbGetAppendPut} for what a store round trip costs), the binding
 * index rebuilt when the identity store changes, the metrics calls and the forward.</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Dlogback.configurationFile=sif-bench-logback.xml"})
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
public class ZeroTrustPolicyBench {

    static final long T0 = 1_499_000_000_000L;
    static final List<String> CLASSES = List.of("BENIGN", "DDoS", "DoS", "PortScan", "Other");
    /** A principal is re-verified every this many flows (the next one in turn). */
    static final int REVERIFY_EVERY = 128;

    private ZeroTrustEvaluator evaluator;
    private PolicyEngine engine;
    private EnginePolicy enginePolicy;
    private FreshnessRule rule;
    private BindingIndex index;
    private final Map<String, PrincipalIdentity> identityCache = new HashMap<>();
    private final Map<String, byte[]> sourceStates = new HashMap<>();
    private String[] sources;
    private float[][] probabilities;
    private final List<PrincipalIdentity> principals = new ArrayList<>();
    private int next;
    private long time = T0;
    private int reverified;

    @Setup(Level.Trial)
    public void setUp() {
        evaluator = new ZeroTrustEvaluator(FreshnessPolicy.defaults());
        rule = new FreshnessRule(FreshnessPolicy.defaults());
        engine = PolicyEngine.withDefaults();
        enginePolicy = new EnginePolicy(PolicyEngine.withDefaults());
        for (int i = 0; i < 1000; i++) {
            String ip = "10.1." + (i / 250) + "." + (i % 250 + 1);
            register(new IdentityEvent("spiffe://bench/host/" + ip, IdentityEventType.ISSUED, List.of(ip), "s" + i,
                    T0 - 1, T0 + 86_400_000L, T0, "mTLS", T0, true, null));
        }
        for (int i = 0; i < 20; i++) {
            register(new IdentityEvent("spiffe://bench/net/" + i, IdentityEventType.ISSUED,
                    List.of("10.2." + i + ".0/24"), "n" + i, T0 - 1, T0 + 86_400_000L, T0, "mTLS", T0, true, null));
        }
        index = BindingIndex.build(new ArrayList<>(evaluator.registry().all()));
        for (PrincipalIdentity p : evaluator.registry().all()) {
            identityCache.put(p.principal(), p);
            principals.add(p);
        }
        SplittableRandom rnd = new SplittableRandom(42);
        sources = new String[4096];
        for (int i = 0; i < sources.length; i++) {
            int kind = rnd.nextInt(3);
            sources[i] = kind == 0 ? "10.1." + rnd.nextInt(4) + "." + (rnd.nextInt(250) + 1)
                    : kind == 1 ? "10.2." + rnd.nextInt(20) + "." + rnd.nextInt(256)
                    : "172.16." + rnd.nextInt(256) + "." + rnd.nextInt(256);
        }
        probabilities = new float[64][];
        for (int i = 0; i < probabilities.length; i++) {
            float[] p = new float[CLASSES.size()];
            int top = i % CLASSES.size();
            float conf = 0.5f + (i % 50) / 100f;
            for (int k = 0; k < p.length; k++) {
                p[k] = k == top ? conf : (1 - conf) / (p.length - 1);
            }
            probabilities[i] = p;
        }
    }

    private void register(IdentityEvent e) {
        evaluator.onIdentityEvent(e);
    }

    /** Every {@link #REVERIFY_EVERY} flows: the re-verification (a rotation) of the next principal, at {@code t}. */
    private IdentityEvent reverification(long t) {
        if ((t - T0) % REVERIFY_EVERY != 0) {
            return null;
        }
        PrincipalIdentity p = principals.get(reverified++ % principals.size());
        return new IdentityEvent(p.principal(), IdentityEventType.ROTATED, p.boundAddresses(),
                p.principal().hashCode() + "-" + t, t - 1, t + 86_400_000L, t, "mTLS", t, true, null);
    }

    @Benchmark
    public PolicyDecision decisionLogic() {
        int i = next;
        next = (next + 1) & (sources.length - 1);
        long t = time++;
        IdentityEvent reverify = reverification(t);
        if (reverify != null) {
            evaluator.onIdentityEvent(reverify);
        }
        String src = sources[i];
        TrustAssessment a = evaluator.onFlow(src, t);
        float[] p = probabilities[i & 63];
        int top = (i & 63) % CLASSES.size();
        return engine.evaluate(new FlowContext(src, 40000 + (i & 1023), "192.168.10.3", i % 7 == 0 ? 23 : 443, 6,
                a.principal(), CLASSES.get(top), p[top], a.status()));
    }

    @Benchmark
    public Policy.Decision firewallPath() {
        int i = next;
        next = (next + 1) & (sources.length - 1);
        long t = time++;
        IdentityEvent reverify = reverification(t);
        if (reverify != null) {
            identityCache.put(reverify.principal(),
                    IdentityResolver.apply(identityCache.get(reverify.principal()), reverify));
        }
        String src = sources[i];
        String principal = index.principalFor(src);
        PrincipalIdentity identity = principal == null ? null : identityCache.get(principal);
        SourceState previous = SourceStateCodec.INSTANCE.decode(sourceStates.get(src), src);
        TrustAssessment a = rule.assess(src, t, identity, previous);
        sourceStates.put(src, SourceStateCodec.INSTANCE.encode(a.next()));
        List<String> reasons = List.of("identity:" + a.status() + " " + a.detail());
        int top = (i & 63) % CLASSES.size();
        return enginePolicy.decide(new Policy.Input(src, 40000 + (i & 1023), "192.168.10.3", i % 7 == 0 ? 23 : 443, 6,
                a.principal(), sif.schemas.avro.IdentityStatus.valueOf(a.status().name()), CLASSES,
                probabilities[i & 63], top, reasons));
    }
}
