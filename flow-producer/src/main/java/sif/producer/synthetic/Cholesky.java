package sif.producer.synthetic;

/** Cholesky factorisation of a symmetric positive-definite matrix. */
final class Cholesky {
    private Cholesky() {}

    /** Lower-triangular L with L·Lᵀ = a; entries that would be non-positive pivots are clamped. */
    static double[][] lower(double[][] a) {
        int n = a.length;
        double[][] l = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double sum = a[i][j];
                for (int k = 0; k < j; k++) {
                    sum -= l[i][k] * l[j][k];
                }
                if (i == j) {
                    l[i][i] = Math.sqrt(Math.max(sum, 1e-12));
                } else {
                    l[i][j] = sum / l[j][j];
                }
            }
        }
        return l;
    }
}
