package sif.firewall;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.errors.StreamsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sif.model.ClassifierSession;
import sif.model.SequenceClassifier;

/**
 * Where one task's inference calls run: on the stream thread itself ({@link #inline}), or on one
 * thread of the task's own ({@link #pipelined}), so that the stream thread goes on reading,
 * appending and parking the next flows while the model classifies the previous batch (on two cores,
 * the model's ~55 µs per sequence then overlaps the stream thread's own work instead of adding to it).
 *
 * <p>Either way the runner owns the task's one {@link ClassifierSession}: it is opened, used and
 * closed on the thread that runs the calls (one predictor per thread). A batch's work — building the
 * model inputs from the flows' sequence snapshots, the batched call, and on failure one call per
 * flow — is the same {@link #classify} in both modes; only the thread differs. The caller (the
 * stream thread) forwards the {@link Outcome}s in submission order.
 */
final class InferenceRunner implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(InferenceRunner.class);

    private final SequenceClassifier classifier;
    private final int inputFormat;
    private final int inputWidth;
    private final int classCount;
    private final ThreadPoolExecutor executor; // null: inline
    /** Opened on the runner's thread; read there by {@link #classify}, closed there by {@link #close}. */
    private final ClassifierSession session;
    private boolean closed;
    /**
     * Row arrays reused from one batch to the next, {@code [flow in the batch][row]}: the model copies
     * the rows into its own tensor during the call, so a batch's inputs are free again when it returns.
     * Touched only by the thread running {@link #classify}. Without it every flow allocated its T rows
     * anew: ~3 KB of the ~40 KB the firewall allocated per flow at 5k/s (docs/performance.md, session 26).
     */
    private float[][][] rowPool = new float[0][][];

    private InferenceRunner(SequenceClassifier classifier, int inputFormat, int inputWidth, String threadName) {
        this.classifier = classifier;
        this.inputFormat = inputFormat;
        this.inputWidth = inputWidth;
        this.classCount = classifier.info().classNames().size();
        if (threadName == null) {
            this.executor = null;
            this.session = classifier.newSession();
        } else {
            this.executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
                Thread t = new Thread(r, threadName);
                t.setDaemon(true);
                return t;
            });
            try {
                this.session = await(executor.submit(classifier::newSession));
            } catch (RuntimeException | Error e) {
                executor.shutdownNow(); // else every failed task initialisation left its idle thread behind
                throw e;
            }
        }
    }

    /** Runs every call on the caller's thread: {@link #submit} returns a completed future. */
    static InferenceRunner inline(SequenceClassifier classifier, int inputFormat, int inputWidth) {
        return new InferenceRunner(classifier, inputFormat, inputWidth, null);
    }

    /**
     * Runs the calls on one new daemon thread named {@code threadName} (the processor names it after
     * its stream thread and task, so thread dumps and CPU accounting show whose model thread it is),
     * in submission order.
     */
    static InferenceRunner pipelined(SequenceClassifier classifier, int inputFormat, int inputWidth,
                                     String threadName) {
        return new InferenceRunner(classifier, inputFormat, inputWidth, threadName);
    }

    /** Classifies {@code flows} (not modified afterwards by the caller) now or on the runner's thread. */
    Future<Outcome> submit(List<PendingFlow> flows) {
        if (executor == null) {
            return CompletableFuture.completedFuture(classify(flows));
        }
        return executor.submit(() -> classify(flows));
    }

    /** What one submitted batch gave: per flow probabilities or the error, and the calls made. */
    static final class Outcome {
        final float[][] probabilities; // [flow] -> null where errors[flow] is set
        final RuntimeException[] errors;
        final long[] micros; // wall time of the call that classified the flow
        final int[] callSizes; // flows in that call
        /** Inference calls made (size, nanos), for the metrics: one, or one per flow after a failure. */
        final List<long[]> calls = new ArrayList<>(1);
        /** {@code System.nanoTime()} when the batch's work was done. */
        long doneNanos;

        Outcome(int n) {
            probabilities = new float[n][];
            errors = new RuntimeException[n];
            micros = new long[n];
            callSizes = new int[n];
        }

        /** Flow {@code i} was classified as {@code probs} by a call of {@code callSize} flows taking {@code nanos}. */
        void classified(int i, float[] probs, long nanos, int callSize) {
            probabilities[i] = probs;
            micros[i] = nanos / 1000;
            callSizes[i] = callSize;
        }
    }

    /** One batch's work; runs on the runner's thread. */
    private Outcome classify(List<PendingFlow> flows) {
        int n = flows.size();
        Outcome out = new Outcome(n);
        List<float[][]> inputs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            try {
                inputs.add(modelInput(flows.get(i), i));
            } catch (RuntimeException e) { // a restored snapshot that does not decode: this flow fails, not the batch
                out.errors[i] = e;
                inputs.add(null);
            }
        }
        if (inputs.contains(null)) {
            return classifyEach(inputs, out);
        }
        long t0 = System.nanoTime();
        try {
            float[][] probs = checked(session.predictInputs(inputs), n);
            long nanos = System.nanoTime() - t0;
            out.calls.add(new long[] {n, nanos});
            int nonFinite = 0;
            for (int i = 0; i < n; i++) {
                if (finite(probs[i])) {
                    out.classified(i, probs[i], nanos, n);
                } else {
                    nonFinite++;
                }
            }
            if (nonFinite == 0) {
                out.doneNanos = System.nanoTime();
                return out;
            }
            LOG.warn("inference gave non-finite probabilities for {} of {} flows (first flow of the batch {}); "
                    + "classifying those one by one", nonFinite, n, flows.get(0).flowId());
        } catch (RuntimeException e) {
            LOG.error("inference failed for a batch of {} flows (first flow {}); classifying them one by one",
                    n, flows.get(0).flowId(), e);
        }
        return classifyEach(inputs, out);
    }

    /**
     * Each flow not yet classified in a call of its own; a flow without input (null) keeps the error it
     * has. A flow whose probabilities are still not finite fails (a dead letter): it is never decided on
     * NaN, which no threshold rejects and an arg-max reads as the first class (BENIGN).
     */
    private Outcome classifyEach(List<float[][]> inputs, Outcome out) {
        for (int i = 0; i < inputs.size(); i++) {
            if (inputs.get(i) == null || out.probabilities[i] != null) {
                continue;
            }
            long t1 = System.nanoTime();
            try {
                float[][] probs = checked(session.predictInputs(List.<float[][]>of(inputs.get(i))), 1);
                long nanos = System.nanoTime() - t1;
                out.calls.add(new long[] {1, nanos});
                if (!finite(probs[0])) {
                    throw new IllegalStateException("classifier returned non-finite probabilities "
                            + Arrays.toString(probs[0]));
                }
                out.classified(i, probs[0], nanos, 1);
            } catch (RuntimeException e) {
                out.errors[i] = e;
            }
        }
        out.doneNanos = System.nanoTime();
        return out;
    }

    /**
     * The flow's sequence snapshot, in the pooled rows of batch slot {@code slot}, or (made for another
     * model) the flow alone.
     */
    private float[][] modelInput(PendingFlow p, int slot) {
        byte[] s = p.sequence();
        if (SequenceWindow.usable(s, inputFormat, inputWidth)) {
            int n = SequenceWindow.count(s);
            float[][] pooled = pooledRows(slot, n);
            float[][] rows = Arrays.copyOf(pooled, n);
            SequenceWindow.rowsInto(s, rows);
            return rows;
        }
        LOG.info("flow {}: its restored sequence was made for another model input format; classified alone",
                p.flowId());
        return new float[][] {classifier.input(p.features())};
    }

    /** At least {@code n} reusable rows for batch slot {@code slot}. */
    private float[][] pooledRows(int slot, int n) {
        if (slot >= rowPool.length) {
            rowPool = Arrays.copyOf(rowPool, Math.max(slot + 1, rowPool.length * 2));
        }
        float[][] rows = rowPool[slot];
        if (rows == null || rows.length < n) {
            float[][] grown = new float[n][];
            for (int k = 0; k < n; k++) {
                grown[k] = rows != null && k < rows.length ? rows[k] : new float[inputWidth];
            }
            rowPool[slot] = rows = grown;
        }
        return rows;
    }

    private static boolean finite(float[] row) {
        for (float p : row) {
            if (!Float.isFinite(p)) {
                return false;
            }
        }
        return true;
    }

    private float[][] checked(float[][] probabilities, int n) {
        if (probabilities == null || probabilities.length != n) {
            throw new IllegalStateException("classifier returned " + (probabilities == null ? "null" : probabilities.length
                    + " rows") + " for " + n + " sequences");
        }
        for (float[] row : probabilities) {
            if (row == null || row.length != classCount) {
                throw new IllegalStateException("classifier returned a row of " + (row == null ? "null" : row.length)
                        + " probabilities, expected " + classCount);
            }
        }
        return probabilities;
    }

    /** The outcome of a submitted batch, waiting for it if needed. */
    static <T> T await(Future<T> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            // the batch is already off the processor's in-flight queue: like a failed inference thread below,
            // this must fail the stream thread (tasks resume from their last commit), not reach the processing
            // handler, which dead-lettered the record at hand and went on without the batch
            Thread.currentThread().interrupt();
            throw new StreamsException("interrupted while waiting for inference", e);
        } catch (ExecutionException e) {
            // classify() turns the model's exceptions into per-flow errors (dead letters); what reaches here
            // is an Error (out of memory, a native failure). It must not reach the processing handler, which
            // would dead-letter the record at hand and go on without the failed batch: the stream thread
            // fails instead, and its tasks resume from their last commit (no flow lost or decided twice).
            throw new StreamsException("inference thread failed: " + e.getCause(), e.getCause());
        }
    }

    /**
     * Lets a running call finish, drops the queued ones (their flows are still in the pending store,
     * so a restarted task classifies them) and closes the session on its thread.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (executor == null) {
            session.close();
            return;
        }
        executor.getQueue().clear(); // not interrupted: a native call in progress is left to finish
        // after the running call, on the thread that used the session (which that call still reads: it was
        // set to null here once, and a batch failing meanwhile retried each flow on a null session)
        executor.execute(session::close);
        executor.shutdown();
        try {
            if (!executor.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("inference thread did not stop within 30 s; its session is closed when its call returns");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
