package sif.policy.alerts;

import org.junit.jupiter.api.Test;
import sif.policy.Decision;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AlertAggregatorTest {

    static final long T = AlertDocumentsTest.T;

    @Test
    void ddosBecomesOneAlertWithUpdatesNotOnePerFlow() {
        AlertAggregator agg = new AlertAggregator(60_000, 10_000);
        Alert state = null;
        List<AlertAggregator.Step> emitted = new ArrayList<>();
        // 100,000 flows over 50 s (one every 0.5 ms)
        for (int i = 0; i < 100_000; i++) {
            AlertAggregator.Step s = agg.onVerdict(state, AlertDocumentsTest.input("f" + i, T + i / 2, Decision.BLOCK,
                    "DDoS", 0.97, List.of("model:DDoS p=0.970>0.850=>BLOCK")));
            state = s.state();
            if (s.emit() != null) {
                emitted.add(s);
            }
        }
        // one CREATE at 0 s, UPDATEs at 10, 20, 30, 40 s
        assertEquals(5, emitted.size());
        assertEquals(AlertActivity.CREATE, emitted.get(0).activity());
        assertEquals(1, emitted.get(0).emit().count());
        assertEquals(AlertActivity.UPDATE, emitted.get(1).activity());
        assertEquals(20_001, emitted.get(1).emit().count());
        String id = emitted.get(0).emit().alertId();
        emitted.forEach(s -> assertEquals(id, s.emit().alertId()));
        assertEquals(100_000, state.count());
        assertEquals(T, state.firstSeenMs());
        assertEquals(T + 49_999, state.lastSeenMs());
        assertEquals(AlertAggregator.MAX_SAMPLES, state.flowIds().size());
        // close after the window: final count emitted once
        assertFalse(agg.isExpired(state, T + 49_999 + 60_000));
        assertTrue(agg.isExpired(state, T + 49_999 + 60_001));
        Alert last = agg.close(state, T + 120_000);
        assertNotNull(last);
        assertEquals(100_000, last.count());
        assertEquals(4 + 1, last.sequence());
    }

    /**
     * An alert whose last emission was its CREATE (one flow, a one-off rule hit) or an UPDATE is still closed
     * with a CLOSE: before, nothing was emitted and a SIEM kept the finding "New" for ever.
     */
    @Test
    void anAlertWithNothingNewSinceItsLastEmissionIsStillClosed() {
        AlertAggregator agg = new AlertAggregator(60_000, 10_000);
        AlertAggregator.Step created = agg.onVerdict(null, AlertDocumentsTest.input("f1", T, Decision.ALERT, "DoS",
                0.7, List.of("model:DoS p=0.700<=0.850=>ALERT")));
        assertEquals(AlertActivity.CREATE, created.activity());
        Alert closed = agg.close(created.state(), T + 61_000);
        assertNotNull(closed);
        assertEquals(created.emit().alertId(), closed.alertId());
        assertEquals(created.emit().sequence() + 1, closed.sequence());
        assertEquals(1, closed.count());
    }

    @Test
    void escalationEmitsAtOnceAndGapOpensNewAlert() {
        AlertAggregator agg = new AlertAggregator(60_000, 10_000);
        AlertAggregator.Step a = agg.onVerdict(null, AlertDocumentsTest.input("f1", T, Decision.ALERT, "DoS", 0.7,
                List.of("model:DoS p=0.700<=0.850=>ALERT")));
        AlertAggregator.Step b = agg.onVerdict(a.state(), AlertDocumentsTest.input("f2", T + 1, Decision.ALERT, "DoS",
                0.7, List.of("model:DoS p=0.700<=0.850=>ALERT")));
        assertNull(b.emit());
        AlertAggregator.Step c = agg.onVerdict(b.state(), AlertDocumentsTest.input("f3", T + 2, Decision.BLOCK, "DoS",
                0.9, List.of("model:DoS p=0.900>0.850=>BLOCK")));
        assertNotNull(c.emit());
        assertEquals(Decision.BLOCK, c.emit().decision());
        assertEquals(3, c.emit().count());
        // 60.001 s later: a new alert with a new id
        AlertAggregator.Step d = agg.onVerdict(c.state(), AlertDocumentsTest.input("f4", T + 2 + 60_001,
                Decision.ALERT, "DoS", 0.7, List.of("model:DoS p=0.700<=0.850=>ALERT")));
        assertEquals(AlertActivity.CREATE, d.activity());
        assertNotEquals(a.state().alertId(), d.state().alertId());
        assertEquals(1, d.state().count());
    }
}
