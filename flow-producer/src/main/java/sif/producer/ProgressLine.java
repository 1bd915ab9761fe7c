package sif.producer;

import java.util.Locale;

/** Renders a one-line progress bar: {@code [#####.....]  45.0%  1,234/2,972 flows  512/s  ETA 0:03}. */
public final class ProgressLine {

    private ProgressLine() {}

    /**
     * @param done         flows sent (acknowledged)
     * @param total        flows expected, or -1 if unknown (then no bar and no ETA)
     * @param elapsedNanos time since the start
     * @param errors       failed deliveries (shown when &gt; 0)
     * @param width        bar width in characters
     */
    public static String render(long done, long total, long elapsedNanos, long errors, int width) {
        double seconds = elapsedNanos / 1e9;
        double rate = seconds > 0 ? done / seconds : 0;
        StringBuilder b = new StringBuilder();
        if (total > 0) {
            double fraction = Math.min(1.0, (double) done / total);
            int filled = (int) Math.round(fraction * width);
            b.append('[').append("#".repeat(filled)).append(".".repeat(width - filled)).append("] ");
            b.append(String.format(Locale.ROOT, "%5.1f%%  ", fraction * 100));
            b.append(String.format(Locale.ROOT, "%,d/%,d flows  %,.0f/s  ", done, total, rate));
            if (done >= total) {
                b.append("done in ").append(clock(seconds));
            } else if (rate > 0) {
                b.append("ETA ").append(clock((total - done) / rate));
            } else {
                b.append("ETA --:--");
            }
        } else {
            b.append(String.format(Locale.ROOT, "%,d flows  %,.0f/s  elapsed %s", done, rate, clock(seconds)));
        }
        if (errors > 0) {
            b.append(String.format(Locale.ROOT, "  errors %,d", errors));
        }
        return b.toString();
    }

    /** {@code m:ss}, or {@code h:mm:ss} from an hour. */
    static String clock(double seconds) {
        long s = (long) Math.ceil(Math.max(0, seconds));
        long h = s / 3600;
        long m = (s % 3600) / 60;
        long sec = s % 60;
        return h > 0 ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, sec)
                : String.format(Locale.ROOT, "%d:%02d", m, sec);
    }
}
