package sif.firewall;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TransactionAbortableException;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sif.model.SequenceClassifier;
import sif.firewall.metrics.FirewallMetrics;
import sif.firewall.trust.IdentityTopicCheck;
import sif.firewall.trust.TrustOutputs;
import sif.firewall.trust.TrustConfig;
import sif.schemas.serde.RegistryUnavailableException;

/**
 * The running firewall: {@link FirewallTopology#buildTopology} inside a {@link KafkaStreams} client,
 * with the exception handlers and the DLQ producer they use. Used by {@code ./sif firewall},
 * {@code ./sif demo} (in-process) and the integration tests. Does not own the classifier.
 */
public final class FirewallApp implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FirewallApp.class);

    private final FirewallConfig config;
    private final Topology topology;
    private final DlqPublisher dlqPublisher;
    private final TopicCheck topicCheck;
    /** What the verdict topics take, learnt at {@link #start}. */
    private final VerdictLimit verdictLimit;
    /** Where re-keyed flows go on the repartition topic; learns the flows topic's partition count at {@link #start}. */
    private final RekeyPartitioner rekeyPartitioner = new RekeyPartitioner();
    /**
     * Asks for the flows topic's partition count after each rebalance, off the stream thread
     * ({@link #recheckFlowPartitions}).
     */
    private final ExecutorService partitionCheck = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "sif-flows-partition-check");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean partitionCheckQueued = new AtomicBoolean();
    /** {@code <state.dir>/<application.id>}: Kafka Streams' state of this firewall, and its {@link StateOrigin}. */
    private final Path appStateDir;
    private final KafkaStreams streams;
    private final Object stateLock = new Object();
    private final CopyOnWriteArrayList<KafkaStreams.StateListener> listeners = new CopyOnWriteArrayList<>();
    private volatile KafkaStreams.State state = KafkaStreams.State.CREATED;
    private volatile Throwable failure;
    private final Replacements replacements = new Replacements(5, Duration.ofMinutes(10));

    public FirewallApp(FirewallConfig config, SequenceClassifier classifier, Policy policy, FirewallExtensions extensions) {
        this.config = Objects.requireNonNull(config, "config");
        this.verdictLimit = VerdictLimit.of(config);
        this.topology = FirewallTopology.buildTopology(config, classifier, policy, extensions, verdictLimit,
                rekeyPartitioner);
        TopologyFacts facts = TopologyFacts.of(topology.describe(), config.inputTopic());
        extensions.metrics().preRegister(facts.controlTopics(), facts.outputTopics(), facts.afterPolicyNodes());
        this.dlqPublisher = DlqPublisher.create(config);
        Properties props = streamsProperties(config);
        props.put(DlqPublisher.CONFIG_KEY, dlqPublisher);
        props.put(DlqPublisher.METRICS_KEY, extensions.metrics());
        this.appStateDir = config.stateDir().resolve(config.applicationId());
        this.topicCheck = TopicCheck.create(config);
        props.put(TopicCheck.CONFIG_KEY, topicCheck);
        props.put(DlqExceptionHandlers.VerdictTopics.CONFIG_KEY,
                DlqExceptionHandlers.VerdictTopics.of(config, verdictLimit));
        useCountingClients(props);
        this.streams = new KafkaStreams(topology, props);
        streams.setStateListener((newState, oldState) -> {
            LOG.info("firewall {} -> {}", oldState, newState);
            synchronized (stateLock) {
                state = newState;
                stateLock.notifyAll();
            }
            listeners.forEach(l -> l.onChange(newState, oldState));
            if (newState == KafkaStreams.State.RUNNING && oldState == KafkaStreams.State.REBALANCING) {
                recheckFlowPartitions(); // partitions added to the flows topic bring a rebalance
            }
        });
        streams.setUncaughtExceptionHandler(e -> {
            if (RegistryUnavailableException.in(e)) {
                // not the data's fault and not counted against the replacements: a registry outage lasts
                // as long as it lasts, and the firewall waits it out as it does a broker's
                LOG.warn("firewall stream thread stopped: the schema registry is unavailable ({}); replacing it in "
                        + "{} s: its tasks resume from their last commit, and nothing was dead-lettered for it",
                        e.getMessage(), REGISTRY_BACKOFF.toSeconds());
                sleep(REGISTRY_BACKOFF);
                return StreamThreadExceptionResponse.REPLACE_THREAD;
            }
            if (abortedTransaction(e) && replacements.allow(System.nanoTime())) {
                LOG.warn("firewall stream thread died with an aborted transaction (the broker away longer than the "
                        + "producer waits); replacing it: its tasks resume from their last commit", e);
                return StreamThreadExceptionResponse.REPLACE_THREAD;
            }
            if (verdictLimit.takeLowered() && replacements.allow(System.nanoTime())) {
                LOG.warn("firewall stream thread died on a verdict its topic refused after its limit was lowered; "
                        + "replacing it: its tasks resume from their last commit, and the policy step dead-letters "
                        + "verdicts that do not fit", e);
                return StreamThreadExceptionResponse.REPLACE_THREAD;
            }
            LOG.error("firewall stream thread died; shutting the firewall down{}",
                    partitionsHint(e, config.applicationId()), e);
            failure = e;
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
    }

    /**
     * Whether a stream thread died because its producer gave up on the open transaction. Nothing of
     * that transaction was committed, so a new thread can take the tasks over from their last commit,
     * exactly once. Kafka Streams 4.1 lets the thread die here ({@code TaskManager.handleCorruption}
     * commits the other tasks' part of the doomed transaction). The producer says so in two ways: a
     * {@link TransactionAbortableException} (a send timed out, e.g. no metadata for a topic while the
     * broker is away), or — when batches expired without an acknowledgement and their sequence numbers
     * could not be resolved ({@code TransactionManager.maybeResolveSequences}) — a plain
     * {@code KafkaException} whose message ends with {@value #ABORTABLE}. Both were seen in
     * {@code FirewallBrokerOutageIT}.
     */
    static boolean abortedTransaction(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof TransactionAbortableException
                    || t.getMessage() != null && t.getMessage().contains(ABORTABLE)) {
                return true;
            }
        }
        return false;
    }

    /** How long a stream thread stopped by a registry outage waits before it is replaced. */
    static final Duration REGISTRY_BACKOFF = Duration.ofSeconds(10);

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * What to do when Kafka Streams refused an internal topic (a changelog, the repartition topic) for having
     * fewer partitions than the firewall has tasks: partitions were added to the flows or blocklist topic
     * beyond the larger of their counts; empty for any other failure.
     */
    static String partitionsHint(Throwable e, String applicationId) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage();
            if (m != null && m.contains("has invalid partitions")) {
                return ": partitions were added to the flows (or blocklist) topic beyond the firewall's task count, and "
                        + "Kafka Streams needs its internal topics (changelogs, repartition topic) to have as many. With "
                        + "every instance stopped, raise each topic named " + applicationId + "-*-changelog or "
                        + applicationId + "-*-repartition to the count it expects (in the error below: kafka-topics.sh "
                        + "--alter --topic <topic> --partitions <count>), then start again: the stores are kept, and "
                        + "sources whose flows now go to a new partition start over in its task (README, Known limitations)";
            }
        }
        return "";
    }

    /** The producer's words for an abortable (not fatal) transaction error, kafka-clients 4.1. */
    static final String ABORTABLE = "It is safe to abort the transaction and continue.";

    /** Thread replacements allowed: at most {@code max} within {@code window}, so a lasting cause still stops the firewall. */
    static final class Replacements {
        private final int max;
        private final long windowNanos;
        private final ArrayDeque<Long> times = new ArrayDeque<>();
        private int total;

        Replacements(int max, Duration window) {
            this.max = max;
            this.windowNanos = window.toNanos();
        }

        synchronized boolean allow(long nowNanos) {
            while (!times.isEmpty() && nowNanos - times.peekFirst() > windowNanos) {
                times.pollFirst();
            }
            if (times.size() >= max) {
                return false;
            }
            times.addLast(nowNanos);
            total++;
            return true;
        }

        /** Replacements allowed since the start. */
        synchronized int total() {
            return total;
        }
    }

    /** The flows topic's partition count by which re-keyed flows are placed (0: not known; tests). */
    int rekeyFlowPartitions() {
        return rekeyPartitioner.flowPartitions();
    }

    /** Stream threads replaced after an aborted transaction since the start. */
    public int replacedThreads() {
        return replacements.total();
    }

    /**
     * The Kafka Streams settings: exactly-once v2, the DLQ exception handlers, static membership
     * ({@link FirewallConfig#groupInstanceId()}), then every {@code streams.*} key of {@code config}
     * (which win).
     */
    public static Properties streamsProperties(FirewallConfig config) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DlqExceptionHandlers.Deserialization.class);
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DlqExceptionHandlers.Processing.class);
        p.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, DlqExceptionHandlers.Production.class);
        String instanceId = config.groupInstanceId();
        if (instanceId != null) {
            p.put(StreamsConfig.consumerPrefix(org.apache.kafka.clients.consumer.ConsumerConfig.GROUP_INSTANCE_ID_CONFIG),
                    instanceId);
        }
        // internal topics take a re-keyed flow whatever the broker's default (Misrouted.maxBytes)
        p.put(StreamsConfig.topicPrefix(TopicConfig.MAX_MESSAGE_BYTES_CONFIG),
                Long.toString(Misrouted.internalTopicLimit(config.maxRecordBytes())));
        for (Map.Entry<String, String> e : config.streamsOverrides().entrySet()) {
            p.put(e.getKey(), e.getValue());
        }
        return p;
    }

    /**
     * Makes the Streams clients a {@link CountingClientSupplier}, so that counts are added when their
     * transaction commits; a supplier set in the configuration is kept, and unless it is one (a subclass)
     * counts are added when made, as under at-least-once.
     */
    private static void useCountingClients(Properties props) {
        Object configured = props.get(StreamsConfig.DEFAULT_CLIENT_SUPPLIER_CONFIG);
        if (configured == null) {
            props.put(StreamsConfig.DEFAULT_CLIENT_SUPPLIER_CONFIG, CountingClientSupplier.class);
            return;
        }
        Class<?> type;
        try {
            type = configured instanceof Class<?> c ? c : Class.forName(configured.toString().trim());
        } catch (ClassNotFoundException e) {
            return; // Kafka Streams reports it
        }
        if (!CountingClientSupplier.class.isAssignableFrom(type)) {
            LOG.warn("{}={} is not a {}: counts (flows in, verdicts, dead letters) are added when made, so a task "
                    + "processed again after a failed transaction counts its flows again", StreamsConfig.DEFAULT_CLIENT_SUPPLIER_CONFIG,
                    type.getName(), CountingClientSupplier.class.getSimpleName());
        }
    }

    public FirewallConfig config() {
        return config;
    }

    public Topology topology() {
        return topology;
    }

    /** The Kafka Streams client (e.g. for Micrometer's {@code KafkaStreamsMetrics} binder). */
    public KafkaStreams streams() {
        return streams;
    }

    public KafkaStreams.State state() {
        return state;
    }

    /** The exception that killed a stream thread, if any. */
    public Throwable failure() {
        return failure;
    }

    /** Called on every state change, after the app's own bookkeeping. */
    public void addStateListener(KafkaStreams.StateListener listener) {
        listeners.add(listener);
    }

    public void start() {
        LOG.info("starting firewall {} on {}: {} -> {} / {} / {} (DLQ {})", config.applicationId(),
                config.bootstrapServers(), config.inputTopic(), config.allowedTopic(), config.blockedTopic(),
                config.alertedTopic(), config.dlqTopic());
        var unknown = config.unknownKeys();
        if (!unknown.isEmpty()) {
            LOG.warn("ignoring unknown settings {} (misspelt? see README.md's configuration table and, for "
                    + "trust.*, policy.*, alerts.* and blocklist.*, trust-policy/README.md)", unknown);
        }
        TrustConfig tc = config.trustEnabled() ? TrustConfig.from(config) : null;
        // one question for both uses: the partition counts of the flows and blocklist topics
        Map<String, Integer> partitions = topicCheck.partitionCounts(tc == null ? List.of(config.inputTopic())
                : List.of(config.inputTopic(), tc.blocklistTopic()));
        // and one for every topic setting checked below
        List<String> checked = new ArrayList<>(verdictLimit.topics());
        checked.addAll(List.of(config.dlqTopic(), repartitionTopic()));
        if (tc != null) {
            checked.add(tc.identityTopic());
        }
        Map<String, Map<String, String>> configs = topicCheck.configsOf(checked);
        Function<String, Map<String, String>> configOf = t -> configs == null ? null : configs.get(t);
        if (tc != null) {
            checkIdentityTopic(tc, configOf);
            checkBlocklistPartitions(tc, partitions);
        }
        checkStateOrigin();
        learnFlowPartitions(partitions);
        verdictLimit.learn(configOf).forEach(LOG::warn);
        checkDeadLetterTopic(configOf);
        checkRepartitionTopic(configOf);
        streams.start();
    }

    /**
     * Wipes the local state when it was built from another cluster, or from an earlier incarnation of
     * a topic a global store reads ({@link StateOrigin}); then records where the state comes from.
     * Without an answer from the cluster nothing is checked or recorded.
     */
    private void checkStateOrigin() {
        Set<String> globalTopics = new TreeSet<>();
        topology.describe().globalStores().forEach(g -> globalTopics.addAll(g.source().topicSet()));
        String clusterId = topicCheck.clusterId();
        Map<String, String> ids = clusterId == null ? null : topicCheck.topicIds(globalTopics);
        if (ids == null) {
            LOG.info("no answer from the cluster about its id: the local state's origin is not checked");
            return;
        }
        StateOrigin now = new StateOrigin(clusterId, ids);
        StateOrigin recorded = StateOrigin.read(appStateDir);
        String mismatch = recorded == null ? null : now.mismatch(recorded);
        if (mismatch != null) {
            LOG.warn("the local state in {} cannot be used: {}. Deleting it; the stores are rebuilt from the cluster",
                    appStateDir, mismatch);
            streams.cleanUp();
            recorded = null;
        }
        (recorded == null ? now : now.keeping(recorded)).write(appStateDir);
    }

    /**
     * Reads the flows topic's partition count, by which re-keyed flows are sent to their source's task
     * ({@link RekeyPartitioner}); without an answer the repartition topic's own count is used until a
     * rebalance brings one ({@link #recheckFlowPartitions}).
     */
    private void learnFlowPartitions(Map<String, Integer> counts) {
        if (counts == null) {
            LOG.warn("no answer from the cluster about the partitions of {}: flows keyed otherwise than by their "
                    + "source reach their source's task only while the repartition topic has as many (it has more "
                    + "when the blocklist topic has more); asked again after the next rebalance", config.inputTopic());
        } else if (counts.containsKey(config.inputTopic())) { // a missing topic: Kafka Streams reports it
            rekeyPartitioner.learn(counts.get(config.inputTopic()));
        }
    }

    /**
     * Asks again for the flows topic's partition count, on a thread of its own (the state listener runs
     * on a stream thread, and the answer can take up to 10 s). Partitions added to the flows topic of a
     * running firewall bring a rebalance; re-keyed flows then follow the new count, as the producers'
     * correctly keyed flows do, and the change is logged as an ERROR: a source whose key now hashes to
     * another partition is decided in another task, with state of its own there. Flows re-keyed between
     * the rebalance and the answer still go by the old count.
     */
    private void recheckFlowPartitions() {
        if (!partitionCheckQueued.compareAndSet(false, true)) {
            return; // one already waiting covers this rebalance too
        }
        try {
            partitionCheck.execute(() -> {
                partitionCheckQueued.set(false);
                Map<String, Integer> counts = topicCheck.partitionCounts(List.of(config.inputTopic()));
                Integer now = counts == null ? null : counts.get(config.inputTopic());
                if (now == null) {
                    return;
                }
                int before = rekeyPartitioner.learn(now);
                if (before > 0 && before != now) {
                    LOG.error("the flows topic {} has {} partitions now, {} before: a source whose key hashes to another "
                            + "partition now is decided in another task, with a new flow window, zero-trust counters "
                            + "and alert there (its state in the old task expires); flows keyed otherwise follow the new "
                            + "count. Do not add partitions to the flows topic of a running firewall (README, Known "
                            + "limitations)", config.inputTopic(), now, before);
                }
            });
        } catch (RejectedExecutionException closing) {
            partitionCheckQueued.set(false);
        }
    }

    /**
     * Refuses to start when the dead-letter topic takes less than a dead letter may need
     * ({@link DeadLetterCut#checkTopicLimit}); without an answer from the cluster nothing is checked.
     */
    private void checkDeadLetterTopic(Function<String, Map<String, String>> configOf) {
        String problem = DeadLetterCut.checkTopicLimit(config.dlqTopic(), configOf.apply(config.dlqTopic()),
                config.maxRecordBytes());
        if (problem != null) {
            throw new IllegalStateException(problem);
        }
    }

    /** {@code <application.id>-flows-by-source-repartition}, which Kafka Streams creates. */
    private String repartitionTopic() {
        return config.applicationId() + "-" + FirewallTopology.REKEY_REPARTITION_TOPIC;
    }

    /**
     * Refuses to start when the repartition topic of flows keyed otherwise takes less than such a flow may
     * need ({@link Misrouted#checkTopicLimit}): its own setting once it is there, else the one Kafka Streams
     * will create it with ({@code streams.topic.max.message.bytes}).
     */
    private void checkRepartitionTopic(Function<String, Map<String, String>> configOf) {
        String topic = repartitionTopic();
        Map<String, String> own = configOf.apply(topic); // null: not there yet, or no answer
        String problem = own != null
                ? Misrouted.checkTopicLimit(topic, own.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG), true,
                        config.maxRecordBytes())
                : Misrouted.checkTopicLimit(topic, streamsProperties(config).getProperty(
                        StreamsConfig.topicPrefix(TopicConfig.MAX_MESSAGE_BYTES_CONFIG)), false, config.maxRecordBytes());
        if (problem != null) {
            throw new IllegalStateException(problem);
        }
    }

    /** Warns when the identity topic's compaction could lose what a rebuilt identity store needs. */
    private void checkIdentityTopic(TrustConfig tc, Function<String, Map<String, String>> configOf) {
        Map<String, String> topicConfig = configOf.apply(tc.identityTopic());
        String problem = topicConfig == null ? null
                : IdentityTopicCheck.problem(tc.identityTopic(), topicConfig, tc);
        if (problem != null) {
            LOG.warn(problem);
        }
    }

    /** Warns when operator unblocks could not reach the task that holds a source's blocklist entry. */
    private void checkBlocklistPartitions(TrustConfig tc, Map<String, Integer> counts) {
        if (!tc.blocklistOperatorUnblock()) {
            return;
        }
        if (counts == null || counts.size() < 2) {
            return; // no answer, or a topic not there yet (Kafka Streams reports a missing source itself)
        }
        String problem = TrustOutputs.blocklistPartitionProblem(config.inputTopic(),
                counts.get(config.inputTopic()), tc.blocklistTopic(), counts.get(tc.blocklistTopic()));
        if (problem != null) {
            LOG.warn(problem);
        }
    }

    /**
     * Waits until the firewall is RUNNING.
     *
     * @return true when running; false on timeout
     * @throws IllegalStateException when it reached ERROR or shut down instead
     */
    public boolean awaitRunning(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (stateLock) {
            while (state != KafkaStreams.State.RUNNING) {
                if (state == KafkaStreams.State.ERROR || state == KafkaStreams.State.NOT_RUNNING
                        || state == KafkaStreams.State.PENDING_SHUTDOWN) {
                    throw new IllegalStateException("firewall did not start: state " + state
                            + (failure == null ? "" : ", cause: " + failure));
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                stateLock.wait(Math.max(1, left / 1_000_000));
            }
            return true;
        }
    }

    /** Waits until the firewall stopped (NOT_RUNNING or ERROR); true if it did within the timeout. */
    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (stateLock) {
            while (state != KafkaStreams.State.NOT_RUNNING && state != KafkaStreams.State.ERROR) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                stateLock.wait(Math.max(1, left / 1_000_000));
            }
            return true;
        }
    }

    /**
     * Stops processing (committing what was processed) and releases the DLQ producer and the topic check, within
     * {@code timeout} in all (the DLQ producer gets what Kafka Streams left of it, at least 1 s).
     */
    public void close(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        if (!streams.close(timeout)) {
            LOG.warn("Kafka Streams did not stop within {} s; closing the rest (the model's weights stay until its "
                    + "sessions close)", timeout.toSeconds());
        }
        dlqPublisher.close(Duration.ofNanos(Math.max(Duration.ofSeconds(1).toNanos(), deadline - System.nanoTime())));
        partitionCheck.shutdownNow();
        topicCheck.close();
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }
}
