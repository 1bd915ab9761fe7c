package sif.producer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sif.flows.FlowRecord;
import sif.flows.ReadSummary;
import sif.schemas.Flows;
import sif.schemas.PartitionReadiness;
import sif.schemas.avro.NetworkFlow;
import sif.schemas.serde.AvroSerdes;
import sif.trust.IpAddress;

/**
 * Sends the flows of a {@link FlowSource} to Kafka as Avro {@link NetworkFlow} values keyed by
 * source IP, in the source's order, paced by {@link ReplayOptions} ({@code rate}, {@code speedup}),
 * up to a limit, optionally looping. Used by {@code ./sif replay}, {@code ./sif demo} and tests.
 *
 * <p>Counters {@value #SENT_METRIC} (acknowledged) and {@value #ERRORS_METRIC} (delivery failures)
 * are exposed by {@link #metrics()}. {@link #stop()} may be called from another thread (Ctrl-C);
 * {@link #replay} then flushes what was sent and returns its summary.
 *
 * <p>A replayer made by {@link #create} owns its producer (idempotent, {@code acks=all}) and closes
 * it in {@link #close()}; one given to the constructor belongs to the caller.
 */
public final class FlowReplayer implements AutoCloseable {

    public static final String SENT_METRIC = "sif_producer_sent_total";
    public static final String ERRORS_METRIC = "sif_producer_errors_total";

    private static final Logger LOG = LoggerFactory.getLogger(FlowReplayer.class);
    private static final int SAMPLES = 10;
    private static final long LOOP_GAP_MS = 60_000;

    /**
     * A snapshot for progress displays.
     *
     * @param read     flows taken from the source
     * @param sent     acknowledged
     * @param errors   failed deliveries
     * @param skipped  not sendable
     * @param expected flows this replay will send if known, else -1
     * @param pass     current pass (0-based)
     * @param elapsedNanos since {@link #replay} started
     */
    public record Progress(long read, long sent, long errors, long skipped, long expected, long pass,
                           long elapsedNanos) {}

    private final Producer<String, NetworkFlow> producer;
    private final boolean ownsProducer;
    private final ReplayOptions options;
    private final LongSupplier nanoTime;
    /**
     * How far behind its schedule a paced replay may fall and still catch up (sending faster than the
     * rate); further behind, the schedule moves instead.
     */
    static final long MAX_CATCH_UP_NANOS = 100_000_000L;
    private final AtomicLong read = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final Map<String, Long> skippedByReason = Collections.synchronizedMap(new LinkedHashMap<>());
    private final List<String> errorSamples = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean stopped;
    private volatile long expected = -1;
    private volatile long pass;
    private volatile long startNanos;
    private Consumer<FlowRecord> beforeSend = r -> { };

    /** A replayer on a caller-owned producer. */
    public FlowReplayer(Producer<String, NetworkFlow> producer, ReplayOptions options) {
        this(producer, false, options, System::nanoTime);
    }

    FlowReplayer(Producer<String, NetworkFlow> producer, boolean ownsProducer, ReplayOptions options,
                 LongSupplier nanoTime) {
        this.producer = producer;
        this.ownsProducer = ownsProducer;
        this.options = options;
        this.nanoTime = nanoTime;
    }

    /**
     * A replayer with its own idempotent producer built from {@code config} ({@code bootstrap.servers}
     * and any producer settings; {@code schema.registry.url} selects registry mode for the value
     * serde). Idempotence and {@code acks=all} are set unless configured otherwise.
     */
    public static FlowReplayer create(Map<String, ?> config, ReplayOptions options) {
        Map<String, Object> props = producerConfig(config);
        Producer<String, NetworkFlow> producer = new KafkaProducer<>(props, new StringSerializer(),
                AvroSerdes.serde(NetworkFlow.class, config, false).serializer());
        return new FlowReplayer(producer, true, options, System::nanoTime);
    }

    /**
     * The producer settings from {@code config}: keys Kafka's producer knows (others, such as
     * {@code sif.*} or {@code schema.registry.url}, are left out), with defaults filled in:
     * {@code enable.idempotence=true}, {@code acks=all}, {@code client.id=sif-replay},
     * {@code linger.ms=5}, {@code max.block.ms=30000}, {@code delivery.timeout.ms=120000}.
     */
    public static Map<String, Object> producerConfig(Map<String, ?> config) {
        Map<String, Object> props = new HashMap<>();
        config.forEach((k, v) -> {
            if (ProducerConfig.configNames().contains(k)) {
                props.put(k, v);
            }
        });
        props.putIfAbsent(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.putIfAbsent(ProducerConfig.ACKS_CONFIG, "all");
        props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "sif-replay");
        props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "5");
        props.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, "30000");
        props.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "120000");
        props.remove(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG);
        props.remove(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG);
        return props;
    }

    /**
     * Checks within {@code timeout} that the cluster in {@code config} answers and that {@code
     * topic} exists; with {@code createPartitions > 0} a missing topic is created with that many
     * partitions and replication factor 1.
     *
     * @throws ReplayException with a message naming the servers or the topic
     */
    public static void checkBroker(Map<String, ?> config, String topic, Duration timeout, int createPartitions)
            throws ReplayException {
        checkBroker(config, topic, timeout, createPartitions, Map.of());
    }

    /**
     * Like {@link #checkBroker(Map, String, Duration, int)}; a topic it creates gets {@code
     * topicConfigs} (e.g. {@code cleanup.policy=compact} for the identity topic).
     */
    public static void checkBroker(Map<String, ?> config, String topic, Duration timeout, int createPartitions,
                                   Map<String, String> topicConfigs) throws ReplayException {
        Map<String, Object> adminProps = new HashMap<>();
        config.forEach((k, v) -> {
            if (AdminClientConfig.configNames().contains(k)) {
                adminProps.put(k, v);
            }
        });
        Object servers = adminProps.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG);
        if (servers == null || servers.toString().isBlank()) {
            throw new ReplayException("no bootstrap.servers configured");
        }
        int ms = (int) Math.max(1000, timeout.toMillis());
        adminProps.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, ms);
        adminProps.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ms);
        adminProps.putIfAbsent(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000);
        adminProps.putIfAbsent(AdminClientConfig.CLIENT_ID_CONFIG, "sif-replay-check");
        Admin admin;
        try {
            admin = Admin.create(adminProps);
        } catch (KafkaException e) {
            throw new ReplayException("invalid Kafka client settings for " + servers + ": " + e.getMessage(), e);
        }
        try {
            try {
                admin.describeCluster(new DescribeClusterOptions().timeoutMs(ms)).nodes()
                        .get(ms + 2000L, TimeUnit.MILLISECONDS);
            } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                throw new ReplayException("Kafka broker at " + servers + " is unreachable (no answer within "
                        + ms / 1000 + " s" + (e.getCause() != null ? ": " + e.getCause().getMessage() : "") + ")", e);
            }
            try {
                admin.describeTopics(List.of(topic), new DescribeTopicsOptions().timeoutMs(ms)).allTopicNames()
                        .get(ms + 2000L, TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw new ReplayException("cannot describe topic '" + topic + "' on " + servers + ": "
                            + e.getCause().getMessage(), e);
                }
                if (createPartitions <= 0) {
                    throw new ReplayException("topic '" + topic + "' does not exist on " + servers
                            + "; create it first or pass --create-topic");
                }
                try {
                    admin.createTopics(List.of(new NewTopic(topic, createPartitions, (short) 1).configs(topicConfigs))).all()
                            .get(ms + 2000L, TimeUnit.MILLISECONDS);
                    LOG.info("created topic {} with {} partitions", topic, createPartitions);
                } catch (ExecutionException ce) {
                    if (!(ce.getCause() instanceof TopicExistsException)) {
                        throw new ReplayException("cannot create topic '" + topic + "' on " + servers + ": "
                                + ce.getCause().getMessage(), ce);
                    }
                } catch (java.util.concurrent.TimeoutException te) {
                    throw new ReplayException("creating topic '" + topic + "' timed out on " + servers, te);
                }
                awaitWritable(admin, topic, servers, ms);
            } catch (java.util.concurrent.TimeoutException e) {
                throw new ReplayException("describing topic '" + topic + "' timed out on " + servers, e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ReplayException("interrupted while checking the broker at " + servers, e);
        } finally {
            admin.close(Duration.ofSeconds(5));
        }
    }

    /** Waits until every partition of a just-created topic takes writes ({@link PartitionReadiness}). */
    private static void awaitWritable(Admin admin, String topic, Object servers, int ms)
            throws ReplayException, InterruptedException {
        try {
            PartitionReadiness.await(admin, List.of(topic), Duration.ofMillis(ms));
        } catch (java.util.concurrent.TimeoutException e) {
            throw new ReplayException("topic '" + topic + "' was created on " + servers
                    + " but does not take writes after " + ms / 1000 + " s: " + e.getMessage(), e);
        } catch (ExecutionException e) {
            throw new ReplayException("cannot check that topic '" + topic + "' takes writes on " + servers + ": "
                    + e.getCause().getMessage(), e);
        }
    }

    /**
     * Sets what runs right before each flow is sent (after pacing), on the replaying thread, with
     * the flow as sent (shifted on later loop passes): e.g. {@link
     * sif.producer.identity.IdentityEmitter} producing the identity events that must precede the
     * flow. Call before {@link #replay}. Returns this replayer.
     */
    public FlowReplayer beforeEachFlow(Consumer<FlowRecord> hook) {
        this.beforeSend = Objects.requireNonNull(hook, "hook");
        return this;
    }

    /**
     * Replays {@code source} and returns when it is exhausted (or the limit reached, or {@link
     * #stop()} called), after flushing the producer so every sent flow is acknowledged or failed.
     *
     * @throws IOException when the source cannot be read
     */
    public ReplaySummary replay(FlowSource source) throws IOException {
        startNanos = nanoTime.getAsLong();
        long perPass = source.flowsPerPass();
        if (options.limit() > 0) {
            expected = perPass < 0 || options.loop() ? options.limit() : Math.min(options.limit(), perPass);
        } else {
            expected = options.loop() ? -1 : perPass;
        }
        long minTs = Long.MAX_VALUE;
        long maxTs = Long.MIN_VALUE;
        long attempted = 0;
        long passes = 0;
        try {
            while (!stopped) {
                long shiftMs = 0;
                if (pass > 0 && minTs <= maxTs) {
                    shiftMs = pass * (maxTs - minTs + LOOP_GAP_MS);
                }
                Pacer pacer = new Pacer(options.rate(), options.speedup(), (long) (options.maxWaitSeconds() * 1e9));
                long passStart = nanoTime.getAsLong();
                long inPass = 0;
                long lastDueOffset = Long.MIN_VALUE;
                passes++;
                try (FlowSource.Pass it = source.open()) {
                    while (!stopped && it.hasNext() && (options.limit() == 0 || attempted < options.limit())) {
                        FlowRecord r = it.next();
                        read.incrementAndGet();
                        if (pass == 0 && r.timestampMs() >= 0) {
                            minTs = Math.min(minTs, r.timestampMs());
                            maxTs = Math.max(maxTs, r.timestampMs());
                        }
                        if (pass > 0) {
                            r = shifted(r, shiftMs, pass);
                        }
                        NetworkFlow value;
                        try {
                            value = toAvro(r);
                        } catch (IllegalArgumentException e) {
                            skip(e.getMessage());
                            continue;
                        }
                        if (pacer.paced()) {
                            long dueOffset = pacer.dueNanos(inPass, source.paceTimeMs(r));
                            long due = passStart + dueOffset;
                            long late = nanoTime.getAsLong() - due;
                            // flows due at one moment (under --speedup, the flows of one timestamp: a whole
                            // minute of CICIDS2017) are a burst, late only by the time sending it takes
                            boolean burst = dueOffset == lastDueOffset;
                            lastDueOffset = dueOffset;
                            if (late > MAX_CATCH_UP_NANOS && !burst) {
                                // behind the schedule (the input stalled, e.g. while a file loads): resume it from
                                // now instead of sending the backlog at once, which --rate promises not to do.
                                // Not within a burst: each one would set the schedule back by its own length
                                passStart += late;
                            } else {
                                waitUntil(due);
                            }
                        }
                        if (stopped) {
                            read.decrementAndGet(); // taken while pacing, never sent: read = sent + errors + skipped
                            break;
                        }
                        beforeSend.accept(r);
                        send(r, value);
                        inPass++;
                        attempted++;
                    }
                } catch (UncheckedIOException e) {
                    throw e.getCause();
                }
                if (!options.loop() || inPass == 0 || (options.limit() > 0 && attempted >= options.limit())) {
                    break;
                }
                pass++;
            }
        } finally {
            producer.flush();
        }
        ReadSummary rs = source.lastReadSummary();
        List<String> malformed = new ArrayList<>();
        if (rs != null) {
            rs.skippedRows().stream().limit(20).forEach(s -> malformed.add(s.toString()));
        }
        Duration elapsed = Duration.ofNanos(nanoTime.getAsLong() - startNanos);
        ReplaySummary summary;
        synchronized (skippedByReason) {
            summary = new ReplaySummary(read.get(), sent.get(), errors.get(), Map.copyOf(skippedByReason),
                    rs == null ? 0 : rs.rowsSkipped(), List.copyOf(malformed), List.copyOf(errorSamples), passes,
                    elapsed, stopped);
        }
        LOG.info("replay of {} {}: read={} sent={} errors={} skipped={} malformed={}", source.describe(),
                stopped ? "stopped" : "finished", summary.read(), summary.sent(), summary.sendErrors(),
                summary.skippedTotal(), summary.malformedRows());
        return summary;
    }

    private static NetworkFlow toAvro(FlowRecord r) {
        if (r.srcIp() == null) {
            throw new IllegalArgumentException("no source IP (MachineLearningCVE layout): cannot key by source");
        }
        if (r.dstIp() == null) {
            throw new IllegalArgumentException("no destination IP");
        }
        return Flows.toAvro(r);
    }

    private static FlowRecord shifted(FlowRecord r, long shiftMs, long pass) {
        return new FlowRecord(r.flowId() + "#" + pass, r.srcIp(), r.srcPort(), r.dstIp(), r.dstPort(), r.protocol(),
                r.timestampMs() < 0 ? r.timestampMs() : r.timestampMs() + shiftMs, r.features(), r.label(),
                r.sourceFile(), r.line());
    }

    private void skip(String reason) {
        skipped.incrementAndGet();
        skippedByReason.merge(reason, 1L, Long::sum);
    }

    private void send(FlowRecord r, NetworkFlow value) {
        // The record timestamp is the time of sending (the producer fills it in): the flow's own event
        // time travels in the payload. Stamping 2017 event times on records would make the broker's
        // time-based retention delete replayed flows (and the verdicts that inherit the timestamp)
        // within minutes, and would make ingest->verdict latency meaningless.
        // keyed by the source's canonical text: two spellings of one address go to one partition, where the
        // firewall keeps one state for them (an address that is not one is sent as written: the DLQ's)
        String canonical = IpAddress.canonical(r.srcIp());
        ProducerRecord<String, NetworkFlow> record = new ProducerRecord<>(options.topic(), null,
                (Long) null, canonical != null ? canonical : r.srcIp(), value);
        try {
            producer.send(record, (metadata, exception) -> {
                if (exception == null) {
                    sent.incrementAndGet();
                } else {
                    failed(r, exception);
                    if (cannotGoOn(exception)) {
                        stopOnce(exception);
                    }
                }
            });
        } catch (TimeoutException | AuthenticationException | AuthorizationException | IllegalStateException e) {
            failed(r, e);
            stopped = true; // the producer cannot go on: no metadata / no buffer within max.block.ms, or closed
            LOG.error("stopping the replay: producer cannot send to {}: {}", options.topic(), e.toString());
        } catch (KafkaException e) {
            failed(r, e);
        }
    }

    /**
     * Whether a failed send means no later one can succeed: refused credentials or permissions, or a
     * timeout before any flow was delivered (the broker unreachable, the topic missing: the producer
     * waited {@code max.block.ms} for its metadata). Kafka's producer reports these through the
     * callback, not by throwing from {@code send}, so without this a replay against a wrong address
     * went on flow after flow, each waiting {@code max.block.ms}. A timeout after flows were delivered
     * (a broker outage longer than {@code delivery.timeout.ms}) is counted and the replay goes on.
     */
    private boolean cannotGoOn(Exception e) {
        return e instanceof AuthenticationException || e instanceof AuthorizationException
                || (e instanceof TimeoutException && sent.get() == 0);
    }

    private void stopOnce(Exception e) {
        if (!stopped) {
            stopped = true;
            LOG.error("stopping the replay: producer cannot send to {}: {}", options.topic(), e.toString());
        }
    }

    private void failed(FlowRecord r, Exception e) {
        long n = errors.incrementAndGet();
        String msg = r.sourceFile() + ":" + r.line() + " (flow " + r.flowId() + "): " + e;
        if (n <= SAMPLES) {
            errorSamples.add(msg);
            LOG.warn("delivery failed: {}", msg);
        }
    }

    private void waitUntil(long deadline) {
        long now;
        while (!stopped && (now = nanoTime.getAsLong()) < deadline) {
            LockSupport.parkNanos(Math.min(deadline - now, 100_000_000L));
        }
    }

    /** Asks a running {@link #replay} to stop after the current flow; safe from any thread. */
    public void stop() {
        stopped = true;
    }

    /** Whether {@link #stop()} was called (or the producer failed for good). */
    public boolean isStopped() {
        return stopped;
    }

    /** Progress so far. */
    public Progress progress() {
        long start = startNanos;
        return new Progress(read.get(), sent.get(), errors.get(), skipped.get(), expected, pass,
                start == 0 ? 0 : nanoTime.getAsLong() - start);
    }

    /** {@value #SENT_METRIC}: flows acknowledged by the broker. */
    public long sentTotal() {
        return sent.get();
    }

    /** {@value #ERRORS_METRIC}: flows whose delivery failed. */
    public long errorsTotal() {
        return errors.get();
    }

    /** The producer counters by metric name. */
    public Map<String, Long> metrics() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put(SENT_METRIC, sent.get());
        m.put(ERRORS_METRIC, errors.get());
        return m;
    }

    /** Closes the producer if this replayer created it. */
    @Override
    public void close() {
        if (ownsProducer) {
            producer.close(Duration.ofSeconds(30));
        }
    }
}
