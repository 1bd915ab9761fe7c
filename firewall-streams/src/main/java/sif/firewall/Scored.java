package sif.firewall;

/**
 * A flow with the model's output.
 *
 * @param flow            the pending flow that was classified (with its sequence)
 * @param probabilities   calibrated class probabilities, in the model's class order
 * @param inferenceMicros wall time of the inference call of the batch this flow was in
 * @param batchSize       flows in that batch
 */
public record Scored(PendingFlow flow, float[] probabilities, long inferenceMicros, int batchSize)
        implements FirewallEvent {}
