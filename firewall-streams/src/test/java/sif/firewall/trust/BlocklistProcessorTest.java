package sif.firewall.trust;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;
import sif.firewall.FirewallConfig;
import sif.firewall.metrics.PrometheusFirewallMetrics;

/** The blocklist gauge: one share per task, counted afresh when a task is re-initialised, 0 when it goes. */
class BlocklistProcessorTest {

    static final long T0 = 1_499_443_200_000L;

    @Test
    void theGaugeIsTheSumOfTheTasksShares() {
        PrometheusFirewallMetrics metrics = new PrometheusFirewallMetrics(java.util.List.of("BENIGN", "DDoS"));
        BlocklistProcessor a = started(metrics, new TaskId(0, 0));
        BlocklistProcessor b = started(metrics, new TaskId(0, 1));
        a.process(block("10.0.0.1"));
        a.process(block("10.0.0.2"));
        b.process(block("10.0.1.1"));
        assertEquals(3, metrics.snapshot().blocklistSize(), "two tasks' shares, not the last writer's");

        // a task re-initialised on the same instance (after a retried error) counts its store once
        MockProcessorContext<String, String> again = context(new TaskId(0, 0));
        again.addStateStore(storeOf(a));
        a.init(again);
        assertEquals(3, metrics.snapshot().blocklistSize());

        b.close(); // partition 1 moved to another instance
        assertEquals(2, metrics.snapshot().blocklistSize());
    }

    /**
     * A block lasts its TTL from the task's newest event time, not from the verdict's own: a source whose
     * flows lag the partition's newest by more than the TTL (a sensor draining a backlog) was unblocked by
     * the next punctuation after every BLOCK (a tombstone each time) while its attack went on.
     */
    @Test
    void aLaggingSourceStaysBlockedForTheTtl() {
        PrometheusFirewallMetrics metrics = new PrometheusFirewallMetrics(java.util.List.of("BENIGN", "DDoS"));
        BlocklistProcessor p = started(metrics, new TaskId(0, 0));
        MockProcessorContext<String, String> ctx = CONTEXTS.get(p);
        long live = T0 + Duration.ofHours(2).toMillis();
        p.process(new Record<>("10.0.0.9", new BlockCommand("10.0.0.9", BlockCommand.Kind.TICK, null, null, live), live));
        p.process(block("10.0.0.1")); // event time T0: two hours behind
        ctx.setCurrentStreamTimeMs(live);
        Runnable punctuate = () -> ctx.scheduledPunctuators().get(0).getPunctuator().punctuate(ctx.currentStreamTimeMs());
        punctuate.run();
        assertEquals(1, metrics.snapshot().blocklistSize(), "still blocked: the TTL (10 min) runs from the task's clock");
        assertEquals(1, ctx.forwarded().size(), "published once, no tombstone");
        long later = live + Duration.ofMinutes(10).toMillis();
        p.process(new Record<>("10.0.0.9", new BlockCommand("10.0.0.9", BlockCommand.Kind.TICK, null, null, later), later));
        ctx.setCurrentStreamTimeMs(later);
        punctuate.run();
        assertEquals(0, metrics.snapshot().blocklistSize(), "unblocked once the TTL has passed on that clock");
        assertEquals(null, ctx.forwarded().get(1).record().value(), "with a tombstone");
    }

    private static final java.util.Map<BlocklistProcessor, KeyValueStore<String, byte[]>> STORES =
            new java.util.IdentityHashMap<>();

    private static final java.util.Map<BlocklistProcessor, MockProcessorContext<String, String>> CONTEXTS =
            new java.util.IdentityHashMap<>();

    private static BlocklistProcessor started(PrometheusFirewallMetrics metrics, TaskId task) {
        MockProcessorContext<String, String> ctx = context(task);
        KeyValueStore<String, byte[]> store = Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(BlocklistProcessor.STORE), Serdes.String(), Serdes.ByteArray())
                .withLoggingDisabled().build();
        store.init(ctx.getStateStoreContext(), store);
        ctx.addStateStore(store);
        BlocklistProcessor p = new BlocklistProcessor(Duration.ofMinutes(10), Duration.ofSeconds(10),
                FirewallConfig.DEFAULT_STATE_SCAN_MAX_ENTRIES, metrics);
        p.init(ctx);
        STORES.put(p, store);
        CONTEXTS.put(p, ctx);
        return p;
    }

    private static KeyValueStore<String, byte[]> storeOf(BlocklistProcessor p) {
        return STORES.get(p);
    }

    private static MockProcessorContext<String, String> context(TaskId task) {
        java.util.Properties props = new java.util.Properties();
        props.put("application.id", "blocklist-test");
        props.put("bootstrap.servers", "dummy:9092");
        return new MockProcessorContext<>(props, task, null);
    }

    private static Record<String, BlockCommand> block(String source) {
        return new Record<>(source, new BlockCommand(source, BlockCommand.Kind.BLOCK, "v-" + source, "test", T0), T0);
    }
}
