package sif.firewall.metrics;

/**
 * Where one classified flow's time went between its input record's timestamp and its verdict, in
 * the four stages a flow passes (the verdict itself follows on the same thread, in microseconds):
 *
 * <ol>
 *   <li>{@code inbound}: the input record's timestamp (the producer's clock at send, unless the
 *       topic uses broker time) to the inference step reading it — the producer's batching, the
 *       broker, the fetch, the records queued ahead of it, and the stream thread's exactly-once
 *       commits, during which it reads nothing; wall-clock milliseconds, so skew between the
 *       producer's clock and the firewall's shows here (negative differences count as 0);</li>
 *   <li>{@code batch}: waiting for its batch to fill or for the {@code batch.max.wait.ms} bound, and
 *       for a free place in the model's queue;</li>
 *   <li>{@code model}: handed to the model to the model's result: the batch ahead of it, then its
 *       own inference call;</li>
 *   <li>{@code handoff}: the model's result to the stream thread forwarding it (at its next record or
 *       drain check; later if it is committing).</li>
 * </ol>
 *
 * @param ingestTimeMs the input record's timestamp, epoch ms
 */
public record FlowStages(long ingestTimeMs, long inboundMs, long batchNanos, long modelNanos, long handoffNanos) {

    public FlowStages {
        inboundMs = Math.max(0, inboundMs); // the producer's clock ahead of the firewall's
    }

    /** The four stages' names, in the flow's order (the {@code stage} tag of the metric). */
    public static final String INBOUND = "inbound";
    public static final String BATCH = "batch";
    public static final String MODEL = "model";
    public static final String HANDOFF = "handoff";
}
