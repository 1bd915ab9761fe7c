package sif.producer;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The outcome of a replay.
 *
 * @param read             flows taken from the source (all passes)
 * @param sent             flows acknowledged by the broker
 * @param sendErrors       flows the producer failed to deliver
 * @param skipped          flows not sent because they cannot be (e.g. no source IP), by reason
 * @param malformedRows    rows the CSV reader skipped (last pass), with file:line: reason samples
 * @param malformedSamples up to 20 of those, {@code file:line: reason}
 * @param errorSamples     up to 10 producer error messages
 * @param passes           passes over the source (&gt; 1 with loop)
 * @param elapsed          wall time
 * @param stopped          whether the replay was stopped early ({@link FlowReplayer#stop()})
 */
public record ReplaySummary(long read, long sent, long sendErrors, Map<String, Long> skipped,
                            long malformedRows, List<String> malformedSamples, List<String> errorSamples,
                            long passes, Duration elapsed, boolean stopped) {

    /** Flows skipped for any reason (not counting reader-skipped malformed rows). */
    public long skippedTotal() {
        return skipped.values().stream().mapToLong(Long::longValue).sum();
    }

    /** A multi-line account for the console. */
    public String describe() {
        StringBuilder b = new StringBuilder();
        double seconds = Math.max(elapsed.toNanos() / 1e9, 1e-9);
        b.append(String.format("replay %s: sent %,d of %,d flows read in %.1f s (%,.0f flows/s), %d pass(es)%n",
                stopped ? "stopped" : "finished", sent, read, seconds, sent / seconds, passes));
        b.append(String.format("  send errors: %,d%n", sendErrors));
        for (String e : errorSamples) {
            b.append("    ").append(e).append('\n');
        }
        b.append(String.format("  skipped (not sendable): %,d%n", skippedTotal()));
        skipped.forEach((reason, n) -> b.append(String.format("    %,d  %s%n", n, reason)));
        b.append(String.format("  malformed rows skipped by the reader: %,d%n", malformedRows));
        for (String m : malformedSamples) {
            b.append("    ").append(m).append('\n');
        }
        return b.toString();
    }
}
