package sif.bench.jmh;

import java.util.List;
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
import org.openjdk.jmh.annotations.TearDown;
import sif.firewall.SequenceWindow;
import sif.firewall.TrainingRangeCheck;
import sif.model.SequenceClassifier;
import sif.model.artifact.ModelArtifact;
import sif.model.artifact.ModelMetadata;
import sif.model.data.FeatureScaler;
import sif.model.data.InputRange;

/**
 * The model-input preparation the translator does per sequence: {@link FeatureScaler#transform}
 * (signed log1p + standardisation of 76 inputs) of every row. The firewall turns each flow's raw
 * features into its model-input row once, when the flow enters its window, and stores rows already
 * scaled ({@code scaleRow}, what it pays per flow); {@code scaleSequence} is what scaling all T rows of
 * every sequence would cost, as it did before it stored scaled rows. {@code rangeCheck} is the check of a
 * flow's raw features against the model's training range ({@link InputRange#outside}), per flow;
 * {@code sequenceRangeCheck} what the policy step does per flow: the same for every flow of the sequence the
 * model judged, read from the flow's snapshot of scaled rows ({@link TrainingRangeCheck}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Dlogback.configurationFile=sif-bench-logback.xml"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class FeatureScalingBench {

    private FeatureScaler scaler;
    private InputRange range;
    private List<float[][]> sequences;
    private SequenceClassifier model;
    private TrainingRangeCheck check;
    /** Each sequence as the firewall stores it: scaled rows in {@link SequenceWindow}'s layout. */
    private byte[][] snapshots;
    private float[] out;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        ModelMetadata meta = ModelArtifact.readMetadata(BenchInputs.modelDir());
        ModelMetadata.Scaler s = meta.scaler();
        scaler = new FeatureScaler(s.posInf(), s.negInf(), s.mean(), s.std());
        sequences = BenchInputs.flows().sequences(1024, meta.sequenceLength(), 600_000);
        out = new float[meta.sequenceLength() * FeatureScaler.INPUTS];
        model = ModelArtifact.load(BenchInputs.modelDir());
        range = model.inputRange();
        check = TrainingRangeCheck.of(model);
        int format = SequenceWindow.formatId(model.inputFormat());
        snapshots = new byte[sequences.size()][];
        for (int i = 0; i < snapshots.length; i++) {
            byte[] w = null;
            float[][] seq = sequences.get(i);
            for (int r = 0; r < seq.length; r++) {
                w = SequenceWindow.append(w, r, model.input(seq[r]), format, seq.length, Long.MAX_VALUE / 2);
            }
            snapshots[i] = w;
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        model.close();
    }

    /** One flow's features, once. */
    @Benchmark
    public float[] scaleRow() {
        float[][] s = sequences.get(next);
        next = (next + 1) % sequences.size();
        scaler.transform(s[s.length - 1], out, 0);
        return out;
    }

    /** One flow's raw features against the model's training range (what the policy step does per flow). */
    @Benchmark
    public List<String> rangeCheck() {
        float[][] s = sequences.get(next);
        next = (next + 1) % sequences.size();
        return range.outside(s[s.length - 1]);
    }

    /** The sequence a flow was judged by against the training range, from its snapshot (the policy step, per flow). */
    @Benchmark
    public List<String> sequenceRangeCheck() {
        int i = next;
        next = (next + 1) % sequences.size();
        float[][] s = sequences.get(i);
        return check.outside(snapshots[i], s[s.length - 1]);
    }

    /** One flow's model input: all rows of its sequence (what the translator does per flow today). */
    @Benchmark
    public float[] scaleSequence() {
        float[][] s = sequences.get(next);
        next = (next + 1) % sequences.size();
        for (int r = 0; r < s.length; r++) {
            scaler.transform(s[r], out, r * FeatureScaler.INPUTS);
        }
        return out;
    }
}
