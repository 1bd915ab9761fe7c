package sif.bench.jmh;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import sif.bench.BenchFlows;
import sif.firewall.FirewallApp;
import sif.firewall.FirewallConfig;
import sif.firewall.FirewallTopics;
import sif.firewall.FirewallTopology;
import sif.firewall.FirewallWiring;
import sif.firewall.SequenceInferenceProcessor;
import sif.firewall.SequenceWindow;
import sif.firewall.metrics.FirewallMetrics;
import sif.firewall.trust.AlertAggregationProcessor;
import sif.firewall.trust.AlertCodec;
import sif.firewall.trust.BlocklistEntry;
import sif.firewall.trust.BlocklistEntryCodec;
import sif.firewall.trust.BlocklistProcessor;
import sif.firewall.trust.SourceStateCodec;
import sif.firewall.trust.TrustConfig;
import sif.firewall.trust.ZeroTrustProcessor;
import sif.model.SequenceClassifier;
import sif.policy.Decision;
import sif.policy.alerts.Alert;
import sif.policy.alerts.AlertAggregator;
import sif.policy.alerts.AlertInput;
import sif.schemas.avro.NetworkFlow;
import sif.schemas.serde.AvroSerdes;
import sif.trust.IdentityStatus;
import sif.trust.SourceState;

/**
 * One punctuation of a per-source store's idle/expiry scan when a task holds many sources, on the
 * firewall's own topology: {@link FirewallWiring#standard} and {@link FirewallTopology#buildTopology}
 * (zero trust, engine policy, alert documents, blocklist) in a {@link TopologyTestDriver} with the
 * firewall's Streams properties ({@link FirewallApp#streamsProperties}: exactly-once, 32 MB record
 * cache), so each store is what the firewall builds: persistent RocksDB behind the record cache,
 * changelogged. The store named by {@code store} is filled with {@code sources} realistic values,
 * encoded by the store's own codec ({@link BlocklistEntryCodec}, {@link SourceStateCodec},
 * {@link AlertCodec} of alerts built by the real {@link AlertAggregator} with full samples, model-input
 * windows of the shipped model by {@link SequenceWindow}), through the driver's store (so through the
 * cache and changelog layers), and all of them too recent to go: the timed scan reads and decodes
 * every value and removes nothing.
 *
 * <p>One invocation is one punctuation:
 * <ul>
 *   <li>{@code blocklist}, {@code zeroTrust}, {@code alerts}, {@code none}: one flow is piped with a
 *   timestamp and event time one longest stream-time interval (of {@code blocklist.expire.interval.ms},
 *   {@code alerts.update.interval.ms}, {@code trust.evict.interval.ms}; 60 s by default) past the
 *   previous one, so each of the three stream-time punctuators runs once ({@code expire()},
 *   {@code closeExpired()}, {@code evictIdle}), the other two over stores of a few entries. The flow's
 *   own path (validation, zero trust, the model on a batch of one, policy, outputs) and the driver's
 *   commit are timed with it: {@code none} (no store filled) is that baseline, to subtract.</li>
 *   <li>{@code sequences}: the driver's wall clock moves one {@code sequence.evict.interval.ms}, so
 *   {@code evictIdleSources} runs once (no record is processed).</li>
 * </ul>
 * Inference runs inline with batches of one (the firewall's default is pipelined, batches up to 64):
 * the piped flow's verdict reaches the blocklist and alert processors at once and sets their clocks,
 * which they need before they scan. Not included: the pauses of a real broker's transaction commit.
 *
 * <p>The fork pre-touches its heap ({@code -XX:+AlwaysPreTouch}, not in the firewall's own JVM options):
 * without it the heap's first use in a fresh fork (tens of thousands of minor page faults a second, a
 * third of the CPU in the kernel) made a scan up to four times slower from one iteration to the next.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms6g", "-Xmx6g", "-XX:+AlwaysPreTouch", "-Dlogback.configurationFile=sif-bench-logback.xml"})
@Warmup(iterations = 3)
@Measurement(iterations = 8)
public class PunctuationScanBench {

    static final long T0 = 1_499_000_000_000L;
    /** Stored times lead the run's clock by this much, so nothing expires, closes or goes idle while it runs. */
    static final long LEAD_MS = 7_200_000L;
    /** Puts between two driver commits while filling (each commit's changelog records are then dropped). */
    static final int FILL_CHUNK = 50_000;
    static final int TEMPLATES = 1024;

    @Param({"blocklist", "zeroTrust", "alerts", "sequences", "none"})
    public String store;

    @Param({"100000", "1000000"})
    public int sources;

    /**
     * {@code state.scan.max.entries}: the firewall's default (one punctuation looks at a slice of the
     * store), or {@code 2147483647} for the whole store at every punctuation (the firewall before slices).
     */
    @Param({"" + FirewallConfig.DEFAULT_STATE_SCAN_MAX_ENTRIES})
    public int scanMaxEntries;

    private SequenceClassifier model;
    private Path stateDir;
    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> flowsIn;
    private String flowTopic;
    private final Serializer<NetworkFlow> flowSerializer = AvroSerdes.singleObject(NetworkFlow.class).serializer();
    private NetworkFlow template;
    private long stepMs;
    private Duration wallStep;
    private long time = T0;
    /** The store filled (null for {@code none}): the smoke test checks that the punctuations left every entry. */
    private KeyValueStore<String, byte[]> filled;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        model = sif.firewall.ModelLoader.load(BenchInputs.modelDir());
        BenchFlows flows = BenchInputs.flows();
        // inline inference, batches of one: the flow's verdict reaches the blocklist and alerts at once
        FirewallConfig config = FirewallConfig.of(Map.of(FirewallConfig.BATCH_SIZE, "1",
                FirewallConfig.INFERENCE_PIPELINED, "false",
                FirewallConfig.STATE_SCAN_MAX_ENTRIES, Integer.toString(scanMaxEntries)));
        TrustConfig trust = TrustConfig.from(config);
        stepMs = Math.max(trust.evictInterval().toMillis(), Math.max(trust.alertUpdateInterval().toMillis(),
                trust.blocklistExpireInterval().toMillis()));
        wallStep = config.sequenceEvictInterval();
        FirewallWiring wiring = FirewallWiring.standard(config, model, FirewallMetrics.noop());
        var topology = FirewallTopology.buildTopology(config, model, wiring.policy(), wiring.extensions());
        stateDir = Files.createTempDirectory("sif-bench-scan-");
        Properties props = FirewallApp.streamsProperties(config);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(topology, props, Instant.now());
        flowTopic = FirewallTopics.from(config).input();
        flowsIn = driver.createInputTopic(flowTopic, Serdes.String().serializer(),
                Serdes.ByteArray().serializer());
        template = flows.template(0);
        pipeFlow(); // every processor's clock starts at T0

        String name = storeName();
        if (name != null) {
            String changelog = props.getProperty(StreamsConfig.APPLICATION_ID_CONFIG) + "-" + name + "-changelog";
            fill(name, changelog, flows, config);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        if (driver != null) {
            driver.close();
        }
        if (model != null) {
            model.close();
        }
        BenchInputs.deleteTree(stateDir);
    }

    /** One punctuation of the store's scan (see the class comment). */
    @Benchmark
    public long punctuation() {
        if ("sequences".equals(store)) {
            driver.advanceWallClockTime(wallStep);
        } else {
            time += stepMs;
            pipeFlow();
        }
        return time;
    }

    /** The source of the piped flows, whose own entries the stores hold besides the filled ones. */
    String pipedSource() {
        return template.getSrcIp();
    }

    /** The filled store (null for {@code none}). */
    KeyValueStore<String, byte[]> filledStore() {
        return filled;
    }

    private String storeName() {
        return switch (store) {
            case "blocklist" -> BlocklistProcessor.STORE;
            case "zeroTrust" -> ZeroTrustProcessor.SOURCE_STORE;
            case "alerts" -> AlertAggregationProcessor.STORE;
            case "sequences" -> SequenceInferenceProcessor.SEQUENCE_STORE;
            case "none" -> null;
            default -> throw new IllegalArgumentException("unknown store " + store);
        };
    }

    private void pipeFlow() {
        NetworkFlow f = NetworkFlow.newBuilder(template).setEventTimeMs(time).build();
        flowsIn.pipeInput(f.getSrcIp(), flowSerializer.serialize(flowTopic, f), time);
    }

    /** Source {@code i}'s address: distinct for every i below 2^24. */
    static String source(int i) {
        return "10." + ((i >>> 16) & 0xFF) + "." + ((i >>> 8) & 0xFF) + "." + (i & 0xFF);
    }

    private void fill(String name, String changelog, BenchFlows flows, FirewallConfig config) {
        KeyValueStore<String, byte[]> kv = driver.getKeyValueStore(name);
        TestOutputTopic<byte[], byte[]> log = driver.createOutputTopic(changelog, Serdes.ByteArray().deserializer(),
                Serdes.ByteArray().deserializer());
        Values values = values(flows, config);
        long start = System.nanoTime();
        List<KeyValue<String, byte[]>> chunk = new ArrayList<>(FILL_CHUNK);
        long keyBytes = 0;
        long valueBytes = 0;
        for (int i = 0; i < sources; i++) {
            KeyValue<String, byte[]> e = values.entry(i);
            keyBytes += e.key.length();
            valueBytes += e.value.length;
            chunk.add(e);
            if (chunk.size() == FILL_CHUNK || i == sources - 1) {
                kv.putAll(chunk);
                chunk.clear();
                driver.advanceWallClockTime(Duration.ZERO); // commit: cache flushed to RocksDB and the changelog
                while (!log.isEmpty()) {
                    log.readRecordsToList(); // the driver would otherwise keep every changelog record
                }
            }
        }
        filled = kv;
        System.out.printf("# %s: %,d entries (keys %.1f B, values %.1f B on average) written in %.1f s, %,d in the "
                + "store%n", name, sources, (double) keyBytes / sources, (double) valueBytes / sources,
                (System.nanoTime() - start) / 1e9, kv.approximateNumEntries());
    }

    /** A store's key and value for source i. */
    private interface Values {
        KeyValue<String, byte[]> entry(int i);
    }

    private Values values(BenchFlows flows, FirewallConfig config) {
        long lead = T0 + LEAD_MS;
        String version = model.info().version();
        List<String> flowIds = new ArrayList<>();
        for (int i = 0; i < TEMPLATES; i++) {
            flowIds.add(flows.template(i).getFlowId());
        }
        return switch (store) {
            case "blocklist" -> i -> {
                // a source blocked for a while: 10 verdict ids (the cap), the engine's deciding reason
                List<String> ids = new ArrayList<>(BlocklistProcessor.MAX_VERDICT_IDS);
                for (int k = 0; k < BlocklistProcessor.MAX_VERDICT_IDS; k++) {
                    ids.add(flowIds.get((i + k * 7) % TEMPLATES));
                }
                long until = lead + 600_000L;
                BlocklistEntry e = new BlocklistEntry(source(i), until, lead - 300_000L, lead, "model:DDoS p=0.97>0.9=>BLOCK",
                        ids, 40 + i % 200, until);
                return KeyValue.pair(e.source(), BlocklistEntryCodec.INSTANCE.encode(e));
            };
            case "zeroTrust" -> i -> {
                // two thirds bound to a workload identity and verified, a third unknown
                boolean bound = i % 3 != 2;
                SourceState s = bound
                        ? new SourceState("spiffe://sif.example/ns/prod/sa/host-" + i,
                                Long.toHexString(0x5eed_0000_0000L + i) + "c0ffee0123456789", lead - 120_000L,
                                i % 500, SourceState.NO_CHALLENGE, lead, IdentityStatus.TRUSTED)
                        : new SourceState(null, null, 0L, i % 500, lead - 30_000L, lead, IdentityStatus.UNKNOWN);
                return KeyValue.pair(source(i), SourceStateCodec.INSTANCE.encode(s));
            };
            case "alerts" -> {
                TrustConfig trust = TrustConfig.from(config);
                AlertAggregator aggregator = new AlertAggregator(trust.alertWindow().toMillis(),
                        trust.alertUpdateInterval().toMillis());
                yield i -> {
                    // an alert (one per source) after MAX_SAMPLES verdicts: full destination, port and flow-id samples
                    String src = source(i);
                    Alert a = null;
                    for (int k = 0; k < AlertAggregator.MAX_SAMPLES; k++) {
                        NetworkFlow f = flows.template((i + k * 31) % TEMPLATES);
                        AlertInput in = new AlertInput(f.getFlowId(), src, 40_000 + k, "192.168.10." + (k + 1),
                                20 + k * 13, 6, null, "PortScan", 0.93, Decision.ALERT,
                                List.of("identity:UNKNOWN no identity bound to " + src, "model:PortScan p=0.93>0.8=>ALERT"),
                                IdentityStatus.UNKNOWN, lead + k, version);
                        a = aggregator.onVerdict(a, in, lead + k).state();
                    }
                    return KeyValue.pair(AlertAggregator.key(src, "PortScan"), AlertCodec.INSTANCE.encode(a));
                };
            }
            case "sequences" -> {
                // full windows (the newest T - 1 rows) of real flows through the shipped model's input scaling
                int t = config.sequenceLengthOverride() != null ? config.sequenceLengthOverride()
                        : model.info().sequenceLength();
                int format = SequenceWindow.formatId(model.inputFormat());
                long maxAge = config.sequenceMaxAge().toMillis();
                byte[][] windows = new byte[TEMPLATES][];
                for (int w = 0; w < TEMPLATES; w++) {
                    byte[] stored = null;
                    for (int k = 0; k < t; k++) {
                        float[] row = model.input(sif.schemas.Flows.featuresAsFloat(flows.template(w * t + k)));
                        byte[] seq = SequenceWindow.append(stored, lead - (t - k) * 1000L, row, format, t, maxAge);
                        stored = SequenceWindow.context(stored, seq, t, maxAge);
                    }
                    windows[w] = stored;
                }
                yield i -> KeyValue.pair(source(i), windows[i % TEMPLATES]);
            }
            default -> throw new IllegalArgumentException("unknown store " + store);
        };
    }
}
