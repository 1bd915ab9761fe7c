package sif.firewall.metrics;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StatusLoggerTest {

    @Test
    void lineShowsIntervalRatesAndTotals() {
        try (PrometheusFirewallMetrics metrics = FirewallMetrics.prometheus(List.of("BENIGN", "DDoS"))) {
            metrics.flowIn();
            metrics.verdict("ALLOW", "BENIGN", 0.99);
            MetricsSnapshot before = metrics.snapshot();
            for (int i = 0; i < 20; i++) {
                metrics.flowIn();
            }
            for (int i = 0; i < 10; i++) {
                metrics.verdict("ALLOW", "BENIGN", 0.99);
                metrics.latency(0, 10_000, 10_020); // 20 ms
            }
            for (int i = 0; i < 5; i++) {
                metrics.verdict("BLOCK", "DDoS", 0.95);
                metrics.latency(0, 10_000, 10_400); // 400 ms
            }
            metrics.dlq("nan-feature");
            metrics.inferenceBatch(10, TimeUnit.MILLISECONDS.toNanos(2));
            metrics.inferenceBatch(5, TimeUnit.MILLISECONDS.toNanos(1));
            metrics.blocklistSize(2);

            String line = StatusLogger.line(before, metrics.snapshot(), 10.0, "RUNNING");

            assertEquals("status in=21 (+20 2.0/s) allow=11 block=5 alert=0 dlq=1"
                    + " | batch=7.5 infer=1.50ms | ingest->verdict p50<=0.025s p99<=0.500s"
                    + " | blocklist=2 streams=RUNNING", line);
        }
    }

    @Test
    void saysWhereTheIntervalsFlowsSpentTheirTime() {
        try (PrometheusFirewallMetrics metrics = FirewallMetrics.prometheus(List.of("BENIGN"))) {
            metrics.flowStages(new FlowStages(1, 9, 1_000_000, 5_000_000, 0));
            MetricsSnapshot before = metrics.snapshot();
            metrics.flowStages(new FlowStages(1, 2, 3_000_000, 2_000_000, 500_000));
            metrics.flowStages(new FlowStages(1, 4, 2_000_000, 1_000_000, 1_500_000));

            String line = StatusLogger.line(before, metrics.snapshot(), 10.0, "RUNNING");

            assertTrue(line.contains(" | stages in/batch/model/handoff=3.0/2.5/1.5/1.0ms | "), line);
        }
    }

    @Test
    void quietIntervalSaysSo() {
        MetricsSnapshot none = FirewallMetrics.noop().snapshot();
        String line = StatusLogger.line(none, none, 10.0, "REBALANCING");
        assertTrue(line.contains("(+0 0.0/s)"), line);
        assertTrue(line.contains("batch=- infer=-"), line);
        assertTrue(line.contains("ingest->verdict -"), line);
        assertTrue(line.endsWith("streams=REBALANCING"), line);
    }

    @Test
    void quantileUpperBoundUsesCumulativeBuckets() {
        MetricsSnapshot.LatencyBuckets b = new MetricsSnapshot.LatencyBuckets(
                new double[] {0.1, 0.5, 1.0}, new long[] {50, 90, 99}, 100);
        assertEquals(0.1, b.quantileUpperBound(0.5));
        assertEquals(0.5, b.quantileUpperBound(0.9));
        assertEquals(1.0, b.quantileUpperBound(0.99));
        assertEquals(Double.POSITIVE_INFINITY, b.quantileUpperBound(1.0));
        MetricsSnapshot.LatencyBuckets later = new MetricsSnapshot.LatencyBuckets(
                new double[] {0.1, 0.5, 1.0}, new long[] {50, 100, 109}, 110);
        MetricsSnapshot.LatencyBuckets delta = later.since(b);
        assertEquals(10, delta.total());
        assertEquals(0.5, delta.quantileUpperBound(0.5));
        assertThrows(IllegalArgumentException.class, () -> b.quantileUpperBound(1.5));
    }
}
