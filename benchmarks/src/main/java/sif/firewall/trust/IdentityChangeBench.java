package sif.firewall.trust;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
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
import sif.firewall.FirewallConfig;
import sif.schemas.serde.AvroSerdes;
import sif.trust.IdentityEvent;
import sif.trust.IdentityEventType;
import sif.trust.PrincipalIdentity;

/**
 * What one identity change costs the firewall: a re-verification (a ROTATED event, the most frequent
 * identity event: every principal is re-verified at least every {@code trust.max.age.ms}) applied by
 * the identity store's real updater to a RocksDB store, then the next flow's lookup by a stream task's
 * real reader, which takes the change in. With {@code principals} identities bound to one host each.
 * (In the package it measures: the updater and the reader are not public.)
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar IdentityChangeBench}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Dlogback.configurationFile=sif-bench-logback.xml"})
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
public class IdentityChangeBench {

    static final long T0 = 1_499_443_200_000L;

    @Param({"1000", "10000"})
    public int principals;

    private Path dir;
    private KeyValueStore<String, String> store;
    private MockProcessorContext<Void, Void> context;
    private IdentityStore.Updater updater;
    private IdentityStore.Reader reader;
    private Serde<sif.schemas.avro.IdentityEvent> serde;
    private String[] hosts;
    private long offset;
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("sif-identity-bench");
        context = new MockProcessorContext<>(new Properties(), new TaskId(0, 0), dir.toFile());
        store = Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(IdentityStore.STORE), Serdes.String(),
                Serdes.String()).withLoggingDisabled().build();
        store.init(context.getStateStoreContext(), store);
        context.addStateStore(store);
        serde = AvroSerdes.serde(sif.schemas.avro.IdentityEvent.class,
                FirewallConfig.of(Map.of()).serdeConfig(), false);
        updater = new IdentityStore.Updater(serde.deserializer());
        updater.init(context);
        hosts = new String[principals];
        for (int i = 0; i < principals; i++) {
            hosts[i] = "10." + (i / 65536) + "." + ((i / 256) % 256) + "." + (i % 256);
            send(hosts[i], IdentityEventType.ISSUED, "s" + i, T0);
        }
        reader = new IdentityStore.Reader(store);
        reader.bySource(hosts[0]);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        store.close();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private void send(String host, IdentityEventType type, String serial, long at) {
        IdentityEvent e = new IdentityEvent("spiffe://bench/host/" + host, type, List.of(host), serial, at - 1,
                at + 3_600_000L, at, "mTLS", at, true, null);
        context.setRecordMetadata("identity", 0, offset++);
        updater.process(new Record<>(e.principal(), serde.serializer().serialize("identity", IdentityEvents.toAvro(e)),
                at));
    }

    /**
     * One principal re-verified, then one flow from another host looked up (the reader takes the change
     * in). Event time moves so that each principal is re-verified every 4 minutes, as the simulated
     * identities are: its verification history (the last hour's) stays as long as in a deployment,
     * where a clock moving 1 ms per change would grow it to its cap of 1,024 entries.
     */
    @Benchmark
    public PrincipalIdentity reverificationThenLookup() {
        int i = next;
        next = (next + 1) % principals;
        long at = T0 + 1000 + offset * (240_000L / principals);
        send(hosts[i], IdentityEventType.ROTATED, "r" + offset, at);
        return reader.bySource(hosts[(int) ((i * 7L + 3) % principals)]);
    }
}
