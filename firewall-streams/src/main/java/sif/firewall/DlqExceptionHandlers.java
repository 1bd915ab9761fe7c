package sif.firewall;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sif.firewall.metrics.FirewallMetrics;
import sif.schemas.avro.Verdict;
import sif.schemas.serde.RegistryUnavailableException;

/**
 * Kafka Streams exception handlers that send the offending record's original bytes to the
 * dead-letter topic (via {@link DlqPublisher}) with {@link DlqHeaders}, log what was wrong, and let
 * the application continue. Configured by {@link FirewallApp#streamsProperties}.
 */
public final class DlqExceptionHandlers {

    private static final Logger LOG = LoggerFactory.getLogger(DlqExceptionHandlers.class);

    private DlqExceptionHandlers() {}

    static Headers headers(Headers original, String reason, Exception e, String stage, String topic, int partition,
                           long offset) {
        Headers h = DeadLetterCut.headers(original);
        DlqHeaders.add(h, reason, String.valueOf(e.getMessage()), stage, topic, partition, offset);
        DlqHeaders.put(h, DlqHeaders.EXCEPTION, e.getClass().getName());
        return h;
    }

    /** What the three handlers share: the DLQ publisher and the metrics, both from the Streams config. */
    private abstract static class DeadLetters {
        private DlqPublisher publisher;
        FirewallMetrics metrics = FirewallMetrics.noop();

        public void configure(Map<String, ?> configs) {
            publisher = DlqPublisher.from(configs);
            metrics = DlqPublisher.metricsFrom(configs);
        }

        /** Sends the original bytes to the dead-letter topic, when one is configured. */
        void publish(byte[] key, byte[] value, Headers headers) {
            if (publisher != null) {
                publisher.publish(key, value, headers);
            }
        }

        /** True when there is no dead-letter topic, or the failed output {@code topic} is that topic itself. */
        boolean noDlqFor(String topic) {
            return publisher == null || publisher.topic().equals(topic);
        }
    }

    /** A value or key at the source could not be deserialized. */
    public static final class Deserialization extends DeadLetters implements DeserializationExceptionHandler {
        @Override
        public DeserializationHandlerResponse handle(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record,
                                                     Exception exception) {
            if (RegistryUnavailableException.in(exception)) {
                LOG.error("cannot deserialize record {}-{}@{} at {}: the schema registry is unavailable, not the record "
                        + "bad; the thread stops rather than skip it (an identity event skipped could be a "
                        + "revocation): {}", record.topic(), record.partition(), record.offset(),
                        context.processorNodeId(), exception.toString());
                return DeserializationHandlerResponse.FAIL;
            }
            LOG.warn("cannot deserialize record {}-{}@{} at {}: {}; sent to the dead-letter topic", record.topic(),
                    record.partition(), record.offset(), context.processorNodeId(), exception.toString());
            // flows are decoded by the validate step, identity events by the identity store's updater
            // (their sources read bytes): what fails here is another control record (an unblock)
            controlDeadLetter(this, record.topic(), record.partition(), record.offset(), record.key(), record.value(),
                    record.headers(), exception);
            return DeserializationHandlerResponse.CONTINUE;
        }
    }

    /**
     * Dead-letters a control record that could not be decoded (reason {@value DlqReason#DESERIALIZATION_ERROR},
     * stage {@code source}) and counts it in {@code sif_control_dead_letters_total}: for a processor that
     * decodes its records itself, as the identity store's updater does, with the publisher and metrics
     * of the Streams config {@code appConfigs}.
     */
    public static void controlDeadLetter(Map<String, ?> appConfigs, String topic, int partition, long offset,
                                         byte[] key, byte[] value, Headers original, Exception e) {
        DeadLetters d = new DeadLetters() { };
        d.configure(appConfigs);
        controlDeadLetter(d, topic, partition, offset, key, value, original, e);
    }

    private static void controlDeadLetter(DeadLetters d, String topic, int partition, long offset, byte[] key,
                                          byte[] value, Headers original, Exception e) {
        d.metrics.controlDeadLetter(topic);
        d.publish(key, value, headers(original, DlqReason.DESERIALIZATION_ERROR, e, "source", topic, partition,
                offset));
    }

    /**
     * A processor threw while processing a record (a bug or an unforeseen input). Before the policy,
     * the stream thread's source record is the failing flow: it goes to the dead-letter topic. After
     * it — a step that works on a decided flow's {@link Verdict} or on something derived from one
     * ({@link OfVerdict}: alert documents, the blocklist, an extension) — the flow has its verdict and
     * is routed (those steps sit beside the routing), and with pipelined inference the source record is
     * another flow or none: the failure is logged with the verdict's flow id and counted
     * ({@code sif_verdict_step_failures_total}), and nothing is dead-lettered, so that flows in =
     * allowed + blocked + alerts + dead-lettered flows holds exactly.
     *
     * <p>A {@link RegistryUnavailableException} (the schema registry could not be asked) is not the
     * record's fault either: the handler fails, and the thread is replaced ({@link FirewallApp}).
     *
     * <p>A {@link StreamsException} is Kafka Streams' own failure, not the record's: above all the error
     * of an earlier send, which the record collector raises at the next send (after the production
     * handler chose to fail, or a fatal producer error). Going on would clear it — so under
     * at-least-once the records that failed could be lost (this follows from the record collector
     * clearing the error it raises; not seen in a test), and each such send dead-lettered a flow that was not at
     * fault ({@code FirewallBadInputIT}: two spurious dead letters counted when a verdict topic's limit
     * was lowered) — so the handler fails, and the stream thread dies as it would at its next commit.
     */
    public static final class Processing extends DeadLetters implements ProcessingExceptionHandler {
        @Override
        public ProcessingHandlerResponse handle(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
            if (RegistryUnavailableException.in(exception)) {
                LOG.error("processor {} could not reach the schema registry; nothing is dead-lettered for it and the "
                        + "stream thread stops (it is replaced, and its tasks resume from their last commit): {}",
                        context.processorNodeId(), exception.toString());
                return ProcessingHandlerResponse.FAIL;
            }
            if (exception instanceof StreamsException) {
                LOG.error("processor {} failed with Kafka Streams' own error (an earlier send failed, a store) or its "
                        + "inference thread failed; the stream thread stops", context.processorNodeId(), exception);
                return ProcessingHandlerResponse.FAIL;
            }
            String decided = decidedFlowId(record);
            if (decided != null) {
                LOG.error("processor {} failed on the verdict of flow {}, which is decided and routed; what the step "
                                + "derives from it (an alert document, a blocklist entry) is missing; nothing is "
                                + "dead-lettered", context.processorNodeId(), decided, exception);
                metrics.verdictStepFailure(context.processorNodeId());
                return ProcessingHandlerResponse.CONTINUE;
            }
            if (context.sourceRawValue() == null) {
                // a punctuation (eviction, a due batch): no input record, so no flow to dead-letter or count
                LOG.error("processor {} failed in a punctuation; it is skipped until its next run",
                        context.processorNodeId(), exception);
                return ProcessingHandlerResponse.CONTINUE;
            }
            // a flow re-keyed through the repartition topic: the input record it came from, not that topic's
            // (only there: a producer's headers of those names are stripped at validate, and never believed)
            Misrouted.Origin origin = Misrouted.isRepartitionTopic(context.topic())
                    ? Misrouted.origin(context.headers()) : null;
            String topic = origin == null ? context.topic() : origin.topic();
            int partition = origin == null ? context.partition() : origin.partition();
            long offset = origin == null ? context.offset() : origin.offset();
            byte[] key = origin == null ? context.sourceRawKey()
                    : origin.key() == null ? null : origin.key().getBytes(StandardCharsets.UTF_8);
            LOG.error("processor {} failed on record {}-{}@{}; its source record goes to the dead-letter topic",
                    context.processorNodeId(), topic, partition, offset, exception);
            metrics.dlqOutsideTransaction(DlqReason.PROCESSING_ERROR);
            publish(key, context.sourceRawValue(), headers(context.headers(), DlqReason.PROCESSING_ERROR, exception,
                    context.processorNodeId(), topic, partition, offset));
            return ProcessingHandlerResponse.CONTINUE;
        }
    }

    /** The flow id of the verdict {@code record} holds or comes from, or null when it is no such record. */
    static String decidedFlowId(Record<?, ?> record) {
        Object value = record == null ? null : record.value();
        if (value instanceof Verdict v) {
            return v.getFlowId();
        }
        return value instanceof OfVerdict o ? o.verdictFlowId() : null;
    }

    /**
     * The verdict topics and how to read a verdict's flow id, for the production handler; handed to it
     * through the Streams config under {@value #CONFIG_KEY} ({@link FirewallApp}).
     */
    public record VerdictTopics(Deserializer<Verdict> decoder, VerdictLimit limit) {
        public static final String CONFIG_KEY = "sif.verdict.topics";

        /** @param limit the verdict topics and what they take, as the firewall's policy step sees it */
        static VerdictTopics of(FirewallConfig config, VerdictLimit limit) {
            return new VerdictTopics(FirewallTopics.from(config).verdictSerde().deserializer(), limit);
        }

        static VerdictTopics from(Map<String, ?> configs) {
            return configs.get(CONFIG_KEY) instanceof VerdictTopics v ? v
                    : new VerdictTopics(null, new VerdictLimit(Set.of(), Integer.MAX_VALUE));
        }

        /** The verdict topics. */
        Set<String> names() {
            return limit.topics();
        }

        /** The flow id of a verdict's value bytes, or "?" when they do not decode. */
        String flowId(String topic, byte[] value) {
            try {
                return decoder == null || value == null ? "?"
                        : Rejected.shortId(decoder.deserialize(topic, value).getFlowId());
            } catch (RuntimeException e) {
                return "?";
            }
        }
    }

    /**
     * An output record could not be serialized or was refused by the broker for what it is (too
     * large, invalid): processing continues, the record is counted ({@code sif_outputs_refused_total})
     * and never replaced by the stream thread's source record, which with pipelined inference is
     * another flow or none. Verdicts are encoded and checked in the policy step ({@link VerdictEncoder}:
     * against {@code verdict.max.bytes} and what the verdict topics took at start), so one gets here
     * only when its topic's limit was lowered while the firewall runs (under exactly-once the handler
     * then reads the limits again, {@link VerdictLimit#relearnAfterRefusal}, and fails; the firewall
     * replaces the stream thread, and the policy step dead-letters the flow). Under at-least-once the verdict
     * itself (its key, its value bytes, its flow id in {@value DlqHeaders#FLOW_ID}) goes to the
     * dead-letter topic; any other output (an alert document, a blocklist entry, a changelog record, a
     * dead letter) is logged and counted, and nothing is dead-lettered: its flow was routed. <b>Under
     * exactly-once the firewall stops instead</b> (but for the lowered verdict limit above): a record the broker refuses fails its transaction —
     * every other output in it fails with the same error — and would be refused again when the task's
     * records are processed again, so there is nothing to continue with (seen on a real broker: going
     * on dead-lettered the transaction's other verdicts too, and the stream thread died anyway). A
     * record that does not serialize never reaches the producer, and is skipped under both. A retriable error
     * (the broker away or slow for longer than the producer waits, not enough replicas, ...) is
     * retried: Kafka Streams closes the task dirty and processes its records again from the last
     * commit, as its own default handler does — failing here shut the firewall down whenever a send
     * expired ({@code FirewallBrokerOutageIT}). Except the one retriable error that does not pass by
     * itself: an output topic the cluster does not know. The producer reports it as the retriable
     * "not present in metadata" after {@code max.block.ms} — as it does for an existing topic whose
     * metadata it dropped while the broker shut down — so the handler asks the cluster
     * ({@link TopicCheck}): a topic it says is missing fails the application (retrying would loop
     * forever), anything else is retried. Other production errors that are not about the record
     * fail the application rather than drop data silently. (Authorization errors never reach a
     * handler: Kafka Streams treats them as fatal itself.)
     */
    public static final class Production extends DeadLetters implements ProductionExceptionHandler {
        private TopicCheck topicCheck;
        private VerdictTopics verdictTopics;
        private boolean exactlyOnce;

        @Override
        public void configure(Map<String, ?> configs) {
            super.configure(configs);
            topicCheck = TopicCheck.from(configs);
            verdictTopics = VerdictTopics.from(configs);
            Object guarantee = configs.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG);
            exactlyOnce = guarantee != null && !StreamsConfig.AT_LEAST_ONCE.equals(guarantee.toString());
        }

        @Override
        public ProductionExceptionHandlerResponse handle(ErrorHandlerContext context,
                                                         ProducerRecord<byte[], byte[]> record, Exception exception) {
            if (unknownTopic(exception) && topicCheck != null
                    && topicCheck.ask(record.topic()) == TopicCheck.Answer.MISSING) {
                LOG.error("cannot produce to {}: the cluster does not know the topic ({}); create it, or fix the "
                        + "topic setting; failing", record.topic(), exception.toString());
                return ProductionExceptionHandlerResponse.FAIL;
            }
            if (exception instanceof RetriableException) {
                metrics.productionRetry();
                LOG.warn("cannot produce to {} yet: {}; the task's records since its last commit are processed "
                        + "again", record.topic(), exception.toString());
                return ProductionExceptionHandlerResponse.RETRY;
            }
            if (!(exception instanceof RecordTooLargeException || exception instanceof InvalidRecordException)) {
                LOG.error("cannot produce to {}: {}; failing (not a problem of the record)", record.topic(),
                        exception.toString(), exception);
                return ProductionExceptionHandlerResponse.FAIL;
            }
            if (exactlyOnce) {
                metrics.outputRefused(record.topic());
                boolean verdict = verdictTopics.names().contains(record.topic());
                String what = verdict ? "the verdict of flow " + verdictTopics.flowId(record.topic(), record.value())
                        : "a record";
                // e.g. over the producer's max.request.size or the topic's max.message.bytes
                if (verdict && topicCheck != null && exception instanceof RecordTooLargeException
                        && verdictTopics.limit().relearnAfterRefusal(record.topic(), topicCheck::configOf)) {
                    LOG.error("{} for {} cannot be written ({}): the topic's max.message.bytes was lowered to {} while "
                            + "the firewall runs. Under exactly-once the transaction cannot be saved: the stream thread "
                            + "is replaced, and the policy step, which now knows the limit, dead-letters such verdicts "
                            + "(verdict-unwritable)", what, record.topic(), exception.toString(),
                            verdictTopics.limit().maxBatchBytes(record.topic()));
                    return ProductionExceptionHandlerResponse.FAIL;
                }
                LOG.error("{} for {} cannot be written ({}). Under exactly-once a refused record fails its whole "
                        + "transaction and is refused again when the task's records are processed again: failing. "
                        + "Verdicts are checked against {} and the verdict topics' max.message.bytes; other outputs "
                        + "are not", what, record.topic(), exception.toString(), FirewallConfig.VERDICT_MAX_BYTES);
                return ProductionExceptionHandlerResponse.FAIL;
            }
            refused(record.topic(), record.key(), record.value(), record.headers(), exception);
            return ProductionExceptionHandlerResponse.CONTINUE;
        }

        @Override
        @SuppressWarnings("rawtypes")
        public ProductionExceptionHandlerResponse handleSerializationException(ErrorHandlerContext context,
                ProducerRecord record, Exception exception, SerializationExceptionOrigin origin) {
            LOG.error("cannot serialize the {} of a record for {}: {}", origin, record.topic(), exception.toString(),
                    exception);
            // a verdict's value is the policy step's bytes (Decided), which cannot fail; its key could
            byte[] value = record.value() instanceof Decided d ? d.encoded() : null;
            refused(record.topic(), null, value, record.headers(), exception);
            return ProductionExceptionHandlerResponse.CONTINUE;
        }

        /** A record for {@code topic} that cannot be written: a verdict goes to the DLQ, anything else is logged. */
        private void refused(String topic, byte[] key, byte[] value, Headers original, Exception exception) {
            metrics.outputRefused(topic);
            if (!verdictTopics.names().contains(topic) || noDlqFor(topic) || value == null) {
                LOG.error("the record for {} cannot be written ({}); not a verdict: counted, not dead-lettered",
                        topic, exception.toString());
                return;
            }
            String flowId = verdictTopics.flowId(topic, value);
            LOG.error("the verdict of flow {} for {} cannot be written ({}); the verdict goes to the dead-letter topic",
                    flowId, topic, exception.toString());
            Headers h = DeadLetterCut.headers(original);
            DlqHeaders.put(h, DlqHeaders.REASON, DlqReason.PRODUCTION_ERROR);
            DlqHeaders.put(h, DlqHeaders.DETAIL, "the verdict of flow " + flowId + " for " + topic
                    + " cannot be written: " + exception.getMessage() + " (this record is the verdict, not the input flow)");
            DlqHeaders.put(h, DlqHeaders.STAGE, "sink:" + topic);
            DlqHeaders.put(h, DlqHeaders.FLOW_ID, flowId);
            DlqHeaders.put(h, DlqHeaders.EXCEPTION, exception.getClass().getName());
            publish(key, value, h);
        }

        /**
         * The producer's answer when the topic has no metadata after {@code max.block.ms}: a
         * {@link org.apache.kafka.common.errors.TimeoutException} "Topic T not present in metadata
         * after N ms." (the wording of {@code KafkaProducer.waitOnMetadata}; pinned by a test).
         */
        static boolean unknownTopic(Exception exception) {
            return exception instanceof org.apache.kafka.common.errors.TimeoutException
                    && String.valueOf(exception.getMessage()).contains("not present in metadata");
        }
    }
}
