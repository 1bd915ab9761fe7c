package sif.model.data;

/**
 * A set of labelled sequences ready for a network: anchors with their sequences (table indices)
 * over pre-scaled rows. {@link #fill} writes a batch as a dense, left-padded {@code [B, T, 76]}
 * float buffer (padding rows are zeros, i.e. the training mean after standardisation).
 */
public final class SequenceSet {

    private final float[][] scaled;
    private final int[][] sequences; // per anchor
    private final int[] anchors;
    private final int[] labels;
    private final int t;

    /**
     * @param scaled    scaled 76-feature rows of the whole table
     * @param seqByFlow sequences by table index (from {@link SequenceBuilder})
     * @param anchors   table indices of the anchors, in the order of this set
     * @param tableLabels labels by table index
     */
    public SequenceSet(float[][] scaled, int[][] seqByFlow, int[] anchors, int[] tableLabels, int t) {
        this.scaled = scaled;
        this.anchors = anchors.clone();
        this.sequences = new int[anchors.length][];
        this.labels = new int[anchors.length];
        for (int k = 0; k < anchors.length; k++) {
            int[] s = seqByFlow[anchors[k]];
            if (s == null) {
                throw new IllegalArgumentException("flow " + anchors[k] + " has no sequence");
            }
            sequences[k] = s;
            labels[k] = tableLabels[anchors[k]];
        }
        this.t = t;
    }

    public int size() { return anchors.length; }
    public int seqLen() { return t; }
    public int[] labels() { return labels.clone(); }
    public int label(int k) { return labels[k]; }
    public int anchor(int k) { return anchors[k]; }
    public int[] sequence(int k) { return sequences[k]; }

    /** Writes items {@code order[from..to)} into {@code out} as [B, T, 76], left-padded. */
    public void fill(int[] order, int from, int to, float[] out) {
        int f = FeatureScaler.INPUTS;
        java.util.Arrays.fill(out, 0, (to - from) * t * f, 0f);
        for (int b = 0; b < to - from; b++) {
            int[] s = sequences[order[from + b]];
            int pad = t - s.length;
            for (int k = 0; k < s.length; k++) {
                System.arraycopy(scaled[s[k]], 0, out, (b * t + pad + k) * f, f);
            }
        }
    }

    /** The scaled inputs of table row {@code tableIndex} (a row of {@link #sequence}). */
    public float[] row(int tableIndex) {
        return scaled[tableIndex];
    }

    /** Features of the anchor flow only (for the per-flow baselines). */
    public float[] lastFlow(int k) {
        return scaled[anchors[k]];
    }
}
