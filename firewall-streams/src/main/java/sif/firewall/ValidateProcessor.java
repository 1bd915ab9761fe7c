package sif.firewall;

import java.util.List;
import java.util.OptionalLong;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sif.schemas.Flows;
import sif.schemas.avro.IdentityStatus;
import sif.schemas.avro.NetworkFlow;
import sif.schemas.serde.RegistryUnavailableException;
import sif.trust.IpAddress;
import sif.firewall.metrics.FirewallMetrics;

/**
 * First step: decodes the input value (bytes) into a {@link NetworkFlow}, checks it with
 * {@link FlowValidator} and forwards either a {@link FlowContext} keyed by source IP (its canonical
 * text, {@link IpAddress#canonical}; the flow's addresses are rewritten to it), a {@link Misrouted}
 * flow (valid, but its record was keyed otherwise: re-keyed to its source, bound for the repartition
 * topic) or a {@link Rejected} (original key and bytes, {@link DlqHeaders}) bound to the dead-letter
 * topic. Stateless.
 *
 * <p>A second instance ({@link #afterRepartition}) reads the repartition topic: it counts no flow in
 * (the first did), takes where the record was first read from its headers, and forwards every valid
 * flow as a {@link FlowContext}, whatever its key (no flow goes round twice).
 */
public final class ValidateProcessor implements Processor<String, byte[], String, FirewallEvent> {

    public static final String STAGE = "validate";
    private static final Logger LOG = LoggerFactory.getLogger(ValidateProcessor.class);

    private final Deserializer<NetworkFlow> deserializer;
    private final FlowValidator validator;
    private final FirewallMetrics metrics;
    private final int maxRecordBytes;
    private final boolean afterRepartition;
    private ProcessorContext<String, FirewallEvent> context;
    private long rejected;
    private long miskeyed;

    /**
     * @param maxRecordBytes largest value accepted ({@code validation.max.record.bytes}); also the most
     *                       bytes of a value its dead letter keeps
     */
    public ValidateProcessor(Deserializer<NetworkFlow> deserializer, FlowValidator validator, FirewallMetrics metrics,
                             int maxRecordBytes) {
        this(deserializer, validator, metrics, maxRecordBytes, false);
    }

    private ValidateProcessor(Deserializer<NetworkFlow> deserializer, FlowValidator validator, FirewallMetrics metrics,
                              int maxRecordBytes, boolean afterRepartition) {
        this.deserializer = deserializer;
        this.validator = validator;
        this.metrics = metrics;
        this.maxRecordBytes = maxRecordBytes;
        this.afterRepartition = afterRepartition;
    }

    /**
     * The instance reading the repartition topic: the same checks (a flow valid when first read stays
     * valid: the clock only moves on), no flow counted in, the first read's topic, partition, offset and
     * key from the record's headers ({@link Misrouted#origin}; a dead letter carries them), and every
     * valid flow forwarded as keyed by its source.
     */
    public static ValidateProcessor afterRepartition(Deserializer<NetworkFlow> deserializer, FlowValidator validator,
                                                     FirewallMetrics metrics, int maxRecordBytes) {
        return new ValidateProcessor(deserializer, validator, metrics, maxRecordBytes, true);
    }

    @Override
    public void init(ProcessorContext<String, FirewallEvent> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, byte[]> record) {
        RecordMetadata md = context.recordMetadata().orElse(null);
        String topic = md == null ? null : md.topic();
        int partition = md == null ? -1 : md.partition();
        long offset = md == null ? -1 : md.offset();
        if (afterRepartition) {
            Misrouted.Origin origin = Misrouted.origin(record.headers());
            if (origin != null) { // always, unless something else wrote to the repartition topic
                topic = origin.topic();
                partition = origin.partition();
                offset = origin.offset();
                record = record.withKey(origin.key()); // a dead letter keeps the producer's key
            }
        } else {
            metrics.flowIn();
            Misrouted.strip(record.headers()); // the re-keyed path's headers are the firewall's, never a producer's
        }
        byte[] raw = record.value();
        if (raw == null) {
            reject(record, DlqReason.MISSING_FIELD, "null value (tombstone) where a NetworkFlow was expected",
                    topic, partition, offset);
            return;
        }
        if (raw.length > maxRecordBytes) {
            reject(record, DlqReason.OVERSIZED_RECORD, "value of " + raw.length + " bytes, more than "
                    + FirewallConfig.VALIDATION_MAX_RECORD_BYTES + "=" + maxRecordBytes + " (a flow record is under 1 KB)",
                    topic, partition, offset);
            return;
        }
        // a record stamped too far ahead was read at its partition's stream time (FutureStampGuard)
        OptionalLong heldBack = FutureStampGuard.heldBack(record.headers());
        FlowValidator.Rejection early = heldBack.isPresent()
                ? validator.heldBackTimestamp(heldBack.getAsLong(), context.currentSystemTimeMs())
                : validator.checkRecordTimestamp(record.timestamp(), context.currentSystemTimeMs());
        if (early != null) {
            reject(record, early.reason(), early.detail(), topic, partition, offset);
            return;
        }
        NetworkFlow flow;
        try {
            flow = deserializer.deserialize(topic, raw);
        } catch (RegistryUnavailableException e) {
            throw e; // the registry, not the record: not a dead letter (the processing handler stops the thread)
        } catch (RuntimeException e) { // SerializationException, by the serde's contract
            reject(record, DlqReason.UNDECODABLE, e.getMessage(), topic, partition, offset);
            return;
        }
        double[] features = Flows.features(flow);
        FlowValidator.Rejection rejection = validator.check(flow, features, context.currentSystemTimeMs());
        if (rejection != null) {
            reject(record, rejection.reason(), rejection.detail(), topic, partition, offset);
            return;
        }
        // one spelling per address (IpAddress.canonical: valid here, checked above), so that per-source
        // state, blocklist keys and alerts do not depend on how the exporter wrote it
        canonicalAddresses(flow);
        if (!afterRepartition && !flow.getSrcIp().equals(record.key())) {
            miskeyed(record.key(), flow.getSrcIp(), topic, partition, offset);
            context.forward(new Record<String, FirewallEvent>(flow.getSrcIp(), new Misrouted(raw), record.timestamp(),
                    Misrouted.headers(record.headers(), record.key(), topic, partition, offset)));
            return;
        }
        float[] f = new float[features.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) features[i];
        }
        FlowContext ctx = new FlowContext(flow, f, raw, record.timestamp(), topic, partition, offset,
                IdentityStatus.NOT_EVALUATED, null, List.of());
        context.forward(record.withKey(flow.getSrcIp()).withValue(ctx));
    }

    /** Rewrites the flow's addresses to their canonical text where it differs (a dotted quad never does). */
    static void canonicalAddresses(NetworkFlow flow) {
        String src = IpAddress.canonical(flow.getSrcIp());
        if (!src.equals(flow.getSrcIp())) {
            flow.setSrcIp(src);
        }
        String dst = IpAddress.canonical(flow.getDstIp());
        if (!dst.equals(flow.getDstIp())) {
            flow.setDstIp(dst);
        }
    }

    /**
     * A source's flows keyed otherwise (no key, another address, another spelling) can land on several
     * partitions; decided there, each partition's task would keep a window, zero-trust counters, open
     * alerts and a blocklist entry of its own for the source. Such a flow goes through the repartition
     * topic to the task that owns its source: one more write and read, and a commit interval later. It is
     * counted and logged (first 10, then every 1,000th), so that a producer keying wrongly is found.
     */
    private void miskeyed(String key, String source, String topic, int partition, long offset) {
        metrics.flowMiskeyed();
        miskeyed++;
        if (miskeyed <= 10 || miskeyed % 1000 == 0) {
            // the key is the producer's: at most 64 characters of it, no control characters (no forged log lines)
            String shown = key == null ? "null"
                    : "'" + (key.length() > 64 ? key.substring(0, 64) + "…" : key).replaceAll("\\p{Cntrl}", "?") + "'";
            LOG.warn("flow record {}-{}@{} keyed {}, not by its source {} ({} such records so far in this task): "
                    + "re-keyed and sent through the repartition topic, which costs a write, a read and a commit "
                    + "interval; key the input topic by the canonical source address (sif_flows_miskeyed_total)",
                    topic, partition, offset, shown, source, miskeyed);
        }
    }

    private void reject(Record<String, byte[]> record, String reason, String detail, String topic, int partition,
                        long offset) {
        metrics.dlq(reason);
        rejected++;
        if (rejected <= 10 || rejected % 1000 == 0) {
            LOG.warn("flow record {}-{}@{} to the dead-letter topic ({} rejected so far): {}: {}", topic, partition,
                    offset, rejected, reason, detail);
        }
        // a dead letter must fit its topic (DeadLetterCut)
        Headers headers = DlqHeaders.add(DeadLetterCut.headers(record.headers()), reason, detail, STAGE, topic,
                partition, offset);
        byte[] value = DeadLetterCut.value(record.value(), maxRecordBytes, headers);
        String key = DeadLetterCut.key(record.key(), headers);
        // a timestamp ahead of the clock is not the dead letter's (its topic could refuse it)
        // (nor is the partition's stream time, at which FutureStampGuard read a record stamped ahead)
        long now = context.currentSystemTimeMs();
        long own = FutureStampGuard.heldBack(record.headers()).orElse(record.timestamp());
        long timestamp = own < 0 ? now : Math.min(own, now);
        context.forward(new Record<String, FirewallEvent>(key, new Rejected(value, reason, detail, STAGE),
                timestamp, headers));
    }
}
