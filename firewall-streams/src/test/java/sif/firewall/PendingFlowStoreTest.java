package sif.firewall;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import sif.schemas.Flows;
import sif.schemas.avro.IdentityStatus;
import sif.schemas.avro.NetworkFlow;

/** The write-behind pending store: what reaches the underlying (changelogged) store, and when. */
class PendingFlowStoreTest {

    private KeyValueStore<Long, byte[]> inner;
    private PendingFlowStore store;

    @BeforeEach
    void setUp() {
        MockProcessorContext<String, String> context = new MockProcessorContext<>();
        inner = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("p"), Serdes.Long(), Serdes.ByteArray())
                .withLoggingDisabled().build();
        store = new PendingFlowStore(inner);
        store.init(context.getStateStoreContext(), store);
    }

    private static PendingFlow flow(String id, long offset) {
        NetworkFlow f = TestFlows.flow(id, "10.0.0.1", 1_000 + offset, 500, 5);
        float[] features = Flows.featuresAsFloat(f);
        FlowContext c = new FlowContext(f, features, TestFlows.bytes(f), 2_000 + offset, "flows", 0, offset,
                IdentityStatus.NOT_EVALUATED, null, List.of());
        return PendingFlow.of(c, SequenceWindow.append(null, f.getEventTimeMs(), features, 0, 10, 60_000));
    }

    private static List<Long> keys(KeyValueIterator<Long, ?> it) {
        List<Long> keys = new ArrayList<>();
        try (it) {
            it.forEachRemaining(kv -> keys.add(kv.key));
        }
        return keys;
    }

    @Test
    void aFlowThatComesAndGoesBetweenCommitsIsNeverWritten() {
        store.put(1L, flow("a", 1));
        store.put(2L, flow("b", 2));
        assertEquals("a", store.delete(1L).flowId());
        assertEquals(List.of(2L), keys(store.all()));
        assertEquals(0, inner.approximateNumEntries(), "nothing written before the commit");
        store.delete(2L);
        store.flushCache();
        assertEquals(List.of(), keys(inner.all()), "both gone before the commit: nothing written at it");
    }

    @Test
    void theCommitWritesWhatIsStillPendingAndALaterDeleteRemovesIt() {
        PendingFlow a = flow("a", 1);
        store.put(1L, a);
        store.flushCache();
        assertEquals(List.of(1L), keys(inner.all()));
        PendingFlow stored = PendingFlow.decode(inner.get(1L));
        assertEquals("a", stored.flowId());
        assertEquals(1, stored.sourceOffset());
        assertArrayEquals(a.sequence(), stored.sequence());
        assertNull(stored.rawValue(), "the raw input bytes stay in memory (PendingFlow#encode)");

        store.put(2L, flow("b", 2));
        assertEquals(List.of(1L, 2L), keys(store.all()), "flushed and unflushed, in arrival order");
        assertEquals("a", store.get(1L).flowId());
        assertEquals("b", store.get(2L).flowId());
        assertEquals(List.of(2L), keys(store.range(2L, 5L)));
        assertEquals("a", store.delete(1L).flowId());
        assertEquals(List.of(), keys(inner.all()), "a flushed flow is deleted from the store at once");
        assertEquals(List.of(2L), keys(store.all()));
    }

    @Test
    void closeWritesNothingMoreAsACrashWould() {
        store.put(1L, flow("a", 1));
        store.flushCache();
        store.put(2L, flow("b", 2));
        List<KeyValue<Long, byte[]>> committed = new ArrayList<>();
        try (var it = inner.all()) {
            it.forEachRemaining(committed::add);
        }
        store.close(); // a task closed without a commit: flow b's input offset was not committed either
        assertFalse(store.isOpen());
        assertEquals(1, committed.size(), "what a restart restores: the flushed flow only");
        assertEquals("a", PendingFlow.decode(committed.get(0).value).flowId());
    }
}
