package sif.firewall.trust;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import sif.firewall.StoreSweep;
import sif.policy.Decision;
import sif.policy.alerts.Alert;
import sif.policy.alerts.AlertActivity;
import sif.policy.alerts.AlertAggregator;
import sif.policy.alerts.AlertDocuments;
import sif.policy.alerts.AlertInput;
import sif.schemas.avro.Verdict;
import sif.trust.IdentityStatus;

/**
 * Aggregates ALERT/BLOCK verdicts (suppressed ones are skipped) into one alert per (source, class)
 * with the pure {@link AlertAggregator}, keeping open alerts in its changelogged store
 * {@value #STORE} (counters, times, ids and samples in the binary {@link AlertCodec} layout), and
 * forwards ECS or OCSF JSON documents keyed by alert id, rendered only when one is emitted: CREATE on
 * the first verdict, UPDATE on escalation or every update interval, CLOSE when the alert has been
 * idle for the window (checked by a punctuator against the newest verdict event time seen, a slice of at
 * most {@code scanMaxEntries} open alerts per punctuation: {@link StoreSweep}).
 *
 * <p>The open alerts this processor wrote last are also kept decoded in memory (at most
 * {@value #DECODED_CACHE_SIZE}, least recently used out), so that a busy source's verdicts are not
 * decoded from the store once each: the store stays the state of record (every change is written to
 * it, and so to its changelog), and the cache is a copy of what this instance wrote, emptied whenever
 * the task is (re)initialised.
 */
public final class AlertAggregationProcessor implements Processor<String, Verdict, String, String> {

    public static final String STORE = "alert-aggregation-store";
    /** Open alerts kept decoded, at most. */
    static final int DECODED_CACHE_SIZE = 4096;

    private final AlertAggregator aggregator;
    private final AlertDocuments documents;
    private final Duration checkInterval;
    private ProcessorContext<String, String> context;
    private final StoreSweep sweep;
    private KeyValueStore<String, byte[]> store;
    private long maxEventTime = Long.MIN_VALUE;
    /** Decoded copies of what this instance last wrote to the store, by key (LRU). */
    private final Map<String, Alert> decoded;

    /**
     * @param scanMaxEntries at most this many open alerts are looked at by one CLOSE punctuation
     *                       ({@link StoreSweep})
     */
    public AlertAggregationProcessor(AlertAggregator aggregator, AlertDocuments documents, Duration checkInterval,
                                     int scanMaxEntries) {
        this(aggregator, documents, checkInterval, scanMaxEntries, DECODED_CACHE_SIZE);
    }

    AlertAggregationProcessor(AlertAggregator aggregator, AlertDocuments documents, Duration checkInterval,
                              int scanMaxEntries, int decodedCacheSize) {
        this.aggregator = aggregator;
        this.documents = documents;
        this.checkInterval = checkInterval;
        this.sweep = new StoreSweep(scanMaxEntries); // keeps its place over re-initialisations
        this.decoded = new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Alert> eldest) {
                return size() > decodedCacheSize;
            }
        };
    }

    /** Changelogged, persistent, cached (one write per alert per commit interval, not per verdict). */
    public static StoreBuilder<KeyValueStore<String, byte[]>> store() {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(), Serdes.ByteArray())
                .withCachingEnabled();
    }

    public static ProcessorSupplier<String, Verdict, String, String> supplier(AlertAggregator aggregator,
                                                                              AlertDocuments documents,
                                                                              Duration checkInterval,
                                                                              int scanMaxEntries) {
        return new ProcessorSupplier<>() {
            @Override
            public Processor<String, Verdict, String, String> get() {
                return new AlertAggregationProcessor(aggregator, documents, checkInterval, scanMaxEntries);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return Set.of(store());
            }
        };
    }

    @Override
    public void init(ProcessorContext<String, String> context) {
        this.context = context;
        this.store = context.getStateStore(STORE);
        decoded.clear();
        context.schedule(checkInterval, PunctuationType.STREAM_TIME, t -> closeExpired());
    }

    @Override
    public void process(Record<String, Verdict> record) {
        Verdict v = record.value();
        if (v == null) {
            return;
        }
        maxEventTime = Math.max(maxEventTime, v.getEventTimeMs());
        if (v.getSuppressed() || v.getDecision() == sif.schemas.avro.Decision.ALLOW) {
            return; // still advances the clock that closes idle alerts
        }
        AlertInput in = new AlertInput(v.getFlowId(), v.getSrcIp(), v.getSrcPort(), v.getDstIp(), v.getDstPort(),
                v.getProtocol(), v.getPrincipal(), v.getPredictedClass(), v.getConfidence(),
                Decision.valueOf(v.getDecision().name()), v.getReasons(),
                IdentityStatus.valueOf(v.getIdentityStatus().name()), v.getEventTimeMs(), v.getModelVersion());
        String key = AlertAggregator.key(in.srcIp(), in.predictedClass());
        Alert current = decoded.get(key);
        if (current == null) {
            current = AlertCodec.INSTANCE.decode(store.get(key), key);
        }
        if (current != null && aggregator.isExpired(current, in.eventTimeMs())) {
            emit(aggregator.close(current, in.eventTimeMs()), AlertActivity.CLOSE, record.timestamp());
        }
        AlertAggregator.Step step = aggregator.onVerdict(current, in, maxEventTime);
        store.put(key, AlertCodec.INSTANCE.encode(step.state()));
        decoded.put(key, step.state());
        if (step.emit() != null) {
            emit(step.emit(), step.activity(), record.timestamp());
        }
    }

    private void emit(Alert alert, AlertActivity activity, long timestamp) {
        if (alert == null) {
            return;
        }
        String doc = documents.toJson(alert, activity, context.currentSystemTimeMs());
        context.forward(new Record<>(alert.alertId(), doc, timestamp));
    }

    private void closeExpired() {
        if (maxEventTime == Long.MIN_VALUE) {
            return;
        }
        List<KeyValue<String, Alert>> expired = new ArrayList<>();
        sweep.next(store, (key, value) -> {
            Alert a = AlertCodec.INSTANCE.decode(value, key);
            if (aggregator.isIdle(a, maxEventTime)) {
                expired.add(KeyValue.pair(key, a));
            }
        });
        for (KeyValue<String, Alert> e : expired) {
            store.delete(e.key);
            decoded.remove(e.key);
            emit(aggregator.close(e.value, maxEventTime), AlertActivity.CLOSE, context.currentStreamTimeMs());
        }
    }
}
