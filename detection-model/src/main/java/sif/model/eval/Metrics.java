package sif.model.eval;

import java.util.ArrayList;
import java.util.List;

/**
 * Classification metrics from a confusion matrix. Macro averages run over the classes present in
 * the evaluated labels (support &gt; 0): a class with no test rows (e.g. DoS, absent from the
 * available data) has undefined recall and is left out rather than counted as 0 or 1. Weighted
 * averages weight by support, so absent classes drop out there by construction.
 */
public final class Metrics {

    private final List<String> classNames;
    private final long[][] confusion; // [true][predicted]
    private final long total;

    public Metrics(List<String> classNames, int[] truth, int[] predicted) {
        if (truth.length != predicted.length) {
            throw new IllegalArgumentException("truth and predictions differ in length");
        }
        this.classNames = List.copyOf(classNames);
        int k = classNames.size();
        confusion = new long[k][k];
        for (int i = 0; i < truth.length; i++) {
            confusion[truth[i]][predicted[i]]++;
        }
        total = truth.length;
    }

    public List<String> classNames() { return classNames; }

    public long[][] confusion() {
        long[][] c = new long[confusion.length][];
        for (int i = 0; i < c.length; i++) {
            c[i] = confusion[i].clone();
        }
        return c;
    }

    public long total() { return total; }

    public long support(int c) {
        long s = 0;
        for (long v : confusion[c]) {
            s += v;
        }
        return s;
    }

    private long predictedCount(int c) {
        long s = 0;
        for (long[] row : confusion) {
            s += row[c];
        }
        return s;
    }

    public double accuracy() {
        if (total == 0) {
            return Double.NaN;
        }
        long ok = 0;
        for (int i = 0; i < confusion.length; i++) {
            ok += confusion[i][i];
        }
        return (double) ok / total;
    }

    public double precision(int c) {
        long p = predictedCount(c);
        return p == 0 ? 0 : (double) confusion[c][c] / p;
    }

    public double recall(int c) {
        long s = support(c);
        return s == 0 ? Double.NaN : (double) confusion[c][c] / s;
    }

    public double f1(int c) {
        double p = precision(c);
        double r = recall(c);
        if (Double.isNaN(r)) {
            return Double.NaN;
        }
        return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }

    /** Classes with support &gt; 0, in class order. */
    public List<Integer> presentClasses() {
        List<Integer> present = new ArrayList<>();
        for (int c = 0; c < confusion.length; c++) {
            if (support(c) > 0) {
                present.add(c);
            }
        }
        return present;
    }

    private double macro(java.util.function.IntToDoubleFunction f) {
        List<Integer> present = presentClasses();
        return present.stream().mapToDouble(f::applyAsDouble).average().orElse(Double.NaN);
    }

    private double weighted(java.util.function.IntToDoubleFunction f) {
        if (total == 0) {
            return Double.NaN;
        }
        double s = 0;
        for (int c : presentClasses()) {
            s += f.applyAsDouble(c) * support(c);
        }
        return s / total;
    }

    public double macroPrecision() { return macro(this::precision); }
    public double macroRecall() { return macro(this::recall); }
    public double macroF1() { return macro(this::f1); }
    public double weightedPrecision() { return weighted(this::precision); }
    public double weightedRecall() { return weighted(this::recall); }
    public double weightedF1() { return weighted(this::f1); }

    /** Accuracy of always predicting the most frequent true class. */
    public double majorityAccuracy() {
        long best = 0;
        for (int c = 0; c < confusion.length; c++) {
            best = Math.max(best, support(c));
        }
        return total == 0 ? Double.NaN : (double) best / total;
    }
}
