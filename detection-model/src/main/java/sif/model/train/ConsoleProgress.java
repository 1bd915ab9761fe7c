package sif.model.train;

import java.io.PrintStream;
import java.util.Locale;
import sif.model.nn.SequenceTrainer;

/** A one-line-per-epoch progress bar: epoch bar, loss, validation loss and accuracy, ETA. */
final class ConsoleProgress implements SequenceTrainer.Listener {

    private static final int WIDTH = 24;
    private final PrintStream out;
    private final String label;

    ConsoleProgress(PrintStream out, String label) {
        this.out = out;
        this.label = label;
    }

    @Override
    public void onEpoch(SequenceTrainer.EpochStats s, int maxEpochs, int stopEpoch, boolean improved, long etaMillis) {
        int filled = (int) Math.round((double) s.epoch() / maxEpochs * WIDTH);
        String bar = "#".repeat(filled) + ".".repeat(WIDTH - filled);
        out.printf(Locale.ROOT, "%-20s epoch %3d/%d [%s] loss %.4f acc %.4f | val loss %.4f val acc %.4f%s | %4.1fs/epoch ETA <= %s (early stop at epoch %d unless val loss improves)%n",
                label, s.epoch(), maxEpochs, bar, s.trainLoss(), s.trainAccuracy(), s.valLoss(), s.valAccuracy(),
                improved ? " *" : "  ", s.millis() / 1000.0, eta(etaMillis), stopEpoch);
        out.flush();
    }

    static String eta(long ms) {
        long s = ms / 1000;
        return s >= 60 ? (s / 60) + "m" + String.format(Locale.ROOT, "%02d", s % 60) + "s" : s + "s";
    }
}
