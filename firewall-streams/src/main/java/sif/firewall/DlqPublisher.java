package sif.firewall;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sif.firewall.metrics.FirewallMetrics;

/**
 * Writes dead-letter records on behalf of Kafka Streams' exception handlers. Kafka 4.1 has no
 * built-in dead-letter routing for handlers (KIP-1034's {@code errors.dead.letter.queue.topic.name}
 * arrives in a later release), so {@link FirewallApp} owns one idempotent producer and hands it to
 * the handlers through the Streams config under {@value #CONFIG_KEY}. These writes are outside the
 * exactly-once transaction: a record re-processed after a crash may reach the DLQ twice this way.
 * Records rejected by the topology itself (validate, inference) go through the transactional DLQ
 * sink instead and are exact.
 */
public final class DlqPublisher implements AutoCloseable {

    /** Streams-config key under which handlers find the publisher. */
    public static final String CONFIG_KEY = "sif.dlq.publisher";
    /** Streams-config key under which handlers find the {@link FirewallMetrics}. */
    public static final String METRICS_KEY = "sif.dlq.metrics";

    private static final Logger LOG = LoggerFactory.getLogger(DlqPublisher.class);

    /**
     * How long the producer keeps the DLQ topic's metadata between two dead letters (a year; Kafka's
     * default, 5 minutes, would make the first dead letter after a quiet spell need the broker).
     */
    static final long METADATA_IDLE_MS = Duration.ofDays(365).toMillis();

    private final String topic;
    private final Producer<byte[], byte[]> producer;
    private final int maxValueBytes;
    private volatile boolean closed;

    /** With the default {@code validation.max.record.bytes} as the most of a value a dead letter keeps. */
    public DlqPublisher(String topic, Producer<byte[], byte[]> producer) {
        this(topic, producer, FirewallConfig.defaults().maxRecordBytes());
    }

    /** @param maxValueBytes the most bytes of a value a dead letter keeps ({@link DeadLetterCut}) */
    public DlqPublisher(String topic, Producer<byte[], byte[]> producer, int maxValueBytes) {
        this.topic = Objects.requireNonNull(topic, "topic");
        this.producer = Objects.requireNonNull(producer, "producer");
        this.maxValueBytes = maxValueBytes;
    }

    /**
     * An idempotent producer to {@code config}'s DLQ topic, on the firewall's cluster with its security
     * settings. A background thread fetches the topic's metadata at once (retrying while the broker is
     * away), and the producer keeps it ({@link #METADATA_IDLE_MS}): {@code send} needs it before it can
     * queue a record, and without it a dead letter written while the broker is away would block its
     * stream thread for {@code max.block.ms} (60 s) and then be lost.
     */
    public static DlqPublisher create(FirewallConfig config) {
        DlqPublisher p = new DlqPublisher(config.dlqTopic(), new KafkaProducer<>(producerConfig(config),
                new ByteArraySerializer(), new ByteArraySerializer()), config.maxRecordBytes());
        Thread t = new Thread(p::fetchMetadata, config.applicationId() + "-dlq-metadata");
        t.setDaemon(true);
        t.start();
        return p;
    }

    private void fetchMetadata() {
        while (!closed) {
            try {
                producer.partitionsFor(topic); // waits up to max.block.ms
                LOG.debug("metadata of dead-letter topic {} fetched", topic);
                return;
            } catch (RuntimeException e) {
                if (closed) {
                    return;
                }
                LOG.info("no metadata for dead-letter topic {} yet ({}); retrying", topic, e.toString());
                try {
                    Thread.sleep(1_000);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    /**
     * The dead-letter producer's settings: the cluster's address and security
     * ({@link FirewallConfig#clusterClientConfig()}); a dead letter waits for the broker as long as
     * the firewall's own (exactly-once) outputs do ({@code delivery.timeout.ms} at its maximum, where
     * the producer's default gives up after two minutes and the record, already handled, would be
     * lost) — until {@link #close(Duration)}; and it keeps the topic's metadata between dead letters
     * ({@link #METADATA_IDLE_MS}).
     */
    static Properties producerConfig(FirewallConfig config) {
        Properties p = new Properties();
        p.putAll(config.clusterClientConfig());
        p.put(ProducerConfig.CLIENT_ID_CONFIG, config.applicationId() + "-dlq");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Integer.MAX_VALUE);
        p.put(ProducerConfig.METADATA_MAX_IDLE_CONFIG, METADATA_IDLE_MS);
        return p;
    }

    public String topic() {
        return topic;
    }

    /**
     * Sends asynchronously, the key and value cut to fit ({@link DeadLetterCut}; {@code headers} should
     * come from {@link DeadLetterCut#headers}); a failure is logged (there is nowhere further to send it).
     */
    public void publish(byte[] key, byte[] value, Headers headers) {
        byte[] k = DeadLetterCut.key(key, headers);
        byte[] v = DeadLetterCut.value(value, maxValueBytes, headers);
        producer.send(new ProducerRecord<>(topic, null, k, v, headers), (md, e) -> {
            if (e != null) {
                LOG.error("could not write a dead-letter record to {} (reason {}): {}", topic,
                        DlqHeaders.get(headers, DlqHeaders.REASON), e.toString(), e);
            }
        });
    }

    /** The publisher in a handler's {@code configure} map, or {@code null}. */
    static DlqPublisher from(Map<String, ?> configs) {
        Object o = configs.get(CONFIG_KEY);
        return o instanceof DlqPublisher p ? p : null;
    }

    static FirewallMetrics metricsFrom(Map<String, ?> configs) {
        Object o = configs.get(METRICS_KEY);
        return o instanceof FirewallMetrics m ? m : FirewallMetrics.noop();
    }

    /**
     * Sends what is pending within {@code timeout}; dead letters still unsent then (the broker away)
     * fail, each logged with its reason.
     */
    public void close(Duration timeout) {
        closed = true;
        producer.close(timeout);
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }
}
