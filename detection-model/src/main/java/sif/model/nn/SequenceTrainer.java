package sif.model.nn;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import ai.djl.MalformedModelException;
import sif.model.data.FeatureScaler;
import sif.model.data.SequenceSet;

/**
 * Mini-batch training of a sequence network with Adam, early stopping on validation loss and
 * restoration of the best weights. Deterministic for a given seed on a given machine (engine seed
 * for initialisation and dropout, {@link Random} for batch order).
 */
public final class SequenceTrainer {

    /**
     * @param epochs       maximum epochs (paper: 120)
     * @param patience     epochs without validation-loss improvement before stopping (paper: 10)
     * @param batchSize    mini-batch size
     * @param learningRate Adam learning rate (paper: 1e-3)
     * @param seed         random seed
     */
    public record Config(int epochs, int patience, int batchSize, float learningRate, long seed) {
        public Config {
            if (epochs < 1 || patience < 1 || batchSize < 1 || !(learningRate > 0)) {
                throw new IllegalArgumentException("invalid training config " + epochs + "/" + patience + "/" + batchSize + "/" + learningRate);
            }
        }
    }

    /** Figures of one epoch. */
    public record EpochStats(int epoch, double trainLoss, double trainAccuracy, double valLoss, double valAccuracy,
                             long millis) {}

    /** Receives a call after every epoch (e.g. to draw a progress bar). */
    public interface Listener {
        /**
         * @param stopEpoch the epoch at which early stopping ends training unless validation loss improves
         * @param etaMillis upper bound of the remaining time (to {@code maxEpochs})
         */
        void onEpoch(EpochStats stats, int maxEpochs, int stopEpoch, boolean improved, long etaMillis);
    }

    /**
     * Outcome: per-epoch history (finite epochs only), the epoch whose weights were kept (0: the
     * initial ones), total time, and the epoch at which the training or validation loss stopped being
     * finite (0: it never did). Training stops at such an epoch: no later epoch can recover from
     * non-finite weights.
     */
    public record Result(List<EpochStats> history, int bestEpoch, boolean stoppedEarly, long millis, int divergedEpoch) {
        public boolean diverged() {
            return divergedEpoch > 0;
        }
    }

    private SequenceTrainer() {}

    /**
     * Trains {@code model}'s block (uninitialised) on {@code train}, early-stopping on {@code val}.
     * On return the block holds the best weights.
     */
    public static Result train(Model model, SequenceSet train, SequenceSet val, Config cfg, Listener listener) {
        if (train.size() == 0) {
            throw new IllegalArgumentException("no training sequences");
        }
        Engine.getEngine(model.getNDManager().getEngine().getEngineName()).setRandomSeed((int) cfg.seed());
        DefaultTrainingConfig tc = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(cfg.learningRate())).build());
        int t = train.seqLen();
        int f = FeatureScaler.INPUTS;
        List<EpochStats> history = new ArrayList<>();
        long start = System.nanoTime();
        try (Trainer trainer = model.newTrainer(tc)) {
            trainer.initialize(new Shape(1, t, f));
            Random rnd = new Random(cfg.seed());
            int[] order = new int[train.size()];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            float[] buf = new float[cfg.batchSize() * t * f];
            double bestVal = Double.POSITIVE_INFINITY;
            int bestEpoch = 0;
            byte[] best = snapshot(model.getBlock());
            boolean stopped = false;
            int diverged = 0;
            for (int epoch = 1; epoch <= cfg.epochs(); epoch++) {
                long e0 = System.nanoTime();
                shuffle(order, rnd);
                double lossSum = 0;
                long correct = 0;
                for (int from = 0; from < order.length; from += cfg.batchSize()) {
                    int to = Math.min(order.length, from + cfg.batchSize());
                    int b = to - from;
                    train.fill(order, from, to, buf);
                    try (NDManager m = trainer.getManager().newSubManager()) {
                        NDArray x = m.create(java.nio.FloatBuffer.wrap(buf, 0, b * t * f), new Shape(b, t, f));
                        float[] yl = new float[b];
                        for (int k = 0; k < b; k++) {
                            yl[k] = train.label(order[from + k]);
                        }
                        NDArray y = m.create(yl);
                        try (GradientCollector gc = trainer.newGradientCollector()) {
                            NDList pred = trainer.forward(new NDList(x));
                            NDArray loss = trainer.getLoss().evaluate(new NDList(y), pred);
                            gc.backward(loss);
                            lossSum += loss.getFloat() * b;
                            NDArray am = pred.singletonOrThrow().argMax(1);
                            long[] p = am.toLongArray();
                            for (int k = 0; k < b; k++) {
                                if (p[k] == (long) yl[k]) {
                                    correct++;
                                }
                            }
                        }
                    }
                    trainer.step();
                }
                float[][] vLogits = logits(model.getBlock(), model.getNDManager(), val, 512);
                double vLoss = val.size() == 0 ? lossSum / order.length : sparseCe(vLogits, val.labels());
                double vAcc = accuracy(vLogits, val.labels());
                long ms = (System.nanoTime() - e0) / 1_000_000;
                EpochStats s = new EpochStats(epoch, lossSum / order.length, (double) correct / order.length, vLoss, vAcc, ms);
                if (!Double.isFinite(s.trainLoss()) || !Double.isFinite(vLoss)) {
                    diverged = epoch;
                    stopped = true;
                    break;
                }
                history.add(s);
                boolean improved = vLoss < bestVal - 1e-6;
                if (improved) {
                    bestVal = vLoss;
                    bestEpoch = epoch;
                    best = snapshot(model.getBlock());
                }
                long elapsed = (System.nanoTime() - start) / 1_000_000;
                // upper bound: time to the maximum epoch count
                long eta = elapsed / epoch * (cfg.epochs() - epoch);
                if (listener != null) {
                    listener.onEpoch(s, cfg.epochs(), Math.min(cfg.epochs(), bestEpoch + cfg.patience()), improved, eta);
                }
                if (epoch - bestEpoch >= cfg.patience()) {
                    stopped = epoch < cfg.epochs();
                    break;
                }
            }
            restore(model.getBlock(), model.getNDManager(), best);
            return new Result(List.copyOf(history), bestEpoch, stopped, (System.nanoTime() - start) / 1_000_000, diverged);
        }
    }

    /** Logits of every item of {@code set} (inference mode: no dropout). */
    public static float[][] logits(Block block, NDManager parent, SequenceSet set, int batchSize) {
        int t = set.seqLen();
        int f = FeatureScaler.INPUTS;
        float[][] out = new float[set.size()][];
        int[] order = new int[set.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        float[] buf = new float[batchSize * t * f];
        try (NDManager m = parent.newSubManager()) {
            ParameterStore ps = new ParameterStore(m, false);
            for (int from = 0; from < order.length; from += batchSize) {
                int to = Math.min(order.length, from + batchSize);
                int b = to - from;
                set.fill(order, from, to, buf);
                try (NDManager bm = m.newSubManager()) {
                    NDArray x = bm.create(java.nio.FloatBuffer.wrap(buf, 0, b * t * f), new Shape(b, t, f));
                    NDArray z = block.forward(ps, new NDList(x), false).singletonOrThrow();
                    int k = (int) z.getShape().get(1);
                    float[] flat = z.toFloatArray();
                    for (int i = 0; i < b; i++) {
                        out[from + i] = java.util.Arrays.copyOfRange(flat, i * k, (i + 1) * k);
                    }
                }
            }
        }
        return out;
    }

    static double sparseCe(float[][] logits, int[] labels) {
        return labels.length == 0 ? Double.NaN : sif.model.eval.Calibration.nll(logits, labels, 1.0);
    }

    static double accuracy(float[][] logits, int[] labels) {
        if (labels.length == 0) {
            return Double.NaN;
        }
        long ok = 0;
        for (int i = 0; i < labels.length; i++) {
            int best = 0;
            for (int k = 1; k < logits[i].length; k++) {
                if (logits[i][k] > logits[i][best]) {
                    best = k;
                }
            }
            if (best == labels[i]) {
                ok++;
            }
        }
        return (double) ok / labels.length;
    }

    private static void shuffle(int[] a, Random rnd) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int tmp = a[i];
            a[i] = a[j];
            a[j] = tmp;
        }
    }

    private static byte[] snapshot(Block block) {
        try {
            ByteArrayOutputStream bos = new ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(bos)) {
                block.saveParameters(out);
            }
            return bos.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("could not snapshot weights", e);
        }
    }

    private static void restore(Block block, NDManager manager, byte[] params) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(params))) {
            block.loadParameters(manager, in);
        } catch (IOException | MalformedModelException e) {
            throw new IllegalStateException("could not restore best weights", e);
        }
    }
}
