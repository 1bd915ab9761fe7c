package sif.producer;

/**
 * When to send the next flow, as nanoseconds after the start of a pass. Pure arithmetic, no clock.
 *
 * <ul>
 *   <li>rate N &gt; 0: flow i is due at i / N seconds (a steady N flows/s; a sender that fell
 *       behind catches up without waiting);</li>
 *   <li>speedup X &gt; 0: a flow is due at (its event time - the pass's first event time) / X;
 *       flows without event time (-1), or earlier than one already seen, are due with the previous
 *       flow; with a maximum gap G, each step between consecutive event times waits at most G (so
 *       the night between two capture days does not stall a replay);</li>
 *   <li>both: speedup-paced, and never sooner than 1/N s after the previous flow's due time (never
 *       faster than N/s, also after a long event-time gap: taking the later of i / N and the speedup
 *       time let every flow whose i / N had passed during the gap go at once, a burst); neither: due
 *       at once.</li>
 * </ul>
 */
public final class Pacer {

    private final double rate;
    private final double speedup;
    private final long maxGapNanos;
    private long lastEventMs = -1;
    private long speedupDue;
    private long lastDue;

    /** A pacer without a maximum gap. */
    public Pacer(double rate, double speedup) {
        this(rate, speedup, 0);
    }

    /**
     * @param rate        flows per second, 0 for no rate limit
     * @param speedup     event-time speed-up factor (1 = real time), 0 for no event-time pacing
     * @param maxGapNanos longest wait between two consecutive event times, 0 for no limit
     */
    public Pacer(double rate, double speedup, long maxGapNanos) {
        if (rate < 0 || Double.isNaN(rate) || Double.isInfinite(rate)) {
            throw new IllegalArgumentException("rate must be a finite number >= 0, got " + rate);
        }
        if (speedup < 0 || Double.isNaN(speedup) || Double.isInfinite(speedup)) {
            throw new IllegalArgumentException("speedup must be a finite number >= 0, got " + speedup);
        }
        if (maxGapNanos < 0) {
            throw new IllegalArgumentException("maximum gap must be >= 0, got " + maxGapNanos);
        }
        this.rate = rate;
        this.speedup = speedup;
        this.maxGapNanos = maxGapNanos;
    }

    /** Whether this pacer ever waits. */
    public boolean paced() {
        return rate > 0 || speedup > 0;
    }

    /**
     * Nanoseconds after the pass start at which flow {@code index} (0-based within the pass) with
     * event time {@code eventTimeMs} is due.
     */
    public long dueNanos(long index, long eventTimeMs) {
        long due = 0;
        if (rate > 0) {
            due = (long) (index * 1e9 / rate);
        }
        if (speedup > 0) {
            if (eventTimeMs >= 0) {
                if (lastEventMs >= 0 && eventTimeMs > lastEventMs) {
                    long step = (long) ((eventTimeMs - lastEventMs) * 1e6 / speedup);
                    speedupDue += maxGapNanos > 0 ? Math.min(step, maxGapNanos) : step;
                }
                lastEventMs = Math.max(lastEventMs, eventTimeMs);
            }
            due = rate > 0 && index > 0 ? Math.max(speedupDue, lastDue + (long) (1e9 / rate)) : speedupDue;
        }
        lastDue = due;
        return due;
    }
}
