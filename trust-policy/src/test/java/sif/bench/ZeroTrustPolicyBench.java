package sif.bench;

import sif.policy.FlowContext;
import sif.policy.PolicyDecision;
import sif.policy.PolicyEngine;
import sif.policy.PolicyLoader;
import sif.trust.FreshnessPolicy;
import sif.trust.IdentityEvent;
import sif.trust.IdentityEventType;
import sif.trust.TrustAssessment;
import sif.trust.ZeroTrustEvaluator;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Micro benchmark of the pure zero-trust + policy path per flow (no Kafka, no model). Not a test:
 * run it with the command in the trust-policy README. Prints ns/flow for several rounds after a
 * warm-up; the figure to report is the median round.
 */
public final class ZeroTrustPolicyBench {

    public static void main(String[] args) throws Exception {
        int flows = args.length > 0 ? Integer.parseInt(args[0]) : 2_000_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        String policy;
        try (InputStream in = ZeroTrustPolicyBench.class.getResourceAsStream("/policy/example.yaml")) {
            policy = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        PolicyEngine engine = new PolicyEngine(PolicyLoader.parse(policy, "example.yaml"));
        ZeroTrustEvaluator zt = new ZeroTrustEvaluator(FreshnessPolicy.defaults());
        long t0 = 1_499_000_000_000L;
        // 1,000 host identities in 10.1.0.0/16 and 20 subnet identities; sources also include unknowns
        for (int i = 0; i < 1000; i++) {
            String ip = "10.1." + (i / 250) + "." + (i % 250 + 1);
            zt.onIdentityEvent(new IdentityEvent("spiffe://bench/host/" + ip, IdentityEventType.ISSUED, List.of(ip),
                    "s" + i, t0 - 1, t0 + 86_400_000L, t0, "mTLS", t0, true, null));
        }
        for (int i = 0; i < 20; i++) {
            zt.onIdentityEvent(new IdentityEvent("spiffe://bench/net/" + i, IdentityEventType.ISSUED,
                    List.of("10.2." + i + ".0/24"), "n" + i, t0 - 1, t0 + 86_400_000L, t0, "mTLS", t0, true, null));
        }
        String[] sources = new String[4096];
        SplittableRandom rnd = new SplittableRandom(42);
        for (int i = 0; i < sources.length; i++) {
            int kind = rnd.nextInt(3);
            sources[i] = kind == 0 ? "10.1." + rnd.nextInt(4) + "." + (rnd.nextInt(250) + 1)
                    : kind == 1 ? "10.2." + rnd.nextInt(20) + "." + rnd.nextInt(256)
                    : "172.16." + rnd.nextInt(256) + "." + rnd.nextInt(256);
        }
        String[] classes = {"BENIGN", "BENIGN", "BENIGN", "DoS", "DDoS", "PortScan", "Other"};
        long sink = 0;
        for (int r = -1; r < rounds; r++) { // round -1 is warm-up
            long start = System.nanoTime();
            for (int i = 0; i < flows; i++) {
                String src = sources[i & (sources.length - 1)];
                long t = t0 + i / 100; // 100 flows per ms
                TrustAssessment a = zt.onFlow(src, t);
                PolicyDecision d = engine.evaluate(new FlowContext(src, 40000 + (i & 1023), "192.168.10.3",
                        i % 7 == 0 ? 23 : 443, 6, a.principal(), classes[i % classes.length],
                        0.5 + (i % 50) / 100.0, a.status()));
                sink += d.reasons().size() + a.status().ordinal();
            }
            long ns = System.nanoTime() - start;
            if (r >= 0) {
                System.out.printf("round %d: %d flows, %.1f ns/flow (%.4f ms/flow)%n", r, flows,
                        (double) ns / flows, ns / 1e6 / flows);
            }
        }
        System.out.println("checksum " + sink);
    }

    private ZeroTrustPolicyBench() {
    }
}
