package sif.producer.synthetic;

import java.time.Clock;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import sif.flows.FlowFeatures;
import sif.flows.FlowRecord;

/**
 * An endless, seeded stream of SYNTHETIC flows drawn from per-class distributions fitted on real
 * CICIDS2017 rows ({@link ClassProfile}). Internal hosts of the CICIDS2017 victim network
 * (192.168.10.0/24) browse benignly; one attacker address per attack class scans, floods or
 * attacks the web server 192.168.10.50, so that per-source sequences stay coherent. Event times
 * come from the given clock at the moment each flow is drawn.
 *
 * <p>Features are drawn independently per flow, so they are only as realistic as a multivariate
 * normal in log space can be: this is a demo stream, not a dataset. The drawn totals and extremes are
 * then made consistent the way CICFlowMeter derives the rest from them ({@link FlowRelations}), and
 * the destination port is drawn among those seen with the flow's protocol.
 */
public final class SyntheticScenario implements Iterator<FlowRecord> {

    /** Share of flows per class (classes absent from the profile are skipped). */
    private static final Map<String, Double> MIX = new LinkedHashMap<>(Map.of(
            "BENIGN", 0.6, "DDoS", 0.15, "PortScan", 0.15, "Other", 0.07, "DoS", 0.03));
    private static final Map<String, String> ATTACKER = Map.of(
            "DDoS", "172.16.0.12", "PortScan", "172.16.0.11", "Other", "172.16.0.13", "DoS", "172.16.0.14");
    private static final String VICTIM = "192.168.10.50";
    private static final int INTERNAL_HOSTS = 40;
    private static final int INDEX_DUPLICATE = FlowFeatures.indexOfCsvName(FlowFeatures.DUPLICATE);
    private static final int INDEX_FWD_HEADER = FlowFeatures.indexOfCsvName("Fwd Header Length");

    private final List<ClassProfile> profiles;
    private final double[] cumulative;
    private final SplittableRandom random;
    private final Clock clock;
    private long emitted;

    public SyntheticScenario(List<ClassProfile> profiles, long seed, Clock clock) {
        this.profiles = profiles.stream().filter(p -> MIX.containsKey(p.className())).toList();
        if (this.profiles.isEmpty()) {
            throw new IllegalArgumentException("no usable class profile among " + profiles.size());
        }
        this.cumulative = new double[this.profiles.size()];
        double total = this.profiles.stream().mapToDouble(p -> MIX.get(p.className())).sum();
        double acc = 0;
        for (int i = 0; i < cumulative.length; i++) {
            acc += MIX.get(this.profiles.get(i).className()) / total;
            cumulative[i] = acc;
        }
        this.random = new SplittableRandom(seed);
        this.clock = clock;
    }

    @Override
    public boolean hasNext() {
        return true;
    }

    @Override
    public FlowRecord next() {
        ClassProfile p = pickClass();
        boolean benign = "BENIGN".equals(p.className());
        String src = benign ? "192.168.10." + (1 + random.nextInt(INTERNAL_HOSTS)) : ATTACKER.get(p.className());
        String dst = benign ? "104.16." + random.nextInt(256) + "." + (1 + random.nextInt(254)) : VICTIM;
        int protocol = pick(p.protocols());
        int dstPort = "PortScan".equals(p.className()) ? 1 + random.nextInt(10_000) : pick(p.dstPortsOf(protocol));
        int srcPort = 32_768 + random.nextInt(28_000);
        long line = ++emitted;
        String flowId = src + "-" + dst + "-" + srcPort + "-" + dstPort + "-" + protocol + "-syn" + line;
        double[] features = draw(p);
        FlowRelations.apply(features, protocol);
        features[INDEX_DUPLICATE] = features[INDEX_FWD_HEADER];
        return new FlowRecord(flowId, src, srcPort, dst, dstPort, protocol, clock.millis(), features,
                p.className(), "synthetic", line);
    }

    private ClassProfile pickClass() {
        double u = random.nextDouble();
        for (int i = 0; i < cumulative.length; i++) {
            if (u < cumulative[i]) {
                return profiles.get(i);
            }
        }
        return profiles.get(profiles.size() - 1);
    }

    /**
     * A value drawn by weight, among those kept: the weights need not sum to 1 (a profile keeps only
     * the most frequent ports; before, the rest of the probability went to the first).
     */
    private int pick(List<ClassProfile.WeightedValue> values) {
        double total = 0;
        for (ClassProfile.WeightedValue v : values) {
            total += v.weight();
        }
        double u = random.nextDouble() * total;
        double acc = 0;
        for (ClassProfile.WeightedValue v : values) {
            acc += v.weight();
            if (u < acc) {
                return v.value();
            }
        }
        return values.get(0).value();
    }

    private double[] draw(ClassProfile p) {
        int d = p.mean().length;
        double[] z = new double[d];
        for (int i = 0; i < d; i++) {
            z[i] = gaussian();
        }
        double[] x = new double[d];
        for (int i = 0; i < d; i++) {
            double y = p.mean()[i];
            double[] row = p.cholesky()[i];
            for (int k = 0; k < row.length; k++) {
                y += row[k] * z[k];
            }
            double v = Math.min(p.max()[i], Math.max(p.min()[i], SignedLog.inverse(y)));
            x[i] = p.integer()[i] ? Math.rint(v) : v;
        }
        return x;
    }

    private double gaussian() {
        // Box-Muller; SplittableRandom has no nextGaussian on Java 17
        double u1 = 1.0 - random.nextDouble();
        double u2 = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
}
