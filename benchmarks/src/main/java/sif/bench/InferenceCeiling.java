package sif.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import sif.model.ClassifierSession;
import sif.model.SequenceClassifier;

/**
 * The raw batched inference ceiling: one {@link ClassifierSession} on the calling thread predicting
 * batches of representative sequences back to back, nothing else. Sequences per second is the most
 * flows per second a firewall that runs the model once per flow could reach on this thread.
 */
public final class InferenceCeiling {

    /**
     * @param sequencesPerSecond sequences classified per wall-clock second during the measurement
     * @param batches            predict calls measured
     * @param batchSize          sequences per call
     * @param meanBatchMicros    mean wall time of one call
     */
    public record Result(double sequencesPerSecond, long batches, int batchSize, double meanBatchMicros) {}

    private InferenceCeiling() {}

    /**
     * Warms up for {@code warmup}, then measures for {@code measure}.
     *
     * @param sequences model inputs to cycle through (at least one), rows made by
     *                  {@link SequenceClassifier#input} as the firewall stores them
     */
    public static Result measure(SequenceClassifier classifier, List<float[][]> sequences, int batchSize,
                                 Duration warmup, Duration measure) {
        if (sequences.isEmpty() || batchSize < 1) {
            throw new IllegalArgumentException("need sequences and a batch size >= 1");
        }
        List<List<float[][]>> batches = batches(sequences, batchSize);
        try (ClassifierSession session = classifier.newSession()) {
            run(session, batches, warmup.toNanos());
            long[] done = run(session, batches, measure.toNanos());
            long calls = done[0];
            long nanos = done[1];
            return new Result(calls * batchSize / (nanos / 1e9), calls, batchSize, nanos / 1e3 / calls);
        }
    }

    /** Cuts the sequences into full batches (cycling, so there is at least one). */
    static List<List<float[][]>> batches(List<float[][]> sequences, int batchSize) {
        int count = Math.max(1, sequences.size() / batchSize);
        List<List<float[][]>> out = new ArrayList<>(count);
        int next = 0;
        for (int b = 0; b < count; b++) {
            List<float[][]> batch = new ArrayList<>(batchSize);
            for (int i = 0; i < batchSize; i++) {
                batch.add(sequences.get(next++ % sequences.size()));
            }
            out.add(batch);
        }
        return out;
    }

    private static long[] run(ClassifierSession session, List<List<float[][]>> batches, long budgetNanos) {
        long start = System.nanoTime();
        long calls = 0;
        long now = start;
        while (now - start < budgetNanos || calls == 0) {
            float[][] p = session.predictInputs(batches.get((int) (calls % batches.size())));
            if (p.length != batches.get(0).size()) {
                throw new IllegalStateException("classifier returned " + p.length + " rows for a batch of "
                        + batches.get(0).size());
            }
            calls++;
            now = System.nanoTime();
        }
        return new long[] {calls, now - start};
    }
}
