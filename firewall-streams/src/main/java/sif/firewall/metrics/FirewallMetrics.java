package sif.firewall.metrics;

import sif.metrics.MetricsServer;
import java.util.List;

/**
 * The firewall's own meters, called from the topology's hot path.
 *
 * <p>Implementations must be thread-safe and cheap: every method may be called once per flow from
 * every stream thread. {@link #noop()} records nothing (for tests and tools that do not expose
 * metrics); {@link #prometheus(List)} records into a Micrometer Prometheus registry that
 * {@link MetricsServer} serves on {@code /metrics}.
 *
 * <p>Tag values: decisions and statuses are exported in lower case ({@code ALLOW} and
 * {@code allow} are the same series); class names are exported as given ({@code DDoS}).
 * Passing an enum's {@code name()} allocates nothing.
 *
 * <p>Prometheus names (Micrometer naming): {@code sif_flows_in_total},
 * {@code sif_verdicts_total{decision,class}}, {@code sif_verdict_confidence_percent{class}} (histogram, 0..100),
 * {@code sif_dlq_total{reason}}, {@code sif_inference_batch_size} (histogram),
 * {@code sif_inference_latency_seconds} (histogram), {@code sif_batch_wait_seconds{trigger}} (histogram,
 * trigger = full | timer), {@code sif_flow_stage_seconds{stage}} (histogram, stage = inbound | batch | model |
 * handoff, {@link FlowStages}), {@code sif_e2e_latency_seconds{kind}}
 * (histogram, kind = event | ingest), {@code sif_identity_status_total{status}},
 * {@code sif_challenges_total}, {@code sif_production_retries_total}, {@code sif_commits_in_doubt_total},
 * {@code sif_blocklist_size}, {@code sif_model_info{version}}.
 */
public interface FirewallMetrics {

    /**
     * Registers, as zero, the series of the counters that count failures by topic or node, known once
     * the topology is built, so that an alert on the first failure ({@code increase(...) > 0}) sees it:
     * a series that first appears at 1 shows no increase.
     *
     * @param controlTopics   topics of control records (identity events, unblocks, policies)
     * @param outputTopics    topics the topology writes
     * @param afterPolicyNodes nodes of the steps after the policy (alert documents, blocklist, extensions)
     */
    default void preRegister(java.util.Collection<String> controlTopics, java.util.Collection<String> outputTopics,
                             java.util.Collection<String> afterPolicyNodes) {
    }

    /** One flow record entered the topology (before validation). */
    void flowIn();

    /**
     * One valid flow record was keyed by something other than its source's canonical address (the
     * firewall's key, by which the input topic should be partitioned): it is re-keyed and sent through
     * the repartition topic to the task that owns its source, one write, one read and a commit interval
     * later than a flow keyed by its source.
     */
    default void flowMiskeyed() {
    }

    /**
     * One flow had a model input outside the values the model was trained on ({@code
     * sif.model.data.InputRange}), in itself or in an earlier flow of the sequence the model judged it by
     * (one such flow counts its source's next T - 1 flows too): the model's output for it is an
     * extrapolation, and the policy's {@code inputOutOfRange} setting applied (default: the model may not
     * ALLOW it). Counted with its verdict.
     *
     * @param inTheFlow an input of the flow itself is outside ({@code where="flow"}); false: only inputs of
     *                  earlier flows of its sequence are ({@code where="earlier"})
     */
    default void inputOutOfRange(boolean inTheFlow) {
    }

    /**
     * One verdict was emitted.
     *
     * @param decision   ALLOW, BLOCK or ALERT (any case)
     * @param className  predicted class, e.g. BENIGN, DDoS
     * @param confidence probability of the predicted class, in [0, 1]
     */
    void verdict(String decision, String className, double confidence);

    /** One record went to the dead-letter topic; {@code reason} is a short, bounded code. */
    void dlq(String reason);

    /**
     * As {@link #dlq}, for a dead letter written outside the stream thread's transaction (by an
     * exception handler): it is in the dead-letter topic whatever becomes of the transaction, so it is
     * counted at once, never held ({@link #transactionsOnThisThread}).
     */
    default void dlqOutsideTransaction(String reason) {
        dlq(reason);
    }

    /**
     * The calling thread (a stream thread under exactly-once) writes its outputs in transactions:
     * from now on the counts it makes — flows in, verdicts, dead letters, identity statuses,
     * challenges — are held until its transaction commits ({@link #transactionCommitted}) and dropped
     * if it aborts ({@link #transactionAborted}) or the thread dies. A task whose transaction failed
     * is processed again from its last commit, and its flows are then counted once, as the output
     * topics (read committed) hold them. Called by the thread's producer
     * ({@link sif.firewall.CountingClientSupplier}) when it initialises its transactions, so a new
     * producer — Kafka Streams makes one after a fatal error of the old one, whose transaction may
     * never have begun and so is never aborted — also drops whatever counts the thread still held.
     */
    default void transactionsOnThisThread() {
    }

    /** The calling thread's transaction committed: the counts it held are added. */
    default void transactionCommitted() {
    }

    /** The calling thread's transaction aborted: the counts it held are dropped. */
    default void transactionAborted() {
    }

    /**
     * The calling thread's commit did not answer within the producer's {@code max.block.ms} (the broker
     * away or slow): whether its transaction committed is not known yet, and the broker may still
     * complete it. The counts the thread held are set aside (the thread holds none from here on) and
     * added or dropped by the returned {@link InDoubt} once the producer learns the outcome.
     */
    default InDoubt transactionInDoubt() {
        return InDoubt.NONE;
    }

    /** The counts of a transaction whose commit timed out, settled once its outcome is known. */
    @FunctionalInterface
    interface InDoubt {
        /** Nothing set aside. */
        InDoubt NONE = committed -> { };

        /**
         * @param committed whether the transaction committed (the counts are added) or not (dropped);
         *                  only the first call counts
         */
        void settle(boolean committed);
    }

    /** One batched inference call: {@code size} sequences took {@code nanos} nanoseconds. */
    void inferenceBatch(int size, long nanos);

    /**
     * A batch was drained: how long its oldest flow had waited ({@code waitMs}, wall clock) and why
     * it was drained ({@code full}: it reached the batch size; otherwise the wait bound fired).
     */
    default void batchWait(boolean full, long waitMs) {
    }

    /**
     * Where one flow's time went before its verdict ({@link FlowStages}); reported for the flows
     * this instance read, not for flows restored from the pending store after a restart.
     */
    default void flowStages(FlowStages stages) {
    }

    /**
     * End-to-end latency of one verdict: {@code now - eventTime} (kind=event) and
     * {@code now - ingestTime} (kind=ingest, ingest = the input record's Kafka timestamp).
     * Negative differences (clock skew) count as zero; a time {@code <= 0} is treated as missing.
     */
    void latency(long eventTimeMs, long ingestTimeMs, long nowMs);

    /** The zero-trust step classified one flow's identity, e.g. {@code IdentityStatus.STALE.name()}. */
    void identityStatus(String status);

    /** The zero-trust step issued one challenge. */
    void challenge();

    /**
     * An output record could not be sent for a transient reason (broker away or slow) and its task
     * is processed again from its last commit; a rising count means the firewall cannot reach its
     * broker.
     */
    default void productionRetry() {
    }

    /**
     * A record of a control topic (identity events, operator unblocks: not a flow) could not be
     * decoded and went to the dead-letter topic. Not counted in {@link #dlq}, so that flows in =
     * allowed + blocked + alerts + dead-lettered flows holds exactly.
     */
    default void controlDeadLetter(String topic) {
    }

    /**
     * A step after the policy (alert documents, blocklist, an extension) failed on a flow's verdict.
     * The flow is decided and routed; what that step derives from the verdict (an alert document, a
     * blocklist entry) is missing. Not a dead letter: flows in = allowed + blocked + alerts + dead-lettered
     * flows still holds exactly. {@code node} is the failing processor's name.
     */
    default void verdictStepFailure(String node) {
    }

    /**
     * The broker refused an output record for what it is (too large, invalid), or it did not
     * serialize: a verdict the policy step let through (its topic's {@code max.message.bytes} is below
     * {@code verdict.max.bytes}) — then the verdict itself went to the dead-letter topic —, or another
     * output (an alert document, a blocklist entry, a challenge, a changelog record, a dead letter).
     * Not a dead-lettered flow: a refused verdict was counted as a verdict, so flows in = allowed +
     * blocked + alerts + dead-lettered flows holds, and the verdict topics hold that many records fewer.
     */
    default void outputRefused(String topic) {
    }

    /** Current number of blocked sources (gauge), when one owner holds the whole blocklist. */
    void blocklistSize(long size);

    /**
     * Current number of blocked sources held by {@code owner} (e.g. a task id, when the blocklist
     * store is partitioned across tasks); the gauge exports the sum over owners. An owner that
     * gives its partition up (task closed/revoked) reports 0. (Default: as {@link #blocklistSize(long)}.)
     */
    default void blocklistSize(String owner, long size) {
        blocklistSize(size);
    }

    /** The loaded model's version (exported as {@code sif_model_info{version="..."} 1}). */
    void modelInfo(String version);

    /** Totals since start, for status lines and consoles. */
    MetricsSnapshot snapshot();

    /** A recorder that records nothing. */
    static FirewallMetrics noop() {
        return NoopFirewallMetrics.INSTANCE;
    }

    /**
     * A recorder backed by a new Prometheus registry, with the verdict series of every
     * decision x class pre-registered so dashboards show zeros rather than "no data".
     */
    static PrometheusFirewallMetrics prometheus(List<String> classNames) {
        return new PrometheusFirewallMetrics(classNames);
    }
}
