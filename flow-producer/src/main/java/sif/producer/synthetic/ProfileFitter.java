package sif.producer.synthetic;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import sif.flows.ClassMapping;
import sif.flows.FlowCsvReader;
import sif.flows.FlowFeatures;
import sif.flows.FlowRecord;

/**
 * Fits one {@link ClassProfile} per class of the five-class mapping on real CICIDS2017 rows and
 * writes the profiles as JSON. Only derived statistics are written, never rows.
 *
 * <pre>java sif.producer.synthetic.ProfileFitter OUT.json DATA_DIR...</pre>
 */
public final class ProfileFitter {

    /** Added to the covariance diagonal so constant features keep it positive definite. */
    private static final double JITTER = 1e-6;
    private static final int TOP_PORTS = 25;

    private final Map<String, List<double[]>> rowsByClass = new LinkedHashMap<>();
    private final Map<String, Map<Integer, Long>> portsByClass = new HashMap<>();
    private final Map<String, Map<Integer, Long>> protocolsByClass = new HashMap<>();
    private final Map<String, Map<Integer, Map<Integer, Long>>> portsByClassAndProtocol = new HashMap<>();

    void add(FlowRecord r) {
        String cls = ClassMapping.FIVE.classes().get(ClassMapping.FIVE.classOf(r.label()));
        double[] f = r.features().clone();
        for (int i = 0; i < f.length; i++) {
            if (!Double.isFinite(f[i])) {
                f[i] = 0.0; // the synthetic generator never emits non-finite values
            }
        }
        rowsByClass.computeIfAbsent(cls, k -> new ArrayList<>()).add(f);
        portsByClass.computeIfAbsent(cls, k -> new HashMap<>()).merge(r.dstPort(), 1L, Long::sum);
        protocolsByClass.computeIfAbsent(cls, k -> new HashMap<>()).merge(r.protocol(), 1L, Long::sum);
        portsByClassAndProtocol.computeIfAbsent(cls, k -> new java.util.TreeMap<>())
                .computeIfAbsent(r.protocol(), k -> new HashMap<>()).merge(r.dstPort(), 1L, Long::sum);
    }

    List<ClassProfile> fit() {
        List<ClassProfile> out = new ArrayList<>();
        rowsByClass.forEach((cls, rows) -> out.add(fitOne(cls, rows)));
        return out;
    }

    private ClassProfile fitOne(String cls, List<double[]> rows) {
        int d = FlowFeatures.COUNT;
        int n = rows.size();
        double[] mean = new double[d];
        double[] min = new double[d];
        double[] max = new double[d];
        boolean[] integer = new boolean[d];
        java.util.Arrays.fill(min, Double.POSITIVE_INFINITY);
        java.util.Arrays.fill(max, Double.NEGATIVE_INFINITY);
        java.util.Arrays.fill(integer, true);
        double[][] y = new double[n][d];
        for (int r = 0; r < n; r++) {
            double[] x = rows.get(r);
            for (int j = 0; j < d; j++) {
                min[j] = Math.min(min[j], x[j]);
                max[j] = Math.max(max[j], x[j]);
                integer[j] &= x[j] == Math.rint(x[j]);
                y[r][j] = SignedLog.forward(x[j]);
                mean[j] += y[r][j] / n;
            }
        }
        double[][] cov = new double[d][d];
        for (double[] row : y) {
            for (int i = 0; i < d; i++) {
                double di = row[i] - mean[i];
                for (int j = 0; j <= i; j++) {
                    cov[i][j] += di * (row[j] - mean[j]) / Math.max(1, n - 1);
                }
            }
        }
        for (int i = 0; i < d; i++) {
            cov[i][i] += JITTER;
            for (int j = 0; j < i; j++) {
                cov[j][i] = cov[i][j];
            }
        }
        return new ClassProfile(cls, n, round(mean), roundAll(Cholesky.lower(cov)), min, max, integer,
                ClassProfile.fromCounts(portsByClass.get(cls), TOP_PORTS),
                ClassProfile.fromCounts(protocolsByClass.get(cls), 5), portsByProtocol(cls));
    }

    private Map<Integer, List<ClassProfile.WeightedValue>> portsByProtocol(String cls) {
        Map<Integer, List<ClassProfile.WeightedValue>> out = new java.util.TreeMap<>();
        portsByClassAndProtocol.get(cls).forEach((protocol, counts) ->
                out.put(protocol, ClassProfile.fromCounts(counts, TOP_PORTS)));
        return out;
    }

    private static double[] round(double[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = Double.parseDouble(String.format(java.util.Locale.ROOT, "%.6g", v[i]));
        }
        return out;
    }

    private static double[][] roundAll(double[][] m) {
        double[][] out = new double[m.length][];
        for (int i = 0; i < m.length; i++) {
            out[i] = round(java.util.Arrays.copyOf(m[i], i + 1)); // lower triangle only
        }
        return out;
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: ProfileFitter OUT.json DATA_DIR_OR_FILE...");
            System.exit(2);
        }
        ProfileFitter fitter = new ProfileFitter();
        List<String> sources = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            var summary = FlowCsvReader.read(Path.of(args[i]), fitter::add);
            sources.add(Path.of(args[i]).getFileName() + " (" + summary + ")");
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("about", "Per-class feature distributions fitted on real CICIDS2017 rows by "
                + "sif.producer.synthetic.ProfileFitter: multivariate normal in signed-log1p space. "
                + "Derived statistics only; the synthetic flows drawn from them are not real traffic.");
        doc.put("sources", sources);
        doc.put("features", FlowFeatures.csvNames());
        doc.put("classes", fitter.fit());
        Path out = Path.of(args[0]);
        Files.createDirectories(out.toAbsolutePath().getParent());
        new ObjectMapper().disable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), doc);
        System.err.println("wrote " + out + " (" + Files.size(out) + " bytes)");
    }
}
