package sif.launcher;

import java.io.PrintStream;
import java.util.Map;

/** The demo's console view: refreshed in place on a terminal, a plain line every 5 s otherwise. */
final class LiveView {

    private static final int LINES = 6;

    private final PrintStream out;
    private final boolean inPlace;
    private final boolean synthetic;
    private boolean drawn;
    private long lastSent;
    private long lastNanos;
    private long lastPlainNanos;

    private long lastPlainSent;
    /** Columns of the terminal: a longer line wraps, and moving up {@link #LINES} rows then missed some. */
    private final int width;

    LiveView(PrintStream out, boolean inPlace, boolean synthetic) {
        this(out, inPlace, synthetic, inPlace ? terminalColumns() : Integer.MAX_VALUE);
    }

    LiveView(PrintStream out, boolean inPlace, boolean synthetic, int width) {
        this.out = out;
        this.inPlace = inPlace;
        this.synthetic = synthetic;
        this.width = width;
    }

    /**
     * The terminal's width: {@code COLUMNS} if exported, else what {@code stty size} says, else 80. A
     * width below {@value #MIN_COLUMNS} is taken as unknown: pseudo-terminals such as {@code script}'s
     * report a size of 0 × 0, and the view was cut to one letter a line.
     */
    static int terminalColumns() {
        String env = System.getenv("COLUMNS");
        String stty = null;
        if (env == null || env.isBlank()) {
            try {
                Process p = new ProcessBuilder("sh", "-c", "stty size < /dev/tty").redirectErrorStream(true).start();
                stty = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
                if (p.waitFor() != 0) {
                    stty = null;
                }
            } catch (java.io.IOException e) {
                // no terminal size: the default
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return columns(env, stty);
    }

    /** The width from {@code COLUMNS} ({@code env}) or {@code stty size}'s output, else 80. */
    static int columns(String env, String sttySize) {
        int width = -1;
        try {
            if (env != null && !env.isBlank()) {
                width = Integer.parseInt(env.trim());
            } else if (sttySize != null) {
                String[] rowsCols = sttySize.trim().split("\\s+");
                if (rowsCols.length == 2) {
                    width = Integer.parseInt(rowsCols[1]);
                }
            }
        } catch (NumberFormatException e) {
            // not a width: the default
        }
        return width >= MIN_COLUMNS ? width : 80;
    }

    /** The narrowest width believed; below it the size is taken as unknown. */
    static final int MIN_COLUMNS = 20;

    /** Something else was printed below the view: the next view is drawn below it, not over the last one. */
    void lineWritten() {
        drawn = false;
    }

    /**
     * Draws {@code t}. The tally is read under its lock, so that one line's figures (verdicts by
     * decision, by class, by rule) count the same verdicts.
     */
    void render(VerdictTally t, long sent, long elapsedNanos) {
        synchronized (t) {
            renderLocked(t, sent, elapsedNanos);
        }
    }

    private void renderLocked(VerdictTally t, long sent, long elapsedNanos) {
        double rate = elapsedNanos > lastNanos ? (sent - lastSent) * 1e9 / (elapsedNanos - lastNanos) : 0;
        lastSent = sent;
        lastNanos = elapsedNanos;
        long secs = elapsedNanos / 1_000_000_000L;
        String p50 = ms(t.latencyPercentile(0.50));
        String p99 = ms(t.latencyPercentile(0.99));
        if (!inPlace) {
            // the first line at the first verdicts, then one every 5 s
            if (lastPlainNanos == 0 ? t.total() > 0 : elapsedNanos - lastPlainNanos >= 5_000_000_000L) {
                // the rate since the previous line (the first: since the start)
                double plainRate = elapsedNanos > lastPlainNanos
                        ? (sent - lastPlainSent) * 1e9 / (elapsedNanos - lastPlainNanos) : 0;
                lastPlainNanos = elapsedNanos;
                lastPlainSent = sent;
                out.printf("[%3ds] in=%d (%.0f/s) allowed=%d blocked=%d alerts=%d dlq=%d p50=%s p99=%s | %s%n", secs,
                        sent, plainRate, t.decision("ALLOW"), t.decision("BLOCK"), t.decision("ALERT"), t.dlq(), p50,
                        p99, rules(t));
            }
            return;
        }
        if (drawn) {
            out.print("\033[" + LINES + "A");
        }
        drawn = true;
        line(String.format("elapsed %02d:%02d  %s", secs / 60, secs % 60,
                synthetic ? "(SYNTHETIC flows, fitted on real CICIDS2017 rows)" : ""));
        line(String.format("flows/s %,8.0f    in %,d    out %,d", rate, sent, t.total()));
        line(String.format("verdicts  ALLOW %,d   BLOCK %,d   ALERT %,d   DLQ %,d",
                t.decision("ALLOW"), t.decision("BLOCK"), t.decision("ALERT"), t.dlq()));
        StringBuilder classes = new StringBuilder("classes  ");
        for (Map.Entry<String, Long> e : t.byClass().entrySet()) {
            classes.append(String.format(" %s %,d ", e.getKey(), e.getValue()));
        }
        line(classes.toString());
        line("latency  produce->verdict p50 " + p50 + "   p99 " + p99);
        line("rules   " + rules(t));
        out.flush();
    }

    private static String rules(VerdictTally t) {
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, Long> e : t.topRules(4)) {
            b.append(String.format(" %s %,d ", e.getKey(), e.getValue()));
        }
        return b.toString();
    }

    private void line(String s) {
        // one row each, whatever the terminal's width (the last column left free: some terminals wrap there)
        String row = s.length() >= width ? s.substring(0, Math.max(1, width - 1)) : s;
        out.print("\r\033[K" + row + "\n");
    }

    private static String ms(long v) {
        return v < 0 ? "-" : v + " ms";
    }
}
