package sif.firewall;

import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sif.firewall.metrics.FirewallMetrics;
import sif.schemas.avro.Verdict;

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
        Headers h = new RecordHeaders(original == null ? new org.apache.kafka.common.header.Header[0] : original.toArray());
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
            LOG.warn("cannot deserialize record {}-{}@{} at {}: {}; sent to the dead-letter topic", record.topic(),
                    record.partition(), record.offset(), context.processorNodeId(), exception.toString());
            // flows are decoded by the validate step (their source reads bytes): what fails here is a
            // control record (identity event, unblock), not a flow, and is counted apart
            metrics.controlDeadLetter(record.topic());
            publish(record.key(), record.value(), headers(record.headers(), DlqReason.DESERIALIZATION_ERROR, exception,
                    "source", record.topic(), record.partition(), record.offset()));
            return DeserializationHandlerResponse.CONTINUE;
        }
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
     */
    public static final class Processing extends DeadLetters implements ProcessingExceptionHandler {
        @Override
        public ProcessingHandlerResponse handle(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
            String decided = decidedFlowId(record);
            if (decided != null) {
                LOG.error("processor {} failed on the verdict of flow {}, which is decided and routed; what the step "
                                + "derives from it (an alert document, a blocklist entry) is missing; nothing is "
                                + "dead-lettered", context.processorNodeId(), decided, exception);
                metrics.verdictStepFailure(context.processorNodeId());
                return ProcessingHandlerResponse.CONTINUE;
            }
            LOG.error("processor {} failed on record {}-{}@{}; its source record goes to the dead-letter topic",
                    context.processorNodeId(), context.topic(), context.partition(), context.offset(), exception);
            metrics.dlq(DlqReason.PROCESSING_ERROR);
            if (context.sourceRawValue() != null) {
                publish(context.sourceRawKey(), context.sourceRawValue(), headers(context.headers(),
                        DlqReason.PROCESSING_ERROR, exception, context.processorNodeId(), context.topic(),
                        context.partition(), context.offset()));
            }
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
     * An output record could not be serialized or was refused by the broker for what it is (too
     * large, invalid): it goes to the dead-letter topic and processing continues. A retriable error
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

        @Override
        public void configure(Map<String, ?> configs) {
            super.configure(configs);
            topicCheck = TopicCheck.from(configs);
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
            LOG.error("broker refused a record for {} ({}); original input {}-{}@{} goes to the dead-letter topic",
                    record.topic(), exception.toString(), context.topic(), context.partition(), context.offset());
            toDlq(context, record.topic(), exception);
            return ProductionExceptionHandlerResponse.CONTINUE;
        }

        @Override
        @SuppressWarnings("rawtypes")
        public ProductionExceptionHandlerResponse handleSerializationException(ErrorHandlerContext context,
                ProducerRecord record, Exception exception, SerializationExceptionOrigin origin) {
            LOG.error("cannot serialize the {} of a record for {}: {}; original input {}-{}@{} goes to the "
                            + "dead-letter topic", origin, record.topic(), exception.toString(), context.topic(),
                    context.partition(), context.offset(), exception);
            toDlq(context, record.topic(), exception);
            return ProductionExceptionHandlerResponse.CONTINUE;
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

        private void toDlq(ErrorHandlerContext context, String outputTopic, Exception exception) {
            metrics.dlq(DlqReason.PRODUCTION_ERROR);
            if (noDlqFor(outputTopic) || context.sourceRawValue() == null) {
                return; // nowhere better to send it: already logged
            }
            publish(context.sourceRawKey(), context.sourceRawValue(), headers(context.headers(),
                    DlqReason.PRODUCTION_ERROR, exception, "sink:" + outputTopic, context.topic(),
                    context.partition(), context.offset()));
        }
    }
}
