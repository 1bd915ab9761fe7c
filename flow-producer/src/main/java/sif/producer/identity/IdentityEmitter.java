package sif.producer.identity;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sif.flows.FlowRecord;
import sif.producer.FlowReplayer;
import sif.schemas.avro.IdentityEvent;
import sif.schemas.avro.IdentityEventType;
import sif.schemas.serde.AvroSerdes;

/**
 * Produces the SIMULATED identity events an {@link IdentitySchedule} asks for before each flow
 * ({@code ./sif replay --identities}): Avro {@link IdentityEvent} to the identity topic, keyed by
 * principal, record timestamp = the event's time. Install with {@link
 * FlowReplayer#beforeEachFlow(Consumer)}.
 *
 * <p>Ordering: when a batch holds an ISSUED event (a host's first identity), the producer is flushed
 * before the flow is sent, so the identity is acknowledged before the host's first flow is even
 * sent. ROTATED events are sent without waiting: they precede the flow in send order and in event
 * time, and a rotation that arrived a little late still finds the host fresh (4 min &lt; 5 min).
 *
 * <p>An emitter made by {@link #create} owns its producer and closes it in {@link #close()}.
 */
public final class IdentityEmitter implements Consumer<FlowRecord>, AutoCloseable {

    public static final String SENT_METRIC = "sif_producer_identity_sent_total";
    public static final String ERRORS_METRIC = "sif_producer_identity_errors_total";

    private static final Logger LOG = LoggerFactory.getLogger(IdentityEmitter.class);
    private static final int SAMPLES = 10;

    private final Producer<String, IdentityEvent> producer;
    private final boolean ownsProducer;
    private final String topic;
    private final IdentitySchedule schedule;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final Map<IdentityEventType, AtomicLong> byType = new EnumMap<>(IdentityEventType.class);

    /** An emitter on a caller-owned producer. */
    public IdentityEmitter(Producer<String, IdentityEvent> producer, String topic, IdentitySchedule schedule) {
        this(producer, false, topic, schedule);
    }

    private IdentityEmitter(Producer<String, IdentityEvent> producer, boolean ownsProducer, String topic,
                            IdentitySchedule schedule) {
        this.producer = Objects.requireNonNull(producer, "producer");
        this.ownsProducer = ownsProducer;
        this.topic = Objects.requireNonNull(topic, "topic");
        this.schedule = Objects.requireNonNull(schedule, "schedule");
        for (IdentityEventType t : IdentityEventType.values()) {
            byType.put(t, new AtomicLong());
        }
    }

    /**
     * An emitter with its own idempotent producer from {@code config} (the replay's producer
     * settings, client id {@code sif-replay-identity}; {@code schema.registry.url} selects registry
     * mode for the value serde).
     */
    public static IdentityEmitter create(Map<String, ?> config, String topic, IdentitySchedule schedule) {
        Map<String, Object> props = FlowReplayer.producerConfig(config);
        Object clientId = props.get(ProducerConfig.CLIENT_ID_CONFIG);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId + "-identity");
        Producer<String, IdentityEvent> producer = new KafkaProducer<>(props, new StringSerializer(),
                AvroSerdes.serde(IdentityEvent.class, config, false).serializer());
        return new IdentityEmitter(producer, true, topic, schedule);
    }

    /** Produces the events due before {@code flow}. Called on the replaying thread. */
    @Override
    public void accept(FlowRecord flow) {
        List<sif.trust.IdentityEvent> events = schedule.before(flow);
        if (events.isEmpty()) {
            return;
        }
        boolean issued = false;
        for (sif.trust.IdentityEvent e : events) {
            IdentityEvent value = toAvro(e);
            issued |= value.getType() == IdentityEventType.ISSUED;
            try {
                producer.send(new ProducerRecord<>(topic, null, e.eventTimeMs(), e.principal(), value),
                        (metadata, exception) -> {
                            if (exception == null) {
                                sent.incrementAndGet();
                                byType.get(value.getType()).incrementAndGet();
                            } else {
                                failed(e, exception);
                            }
                        });
            } catch (KafkaException ex) {
                failed(e, ex);
            }
        }
        if (issued) {
            producer.flush();
        }
    }

    private void failed(sif.trust.IdentityEvent e, Exception exception) {
        long n = errors.incrementAndGet();
        if (n <= SAMPLES) {
            LOG.warn("identity event {} {} (serial {}) not delivered to {}: {}", e.type(), e.principal(),
                    e.credentialSerial(), topic, exception.toString());
        }
    }

    /** The Avro form of a plain identity event (same field names). */
    public static IdentityEvent toAvro(sif.trust.IdentityEvent e) {
        return IdentityEvent.newBuilder()
                .setPrincipal(e.principal())
                .setType(IdentityEventType.valueOf(e.type().name()))
                .setBoundAddresses(List.copyOf(e.boundAddresses()))
                .setCredentialSerial(e.credentialSerial())
                .setNotBeforeMs(e.notBeforeMs())
                .setNotAfterMs(e.notAfterMs())
                .setVerifiedAtMs(e.verifiedAtMs())
                .setMethod(e.method())
                .setEventTimeMs(e.eventTimeMs())
                .setCompliant(e.compliant())
                .setAssuranceLevel(e.assuranceLevel())
                .build();
    }

    /** Flushes the producer: every event sent so far is acknowledged or failed. */
    public void flush() {
        producer.flush();
    }

    /** {@value #SENT_METRIC}: identity events acknowledged. */
    public long sentTotal() {
        return sent.get();
    }

    /** {@value #ERRORS_METRIC}: identity events whose delivery failed. */
    public long errorsTotal() {
        return errors.get();
    }

    /** Acknowledged events of one type. */
    public long sent(IdentityEventType type) {
        return byType.get(type).get();
    }

    public IdentitySchedule schedule() {
        return schedule;
    }

    public String topic() {
        return topic;
    }

    /** One line for the console. */
    public String describe() {
        return String.format("identity events (SIMULATED) to '%s': sent %,d (ISSUED %,d, ROTATED %,d) for %,d host(s) of %s,"
                        + " errors %,d", topic, sent.get(), sent(IdentityEventType.ISSUED), sent(IdentityEventType.ROTATED),
                schedule.hostCount(), schedule.network(), errors.get());
    }

    @Override
    public void close() {
        if (ownsProducer) {
            producer.close(Duration.ofSeconds(30));
        } else {
            producer.flush();
        }
    }
}
