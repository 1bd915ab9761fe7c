package sif.bench.jmh;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteOptions;
import sif.bench.BenchFlows;
import sif.firewall.FlowContext;
import sif.firewall.PendingFlow;
import sif.firewall.SequenceWindow;
import sif.model.SequenceClassifier;
import sif.schemas.Flows;
import sif.schemas.avro.IdentityStatus;
import sif.schemas.avro.NetworkFlow;

/**
 * The per-source sequence store update per flow, with the firewall's own classes: the flow's
 * model-input row ({@code SequenceClassifier.input}, the shipped model's scaling, once per flow),
 * the window update ({@link SequenceWindow#append} of T = 10 flows of 312 bytes, the store keeping
 * the newest T - 1 via {@link SequenceWindow#context}), the model input decoded from it
 * ({@link SequenceWindow#rows}), the pending-batch record ({@link PendingFlow#encode}),
 * and the same update against a raw RocksDB (get + append + put, WAL off as in Kafka Streams; no
 * Streams record cache, so an upper bound of the store cost). Real flows cycle through their real
 * sources.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Dlogback.configurationFile=sif-bench-logback.xml"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class SequenceStoreBench {

    static final int T = 10;
    static final long MAX_AGE_MS = 600_000;

    private String[] sources;
    private byte[][] keys;
    private float[][] features;
    private FlowContext[] contexts;
    private SequenceClassifier model;
    private int format;
    private final Map<String, byte[]> windows = new HashMap<>();
    private int next;
    private long time = 1_500_000_000_000L;

    private Path dbDir;
    private Options options;
    private WriteOptions writeOptions;
    private RocksDB db;

    @Setup(Level.Trial)
    public void setUp() throws IOException, RocksDBException {
        BenchFlows flows = BenchInputs.flows();
        model = sif.firewall.ModelLoader.load(BenchInputs.modelDir()); // as the firewall: one PyTorch thread unless set
        format = SequenceWindow.formatId(model.inputFormat());
        int n = Math.min(flows.size(), 8192);
        sources = new String[n];
        keys = new byte[n][];
        features = new float[n][];
        contexts = new FlowContext[n];
        for (int i = 0; i < n; i++) {
            NetworkFlow f = flows.template(i);
            sources[i] = f.getSrcIp();
            keys[i] = f.getSrcIp().getBytes(StandardCharsets.UTF_8);
            features[i] = Flows.featuresAsFloat(f);
            contexts[i] = new FlowContext(f, features[i], new byte[900], f.getEventTimeMs(), "flows", 0, i,
                    IdentityStatus.NOT_EVALUATED, null, List.of());
        }
        // every source starts with a full window, as in a long-running firewall
        for (int round = 0; round < T; round++) {
            for (int i = 0; i < n; i++) {
                windows.put(sources[i], update(windows.get(sources[i]), i));
            }
        }
        RocksDB.loadLibrary();
        dbDir = Files.createTempDirectory("sif-bench-rocksdb-");
        options = new Options().setCreateIfMissing(true);
        writeOptions = new WriteOptions().setDisableWAL(true);
        db = RocksDB.open(options, dbDir.toString());
        for (var e : windows.entrySet()) {
            db.put(writeOptions, e.getKey().getBytes(StandardCharsets.UTF_8), e.getValue());
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        model.close();
        db.close();
        writeOptions.close();
        options.close();
        BenchInputs.deleteTree(dbDir);
    }

    /** What the firewall does per flow: input row, append; returns the sequence (T entries). */
    private byte[] sequence(byte[] stored, int i) {
        return SequenceWindow.append(stored, time++, model.input(features[i]), format, T, MAX_AGE_MS);
    }

    private byte[] update(byte[] stored, int i) {
        return SequenceWindow.context(stored, sequence(stored, i), T, MAX_AGE_MS);
    }

    /** The heap window of source {@code i}: its sequence with this flow appended (returned) and its stored context updated. */
    private byte[] heapUpdate(int i) {
        byte[] stored = windows.get(sources[i]);
        byte[] w = sequence(stored, i);
        windows.put(sources[i], SequenceWindow.context(stored, w, T, MAX_AGE_MS));
        return w;
    }

    private int advance() {
        int i = next;
        next = (next + 1) % sources.length;
        time++;
        return i;
    }

    /** The window update alone (heap map lookup, input row, {@link SequenceWindow#append}, the stored context as the firewall cuts it). */
    @Benchmark
    public byte[] windowAppend() {
        int i = advance();
        byte[] w = heapUpdate(i);
        return w;
    }

    /** Window update plus the model input decoded from it (what a batch drain does per flow). */
    @Benchmark
    public float[][] windowAppendAndModelInput() {
        int i = advance();
        byte[] w = heapUpdate(i);
        return SequenceWindow.rows(w);
    }

    /** Window update plus the pending-batch record the firewall writes per flow. */
    @Benchmark
    public byte[] windowAppendAndPendingRecord() {
        int i = advance();
        byte[] w = heapUpdate(i);
        return PendingFlow.of(contexts[i], w).encode();
    }

    /** get + append + put against RocksDB (no Streams cache in front). */
    @Benchmark
    public byte[] rocksdbGetAppendPut() throws RocksDBException {
        int i = advance();
        byte[] w = update(db.get(keys[i]), i);
        db.put(writeOptions, keys[i], w);
        return w;
    }
}
