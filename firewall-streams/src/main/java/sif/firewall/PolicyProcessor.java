package sif.firewall;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sif.model.SequenceClassifier;
import sif.model.data.InputRange;
import sif.schemas.avro.Decision;
import sif.schemas.avro.Verdict;
import sif.firewall.metrics.FirewallMetrics;

/**
 * Applies the {@link Policy} to a scored flow and writes the {@link Verdict}. Stateless; the
 * decision logic is the policy's, this only maps between the stream and it.
 *
 * <p>A policy that throws on a flow sends that flow to the dead-letter topic ({@link
 * DlqReason#POLICY_FAILED}, its original bytes and source coordinates) and the next flow goes on. This
 * cannot be left to Kafka Streams' processing exception handler: with pipelined inference a batch's
 * flows are forwarded from a punctuation or while a later record is processed, so the handler would
 * see no source record, or another one, and the flow would be lost. For the same reason the verdict
 * is encoded here ({@link VerdictEncoder}): a verdict that does not serialize, is larger than
 * {@code verdict.max.bytes} or would not fit its topic ({@link VerdictLimit}) sends its flow to the
 * dead-letter topic ({@link DlqReason#VERDICT_UNWRITABLE}) and is not counted as a verdict; the sinks
 * write the bytes made here.
 *
 * <p>The inputs the policy is told are outside the model's training range ({@link Policy.Input#outOfRange})
 * are those of the sequence the model judged — the flow's own, then those outside only in an earlier flow of
 * its sequence ({@link TrainingRangeCheck}, read from the flow's snapshot): an out-of-range flow leaves the
 * model's verdicts on its source's next T - 1 flows extrapolations as well.
 */
public final class PolicyProcessor implements FixedKeyProcessor<String, Scored, FirewallEvent> {

    private static final Logger LOG = LoggerFactory.getLogger(PolicyProcessor.class);
    /** The {@value DlqHeaders#STAGE} of a policy failure. */
    static final String STAGE = "policy";

    private final Policy policy;
    private final List<String> classNames;
    private final String modelVersion;
    /** The check against the model's training range, or null: no flow is marked out of range. */
    private final TrainingRangeCheck rangeCheck;
    private final FirewallMetrics metrics;
    private final VerdictEncoder encoder;
    private FixedKeyProcessorContext<String, FirewallEvent> context;

    PolicyProcessor(Policy policy, SequenceClassifier classifier, FirewallMetrics metrics, VerdictEncoder encoder) {
        this.policy = policy;
        this.rangeCheck = TrainingRangeCheck.of(classifier);
        this.classNames = classifier.info().classNames();
        this.modelVersion = classifier.info().version();
        this.metrics = metrics;
        this.encoder = encoder;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, FirewallEvent> context) {
        this.context = context;
    }

    @Override
    public void process(FixedKeyRecord<String, Scored> record) {
        Scored s = record.value();
        PendingFlow f = s.flow();
        float[] probs = s.probabilities();
        int best = 0;
        for (int i = 1; i < probs.length; i++) {
            if (probs[i] > probs[best]) {
                best = i;
            }
        }
        Policy.Decision d;
        Verdict v;
        byte[] encoded;
        List<String> outOfRange;
        // the verdict is built inside the try: whatever fails here is this flow's, and goes to the DLQ
        // as such (an exception escaping to the processing handler would name the record the stream
        // thread is on, which with pipelined inference is another flow)
        try {
            outOfRange = rangeCheck == null ? List.of() : rangeCheck.outside(f.sequence(), f.features());
            Policy.Input in = new Policy.Input(f.srcIp(), f.srcPort(), f.dstIp(), f.dstPort(), f.protocol(),
                    f.principal(), f.identityStatus(), classNames, probs, best, f.reasons(), outOfRange);
            d = policy.decide(in);
            v = verdict(f, s, d, probs, best);
        } catch (RuntimeException e) {
            deadLetter(record, f, DlqReason.POLICY_FAILED, "policy failed", e);
            return;
        }
        try {
            encoded = encoder.encode(record.key(), record.headers(), v);
        } catch (VerdictEncoder.Unwritable e) {
            deadLetter(record, f, DlqReason.VERDICT_UNWRITABLE, "verdict unwritable", e);
            return;
        }
        metrics.verdict(d.action().name(), v.getPredictedClass(), probs[best]);
        if (!outOfRange.isEmpty()) {
            metrics.inputOutOfRange(!outOfRange.get(0).startsWith(InputRange.EARLIER));
        }
        metrics.latency(f.eventTimeMs(), f.ingestTimeMs(), v.getVerdictTimeMs());
        context.forward(record.withValue(new Decided(v, encoded)));
    }

    private Verdict verdict(PendingFlow f, Scored s, Policy.Decision d, float[] probs, int best) {
        Map<String, Double> byClass = new HashMap<>(probs.length * 2);
        for (int i = 0; i < probs.length; i++) {
            byClass.put(classNames.get(i), (double) probs[i]);
        }
        // the real clock: the context's cached time was read before the batch's inference ran
        long now = System.currentTimeMillis();
        return Verdict.newBuilder()
                .setFlowId(f.flowId())
                .setSrcIp(f.srcIp())
                .setSrcPort(f.srcPort())
                .setDstIp(f.dstIp())
                .setDstPort(f.dstPort())
                .setProtocol(f.protocol())
                .setEventTimeMs(f.eventTimeMs())
                .setDecision(toAvro(d.action()))
                .setPredictedClass(classNames.get(best))
                .setConfidence(probs[best])
                .setProbabilities(byClass)
                .setModelVersion(modelVersion)
                .setReasons(d.reasons())
                .setIdentityStatus(f.identityStatus())
                .setPrincipal(f.principal())
                .setSuppressed(d.suppressed())
                .setSequenceLength(f.sequenceLength())
                .setIngestTimeMs(f.ingestTimeMs())
                .setVerdictTimeMs(now)
                .setInferenceMicros(s.inferenceMicros())
                .setBatchSize(s.batchSize())
                .setLabel(f.label())
                .setIdentityAgeMs(f.identityAgeMs())
                .setFlowsSinceVerification(f.flowsSinceVerification())
                .build();
    }

    private void deadLetter(FixedKeyRecord<String, Scored> record, PendingFlow f, String reason, String failure,
                            RuntimeException e) {
        Rejected r = Rejected.pendingFlow(f, reason, STAGE, failure, e);
        LOG.error("flow {} to the dead-letter topic: {}", Rejected.shortId(f.flowId()), r.detail(), e);
        metrics.dlq(reason);
        context.forward(record.<FirewallEvent>withValue(r).withHeaders(r.headers(f, e)));
    }

    static Decision toAvro(Policy.Action a) {
        return switch (a) {
            case ALLOW -> Decision.ALLOW;
            case BLOCK -> Decision.BLOCK;
            case ALERT -> Decision.ALERT;
        };
    }
}
