package sif.firewall;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static sif.firewall.TestFlows.T0;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler.ProductionExceptionHandlerResponse;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.processor.TaskId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sif.firewall.metrics.FirewallMetrics;
import sif.firewall.metrics.PrometheusFirewallMetrics;
import sif.schemas.avro.NetworkFlow;
import sif.schemas.avro.Verdict;
import sif.schemas.serde.AvroSerdes;

/**
 * Failures on one record send that record to the dead-letter topic and processing goes on: a policy
 * that throws (caught by the policy node, through the topology's DLQ sink, with or without pipelined
 * inference), and any other processor that throws before the verdict (Kafka Streams' processing
 * exception handler, through the DLQ publisher); a step failing on a decided flow's verdict (an
 * after-policy extension, which runs beside the routing) is counted, not dead-lettered. And
 * what the production handler does with each kind of send error.
 */
class DlqExceptionHandlersTest {

    @TempDir
    Path stateDir;

    private static final NetworkFlow BAD = TestFlows.flow("boom", "10.7.0.66", T0, 500, 5);
    private static final NetworkFlow FINE = TestFlows.flow("fine", "10.7.0.1", T0, 500, 5);

    @Test
    void aPolicyFailureSendsTheOriginalRecordToTheDlqTopicAndProcessingContinues() {
        for (String pipelined : List.of("false", "true")) {
            FirewallConfig config = FirewallConfig.of(Map.of(FirewallConfig.BATCH_SIZE, "1",
                    FirewallConfig.INFERENCE_PIPELINED, pipelined));
            RuleClassifier classifier = new RuleClassifier();
            Policy failing = in -> {
                if (in.srcIp().equals("10.7.0.66")) {
                    throw new IllegalStateException("policy bug for " + in.srcIp());
                }
                return new ThresholdPolicy(0.85, "BENIGN").decide(in);
            };
            var metrics = FirewallMetrics.prometheus(classifier.info().classNames());
            Properties props = FirewallApp.streamsProperties(config);
            props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.resolve(pipelined).toString());
            try (metrics) {
                Piped r = pipeBadThenFine(FirewallTopology.buildTopology(config, classifier, failing,
                        FirewallExtensions.defaults().withMetrics(metrics)), props, 1);
                assertEquals(List.of("fine"), r.allowed(), "pipelined=" + pipelined);
                var dead = r.dlq();
                assertEquals(1, dead.size(), "pipelined=" + pipelined);
                assertArrayEquals(TestFlows.bytes(BAD), dead.get(0).value(), "the flow's original bytes");
                assertEquals(DlqReason.POLICY_FAILED, DlqHeaders.get(dead.get(0).headers(), DlqHeaders.REASON));
                assertEquals(PolicyProcessor.STAGE, DlqHeaders.get(dead.get(0).headers(), DlqHeaders.STAGE));
                assertEquals("flows", DlqHeaders.get(dead.get(0).headers(), DlqHeaders.SOURCE_TOPIC));
                assertEquals("0", DlqHeaders.get(dead.get(0).headers(), DlqHeaders.SOURCE_OFFSET));
                assertEquals(IllegalStateException.class.getName(),
                        DlqHeaders.get(dead.get(0).headers(), DlqHeaders.EXCEPTION));
                var counts = metrics.snapshot();
                assertEquals(2, counts.flowsIn());
                assertEquals(counts.flowsIn(), counts.allowed() + counts.blocked() + counts.alerts() + counts.dlq(),
                        "every flow counted once");
            }
        }
    }

    /**
     * A verdict larger than {@code verdict.max.bytes} is found in the policy step: its own flow goes to
     * the DLQ through the topology's sink, with its original bytes, and is not counted as a verdict.
     * Before, the broker's refusal reached the production handler, which dead-lettered the stream
     * thread's source record (with pipelined inference another flow, or none) and counted the flow twice.
     */
    @Test
    void aVerdictTooLargeToWriteSendsItsOwnFlowToTheDlqAndIsNotCountedAsAVerdict() {
        NetworkFlow huge = TestFlows.flow("boom-" + "x".repeat(1000), "10.7.0.66", T0, 500, 5); // 1,005 chars: valid
        for (String pipelined : List.of("false", "true")) {
            FirewallConfig config = FirewallConfig.of(Map.of(FirewallConfig.BATCH_SIZE, "1",
                    FirewallConfig.INFERENCE_PIPELINED, pipelined, FirewallConfig.VERDICT_MAX_BYTES, "1000"));
            RuleClassifier classifier = new RuleClassifier();
            MockProducer<byte[], byte[]> producer = dlqProducer();
            var metrics = FirewallMetrics.prometheus(classifier.info().classNames());
            Properties props = withHandlers(config, stateDir.resolve(pipelined), producer, metrics);
            try (metrics) {
                Piped r = pipe(FirewallTopology.buildTopology(config, classifier, new ThresholdPolicy(0.85, "BENIGN"),
                        FirewallExtensions.defaults().withMetrics(metrics)), props, 1, huge, FINE);
                assertEquals(List.of("fine"), r.allowed(), "pipelined=" + pipelined);
                assertEquals(1, r.dlq().size(), "pipelined=" + pipelined);
                Headers h = r.dlq().get(0).headers();
                assertArrayEquals(TestFlows.bytes(huge), r.dlq().get(0).value(), "the flow's own original bytes");
                assertEquals(DlqReason.VERDICT_UNWRITABLE, DlqHeaders.get(h, DlqHeaders.REASON));
                assertEquals(huge.getFlowId().substring(0, Rejected.MAX_ID_CHARS) + "...(1005 chars)",
                        DlqHeaders.get(h, DlqHeaders.FLOW_ID), "a long id abbreviated");
                assertEquals("0", DlqHeaders.get(h, DlqHeaders.SOURCE_OFFSET));
                String detail = DlqHeaders.get(h, DlqHeaders.DETAIL);
                assertTrue(detail.contains("verdict.max.bytes=1000") && detail.contains("flows.allowed"), detail);
                assertEquals(List.of(), producer.history(), "nothing left to the handlers");
                var counts = metrics.snapshot();
                assertEquals(2, counts.flowsIn());
                assertEquals(1, counts.allowed() + counts.blocked() + counts.alerts(), "one verdict");
                assertEquals(1, counts.dlq());
                assertEquals(0, metrics.outputsRefused());
            }
        }
    }

    @Test
    void aStepFailingOnADecidedFlowsVerdictIsCountedNotDeadLettered() {
        // before session 13 the handler sent the stream thread's source record to the DLQ: the failing
        // flow's own bytes without pipelining (a flow both routed and dead-lettered), another flow's
        // bytes or none with it
        for (String pipelined : List.of("false", "true")) {
            FirewallConfig config = FirewallConfig.of(Map.of(FirewallConfig.BATCH_SIZE, "1",
                    FirewallConfig.INFERENCE_PIPELINED, pipelined));
            RuleClassifier classifier = new RuleClassifier();
            AfterPolicy failing = (builder, verdicts, cfg, stamps) -> verdicts.peek((k, v) -> {
                if (v.getSrcIp().equals("10.7.0.66")) {
                    throw new IllegalStateException("extension bug for " + v.getSrcIp());
                }
            }, Named.as("failing-extension"));
            MockProducer<byte[], byte[]> producer = dlqProducer();
            var metrics = FirewallMetrics.prometheus(classifier.info().classNames());
            Properties props = withHandlers(config, stateDir.resolve(pipelined), producer, metrics);
            try (metrics) {
                Piped r = pipeBadThenFine(FirewallTopology.buildTopology(config, classifier,
                        new ThresholdPolicy(0.85, "BENIGN"),
                        FirewallExtensions.defaults().withMetrics(metrics).withAfterPolicy(failing)), props, 2);

                // the extension sits beside the routing: the failing flow's verdict was routed, the next flow's too
                assertEquals(List.of("boom", "fine"), r.allowed(), "pipelined=" + pipelined);
                assertEquals(List.of(), producer.history(), "nothing dead-lettered by the handler, pipelined=" + pipelined);
                assertEquals(List.of(), r.dlq(), "nor by the topology");
                assertEquals(1, metrics.verdictStepFailures(), "pipelined=" + pipelined);
                var counts = metrics.snapshot();
                assertEquals(2, counts.flowsIn());
                assertEquals(counts.flowsIn(), counts.allowed() + counts.blocked() + counts.alerts() + counts.dlq(),
                        "every flow counted once, pipelined=" + pipelined);
            }
        }
    }

    @Test
    void theProcessingHandlerDeadLettersTheSourceRecordOfAFailureBeforeTheVerdict() {
        MockProducer<byte[], byte[]> producer = dlqProducer();
        DlqExceptionHandlers.Processing handler = new DlqExceptionHandlers.Processing();
        PrometheusFirewallMetrics metrics = configure(handler, producer, Map.of());
        byte[] raw = TestFlows.bytes(BAD);
        ErrorHandlerContext context = context("flows", 7, "some-step", "10.7.0.66".getBytes(StandardCharsets.UTF_8), raw);
        var record = new org.apache.kafka.streams.processor.api.Record<>("10.7.0.66", "not a verdict", T0);
        assertEquals(org.apache.kafka.streams.errors.ProcessingExceptionHandler.ProcessingHandlerResponse.CONTINUE,
                handler.handle(context, record, new IllegalStateException("bug")));
        assertEquals(1, producer.history().size());
        assertArrayEquals(raw, producer.history().get(0).value());
        assertEquals(DlqReason.PROCESSING_ERROR, DlqHeaders.get(producer.history().get(0).headers(), DlqHeaders.REASON));
        assertEquals("some-step", DlqHeaders.get(producer.history().get(0).headers(), DlqHeaders.STAGE));
        assertEquals(1, metrics.snapshot().dlq());
        assertEquals(0, metrics.verdictStepFailures());
        // a blocklist command of a verdict is past the verdict; an operator's unblock is a record of its own
        var block = new org.apache.kafka.streams.processor.api.Record<>("10.7.0.66",
                new sif.firewall.trust.BlockCommand("10.7.0.66", sif.firewall.trust.BlockCommand.Kind.BLOCK, "boom",
                        "r", T0), T0);
        handler.handle(context, block, new IllegalStateException("bug"));
        assertEquals(1, producer.history().size());
        assertEquals(1, metrics.verdictStepFailures());
        handler.handle(context, block.withValue(sif.firewall.trust.BlockCommand.unblock("10.7.0.66")),
                new IllegalStateException("bug"));
        assertEquals(2, producer.history().size());
    }

    /**
     * A flow re-keyed through the repartition topic that a later step fails on: its dead letter names
     * the input record it came from (topic, partition, offset, key), not the repartition topic's.
     */
    @Test
    void theProcessingHandlerNamesTheInputRecordOfAReKeyedFlow() {
        MockProducer<byte[], byte[]> producer = dlqProducer();
        DlqExceptionHandlers.Processing handler = new DlqExceptionHandlers.Processing();
        configure(handler, producer, Map.of());
        byte[] raw = TestFlows.bytes(BAD);
        Headers travelled = Misrouted.headers(new RecordHeaders(), "the-producers-key", "flows", 3, 42);
        ErrorHandlerContext context = context("app-flows-by-source-repartition", 7, "some-step",
                "10.7.0.66".getBytes(StandardCharsets.UTF_8), raw, travelled);
        handler.handle(context, new org.apache.kafka.streams.processor.api.Record<>("10.7.0.66", "x", T0),
                new IllegalStateException("bug"));
        var dead = producer.history().get(0);
        assertEquals("the-producers-key", new String(dead.key(), StandardCharsets.UTF_8));
        assertArrayEquals(raw, dead.value());
        assertEquals("flows", DlqHeaders.get(dead.headers(), DlqHeaders.SOURCE_TOPIC));
        assertEquals("3", DlqHeaders.get(dead.headers(), DlqHeaders.SOURCE_PARTITION));
        assertEquals("42", DlqHeaders.get(dead.headers(), DlqHeaders.SOURCE_OFFSET));
        // the same headers on a record of any other topic are not believed
        handler.handle(context("flows", 7, "some-step", "10.7.0.66".getBytes(StandardCharsets.UTF_8), raw, travelled),
                new org.apache.kafka.streams.processor.api.Record<>("10.7.0.66", "x", T0), new IllegalStateException("bug"));
        var other = producer.history().get(1);
        assertEquals("10.7.0.66", new String(other.key(), StandardCharsets.UTF_8));
        assertEquals("flows", DlqHeaders.get(other.headers(), DlqHeaders.SOURCE_TOPIC));
        assertEquals("0", DlqHeaders.get(other.headers(), DlqHeaders.SOURCE_PARTITION));
        assertEquals("7", DlqHeaders.get(other.headers(), DlqHeaders.SOURCE_OFFSET));
    }

    /**
     * The error of an earlier send, raised by the record collector at the next send (here after the
     * production handler chose to fail on a verdict the broker refused), is Kafka Streams' own: going
     * on would clear it and dead-letter a flow that was not at fault. The handler fails; nothing is
     * dead-lettered or counted.
     */
    @Test
    void theProcessingHandlerFailsOnKafkaStreamsOwnErrors() {
        MockProducer<byte[], byte[]> producer = dlqProducer();
        DlqExceptionHandlers.Processing handler = new DlqExceptionHandlers.Processing();
        PrometheusFirewallMetrics metrics = configure(handler, producer, Map.of());
        ErrorHandlerContext context = context("flows", 7, "route-alerts", "10.7.0.66".getBytes(StandardCharsets.UTF_8),
                TestFlows.bytes(BAD));
        var record = new org.apache.kafka.streams.processor.api.Record<>("10.7.0.66", "a decided flow", T0);
        var earlierSend = new org.apache.kafka.streams.errors.StreamsException("Error encountered sending record to "
                + "topic blocked for task 0_0 due to: RecordTooLargeException. Exception handler choose to FAIL the "
                + "processing, no more records would be sent.",
                new org.apache.kafka.common.errors.RecordTooLargeException("too large"));
        assertEquals(org.apache.kafka.streams.errors.ProcessingExceptionHandler.ProcessingHandlerResponse.FAIL,
                handler.handle(context, record, earlierSend));
        assertEquals(0, producer.history().size());
        assertEquals(0, metrics.snapshot().dlq());
    }

    /**
     * The schema registry away (registry mode) is nobody's record's fault: neither handler dead-letters
     * for it, both stop the thread. An identity event skipped for it could have been a revocation.
     */
    @Test
    void aRegistryOutageIsNeverADeadLetter() {
        MockProducer<byte[], byte[]> producer = dlqProducer();
        DlqExceptionHandlers.Deserialization deser = new DlqExceptionHandlers.Deserialization();
        DlqExceptionHandlers.Processing processing = new DlqExceptionHandlers.Processing();
        PrometheusFirewallMetrics metrics = configure(deser, producer, Map.of());
        configure(processing, producer, Map.of()).close();
        var outage = new sif.schemas.serde.RegistryUnavailableException("registry deserialization of IdentityEvent "
                + "from topic identity failed: registry unavailable: ConnectException", null);
        byte[] framed = {0, 0, 0, 0, 42, 2, 4};
        var record = new org.apache.kafka.clients.consumer.ConsumerRecord<>("identity", 0, 3L,
                "spiffe://x".getBytes(StandardCharsets.UTF_8), framed);
        assertEquals(org.apache.kafka.streams.errors.DeserializationExceptionHandler.DeserializationHandlerResponse.FAIL,
                deser.handle(context("identity", 3, "identity-source", record.key(), framed), record, outage));
        ErrorHandlerContext context = context("flows", 7, "validate", "10.7.0.66".getBytes(StandardCharsets.UTF_8),
                framed);
        assertEquals(org.apache.kafka.streams.errors.ProcessingExceptionHandler.ProcessingHandlerResponse.FAIL,
                processing.handle(context, new org.apache.kafka.streams.processor.api.Record<>("10.7.0.66", framed, T0),
                        new RuntimeException("wrapped", outage)));
        assertEquals(0, producer.history().size());
        assertEquals(0, metrics.snapshot().dlq());
        metrics.close();
    }

    /** An undecodable control record (here an identity event) is a dead letter, but not a flow's. */
    @Test
    void anUndecodableControlRecordIsDeadLetteredAndCountedApartFromFlows() {
        MockProducer<byte[], byte[]> producer = dlqProducer();
        DlqExceptionHandlers.Deserialization handler = new DlqExceptionHandlers.Deserialization();
        PrometheusFirewallMetrics metrics = configure(handler, producer, Map.of());
        byte[] garbage = "not an identity event".getBytes(StandardCharsets.UTF_8);
        var record = new org.apache.kafka.clients.consumer.ConsumerRecord<>("identity", 0, 3L,
                "spiffe://x".getBytes(StandardCharsets.UTF_8), garbage);
        ErrorHandlerContext context = context("identity", 3, "identity-source", record.key(), garbage);
        assertEquals(org.apache.kafka.streams.errors.DeserializationExceptionHandler.DeserializationHandlerResponse
                .CONTINUE, handler.handle(context, record, new org.apache.kafka.common.errors.SerializationException(
                        "unknown schema fingerprint")));
        assertEquals(1, producer.history().size());
        assertArrayEquals(garbage, producer.history().get(0).value());
        assertEquals(DlqReason.DESERIALIZATION_ERROR, DlqHeaders.get(producer.history().get(0).headers(),
                DlqHeaders.REASON));
        assertEquals(0, metrics.snapshot().dlq(), "no flow was dead-lettered");
        assertEquals(1.0, metrics.registry().get("sif.control.dead.letters").tag("topic", "identity").counter().count());

        // one near the broker's limit: its dead letter keeps the first bytes and says so, so that it fits
        byte[] huge = new byte[1_000_000];
        var big = new org.apache.kafka.clients.consumer.ConsumerRecord<>("identity", 0, 4L, new byte[10_000], huge);
        big.headers().add("trace", new byte[70_000]);
        handler.handle(context("identity", 4, "identity-source", big.key(), huge), big,
                new org.apache.kafka.common.errors.SerializationException("unknown schema fingerprint"));
        var dead = producer.history().get(1);
        assertEquals(FirewallConfig.defaults().maxRecordBytes(), dead.value().length);
        assertEquals("1000000", DlqHeaders.get(dead.headers(), DlqHeaders.VALUE_TRUNCATED_FROM));
        assertEquals(4 * DeadLetterCut.MAX_KEY_CHARS, dead.key().length);
        assertEquals("1", DlqHeaders.get(dead.headers(), DlqHeaders.HEADERS_DROPPED));
        assertEquals(DlqReason.DESERIALIZATION_ERROR, DlqHeaders.get(dead.headers(), DlqHeaders.REASON));
        metrics.close();
    }

    /**
     * The production handler by kind of error: the broker away (a retriable error) is retried by
     * Kafka Streams, a record the broker refuses goes to the dead-letter topic, anything else fails.
     */
    @Test
    void productionErrorsAreRetriedDeadLetteredOrFatalByKind() {
        MockProducer<byte[], byte[]> producer = dlqProducer();
        DlqExceptionHandlers.Production handler = new DlqExceptionHandlers.Production();
        Map<String, TopicCheck.Answer> cluster = Map.of("flows.blocked", TopicCheck.Answer.EXISTS,
                "flows.blocked-typo", TopicCheck.Answer.MISSING, "flows.away", TopicCheck.Answer.NO_ANSWER);
        PrometheusFirewallMetrics metrics = configure(handler, producer,
                Map.of(TopicCheck.CONFIG_KEY, TopicCheck.of(cluster::get), DlqExceptionHandlers.VerdictTopics.CONFIG_KEY,
                        DlqExceptionHandlers.VerdictTopics.of(FirewallConfig.defaults(), VerdictLimit.of(FirewallConfig.defaults()))));
        byte[] input = TestFlows.bytes(BAD);
        ErrorHandlerContext context = context("flows", 7, "route-blocked",
                "10.7.0.66".getBytes(StandardCharsets.UTF_8), input);
        byte[] verdictBytes = AvroSerdes.singleObject(Verdict.class).serializer().serialize("flows.blocked",
                verdict("v-1"));
        ProducerRecord<byte[], byte[]> verdict = new ProducerRecord<>("flows.blocked",
                "10.7.0.66".getBytes(StandardCharsets.UTF_8), verdictBytes);

        assertEquals(ProductionExceptionHandlerResponse.RETRY, handler.handle(context, verdict,
                new TimeoutException("Expiring 4 record(s) for flows.blocked-0: 120000 ms has passed")));
        assertEquals(ProductionExceptionHandlerResponse.RETRY, handler.handle(context, verdict,
                new NotEnoughReplicasException("not enough replicas")));
        assertEquals(List.of(), producer.history(), "a retried record is not a dead letter");
        assertEquals(2.0, metrics.registry().get("sif.production.retries").counter().count());
        assertEquals(0, metrics.snapshot().dlq());

        // a verdict the broker refuses (its topic takes less than verdict.max.bytes): the verdict itself goes
        // to the DLQ with its flow id, not the stream thread's source record (with pipelining another flow)
        assertEquals(ProductionExceptionHandlerResponse.CONTINUE, handler.handle(context, verdict,
                new RecordTooLargeException("too large")));
        assertEquals(1, producer.history().size());
        ProducerRecord<byte[], byte[]> dead = producer.history().get(0);
        assertArrayEquals(verdict.key(), dead.key());
        assertArrayEquals(verdict.value(), dead.value(), "the verdict's bytes");
        assertEquals(DlqReason.PRODUCTION_ERROR, DlqHeaders.get(dead.headers(), DlqHeaders.REASON));
        assertEquals("v-1", DlqHeaders.get(dead.headers(), DlqHeaders.FLOW_ID));
        assertEquals("sink:flows.blocked", DlqHeaders.get(dead.headers(), DlqHeaders.STAGE));
        // another output the broker refuses (a SIEM document): counted, and its flow (routed) is not a dead letter
        assertEquals(ProductionExceptionHandlerResponse.CONTINUE, handler.handle(context,
                new ProducerRecord<>("alerts", new byte[] {1}, new byte[] {2}), new RecordTooLargeException("too large")));
        assertEquals(1, producer.history().size());
        assertEquals(2, metrics.outputsRefused());
        assertEquals(0, metrics.snapshot().dlq(), "no flow counted twice");
        // under exactly-once a refused record fails its transaction and would be refused again: the
        // firewall stops (going on dead-lettered the transaction's other verdicts too, on a real broker)
        DlqExceptionHandlers.Production eos = new DlqExceptionHandlers.Production();
        MockProducer<byte[], byte[]> eosDlq = dlqProducer();
        try (PrometheusFirewallMetrics eosMetrics = configure(eos, eosDlq, Map.of(
                StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2,
                DlqExceptionHandlers.VerdictTopics.CONFIG_KEY,
                DlqExceptionHandlers.VerdictTopics.of(FirewallConfig.defaults(), VerdictLimit.of(FirewallConfig.defaults()))))) {
            assertEquals(ProductionExceptionHandlerResponse.FAIL, eos.handle(context, verdict,
                    new RecordTooLargeException("too large")));
            assertEquals(List.of(), eosDlq.history());
            assertEquals(1, eosMetrics.outputsRefused());
            assertEquals(ProductionExceptionHandlerResponse.RETRY, eos.handle(context, verdict,
                    new NotEnoughReplicasException("not enough replicas")), "retriable: retried as before");
        }

        // not about the record, and not passing by itself: fail (authorization errors never get here:
        // Kafka Streams treats them as fatal before asking the handler)
        assertEquals(ProductionExceptionHandlerResponse.FAIL, handler.handle(context, verdict,
                new UnsupportedVersionException("the broker does not support this request")));
        // "not present in metadata": a topic the cluster says it does not know fails (waiting will not
        // create it); one it knows, or no answer (the broker away), is retried
        assertEquals(ProductionExceptionHandlerResponse.FAIL, handler.handle(context,
                new ProducerRecord<>("flows.blocked-typo", new byte[] {1}, new byte[] {2}),
                new TimeoutException("Topic flows.blocked-typo not present in metadata after 60000 ms.")));
        assertEquals(ProductionExceptionHandlerResponse.RETRY, handler.handle(context, verdict,
                new TimeoutException("Topic flows.blocked not present in metadata after 60000 ms.")));
        assertEquals(ProductionExceptionHandlerResponse.RETRY, handler.handle(context,
                new ProducerRecord<>("flows.away", new byte[] {1}, new byte[] {2}),
                new TimeoutException("Topic flows.away not present in metadata after 60000 ms.")));
        assertEquals(1, producer.history().size());
        assertEquals(0, metrics.snapshot().dlq());
        assertEquals(4.0, metrics.registry().get("sif.production.retries").counter().count());
        metrics.close();
    }

    /** A BLOCK verdict with flow id {@code id}. */
    private static Verdict verdict(String id) {
        return Verdict.newBuilder().setFlowId(id).setSrcIp("10.7.0.66").setSrcPort(40000).setDstIp("192.168.10.50")
                .setDstPort(80).setProtocol(6).setEventTimeMs(T0).setDecision(sif.schemas.avro.Decision.BLOCK)
                .setPredictedClass("DDoS").setConfidence(0.97).setProbabilities(Map.of("DDoS", 0.97))
                .setModelVersion("m1").setReasons(List.of("model:DDoS")).setIdentityStatus(
                        sif.schemas.avro.IdentityStatus.UNKNOWN).setSuppressed(false).build();
    }

    /** The context Kafka Streams hands a handler: where the failing record came from (partition 0). */
    private static ErrorHandlerContext context(String topic, long offset, String node, byte[] key, byte[] value) {
        return context(topic, offset, node, key, value, new RecordHeaders());
    }

    private static ErrorHandlerContext context(String topic, long offset, String node, byte[] key, byte[] value,
                                               Headers headers) {
        return new ErrorHandlerContext() {
            @Override public String topic() { return topic; }
            @Override public int partition() { return 0; }
            @Override public long offset() { return offset; }
            @Override public Headers headers() { return headers; }
            @Override public String processorNodeId() { return node; }
            @Override public TaskId taskId() { return new TaskId(0, 0); }
            @Override public long timestamp() { return T0; }
            @Override public byte[] sourceRawKey() { return key; }
            @Override public byte[] sourceRawValue() { return value; }
        };
    }

    /** What a topology made of BAD then FINE: the allowed flows' ids and the DLQ topic's records. */
    private record Piped(List<String> allowed, List<TestRecord<String, byte[]>> dlq) {}

    /**
     * Pipes BAD then FINE through {@code topology} and advances the wall clock until {@code allowed}
     * verdicts are out (pipelined: the batches complete on the inference thread, the punctuator
     * forwards them), at most 2 s.
     */
    private static Piped pipeBadThenFine(org.apache.kafka.streams.Topology topology, Properties props, int allowed) {
        return pipe(topology, props, allowed, BAD, FINE);
    }

    /** Pipes {@code first} then {@code second} (each keyed by its source) through {@code topology}, as above. */
    private static Piped pipe(org.apache.kafka.streams.Topology topology, Properties props, int allowed,
                              NetworkFlow first, NetworkFlow second) {
        try (TopologyTestDriver driver = new TopologyTestDriver(topology, props, Instant.ofEpochMilli(T0 + 86_400_000L))) {
            var in = driver.createInputTopic("flows", Serdes.String().serializer(), Serdes.ByteArray().serializer());
            var allowedTopic = driver.createOutputTopic("flows.allowed", Serdes.String().deserializer(),
                    AvroSerdes.singleObject(Verdict.class).deserializer());
            var dlq = driver.createOutputTopic("flows.dlq", Serdes.String().deserializer(),
                    Serdes.ByteArray().deserializer());
            in.pipeInput(first.getSrcIp(), TestFlows.bytes(first), T0);
            in.pipeInput(second.getSrcIp(), TestFlows.bytes(second), T0);
            List<String> ids = new java.util.ArrayList<>();
            for (int i = 0; i < 100 && ids.size() < allowed; i++) {
                allowedTopic.readValuesToList().forEach(v -> ids.add(v.getFlowId()));
                driver.advanceWallClockTime(java.time.Duration.ofMillis(20));
            }
            allowedTopic.readValuesToList().forEach(v -> ids.add(v.getFlowId()));
            return new Piped(ids, dlq.readRecordsToList());
        }
    }

    /** Streams properties of {@code config} whose handlers publish dead letters to {@code producer}. */
    private static Properties withHandlers(FirewallConfig config, Path state, MockProducer<byte[], byte[]> producer,
                                           FirewallMetrics metrics) {
        Properties props = FirewallApp.streamsProperties(config);
        props.put(StreamsConfig.STATE_DIR_CONFIG, state.toString());
        props.put(DlqPublisher.CONFIG_KEY, new DlqPublisher("flows.dlq", producer));
        props.put(DlqPublisher.METRICS_KEY, metrics);
        return props;
    }

    /** Configures {@code handler} with a DLQ publisher on {@code producer}, new metrics (returned) and {@code more}. */
    private static PrometheusFirewallMetrics configure(org.apache.kafka.common.Configurable handler,
                                                       MockProducer<byte[], byte[]> producer, Map<String, Object> more) {
        PrometheusFirewallMetrics metrics = FirewallMetrics.prometheus(List.of("BENIGN", "DDoS"));
        Map<String, Object> configs = new java.util.HashMap<>(more);
        configs.put(DlqPublisher.CONFIG_KEY, new DlqPublisher("flows.dlq", producer));
        configs.put(DlqPublisher.METRICS_KEY, metrics);
        handler.configure(configs);
        return metrics;
    }

    /** The dead-letter producer the handlers publish to: every send succeeds at once and is kept. */
    private static MockProducer<byte[], byte[]> dlqProducer() {
        return new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    }
}
