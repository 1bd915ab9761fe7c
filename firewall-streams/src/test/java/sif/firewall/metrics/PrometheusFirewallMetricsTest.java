package sif.firewall.metrics;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PrometheusFirewallMetricsTest {

    private static final List<String> CLASSES = List.of("BENIGN", "DDoS", "DoS", "PortScan", "Other");

    private final PrometheusFirewallMetrics metrics = FirewallMetrics.prometheus(CLASSES);

    @AfterEach
    void close() {
        metrics.close();
    }

    private String scrape() {
        return metrics.registry().scrape();
    }

    private static void assertLine(String scrape, String line) {
        assertTrue(scrape.lines().anyMatch(l -> l.equals(line)), () -> "missing line: " + line + "\nin:\n" + scrape);
    }

    @Test
    void everyDecisionAndClassIsExportedBeforeFirstUse() {
        String s = scrape();
        for (String decision : PrometheusFirewallMetrics.DECISIONS) {
            for (String cls : CLASSES) {
                assertLine(s, "sif_verdicts_total{class=\"" + cls + "\",decision=\"" + decision + "\"} 0.0");
            }
        }
        for (String status : PrometheusFirewallMetrics.IDENTITY_STATUSES) {
            assertLine(s, "sif_identity_status_total{status=\"" + status + "\"} 0.0");
        }
        assertLine(s, "sif_flows_in_total 0.0");
        assertLine(s, "sif_model_input_out_of_range_total{where=\"flow\"} 0.0");
        assertLine(s, "sif_model_input_out_of_range_total{where=\"earlier\"} 0.0");
        assertLine(s, "sif_challenges_total 0.0");
        assertLine(s, "sif_blocklist_size 0.0");
        assertLine(s, "sif_verdict_confidence_percent_count{class=\"PortScan\"} 0");
        for (String reason : sif.firewall.DlqReason.ALL) {
            assertLine(s, "sif_dlq_total{reason=\"" + reason + "\"} 0.0");
        }
    }

    /** The failure counters by topic and node, from the built topology (FirewallApp), exported as zero. */
    @Test
    void failureSeriesOfTheTopologysTopicsAndStepsAreExportedBeforeFirstUse() {
        metrics.preRegister(List.of("identity"), List.of("flows.allowed", "alerts"), List.of("alert-aggregation"));
        String s = scrape();
        assertLine(s, "sif_control_dead_letters_total{topic=\"identity\"} 0.0");
        assertLine(s, "sif_outputs_refused_total{topic=\"flows.allowed\"} 0.0");
        assertLine(s, "sif_outputs_refused_total{topic=\"alerts\"} 0.0");
        assertLine(s, "sif_verdict_step_failures_total{node=\"alert-aggregation\"} 0.0");
        metrics.verdictStepFailure("alert-aggregation");
        assertLine(scrape(), "sif_verdict_step_failures_total{node=\"alert-aggregation\"} 1.0");
    }

    @Test
    void countsVerdictsByNormalizedDecisionAndClass() {
        metrics.flowIn();
        metrics.flowIn();
        metrics.flowIn();
        metrics.verdict("BLOCK", "DDoS", 0.97);
        metrics.verdict("block", "DDoS", 0.91);
        metrics.verdict("ALLOW", "BENIGN", 0.99);
        metrics.verdict("ALERT", "PortScan", 0.85);
        metrics.dlq("nan-feature");
        metrics.dlq("NAN-FEATURE");
        metrics.identityStatus("STALE");
        metrics.challenge();
        metrics.blocklistSize(7);
        String s = scrape();
        assertLine(s, "sif_flows_in_total 3.0");
        assertLine(s, "sif_verdicts_total{class=\"DDoS\",decision=\"block\"} 2.0");
        assertLine(s, "sif_verdicts_total{class=\"BENIGN\",decision=\"allow\"} 1.0");
        assertLine(s, "sif_verdict_confidence_percent_bucket{class=\"PortScan\",le=\"80.0\"} 0");
        assertLine(s, "sif_verdict_confidence_percent_bucket{class=\"PortScan\",le=\"85.0\"} 1");
        assertLine(s, "sif_dlq_total{reason=\"nan-feature\"} 2.0");
        assertLine(s, "sif_identity_status_total{status=\"stale\"} 1.0");
        assertLine(s, "sif_challenges_total 1.0");
        assertLine(s, "sif_blocklist_size 7.0");
        assertLine(s, "sif_verdict_confidence_percent_count{class=\"DDoS\"} 2");
        assertLine(s, "sif_verdict_confidence_percent_bucket{class=\"DDoS\",le=\"90.0\"} 0");
        assertLine(s, "sif_verdict_confidence_percent_bucket{class=\"DDoS\",le=\"95.0\"} 1");
        assertLine(s, "sif_verdict_confidence_percent_bucket{class=\"DDoS\",le=\"99.0\"} 2");

        MetricsSnapshot snap = metrics.snapshot();
        assertEquals(3, snap.flowsIn());
        assertEquals(1, snap.allowed());
        assertEquals(2, snap.blocked());
        assertEquals(1, snap.alerts());
        assertEquals(4, snap.verdicts());
        assertEquals(2, snap.dlq());
        assertEquals(1, snap.challenges());
        assertEquals(7, snap.blocklistSize());
        assertEquals(2L, snap.verdictsByClass().get("DDoS"));
    }

    @Test
    void histogramsHaveBucketsForQuantiles() {
        metrics.inferenceBatch(64, TimeUnit.MILLISECONDS.toNanos(2));
        metrics.inferenceBatch(1, TimeUnit.MICROSECONDS.toNanos(600));
        metrics.latency(1_000, 1_900, 2_000);
        String s = scrape();
        assertLine(s, "sif_inference_batch_size_count 2");
        assertLine(s, "sif_inference_batch_size_sum 65.0");
        assertLine(s, "sif_inference_batch_size_bucket{le=\"1.0\"} 1");
        assertLine(s, "sif_inference_batch_size_bucket{le=\"64.0\"} 2");
        assertLine(s, "sif_inference_latency_seconds_count 2");
        assertLine(s, "sif_inference_latency_seconds_bucket{le=\"0.001\"} 1");
        assertLine(s, "sif_inference_latency_seconds_bucket{le=\"0.002\"} 2");
        assertLine(s, "sif_e2e_latency_seconds_bucket{kind=\"event\",le=\"1.0\"} 1");
        assertLine(s, "sif_e2e_latency_seconds_bucket{kind=\"event\",le=\"0.5\"} 0");
        assertLine(s, "sif_e2e_latency_seconds_bucket{kind=\"ingest\",le=\"0.1\"} 1");
        assertLine(s, "sif_e2e_latency_seconds_bucket{kind=\"ingest\",le=\"0.05\"} 0");

        MetricsSnapshot snap = metrics.snapshot();
        assertEquals(2, snap.inferenceBatches());
        assertEquals(65, snap.inferredSequences());
        assertEquals(TimeUnit.MICROSECONDS.toNanos(2600), snap.inferenceNanos());
        assertEquals(1, snap.ingestLatency().total());
        assertEquals(0.1, snap.ingestLatency().quantileUpperBound(0.99), 1e-9);
    }

    @Test
    void latencyIgnoresMissingTimesAndClampsClockSkew() {
        metrics.latency(0, 5_000, 4_000);
        String s = scrape();
        assertLine(s, "sif_e2e_latency_seconds_count{kind=\"event\"} 0");
        assertLine(s, "sif_e2e_latency_seconds_count{kind=\"ingest\"} 1");
        assertLine(s, "sif_e2e_latency_seconds_sum{kind=\"ingest\"} 0.0");
    }

    @Test
    void blocklistGaugeSumsOwners() {
        metrics.blocklistSize("0_0", 3);
        metrics.blocklistSize("0_1", 4);
        metrics.blocklistSize("0_0", 2);
        assertLine(scrape(), "sif_blocklist_size 6.0");
        metrics.blocklistSize("0_1", 0);
        assertLine(scrape(), "sif_blocklist_size 2.0");
        assertEquals(2, metrics.snapshot().blocklistSize());
    }

    @Test
    void modelInfoKeepsOneSeries() {
        metrics.modelInfo("v1");
        assertLine(scrape(), "sif_model_info{version=\"v1\"} 1");
        metrics.modelInfo("v2");
        String s = scrape();
        assertLine(s, "sif_model_info{version=\"v2\"} 1");
        assertFalse(s.contains("version=\"v1\""), s);
    }

    @Test
    void tagValuesAreBounded() {
        for (int i = 0; i < 200; i++) {
            metrics.dlq("reason-" + i);
        }
        String s = scrape();
        long series = s.lines().filter(l -> l.startsWith("sif_dlq_total{")).count();
        assertEquals(65, series, "64 distinct reasons plus the overflow series");
        int unused = 64 - sif.firewall.DlqReason.ALL.size(); // the known reasons are registered from the start
        assertLine(s, "sif_dlq_total{reason=\"other\"} " + (200 - unused) + ".0");
    }

    /**
     * On a thread that writes in transactions, counts are held until its transaction commits and
     * dropped when it aborts; other threads, and dead letters written outside the transaction, count at
     * once.
     */
    @Test
    void countsOfATransactionAreAddedWhenItCommitsAndDroppedWhenItAborts() throws Exception {
        metrics.transactionsOnThisThread();
        metrics.flowIn();
        metrics.verdict("ALLOW", "BENIGN", 0.9);
        metrics.dlq("undecodable");
        metrics.identityStatus("TRUSTED");
        metrics.challenge();
        metrics.dlqOutsideTransaction("processing-error");
        Thread other = new Thread(metrics::flowIn);
        other.start();
        other.join();
        MetricsSnapshot held = metrics.snapshot();
        assertEquals(List.of(1L, 0L, 1L, 0L), List.of(held.flowsIn(), held.allowed(), held.dlq(), held.challenges()),
                "another thread's flow and the dead letter outside the transaction only");
        metrics.transactionCommitted();
        MetricsSnapshot committed = metrics.snapshot();
        assertEquals(List.of(2L, 1L, 2L, 1L), List.of(committed.flowsIn(), committed.allowed(), committed.dlq(),
                committed.challenges()));
        assertLine(scrape(), "sif_identity_status_total{status=\"trusted\"} 1.0");

        metrics.flowIn();
        metrics.verdict("BLOCK", "DDoS", 0.99);
        metrics.transactionAborted();
        metrics.transactionCommitted(); // the next transaction: nothing of the aborted one
        MetricsSnapshot after = metrics.snapshot();
        assertEquals(List.of(2L, 0L), List.of(after.flowsIn(), after.blocked()));
    }

    /**
     * A new producer on the same stream thread (Kafka Streams makes one after a fatal error of the old
     * one, then processes the tasks again from their last commit) drops the counts the thread still
     * held: the old producer's transaction may never have begun, and so is never aborted.
     */
    @Test
    void countsHeldWhenTheThreadsProducerIsReplacedAreDropped() {
        metrics.transactionsOnThisThread();
        metrics.flowIn();
        metrics.verdict("ALLOW", "BENIGN", 0.9);
        metrics.transactionCommitted();
        metrics.flowIn(); // processed, never sent: no transaction began
        metrics.verdict("BLOCK", "DDoS", 0.99);
        metrics.transactionsOnThisThread(); // the replacement producer initialises its transactions
        metrics.flowIn(); // the same flow, processed again
        metrics.verdict("BLOCK", "DDoS", 0.99);
        metrics.transactionCommitted();
        MetricsSnapshot s = metrics.snapshot();
        assertEquals(List.of(2L, 1L, 1L), List.of(s.flowsIn(), s.allowed(), s.blocked()));
    }

    /**
     * A commit that timed out: its counts are set aside, apart from what the thread counts next, and
     * added or dropped once its outcome is known (only the first outcome counts).
     */
    @Test
    void countsOfACommitInDoubtAreSettledByItsOutcome() {
        metrics.transactionsOnThisThread();
        metrics.flowIn();
        metrics.verdict("ALLOW", "BENIGN", 0.9);
        FirewallMetrics.InDoubt committed = metrics.transactionInDoubt();
        metrics.flowIn(); // the thread's next counts, in whatever transaction comes next
        metrics.transactionAborted();
        assertEquals(0, metrics.snapshot().flowsIn(), "nothing counted while the outcome is unknown");
        committed.settle(true);
        committed.settle(false);
        MetricsSnapshot s = metrics.snapshot();
        assertEquals(List.of(1L, 1L), List.of(s.flowsIn(), s.allowed()), "the transaction in doubt, which committed");

        metrics.verdict("BLOCK", "DDoS", 0.99);
        FirewallMetrics.InDoubt aborted = metrics.transactionInDoubt();
        aborted.settle(false);
        aborted.settle(true);
        metrics.transactionCommitted();
        assertEquals(0, metrics.snapshot().blocked(), "the transaction in doubt, which did not commit");
        assertLine(scrape(), "sif_commits_in_doubt_total 2.0");
    }

    @Test
    void noopRecordsNothing() {
        FirewallMetrics noop = FirewallMetrics.noop();
        noop.flowIn();
        noop.verdict("ALLOW", "BENIGN", 1.0);
        assertSame(MetricsSnapshot.EMPTY, noop.snapshot());
        assertEquals(0, noop.snapshot().flowsIn());
    }
}
