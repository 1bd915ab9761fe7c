package sif.firewall;

import java.util.Map;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import sif.model.SequenceClassifier;
import sif.schemas.avro.Decision;
import sif.schemas.avro.Verdict;
import sif.firewall.metrics.FirewallMetrics;

/**
 * Builds the firewall topology: the one function {@code main}, the demo and every test call.
 *
 * <pre>
 * flows-source ─ validate ─ validated-(rejected|miskeyed|accepted)
 *   miskeyed ─ miskeyed-raw ─ flows-by-source (repartition topic, keyed by source)
 *     ─ validate-rekeyed ─ rekeyed-(rejected|accepted) ─ rekeyed-flows
 *   accepted ─ accepted-flows ─ rekeyed-merge (+ rekeyed-flows)
 *     ─ [zero-trust step] ─ sequence-inference ─ inference-(rejected|scored)
 *   scored ─ scored-flows ─ policy ─ policy-(rejected|decided)
 *   decided ─ route-(allowed|blocked|alerts) ─ (allowed|blocked|alerts)-sink (the policy step's bytes)
 *          └ verdicts ─ [after-policy extension, e.g. SIEM alert documents, blocklist]
 *   validated-rejected + rekeyed-rejected + inference-rejected + policy-rejected
 *     ─ dlq-merge(-rekeyed|-policy) ─ dlq-raw ─ dlq-sink
 * </pre>
 * A producer that keys by source (as SIF's does) sends nothing through the repartition topic: one
 * sub-topology, one task per input partition, as without it.
 * Stores: {@value SequenceInferenceProcessor#SEQUENCE_STORE}, {@value SequenceInferenceProcessor#PENDING_STORE}
 * (both owned by {@code sequence-inference}). Every node, store and branch is named; a test pins the
 * names, because changelog topics and state are tied to them across upgrades.
 */
public final class FirewallTopology {

    public static final String SOURCE = "flows-source";
    public static final String VALIDATE = "validate";
    public static final String INFERENCE = "sequence-inference";
    public static final String POLICY = "policy";
    public static final String ALLOWED_SINK = "allowed-sink";
    public static final String BLOCKED_SINK = "blocked-sink";
    public static final String ALERTS_SINK = "alerts-sink";
    public static final String DLQ_SINK = "dlq-sink";
    /**
     * The repartition step's name: its topic is {@code <application.id>-flows-by-source-repartition},
     * created by Kafka Streams with as many partitions as the most any topic of the flows' tasks has
     * (the flows', or the blocklist's when larger); {@link RekeyPartitioner} uses the flows' count.
     */
    public static final String REKEY_TOPIC = "flows-by-source";
    /** The repartition topic's name in the topology's description (without the application id). */
    static final String REKEY_REPARTITION_TOPIC = REKEY_TOPIC + "-repartition";

    private FirewallTopology() {}

    /** With the default extensions: pass-through zero trust, no metrics. */
    public static Topology buildTopology(FirewallConfig config, SequenceClassifier classifier, Policy policy) {
        return buildTopology(config, classifier, policy, FirewallExtensions.defaults());
    }

    /**
     * @param config     topics, sequence and batching settings
     * @param classifier the loaded model (shared; each task opens its own session)
     * @param policy     turns scores into decisions (see {@link #defaultPolicy})
     * @param extensions the zero-trust step and metrics
     */
    public static Topology buildTopology(FirewallConfig config, SequenceClassifier classifier, Policy policy,
                                         FirewallExtensions extensions) {
        return buildTopology(config, classifier, policy, extensions, VerdictLimit.of(config), new RekeyPartitioner());
    }

    /**
     * @param verdictLimit what the verdict topics take, learnt from the cluster at start
     *                     ({@link FirewallApp}); the policy step dead-letters a verdict that would not fit
     * @param rekeyPartitioner where re-keyed flows go on the repartition topic; learns the flows topic's
     *                         partition count at start ({@link FirewallApp})
     */
    static Topology buildTopology(FirewallConfig config, SequenceClassifier classifier, Policy policy,
                                  FirewallExtensions extensions, VerdictLimit verdictLimit,
                                  RekeyPartitioner rekeyPartitioner) {
        FirewallTopics topics = FirewallTopics.from(config);
        FirewallMetrics metrics = extensions.metrics();
        FlowValidator validator = FlowValidator.from(config);
        SequenceClassifier.ModelInfo model = classifier.info();
        int sequenceLength = config.sequenceLengthOverride() != null
                ? config.sequenceLengthOverride() : model.sequenceLength();

        FutureStampGuard stamps = FutureStampGuard.forFlows(config.maxFutureSkew().toMillis(), extensions.wallClock());
        StreamsBuilder builder = new StreamsBuilder();
        Map<String, KStream<String, FirewallEvent>> validated = builder
                .stream(topics.input(), Consumed.with(topics.keySerde(), topics.rawSerde())
                        .withTimestampExtractor(stamps).withName(SOURCE))
                .process(() -> new ValidateProcessor(topics.flowSerde().deserializer(), validator, metrics,
                        config.maxRecordBytes()),
                        Named.as(VALIDATE))
                .split(Named.as("validated-"))
                .branch(FirewallEvent::isRejected, Branched.as("rejected"))
                .branch(Misrouted::is, Branched.as("miskeyed"))
                .defaultBranch(Branched.as("accepted"));

        // flows keyed otherwise than by their source go to the task that owns it (ValidateProcessor#miskeyed)
        Map<String, KStream<String, FirewallEvent>> rekeyed = validated.get("validated-miskeyed")
                .mapValues(e -> ((Misrouted) e).rawValue(), Named.as("miskeyed-raw"))
                .repartition(Repartitioned.with(topics.keySerde(), topics.rawSerde()).withName(REKEY_TOPIC)
                        .withStreamPartitioner(rekeyPartitioner))
                .process(() -> ValidateProcessor.afterRepartition(topics.flowSerde().deserializer(), validator,
                        metrics, config.maxRecordBytes()), Named.as("validate-rekeyed"))
                .split(Named.as("rekeyed-"))
                .branch(FirewallEvent::isRejected, Branched.as("rejected"))
                .defaultBranch(Branched.as("accepted"));
        KStream<String, FlowContext> accepted = validated.get("validated-accepted")
                .mapValues(e -> (FlowContext) e, Named.as("accepted-flows"))
                .merge(rekeyed.get("rekeyed-accepted").mapValues(e -> (FlowContext) e, Named.as("rekeyed-flows")),
                        Named.as("rekeyed-merge"));
        KStream<String, FlowContext> trusted = extensions.trustStep().apply(builder, accepted, config);

        Map<String, KStream<String, FirewallEvent>> inferred = trusted
                .process(SequenceInferenceProcessor.supplier(classifier, sequenceLength, config.sequenceMaxAge(),
                        config.batchSize(), config.batchMaxWait(), config.sequenceEvictInterval(),
                        config.stateScanMaxEntries(), config.inferencePipelined(), metrics),
                        Named.as(INFERENCE))
                .split(Named.as("inference-"))
                .branch(FirewallEvent::isRejected, Branched.as("rejected"))
                .defaultBranch(Branched.as("scored"));

        VerdictEncoder encoder = new VerdictEncoder(topics, config.verdictMaxBytes(), verdictLimit);
        TrainingRangeCheck.of(classifier); // a model whose range cannot check its own rows is refused here, not per task
        Map<String, KStream<String, FirewallEvent>> decided = inferred.get("inference-scored")
                .mapValues(e -> (Scored) e, Named.as("scored-flows"))
                .processValues(() -> new PolicyProcessor(policy, classifier, metrics, encoder),
                        Named.as(POLICY))
                .split(Named.as("policy-"))
                .branch(FirewallEvent::isRejected, Branched.as("rejected"))
                .defaultBranch(Branched.as("decided"));
        KStream<String, FirewallEvent> decidedFlows = decided.get("policy-decided");
        KStream<String, Verdict> verdicts = decidedFlows.mapValues(e -> ((Decided) e).verdict(), Named.as("verdicts"));
        extensions.afterPolicy().apply(builder, verdicts, config, stamps.forControlTopic());
        // the sinks write the bytes the policy step made (Decided.encoded): a verdict that cannot be
        // written was dead-lettered there, with its own flow
        Serde<FirewallEvent> encoded = Decided.ENCODED;
        Map<String, KStream<String, FirewallEvent>> routed = decidedFlows
                .split(Named.as("route-"))
                .branch((k, e) -> Decided.is(e, Decision.ALLOW), Branched.as("allowed"))
                .branch((k, e) -> Decided.is(e, Decision.BLOCK), Branched.as("blocked"))
                .branch((k, e) -> Decided.is(e, Decision.ALERT), Branched.as("alerts"))
                .noDefaultBranch();
        routed.get("route-allowed").to(topics.allowed(),
                Produced.with(topics.keySerde(), encoded).withName(ALLOWED_SINK));
        routed.get("route-blocked").to(topics.blocked(),
                Produced.with(topics.keySerde(), encoded).withName(BLOCKED_SINK));
        routed.get("route-alerts").to(topics.alerts(),
                Produced.with(topics.keySerde(), encoded).withName(ALERTS_SINK));

        validated.get("validated-rejected")
                .merge(rekeyed.get("rekeyed-rejected"), Named.as("dlq-merge-rekeyed"))
                .merge(inferred.get("inference-rejected"), Named.as("dlq-merge"))
                .merge(decided.get("policy-rejected"), Named.as("dlq-merge-policy"))
                .mapValues(e -> ((Rejected) e).rawValue(), Named.as("dlq-raw"))
                .to(topics.dlq(), Produced.with(topics.keySerde(), topics.rawSerde()).withName(DLQ_SINK));
        return builder.build();
    }

    /**
     * The default {@link ThresholdPolicy}: threshold from {@code policy.confidence.threshold}, else
     * the model's decision threshold.
     */
    public static Policy defaultPolicy(FirewallConfig config, SequenceClassifier.ModelInfo model) {
        double threshold = config.confidenceThresholdOverride() != null
                ? config.confidenceThresholdOverride() : model.decisionThreshold();
        return new ThresholdPolicy(threshold, config.benignClass(), config.inputOutOfRange());
    }
}
