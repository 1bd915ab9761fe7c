package sif.firewall;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import sif.firewall.trust.TrustConfig;
import sif.model.artifact.ModelArtifact;
import sif.policy.OutOfRange;

/**
 * The firewall's configuration: a properties file first, then defaults filled in with
 * {@code putIfAbsent}. Immutable. Every key is listed below with its default; the README's
 * configuration table mirrors this list.
 *
 * <p>Keys prefixed {@value #STREAMS_PREFIX} are handed to Kafka Streams with the prefix removed
 * (e.g. {@code streams.num.stream.threads=2}); they override the firewall's Streams defaults.
 * {@code schema.registry.url} and {@code apicurio.*} keys select and configure the serdes.
 */
public final class FirewallConfig {

    public static final String STREAMS_PREFIX = "streams.";

    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    public static final String APPLICATION_ID = "application.id";
    public static final String TOPIC_INPUT = "topic.input";
    public static final String TOPIC_ALLOWED = "topic.allowed";
    public static final String TOPIC_BLOCKED = "topic.blocked";
    public static final String TOPIC_ALERTED = "topic.alerted";
    public static final String TOPIC_DLQ = "topic.dlq";
    public static final String MODEL_DIR = "model.dir";
    public static final String SEQUENCE_LENGTH = "sequence.length";
    public static final String SEQUENCE_MAX_AGE_MS = "sequence.max.age.ms";
    public static final String SEQUENCE_EVICT_INTERVAL_MS = "sequence.evict.interval.ms";
    /** At most this many entries of a per-source store are looked at by one expiry or eviction punctuation. */
    public static final String STATE_SCAN_MAX_ENTRIES = "state.scan.max.entries";
    public static final int DEFAULT_STATE_SCAN_MAX_ENTRIES = 50_000;
    public static final String BATCH_SIZE = "batch.size";
    public static final String BATCH_MAX_WAIT_MS = "batch.max.wait.ms";
    public static final String INFERENCE_PIPELINED = "inference.pipelined";
    public static final String POLICY_CONFIDENCE_THRESHOLD = "policy.confidence.threshold";
    public static final String POLICY_BENIGN_CLASS = "policy.benign.class";
    public static final String POLICY_INPUT_OUT_OF_RANGE = "policy.input.out.of.range";
    public static final String VERDICT_MAX_BYTES = "verdict.max.bytes";
    public static final String VALIDATION_MAX_FEATURE_VALUE = "validation.max.feature.value";
    public static final String VALIDATION_MIN_TIMING_VALUE = "validation.min.timing.value";
    public static final String VALIDATION_MAX_FUTURE_SKEW_MS = "validation.max.future.skew.ms";
    /** How far ahead of the firewall's clock a flow's event time may be, by default (5 minutes). */
    public static final long DEFAULT_MAX_FUTURE_SKEW_MS = 300_000;
    public static final String VALIDATION_MAX_RECORD_BYTES = "validation.max.record.bytes";
    public static final String STATUS_INTERVAL_MS = "status.interval.ms";
    public static final String METRICS_PORT = "metrics.port";
    public static final String TRUST_ENABLED = "trust.enabled";
    public static final String INSTANCE_ID = "instance.id";

    /** Defaults, in README order. A value of "" means "not set" (see the key's documentation). */
    static final Map<String, String> DEFAULTS;

    static {
        Map<String, String> d = new LinkedHashMap<>();
        d.put(BOOTSTRAP_SERVERS, "localhost:9092");
        d.put(APPLICATION_ID, "sif-firewall");
        d.put(TOPIC_INPUT, "flows");
        d.put(TOPIC_ALLOWED, "flows.allowed");
        d.put(TOPIC_BLOCKED, "flows.blocked");
        d.put(TOPIC_ALERTED, "flows.alerted");
        d.put(TOPIC_DLQ, "flows.dlq");
        d.put(MODEL_DIR, "models/cicids2017-lstm");
        d.put(SEQUENCE_LENGTH, "");
        d.put(SEQUENCE_MAX_AGE_MS, "600000");
        d.put(SEQUENCE_EVICT_INTERVAL_MS, "60000");
        d.put(STATE_SCAN_MAX_ENTRIES, Integer.toString(DEFAULT_STATE_SCAN_MAX_ENTRIES));
        d.put(BATCH_SIZE, "64");
        d.put(BATCH_MAX_WAIT_MS, "5");
        d.put(INFERENCE_PIPELINED, "true");
        d.put(POLICY_CONFIDENCE_THRESHOLD, "");
        d.put(POLICY_BENIGN_CLASS, "BENIGN");
        d.put(POLICY_INPUT_OUT_OF_RANGE, "");
        // below the producer's max.request.size and a topic's max.message.bytes (1 MiB by default),
        // with room for the record batch's own overhead
        d.put(VERDICT_MAX_BYTES, "1000000");
        d.put(VALIDATION_MAX_FEATURE_VALUE, "1e12");
        d.put(VALIDATION_MIN_TIMING_VALUE, "-1000");
        d.put(VALIDATION_MAX_FUTURE_SKEW_MS, Long.toString(DEFAULT_MAX_FUTURE_SKEW_MS));
        d.put(VALIDATION_MAX_RECORD_BYTES, "65536");
        d.put(STATUS_INTERVAL_MS, "10000");
        d.put(METRICS_PORT, "9464");
        d.put(TRUST_ENABLED, "true");
        d.put(INSTANCE_ID, "");
        // Kafka Streams defaults of the firewall (override with streams.<key>)
        d.put(STREAMS_PREFIX + "processing.guarantee", "exactly_once_v2");
        d.put(STREAMS_PREFIX + "num.stream.threads", "1");
        d.put(STREAMS_PREFIX + "commit.interval.ms", "100");
        d.put(STREAMS_PREFIX + "poll.ms", "5");
        // exactly-once commits wait for every record produced since the last send (producer.flush());
        // with Kafka Streams' default linger of 100 ms that is the whole commit interval's output, and
        // the stream thread stalls for that round trip at every commit (docs/performance.md)
        d.put(STREAMS_PREFIX + "producer.linger.ms", "5");
        // with transactions v2 (KIP-890, Kafka 4's default) the first write of a transaction can find the
        // last one still writing its markers: CONCURRENT_TRANSACTIONS, retried after retry.backoff.ms
        // (100 ms by default) while the commit waits; 10 ms (still growing exponentially to
        // retry.backoff.max.ms on repeated failures) cut the slowest commit at 5k flows/s from
        // 130-202 ms to 90-104 ms (docs/performance.md, session 30)
        d.put(STREAMS_PREFIX + "producer.retry.backoff.ms", "10");
        d.put(STREAMS_PREFIX + "statestore.cache.max.bytes", "33554432");
        DEFAULTS = Collections.unmodifiableMap(d);
    }

    private final Map<String, String> values;

    private FirewallConfig(Map<String, String> values) {
        this.values = Collections.unmodifiableMap(new TreeMap<>(values));
        validate();
    }

    /** Defaults only. */
    public static FirewallConfig defaults() {
        return of(Map.of());
    }

    /** {@code overrides} on top of the defaults. */
    public static FirewallConfig of(Map<String, String> overrides) {
        Map<String, String> v = new TreeMap<>(overrides);
        DEFAULTS.forEach(v::putIfAbsent);
        return new FirewallConfig(v);
    }

    /** A properties file, then the defaults for every key it does not set. */
    public static FirewallConfig load(Path file) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("firewall config file not found: " + file.toAbsolutePath(), e);
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot read firewall config file " + file.toAbsolutePath() + ": "
                    + e.getMessage(), e);
        }
        Map<String, String> m = new TreeMap<>();
        p.stringPropertyNames().forEach(k -> m.put(k.trim(), p.getProperty(k).trim()));
        return of(m);
    }

    /** A copy with {@code overrides} applied (e.g. command-line options over the file). */
    public FirewallConfig with(Map<String, String> overrides) {
        Map<String, String> v = new TreeMap<>(values);
        v.putAll(overrides);
        return new FirewallConfig(v);
    }

    private void validate() {
        requirePositive(BATCH_SIZE, batchSize());
        requirePositive(BATCH_MAX_WAIT_MS, batchMaxWait().toMillis());
        requirePositive(VERDICT_MAX_BYTES, verdictMaxBytes());
        if (maxRecordBytes() < 1024 || maxRecordBytes() > 524_288) {
            throw new IllegalArgumentException(VALIDATION_MAX_RECORD_BYTES + " must be 1024..524288 (a flow record is "
                    + "under 1 KB; its dead letter must fit the dead-letter topic), got " + maxRecordBytes());
        }
        requirePositive(SEQUENCE_MAX_AGE_MS, sequenceMaxAge().toMillis());
        requirePositive(SEQUENCE_EVICT_INTERVAL_MS, sequenceEvictInterval().toMillis());
        requirePositive(STATE_SCAN_MAX_ENTRIES, stateScanMaxEntries());
        requirePositive(STATUS_INTERVAL_MS, statusInterval().toMillis());
        if (sequenceLengthOverride() != null) {
            int t = sequenceLengthOverride();
            if (t < 1 || t > ModelArtifact.MAX_SEQUENCE_LENGTH) {
                throw new IllegalArgumentException(SEQUENCE_LENGTH + " must be 1.." + ModelArtifact.MAX_SEQUENCE_LENGTH
                        + ", got " + t);
            }
        }
        if (confidenceThresholdOverride() != null) {
            double th = confidenceThresholdOverride();
            if (!(th >= 0 && th <= 1)) {
                throw new IllegalArgumentException(POLICY_CONFIDENCE_THRESHOLD + " must be in [0, 1], got " + th);
            }
        }
        inputOutOfRange();
        if (metricsPort() < -1 || metricsPort() > 65535) {
            throw new IllegalArgumentException(METRICS_PORT + " must be -1 (off), 0 (any) or a port, got " + metricsPort());
        }
        trustEnabled();
        inferencePipelined();
        double max = maxFeatureValue();
        if (!(max > 0) || Double.isInfinite(max)) {
            throw new IllegalArgumentException(VALIDATION_MAX_FEATURE_VALUE + " must be a finite positive number, got "
                    + get(VALIDATION_MAX_FEATURE_VALUE));
        }
        double minTiming = minTimingValue();
        if (!(minTiming <= 0) || Double.isInfinite(minTiming)) {
            throw new IllegalArgumentException(VALIDATION_MIN_TIMING_VALUE + " must be a finite number <= 0, got "
                    + get(VALIDATION_MIN_TIMING_VALUE));
        }
        if (maxFutureSkew().isNegative()) {
            throw new IllegalArgumentException(VALIDATION_MAX_FUTURE_SKEW_MS + " must be >= 0, got "
                    + get(VALIDATION_MAX_FUTURE_SKEW_MS));
        }
        java.util.List<String> required = new java.util.ArrayList<>(topicBySetting().keySet());
        required.add(0, APPLICATION_ID);
        required.add(POLICY_BENIGN_CLASS);
        for (String k : required) {
            if (get(k).isEmpty()) {
                throw new IllegalArgumentException(k + " must not be empty");
            }
        }
        // a dead-letter topic that is also the input would loop forever; verdicts on the input are read as flows
        sif.schemas.Topics.requireDistinct(topicBySetting());
    }

    private static void requirePositive(String key, long v) {
        if (v <= 0) {
            throw new IllegalArgumentException(key + " must be > 0, got " + v);
        }
    }

    /** The raw value of a key ("" when unset and without default). */
    public String get(String key) {
        return values.getOrDefault(key, "");
    }

    /** All keys and values (defaults included). */
    public Map<String, String> asMap() {
        return values;
    }

    public String bootstrapServers() {
        return get(BOOTSTRAP_SERVERS);
    }

    public String applicationId() {
        return get(APPLICATION_ID);
    }

    /** The flow, verdict and dead-letter topics by setting, in that order. */
    public Map<String, String> topicBySetting() {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        for (String k : new String[] {TOPIC_INPUT, TOPIC_ALLOWED, TOPIC_BLOCKED, TOPIC_ALERTED, TOPIC_DLQ}) {
            m.put(k, get(k));
        }
        return m;
    }

    public String inputTopic() {
        return get(TOPIC_INPUT);
    }

    public String allowedTopic() {
        return get(TOPIC_ALLOWED);
    }

    public String blockedTopic() {
        return get(TOPIC_BLOCKED);
    }

    public String alertedTopic() {
        return get(TOPIC_ALERTED);
    }

    public String dlqTopic() {
        return get(TOPIC_DLQ);
    }

    /**
     * The model directory. A relative path that does not exist from the working directory is taken
     * from the SIF checkout ({@code sif.repo.root}, set by {@code ./sif}), so that the default
     * {@code models/cicids2017-lstm} is found wherever {@code ./sif firewall} is run from.
     */
    public Path modelDir() {
        Path dir = Path.of(get(MODEL_DIR));
        String root = System.getProperty("sif.repo.root");
        if (!dir.isAbsolute() && !Files.exists(dir) && root != null && Files.exists(Path.of(root).resolve(dir))) {
            return Path.of(root).resolve(dir);
        }
        return dir;
    }

    /** T when configured; {@code null} means "the model's sequence length". */
    public Integer sequenceLengthOverride() {
        String v = get(SEQUENCE_LENGTH);
        return v.isEmpty() ? null : parseInt(SEQUENCE_LENGTH, v);
    }

    public Duration sequenceMaxAge() {
        return Duration.ofMillis(parseLong(SEQUENCE_MAX_AGE_MS));
    }

    public Duration sequenceEvictInterval() {
        return Duration.ofMillis(parseLong(SEQUENCE_EVICT_INTERVAL_MS));
    }

    /**
     * How many entries of a per-source store one expiry or eviction punctuation looks at, at most
     * ({@link StoreSweep}): a task with more sources goes through its stores over several punctuations.
     */
    public int stateScanMaxEntries() {
        return parseInt(STATE_SCAN_MAX_ENTRIES, get(STATE_SCAN_MAX_ENTRIES));
    }

    public int batchSize() {
        return parseInt(BATCH_SIZE, get(BATCH_SIZE));
    }

    public Duration batchMaxWait() {
        return Duration.ofMillis(parseLong(BATCH_MAX_WAIT_MS));
    }

    /**
     * The largest verdict record (key, value and headers, in bytes) the policy step sends to a verdict
     * topic; a larger one sends its flow to the dead-letter topic ({@link DlqReason#VERDICT_UNWRITABLE}).
     */
    public int verdictMaxBytes() {
        return parseInt(VERDICT_MAX_BYTES, get(VERDICT_MAX_BYTES));
    }

    /** The BLOCK threshold when configured; {@code null} means "the model's decision threshold". */
    public Double confidenceThresholdOverride() {
        String v = get(POLICY_CONFIDENCE_THRESHOLD);
        return v.isEmpty() ? null : parseDouble(POLICY_CONFIDENCE_THRESHOLD, v);
    }

    /**
     * {@code policy.input.out.of.range} ({@code no-allow}, {@code alert}, {@code block} or {@code model}) when
     * set, else null (the built-in rules' {@code no-allow}).
     */
    public String inputOutOfRangeOverride() {
        String v = get(POLICY_INPUT_OUT_OF_RANGE).trim();
        return v.isEmpty() ? null : v;
    }

    /** What becomes of the model's action for a flow with an input outside its training range. */
    public OutOfRange inputOutOfRange() {
        return OutOfRange.parse(get(POLICY_INPUT_OUT_OF_RANGE), POLICY_INPUT_OUT_OF_RANGE);
    }

    public String benignClass() {
        return get(POLICY_BENIGN_CLASS);
    }

    public double maxFeatureValue() {
        return parseDouble(VALIDATION_MAX_FEATURE_VALUE, get(VALIDATION_MAX_FEATURE_VALUE));
    }

    public double minTimingValue() {
        return parseDouble(VALIDATION_MIN_TIMING_VALUE, get(VALIDATION_MIN_TIMING_VALUE));
    }

    /** How far a flow's event time may lie ahead of the firewall's wall clock. */
    /**
     * The largest input value accepted; a larger one is dead-lettered ({@link DlqReason#OVERSIZED_RECORD})
     * with only its first this many bytes, as is any dead letter's value.
     */
    public int maxRecordBytes() {
        return parseInt(VALIDATION_MAX_RECORD_BYTES, get(VALIDATION_MAX_RECORD_BYTES));
    }

    public Duration maxFutureSkew() {
        return Duration.ofMillis(parseLong(VALIDATION_MAX_FUTURE_SKEW_MS));
    }

    public Duration statusInterval() {
        return Duration.ofMillis(parseLong(STATUS_INTERVAL_MS));
    }

    /** Whether the zero-trust step, engine policy and SIEM outputs run ({@link FirewallWiring}). */
    public boolean trustEnabled() {
        return parseBoolean(TRUST_ENABLED);
    }

    /**
     * Whether each task runs the model on an inference thread of its own while its stream thread
     * goes on ({@link InferenceRunner}); false runs it on the stream thread.
     */
    public boolean inferencePipelined() {
        return parseBoolean(INFERENCE_PIPELINED);
    }

    private boolean parseBoolean(String key) {
        String v = get(key);
        if (!v.equals("true") && !v.equals("false")) {
            throw new IllegalArgumentException(key + " must be true or false, got '" + v + "'");
        }
        return Boolean.parseBoolean(v);
    }

    /** Port of the /metrics and /health HTTP endpoints; -1 disables them, 0 picks a free port. */
    public int metricsPort() {
        return parseInt(METRICS_PORT, get(METRICS_PORT));
    }

    /**
     * The consumer's static group membership id ({@code group.instance.id}), or {@code null} for
     * dynamic membership. {@value #INSTANCE_ID} = {@code none} turns it off; a value is used as is;
     * unset derives a stable id from the application id, the host name and the state directory
     * (two instances on one host need distinct state directories anyway), so a restarted firewall
     * takes its partitions back at once instead of waiting for the old member's session timeout.
     * A {@code streams.group.instance.id} key wins over all of this.
     */
    public String groupInstanceId() {
        String v = get(INSTANCE_ID);
        if (v.equals("none")) {
            return null;
        }
        if (!v.isEmpty()) {
            return v;
        }
        String dirHash = Integer.toHexString(stateDir().toAbsolutePath().normalize().hashCode());
        return applicationId() + "-" + hostName() + "-" + dirHash;
    }

    /** Kafka Streams' {@code state.dir}: {@code streams.state.dir}, else its default {@code <java.io.tmpdir>/kafka-streams}. */
    public java.nio.file.Path stateDir() {
        return java.nio.file.Path.of(values.getOrDefault(STREAMS_PREFIX + "state.dir",
                System.getProperty("java.io.tmpdir") + "/kafka-streams"));
    }

    private static String hostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env.trim();
        }
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return "localhost";
        }
    }

    /**
     * The cluster's security settings among the {@value #STREAMS_PREFIX} keys, without the prefix
     * ({@code security.protocol}, {@code sasl.*}, {@code ssl.*}): what every other client of the same
     * cluster needs — the dead-letter producer, the readiness probe, tools — besides
     * {@code bootstrap.servers}. Empty for a plaintext cluster.
     */
    public Map<String, String> clientSecurity() {
        Map<String, String> m = new TreeMap<>();
        streamsOverrides().forEach((k, v) -> {
            if (k.equals("security.protocol") || k.startsWith("sasl.") || k.startsWith("ssl.")) {
                m.put(k, v);
            }
        });
        return m;
    }

    /** {@code bootstrap.servers} plus {@link #clientSecurity()}: a client configuration for the firewall's cluster. */
    public Map<String, Object> clusterClientConfig() {
        Map<String, Object> m = new HashMap<>(clientSecurity());
        m.put(BOOTSTRAP_SERVERS, bootstrapServers());
        return m;
    }

    /** The {@value #STREAMS_PREFIX} keys without their prefix. */
    public Map<String, String> streamsOverrides() {
        Map<String, String> m = new TreeMap<>();
        values.forEach((k, v) -> {
            if (k.startsWith(STREAMS_PREFIX)) {
                m.put(k.substring(STREAMS_PREFIX.length()), v);
            }
        });
        return m;
    }

    /**
     * Keys no part of the firewall reads (not a firewall or {@code trust.*} setting, not {@value
     * #STREAMS_PREFIX}*, not a serde setting): most likely misspelt, e.g. {@code trust.max.flow} for
     * {@code trust.max.flows}, which would otherwise leave the default in force without a word.
     */
    public SortedSet<String> unknownKeys() {
        SortedSet<String> unknown = new TreeSet<>();
        for (String k : values.keySet()) {
            if (!DEFAULTS.containsKey(k) && !TrustConfig.DEFAULTS.containsKey(k) && !k.startsWith(STREAMS_PREFIX)
                    && !isSerdeKey(k)) {
                unknown.add(k);
            }
        }
        return unknown;
    }

    /** Settings for the Avro serdes: {@code schema.registry.url} and {@code apicurio.*}. */
    public Map<String, String> serdeConfig() {
        Map<String, String> m = new TreeMap<>();
        values.forEach((k, v) -> {
            if (isSerdeKey(k)) {
                m.put(k, v);
            }
        });
        return m;
    }

    private static boolean isSerdeKey(String key) {
        return key.equals("schema.registry.url") || key.startsWith("apicurio.");
    }

    private long parseLong(String key) {
        String v = get(key);
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be an integer, got '" + v + "'", e);
        }
    }

    private static int parseInt(String key, String v) {
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be an integer, got '" + v + "'", e);
        }
    }

    private static double parseDouble(String key, String v) {
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a number, got '" + v + "'", e);
        }
    }

    @Override
    public String toString() {
        return "FirewallConfig" + values;
    }
}
