package sif.model.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import sif.flows.ClassMapping;
import sif.flows.FlowFeatures;
import sif.flows.FlowRecord;
import sif.flows.Labels;

/**
 * The flows of a training run held compactly, in event-time order: index {@code i} is the i-th flow
 * by (timestamp, file order, line). Each flow keeps its 77 raw features (as float), its class, its
 * source key and its position in the input.
 *
 * <p>Source key: the source IP. Where a row has no source IP or no timestamp (MachineLearningCVE
 * layout, or ID-encoded copies), the fallback applies: the key is the file name and the order is
 * the file order, so a "sequence" is the preceding consecutive rows of the same file.
 */
public final class FlowTable {

    private final float[][] raw;
    private final int[] label;
    private final String[] source;
    private final String[] originalLabel;
    private final long[] time;
    private final String[] file;
    private final long[] line;
    private final List<String> classNames;
    private final boolean[] fallback;

    private FlowTable(List<Row> rows, List<String> classNames) {
        int n = rows.size();
        raw = new float[n][];
        label = new int[n];
        source = new String[n];
        originalLabel = new String[n];
        time = new long[n];
        file = new String[n];
        line = new long[n];
        fallback = new boolean[n];
        for (int i = 0; i < n; i++) {
            Row r = rows.get(i);
            raw[i] = r.raw;
            label[i] = r.label;
            source[i] = r.source;
            originalLabel[i] = r.originalLabel;
            time[i] = r.time;
            file[i] = r.file;
            line[i] = r.line;
            fallback[i] = r.fallback;
        }
        this.classNames = List.copyOf(classNames);
    }

    public int size() { return raw.length; }
    public float[] raw(int i) { return raw[i]; }
    public float[][] rawRows() { return raw; }
    public int label(int i) { return label[i]; }
    public int[] labels() { return label.clone(); }
    public String source(int i) { return source[i]; }
    /** The flow's label as written in its file, canonicalised (e.g. {@code Web Attack – Sql Injection}). */
    public String originalLabel(int i) { return originalLabel[i]; }
    public long time(int i) { return time[i]; }
    public String file(int i) { return file[i]; }
    public long line(int i) { return line[i]; }
    /** True when the row had no source IP / timestamp and uses the file-order fallback. */
    public boolean isFallback(int i) { return fallback[i]; }

    /** Rows that use the file-order fallback. */
    public long fallbackCount() {
        long n = 0;
        for (boolean f : fallback) {
            if (f) {
                n++;
            }
        }
        return n;
    }
    public List<String> classNames() { return classNames; }

    /** Rows per class name (classes with no row included, with 0). */
    public Map<String, Long> countsPerClass() {
        Map<String, Long> m = new java.util.LinkedHashMap<>();
        for (String c : classNames) {
            m.put(c, 0L);
        }
        for (int l : label) {
            m.merge(classNames.get(l), 1L, Long::sum);
        }
        return m;
    }

    /** Returns a table holding only the given row indices (kept in order). */
    public FlowTable subset(int[] keep) {
        List<Row> rows = new ArrayList<>(keep.length);
        for (int i : keep) {
            rows.add(new Row(raw[i], label[i], source[i], originalLabel[i], time[i], file[i], line[i], fallback[i], 0, i));
        }
        return new FlowTable(rows, classNames);
    }

    private record Row(float[] raw, int label, String source, String originalLabel, long time, String file, long line,
                       boolean fallback, int fileOrder, long seq) {}

    /** Collects flow records (in any order) and sorts them into event-time order. */
    public static final class Builder {
        private final ClassMapping mapping;
        private final List<Row> rows = new ArrayList<>();
        private final Map<String, Integer> fileOrder = new HashMap<>();
        private long seq;

        public Builder(ClassMapping mapping) {
            this.mapping = mapping;
        }

        /**
         * Adds one flow.
         *
         * @throws IllegalArgumentException when its label is missing or unknown
         */
        public void add(FlowRecord r) {
            if (r.label() == null) {
                throw new IllegalArgumentException("flow without label at " + r.sourceFile() + ":" + r.line());
            }
            add(r, mapping.classOf(r.label()), "");
        }

        /**
         * Adds one flow with an explicit class (e.g. a lab label that already names a model class)
         * and a source-key namespace: the source key becomes {@code namespace + srcIp}, so flows of
         * different datasets never share a sequence even if their IPs coincide ({@code ""} = none).
         *
         * @throws IllegalArgumentException when the class index is out of range
         */
        public void add(FlowRecord r, int cls, String namespace) {
            if (cls < 0 || cls >= mapping.size()) {
                throw new IllegalArgumentException("class index " + cls + " out of range for " + mapping
                        + " at " + r.sourceFile() + ":" + r.line());
            }
            String f = r.sourceFile() == null ? "?" : r.sourceFile();
            int fo = fileOrder.computeIfAbsent(f, k -> fileOrder.size());
            boolean fb = r.srcIp() == null || r.srcIp().isBlank() || r.timestampMs() < 0
                    || !looksLikeIp(r.srcIp());
            float[] x = new float[FlowFeatures.COUNT];
            double[] d = r.features();
            for (int j = 0; j < x.length; j++) {
                x[j] = (float) d[j];
            }
            String src = namespace + (fb ? "file:" + f : r.srcIp());
            long t = fb ? Long.MIN_VALUE : r.timestampMs();
            String original = r.label() == null ? mapping.className(cls) : Labels.find(r.label()).orElse(r.label());
            rows.add(new Row(x, cls, src, original, t, f, r.line(), fb, fo, seq++));
        }

        private static boolean looksLikeIp(String s) {
            return s.indexOf('.') > 0 || s.indexOf(':') >= 0;
        }

        public int size() {
            return rows.size();
        }

        /**
         * Sorts by (timestamp, file order, line, arrival) and builds the table. Fallback rows have no
         * time; they sort before timed rows, by file and line (their sequences never mix with timed
         * rows because their source key is the file).
         */
        public FlowTable build() {
            List<Row> sorted = new ArrayList<>(rows);
            sorted.sort(Comparator.comparingLong(Row::time)
                    .thenComparingInt(Row::fileOrder)
                    .thenComparingLong(Row::line)
                    .thenComparingLong(Row::seq));
            return new FlowTable(sorted, mapping.classes());
        }
    }

    @Override
    public String toString() {
        return "FlowTable[" + size() + " flows, " + countsPerClass() + "]";
    }

    static int[] range(int n) {
        int[] a = new int[n];
        Arrays.setAll(a, i -> i);
        return a;
    }
}
