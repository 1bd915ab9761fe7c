package sif.producer;

import java.util.Objects;

/**
 * How to replay.
 *
 * @param topic    target topic
 * @param rate     flows per second, 0 = unlimited
 * @param speedup  pace by event time, X times faster than recorded (0 = off)
 * @param limit    stop after this many flows sent (over all passes), 0 = no limit
 * @param loop     start over when the source is exhausted (until the limit or a stop). Pass k &gt;= 1
 *                 shifts event times by k x (the pass's time span + 1 min) and appends {@code #k} to
 *                 flow ids, so event time keeps increasing and ids stay distinct
 * @param maxWaitSeconds with speedup: the longest pause between two consecutive flows (longer
 *                 event-time gaps, such as the night between capture days, are shortened to it);
 *                 0 = no limit
 */
public record ReplayOptions(String topic, double rate, double speedup, long limit, boolean loop,
                            double maxWaitSeconds) {

    /** Default {@link #maxWaitSeconds()}. */
    public static final double DEFAULT_MAX_WAIT_SECONDS = 30;

    /** Options with the default maximum wait. */
    public ReplayOptions(String topic, double rate, double speedup, long limit, boolean loop) {
        this(topic, rate, speedup, limit, loop, DEFAULT_MAX_WAIT_SECONDS);
    }

    public ReplayOptions {
        Objects.requireNonNull(topic, "topic");
        if (topic.isBlank()) {
            throw new IllegalArgumentException("topic must not be blank");
        }
        if (rate < 0 || Double.isNaN(rate) || Double.isInfinite(rate)) {
            throw new IllegalArgumentException("--rate must be >= 0 (0 = unlimited), got " + rate);
        }
        if (speedup < 0 || Double.isNaN(speedup) || Double.isInfinite(speedup)) {
            throw new IllegalArgumentException("--speedup must be >= 0 (0 = off), got " + speedup);
        }
        if (maxWaitSeconds < 0 || Double.isNaN(maxWaitSeconds) || Double.isInfinite(maxWaitSeconds)) {
            throw new IllegalArgumentException("--max-wait must be >= 0 (0 = no limit), got " + maxWaitSeconds);
        }
        if (limit < 0) {
            throw new IllegalArgumentException("--limit must be >= 0 (0 = all), got " + limit);
        }
    }

    /** Everything once, as fast as possible, to {@code topic}. */
    public static ReplayOptions allOnce(String topic) {
        return new ReplayOptions(topic, 0, 0, 0, false);
    }
}
