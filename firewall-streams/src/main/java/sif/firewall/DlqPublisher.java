package sif.firewall;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TimeoutException;
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

    /** Dead letters a publisher with a sender thread holds before {@link #publish} waits for room. */
    static final int MAX_PENDING = 10_000;

    private final String topic;
    private final Producer<byte[], byte[]> producer;
    private final int maxValueBytes;
    /** Dead letters waiting for the sender thread; null for a publisher that sends on the caller's thread. */
    private final BlockingQueue<ProducerRecord<byte[], byte[]>> pending;
    private volatile Thread sender;
    private volatile boolean closed;

    /** With the default {@code validation.max.record.bytes} as the most of a value a dead letter keeps. */
    public DlqPublisher(String topic, Producer<byte[], byte[]> producer) {
        this(topic, producer, FirewallConfig.defaults().maxRecordBytes());
    }

    /** @param maxValueBytes the most bytes of a value a dead letter keeps ({@link DeadLetterCut}) */
    public DlqPublisher(String topic, Producer<byte[], byte[]> producer, int maxValueBytes) {
        this(topic, producer, maxValueBytes, false);
    }

    private DlqPublisher(String topic, Producer<byte[], byte[]> producer, int maxValueBytes, boolean withSender) {
        this.topic = Objects.requireNonNull(topic, "topic");
        this.producer = Objects.requireNonNull(producer, "producer");
        this.maxValueBytes = maxValueBytes;
        this.pending = withSender ? new LinkedBlockingQueue<>(MAX_PENDING) : null;
    }

    /**
     * A publisher whose own thread sends: {@link #publish} only queues, so a handler never waits for
     * the broker; a dead letter the producer cannot queue for want of the topic's metadata (the broker
     * away) is tried again rather than lost.
     */
    static DlqPublisher withSender(String topic, Producer<byte[], byte[]> producer, int maxValueBytes, String name) {
        DlqPublisher p = new DlqPublisher(topic, producer, maxValueBytes, true);
        Thread t = new Thread(p::run, name);
        t.setDaemon(true);
        p.sender = t;
        t.start();
        return p;
    }

    /**
     * An idempotent producer to {@code config}'s DLQ topic, on the firewall's cluster with its security
     * settings, sending on a thread of its own ({@link #withSender}). {@code send} needs the topic's
     * metadata before it can queue a record, and the producer keeps it between dead letters
     * ({@link #METADATA_IDLE_MS}). Without it, a dead letter written while the broker is away blocked the
     * handler's stream thread for {@code max.block.ms} (60 s) and was then lost; now only the sender
     * waits, and tries again.
     */
    public static DlqPublisher create(FirewallConfig config) {
        return withSender(config.dlqTopic(), new KafkaProducer<>(producerConfig(config), new ByteArraySerializer(),
                new ByteArraySerializer()), config.maxRecordBytes(), config.applicationId() + "-dlq");
    }

    /** The sender thread: each queued dead letter, until closed and drained. */
    private void run() {
        while (true) {
            ProducerRecord<byte[], byte[]> r;
            try {
                r = pending.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (r == null) {
                if (closed) {
                    return;
                }
                continue;
            }
            try {
                send(r);
            } catch (RuntimeException e) { // the producer closed while this send waited for metadata
                lost(r, e);
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
     * With a sender thread ({@link #create}) this only queues (waiting only when {@link #MAX_PENDING}
     * dead letters are queued already).
     */
    public void publish(byte[] key, byte[] value, Headers headers) {
        byte[] k = DeadLetterCut.key(key, headers);
        byte[] v = DeadLetterCut.value(value, maxValueBytes, headers);
        ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic, null, k, v, headers);
        if (pending == null) {
            send(r);
            return;
        }
        try {
            pending.put(r);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            lost(r, e);
        }
    }

    private void send(ProducerRecord<byte[], byte[]> r) {
        producer.send(r, (md, e) -> {
            if (e == null) {
                return;
            }
            if (pending != null && !closed && e instanceof TimeoutException && e.getMessage() != null
                    && e.getMessage().contains("not present in metadata")) {
                // nothing was queued: the producer waited max.block.ms for the topic's metadata (the broker away)
                LOG.warn("dead letter to {} (reason {}) waits for the topic's metadata: {}", topic,
                        DlqHeaders.get(r.headers(), DlqHeaders.REASON), e.getMessage());
                if (!pending.offer(r)) {
                    lost(r, e);
                }
                return;
            }
            lost(r, e);
        });
    }

    private void lost(ProducerRecord<byte[], byte[]> r, Exception e) {
        LOG.error("could not write a dead-letter record to {} (reason {}): {}", topic,
                DlqHeaders.get(r.headers(), DlqHeaders.REASON), e.toString(), e);
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
        long deadline = System.nanoTime() + timeout.toNanos();
        closed = true;
        Thread t = sender;
        if (t != null) {
            try {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        producer.close(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        if (pending != null && !pending.isEmpty()) {
            LOG.error("{} dead letter(s) for {} never reached the producer before close (the broker away): lost",
                    pending.size(), topic);
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }
}
