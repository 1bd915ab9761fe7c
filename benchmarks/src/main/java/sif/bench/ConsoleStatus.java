package sif.bench;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A status line refreshed once a second while a benchmark phase runs: rewritten in place on a
 * terminal, one line every five seconds otherwise (logs, CI).
 */
final class ConsoleStatus implements AutoCloseable {

    private final PrintStream out;
    private final String label;
    private final Supplier<String> status;
    private final boolean terminal;
    private final ScheduledExecutorService timer;
    private int ticks;

    private ConsoleStatus(PrintStream out, String label, Supplier<String> status) {
        this.out = out;
        this.label = label;
        this.status = status;
        this.terminal = System.console() != null;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sif-bench-status");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleAtFixedRate(this::tick, 1, 1, TimeUnit.SECONDS);
    }

    static ConsoleStatus start(PrintStream out, String label, Supplier<String> status) {
        return new ConsoleStatus(out, label, status);
    }

    private synchronized void tick() {
        ticks++;
        if (terminal) {
            out.print("\r  " + label + " " + status.get() + "\033[K");
            out.flush();
        } else if (ticks % 5 == 0) {
            out.println("  " + label + " " + status.get());
        }
    }

    /** A 20-character progress bar with a percentage. */
    static String bar(double fraction) {
        double f = Math.max(0, Math.min(1, fraction));
        int full = (int) Math.round(f * 20);
        return "[" + "#".repeat(full) + ".".repeat(20 - full) + "] " + String.format(Locale.ROOT, "%3.0f%%", f * 100);
    }

    @Override
    public synchronized void close() {
        timer.shutdownNow();
        if (terminal) {
            out.print("\r  " + label + " " + status.get() + "\033[K\n");
        } else {
            out.println("  " + label + " " + status.get());
        }
        out.flush();
    }
}
