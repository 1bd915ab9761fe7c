package sif.firewall.metrics;

import sif.metrics.Health;
import org.apache.kafka.streams.KafkaStreams.State;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StreamsHealthTest {

    private static final BrokerProbe.Status REACHABLE = new BrokerProbe.Status(true, 1, "", 1_000);
    private static final BrokerProbe.Status UNREACHABLE =
            new BrokerProbe.Status(false, 0, "TimeoutException: timed out", 1_000);

    @Test
    void readyOnlyWhenRunningAndBrokerReachable() {
        for (State state : State.values()) {
            assertEquals(state == State.RUNNING, StreamsHealth.readiness(state, REACHABLE).up(), state.name());
            assertFalse(StreamsHealth.readiness(state, UNREACHABLE).up(), state.name());
        }
    }

    @Test
    void readinessSaysWhy() {
        Health h = StreamsHealth.readiness(State.RUNNING, UNREACHABLE);
        assertEquals("{\"status\":\"DOWN\",\"streams\":\"RUNNING\",\"broker\":\"unreachable\","
                + "\"brokerError\":\"TimeoutException: timed out\"}", h.toJson());
        assertEquals("{\"status\":\"UP\",\"streams\":\"RUNNING\",\"broker\":\"reachable\"}",
                StreamsHealth.readiness(State.RUNNING, REACHABLE).toJson());
    }

    @Test
    void liveUnlessFailedOrStopped() {
        assertTrue(StreamsHealth.liveness(State.CREATED).up());
        assertTrue(StreamsHealth.liveness(State.REBALANCING).up());
        assertTrue(StreamsHealth.liveness(State.RUNNING).up());
        assertTrue(StreamsHealth.liveness(State.PENDING_SHUTDOWN).up());
        assertFalse(StreamsHealth.liveness(State.PENDING_ERROR).up());
        assertFalse(StreamsHealth.liveness(State.ERROR).up());
        assertFalse(StreamsHealth.liveness(State.NOT_RUNNING).up());
    }

    @Test
    void readsCurrentStateOnEveryCall() {
        State[] state = {State.REBALANCING};
        StreamsHealth health = new StreamsHealth(() -> state[0], () -> REACHABLE);
        assertFalse(health.readiness().up());
        state[0] = State.RUNNING;
        assertTrue(health.readiness().up());
    }
}
