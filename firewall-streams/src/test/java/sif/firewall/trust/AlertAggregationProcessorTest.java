package sif.firewall.trust;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;
import sif.firewall.FirewallConfig;
import sif.policy.alerts.Alert;
import sif.policy.alerts.AlertAggregator;
import sif.policy.alerts.AlertDocuments;
import sif.policy.alerts.AlertFormat;
import sif.policy.alerts.Observer;
import sif.schemas.avro.Decision;
import sif.schemas.avro.IdentityStatus;
import sif.schemas.avro.Verdict;

/** The alert step alone: its decoded-alert cache never changes what is stored or emitted. */
class AlertAggregationProcessorTest {

    static final long T0 = 1_499_443_200_000L;

    private int seq;

    private Verdict verdict(String src, long t) {
        return Verdict.newBuilder().setFlowId("f" + (++seq)).setSrcIp(src).setSrcPort(40000).setDstIp("192.168.10.50")
                .setDstPort(80 + seq % 3).setProtocol(6).setEventTimeMs(t).setDecision(Decision.BLOCK)
                .setPredictedClass("DDoS").setConfidence(0.97).setProbabilities(Map.of("DDoS", 0.97))
                .setModelVersion("m1").setReasons(List.of("model:DDoS p=0.970>0.850=>BLOCK"))
                .setIdentityStatus(IdentityStatus.UNKNOWN).build();
    }

    private record Fixture(MockProcessorContext<String, String> context, KeyValueStore<String, byte[]> store,
                           AlertAggregationProcessor processor) {}

    /** A started processor (decoded cache of {@code cacheSize}) with its in-memory store; verdict ids restart. */
    private Fixture fixture(int cacheSize) {
        seq = 0;
        MockProcessorContext<String, String> context = new MockProcessorContext<>();
        context.setCurrentSystemTimeMs(T0);
        KeyValueStore<String, byte[]> store = Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(AlertAggregationProcessor.STORE), Serdes.String(), Serdes.ByteArray())
                .withLoggingDisabled().build();
        store.init(context.getStateStoreContext(), store);
        context.addStateStore(store);
        var processor = new AlertAggregationProcessor(AlertAggregator.defaults(),
                new AlertDocuments(AlertFormat.OCSF, Observer.defaults("sif", "test")), Duration.ofSeconds(5),
                FirewallConfig.DEFAULT_STATE_SCAN_MAX_ENTRIES, cacheSize);
        processor.init(context);
        return new Fixture(context, store, processor);
    }

    /** Runs the same verdicts through a processor with the given cache size; returns the store and the documents. */
    private Map.Entry<KeyValueStore<String, byte[]>, List<String>> run(int cacheSize) {
        Fixture f = fixture(cacheSize);
        var context = f.context();
        var store = f.store();
        var processor = f.processor();
        String[] sources = {"10.0.0.1", "10.0.0.2", "10.0.0.3"};
        for (int i = 0; i < 60; i++) { // round robin over 3 sources, one verdict a second: UPDATEs every 10 s
            String src = sources[i % sources.length];
            processor.process(new Record<>(src, verdict(src, T0 + i * 1_000L), T0 + i * 1_000L));
        }
        return Map.entry(store, context.forwarded().stream().map(c -> (String) c.record().value()).toList());
    }

    @Test
    void aCacheSmallerThanTheOpenAlertsGivesTheSameStoreAndDocuments() {
        var evicting = run(2); // 3 sources round robin through a cache of 2: every verdict misses it
        var holding = run(AlertAggregationProcessor.DECODED_CACHE_SIZE);
        for (String src : List.of("10.0.0.1", "10.0.0.2", "10.0.0.3")) {
            String key = src + "|DDoS";
            Alert a = AlertCodec.INSTANCE.decode(evicting.getKey().get(key), key);
            assertEquals(20, a.count(), key);
            assertEquals(a, AlertCodec.INSTANCE.decode(holding.getKey().get(key), key), key);
        }
        assertEquals(evicting.getValue().size(), holding.getValue().size());
        // documents carry their creation time (mock clock, constant); everything else must match
        assertEquals(evicting.getValue(), holding.getValue());
        // per source, verdicts 3 s apart from 0 to 57 s: CREATE at 0, UPDATEs at 12, 24, 36 and 48 s
        assertEquals(3 * 5, holding.getValue().size());
    }

    /**
     * A source whose flows lag its partition's newest by hours (a sensor draining a backlog) sends one flow
     * every 10 s of its own time while another source keeps the clock two hours ahead and the idle check
     * runs between them: its alert stays open (one CREATE, UPDATEs, no CLOSE). Before, the check measured
     * idleness from the alert's own newest flow, closed it at every run and opened a new one with the next
     * flow: 30 CREATEs and 29 CLOSEs for one run of flows. Once the lagging source stops, its alert closes.
     */
    @Test
    void theAlertOfASourceLaggingItsPartitionStaysOpenWhileItSends() {
        Fixture f = fixture(AlertAggregationProcessor.DECODED_CACHE_SIZE);
        var context = f.context();
        var store = f.store();
        var processor = f.processor();
        var check = context.scheduledPunctuators().get(0).getPunctuator();
        long live = T0 + 7_200_000L;
        for (int i = 0; i < 30; i++) {
            long clock = live + i * 10_000L;
            processor.process(new Record<>("10.0.0.9", allow(verdict("10.0.0.9", clock)), clock)); // advances the clock
            processor.process(new Record<>("10.0.0.1", verdict("10.0.0.1", T0 + i * 10_000L), clock));
            context.setCurrentStreamTimeMs(clock);
            check.punctuate(clock);
        }
        // the documents of 10.0.0.1 (the only source alerted) all belong to one alert: one event.id
        java.util.Set<String> alertIds = new java.util.TreeSet<>();
        for (var c : context.forwarded()) {
            alertIds.add(c.record().key());
        }
        assertEquals(1, alertIds.size(), alertIds.size() + " alerts for one run of flows");
        assertEquals(30, context.forwarded().size(), "CREATE, then an UPDATE per 10 s");
        long later = live + 30 * 10_000L + 61_000L;
        processor.process(new Record<>("10.0.0.9", allow(verdict("10.0.0.9", later)), later));
        context.setCurrentStreamTimeMs(later);
        check.punctuate(later);
        assertEquals(null, store.get("10.0.0.1|DDoS"), "closed once it stopped");
    }

    private static Verdict allow(Verdict v) {
        v.setDecision(Decision.ALLOW);
        return v;
    }
}
