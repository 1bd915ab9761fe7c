package sif.firewall;

/**
 * Reason codes written to the {@value DlqHeaders#REASON} header of dead-letter records (and used as
 * the {@code reason} tag of {@code sif_dlq_total}). The human-readable detail goes to
 * {@value DlqHeaders#DETAIL}. A small closed set, so metrics stay low-cardinality.
 */
public final class DlqReason {

    /** The value is not a decodable NetworkFlow (garbage, truncated, unknown schema fingerprint). */
    public static final String UNDECODABLE = "undecodable";
    /** A null value (tombstone) or a missing flow id / address. */
    public static final String MISSING_FIELD = "missing-field";
    /** An input value larger than {@code validation.max.record.bytes} (not decoded). */
    public static final String OVERSIZED_RECORD = "oversized-record";
    /**
     * A flow id or label longer than {@link FlowValidator#MAX_TEXT_CHARS} characters, or an address longer
     * than {@link FlowValidator#MAX_ADDRESS_CHARS}.
     */
    public static final String OVERSIZED_FIELD = "oversized-field";
    /** Port outside 0..65535 or protocol outside 0..255. */
    public static final String BAD_5TUPLE = "bad-5tuple";
    /** Event time not a positive epoch-ms value. */
    public static final String BAD_TIMESTAMP = "bad-timestamp";
    public static final String NAN_FEATURE = "nan-feature";
    public static final String INFINITE_FEATURE = "infinite-feature";
    /** A feature below its lower bound (negative where the quantity cannot be negative). */
    public static final String NEGATIVE_FEATURE = "negative-feature";
    /** A feature above {@code validation.max.feature.value}. */
    public static final String ABSURD_FEATURE = "absurd-feature";
    /** The classifier failed on this flow alone (after its batch failed). */
    public static final String INFERENCE_FAILED = "inference-failed";
    /** The policy threw on this flow (a policy bug or a case it does not handle); nothing else was affected. */
    public static final String POLICY_FAILED = "policy-failed";
    /**
     * The flow's verdict cannot be written: it does not serialize, or its record is larger than
     * {@code verdict.max.bytes} (found in the policy step, with the flow's original bytes).
     */
    public static final String VERDICT_UNWRITABLE = "verdict-unwritable";
    /**
     * Kafka Streams' handlers: a record could not be deserialized / processed / produced (for a
     * production error: a verdict the broker refused, whose own bytes then go to the dead-letter topic).
     */
    public static final String DESERIALIZATION_ERROR = "deserialization-error";
    public static final String PROCESSING_ERROR = "processing-error";
    public static final String PRODUCTION_ERROR = "production-error";

    /** Every reason code, so that {@code sif_dlq_total} exports each (as zero) before its first dead letter. */
    public static final java.util.List<String> ALL = java.util.List.of(UNDECODABLE, MISSING_FIELD, OVERSIZED_RECORD,
            OVERSIZED_FIELD, BAD_5TUPLE, BAD_TIMESTAMP, NAN_FEATURE, INFINITE_FEATURE, NEGATIVE_FEATURE, ABSURD_FEATURE,
            INFERENCE_FAILED, POLICY_FAILED, VERDICT_UNWRITABLE, DESERIALIZATION_ERROR, PROCESSING_ERROR,
            PRODUCTION_ERROR);

    private DlqReason() {}
}
