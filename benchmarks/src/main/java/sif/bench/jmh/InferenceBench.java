package sif.bench.jmh;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import sif.bench.BenchFlows;
import sif.model.ClassifierSession;
import sif.model.SequenceClassifier;

/**
 * Model inference of the shipped model (DJL + PyTorch, one session on one thread) at batch 1, 8,
 * 64 and 256 on representative sequences (real flows through the firewall's own sequence windows).
 * The score is predict calls per second; the {@code sequences} counter is sequences per second, the
 * inference ceiling of a firewall that classifies every flow.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Dai.djl.offline=true", "-Dlogback.configurationFile=sif-bench-logback.xml"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class InferenceBench {

    @Param({"1", "8", "64", "256"})
    public int batch;

    private SequenceClassifier model;
    private ClassifierSession session;
    private List<List<float[][]>> batches;
    private int next;

    /** Sequences classified, reported per second next to the calls per second. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Sequences {
        public long sequences;

        @Setup(Level.Iteration)
        public void reset() {
            sequences = 0;
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        model = sif.firewall.ModelLoader.load(BenchInputs.modelDir()); // as the firewall: one PyTorch thread unless set
        session = model.newSession();
        BenchFlows flows = BenchInputs.flows();
        List<float[][]> sequences = flows.sequences(Math.max(4096, 16 * batch), model.info().sequenceLength(), 600_000, model);
        batches = Batches.of(sequences, batch);
    }

    @Benchmark
    public float[][] predict(Sequences counter) {
        List<float[][]> b = batches.get(next);
        next = (next + 1) % batches.size();
        counter.sequences += b.size();
        return session.predictInputs(b);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        session.close();
        model.close();
    }
}
