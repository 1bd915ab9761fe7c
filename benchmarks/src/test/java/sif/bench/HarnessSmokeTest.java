package sif.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import sif.firewall.metrics.FlowStages;
import sif.flows.FlowFeatures;
import sif.model.ClassifierSession;
import sif.model.SequenceClassifier;
import sif.schemas.avro.NetworkFlow;
import sif.schemas.serde.AvroSerdes;

/** The harness on small N, without a broker or a trained model: no timing is asserted. */
class HarnessSmokeTest {

    @Test
    void syntheticFlowsBecomeFirewallSequencesOfOneToTRows() {
        BenchFlows flows = BenchFlows.synthetic(500, 7);
        assertEquals(500, flows.size());
        List<float[][]> seqs = flows.sequences(1200, 10, 600_000);
        assertEquals(1200, seqs.size());
        for (float[][] s : seqs) {
            assertTrue(s.length >= 1 && s.length <= 10, "sequence of " + s.length);
            assertEquals(FlowFeatures.COUNT, s[0].length);
        }
        // the second pass through the templates finds full windows for every busy source
        assertEquals(10, seqs.get(seqs.size() - 1).length);
    }

    @Test
    void encodedCopiesHaveFreshIdsAndTheGivenEventTime() {
        BenchFlows flows = BenchFlows.synthetic(50, 7);
        BenchFlows.Encoder enc = flows.encoder("t");
        var de = AvroSerdes.singleObject(NetworkFlow.class).deserializer();
        Set<String> ids = new HashSet<>();
        for (long i = 0; i < 120; i++) {
            NetworkFlow f = de.deserialize("flows", enc.encode(i, 1_000 + i, "flows"));
            assertTrue(ids.add(f.getFlowId()), "duplicate id " + f.getFlowId());
            assertEquals(1_000 + i, f.getEventTimeMs());
            assertEquals(enc.key(i), f.getSrcIp());
            assertEquals(flows.template(i).getSrcIp(), f.getSrcIp());
        }
        // templates are left untouched
        assertFalse(flows.template(0).getFlowId().contains("#t-"));
    }

    @Test
    void ceilingRunsBatchesOfTheRequestedSize() {
        CountingClassifier c = new CountingClassifier();
        List<float[][]> seqs = BenchFlows.synthetic(100, 1).sequences(100, 10, 600_000);
        InferenceCeiling.Result r = InferenceCeiling.measure(c, seqs, 8, Duration.ZERO, Duration.ofMillis(20));
        assertEquals(8, r.batchSize());
        assertTrue(r.batches() >= 1);
        assertTrue(r.sequencesPerSecond() > 0);
        assertEquals(List.of(8), List.copyOf(c.sizes));
        assertEquals(12, InferenceCeiling.batches(seqs, 8).size());
    }

    @Test
    void resourceSamplerSplitsTheProcessCpu() {
        ResourceSampler s = ResourceSampler.start(10, "no-firewall-here");
        ResourceSampler.Usage u = s.stop();
        assertTrue(u.samples() >= 1);
        assertEquals(0.0, u.firewallJavaCores());
        assertTrue(u.firewallAllocatedBytesPerSecond().isEmpty(), "no firewall thread: " + u.firewallAllocatedBytesPerSecond());
        assertTrue(u.heapUsedMaxBytes() > 0);
        assertNotNull(Machine.cpuModel());
    }

    static volatile Object sink;

    /** A thread named as a firewall's stream thread allocates 64 MB during the phase: counted under its role. */
    @Test
    void resourceSamplerCountsTheFirewallsAllocations() throws Exception {
        java.util.concurrent.CountDownLatch allocated = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch stopped = new java.util.concurrent.CountDownLatch(1);
        long before = System.nanoTime();
        ResourceSampler s = ResourceSampler.start(10, "firewall-alloc-probe");
        Thread t = new Thread(() -> {
            for (int i = 0; i < 64; i++) {
                sink = new byte[1 << 20];
            }
            allocated.countDown();
            try {
                stopped.await(); // alive when the sampler stops: it reads the threads alive then
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "firewall-alloc-probe-StreamThread-1");
        t.start();
        allocated.await();
        ResourceSampler.Usage u = s.stop();
        double wallAtMost = (System.nanoTime() - before) / 1e9;
        stopped.countDown();
        t.join();
        double stream = u.firewallAllocatedBytesPerSecond().getOrDefault("stream", 0.0);
        assertTrue(stream * wallAtMost >= 64 << 20, "the stream thread's 64 MB: " + u.firewallAllocatedBytesPerSecond()
                + " over at most " + wallAtMost + " s");
        assertEquals(stream, u.firewallAllocatedBytesPerSecondTotal(), 1e-6);
        assertTrue(u.javaAllocatedBytesPerSecond() >= stream);
        assertEquals(stream / 1000, BenchCommand.allocatedBytesPerFlow(u, 1000), 1e-6);
        assertTrue(Double.isNaN(BenchCommand.allocatedBytesPerFlow(u, 0)));
    }

    @Test
    void stateSizesCountKeyAndValueBytes() {
        assertEquals(3, StateSize.sizeOf(new byte[3]));
        assertEquals(4, StateSize.sizeOf("é12"));
        assertEquals(8, StateSize.sizeOf(5L));
        assertEquals(0, StateSize.sizeOf(null));
    }

    /** Uniform probabilities; records the batch sizes it saw. */
    static final class CountingClassifier implements SequenceClassifier {
        final Set<Integer> sizes = new HashSet<>();
        final AtomicInteger sessions = new AtomicInteger();

        @Override
        public ModelInfo info() {
            return new ModelInfo("counting", List.of("BENIGN", "DDoS"), 10, 0.85);
        }

        @Override
        public ClassifierSession newSession() {
            sessions.incrementAndGet();
            return new ClassifierSession() {
                @Override
                public float[][] predict(List<float[][]> sequences) {
                    sizes.add(sequences.size());
                    float[][] out = new float[sequences.size()][];
                    for (int i = 0; i < out.length; i++) {
                        out[i] = new float[] {0.5f, 0.5f};
                    }
                    return out;
                }

                @Override
                public void close() {
                }
            };
        }

        @Override
        public void close() {
        }
    }

    @Test
    void aRunWhoseOutputsArriveInOneReadFallsBackToTheOverallRate() {
        // under exactly-once, 1,000 flows decided in one transaction reach the collector in one read
        List<long[]> oneRead = List.of(new long[] {5_000_000_000L, 1000});
        double steady = VerdictCollector.rateBetween(oneRead, 100, 900);
        assertTrue(Double.isNaN(steady), "no interval to measure");
        assertEquals(400.0, BenchCommand.e2eRate(steady, 400.0));
        // two reads a second apart, outputs 100 and 900 in them: 800 outputs/s
        List<long[]> twoReads = List.of(new long[] {1_000_000_000L, 100}, new long[] {2_000_000_000L, 900},
                new long[] {2_500_000_000L, 1000});
        double rate = VerdictCollector.rateBetween(twoReads, 100, 900);
        assertEquals(800.0, rate, 1e-9);
        assertEquals(800.0, BenchCommand.e2eRate(rate, 400.0));
    }

    @Test
    @SuppressWarnings("unchecked")
    void theSlowestFlowsStagesSayWhereTheTailsTimeWent() {
        // 199 quick flows (1 ms inbound, 3 batch, 1 model, 0 handoff), one every 10 ms from t = 0, and two
        // slow ones: the 1 % is 2 flows
        double[][] flows = new double[201][];
        for (int i = 0; i < 199; i++) {
            flows[i] = new double[] {1, 3, 1, 0, i * 10};
        }
        flows[199] = new double[] {20, 3, 1, 2, 5000}; // 26 ms, mostly inbound: held up by a commit
        flows[200] = new double[] {2, 4, 12, 0, 6000}; // 18 ms, mostly the model: a GC pause
        List<long[]> commits = List.of(new long[] {5002, 5014}, new long[] {100, 103}); // 12 ms, 3 ms
        List<long[]> gcs = List.of(new long[] {6005, 6015});
        Map<String, Object> s = StageTap.summarize(flows, commits, gcs);
        assertEquals(201, s.get("flows"));
        Map<String, Object> tail = (Map<String, Object>) s.get("slowest_1pct");
        assertEquals(2, tail.get("flows"));
        assertEquals(18.0, tail.get("total_from_ms"));
        assertEquals(11.0, tail.get("inbound_mean"));
        assertEquals(3.5, tail.get("batch_mean"));
        assertEquals(6.5, tail.get("model_mean"));
        assertEquals(1.0, tail.get("handoff_mean"));
        assertEquals(22.0, tail.get("total_mean"));
        assertEquals(0.5, tail.get("share_in_commits"));
        assertEquals(6.0, tail.get("in_commits_ms_mean")); // 12 ms in one of two flows
        assertEquals(0.5, tail.get("share_in_gc_pauses"));
        assertEquals(5.0, tail.get("in_gc_pauses_ms_mean"));
        Map<String, Object> all = (Map<String, Object>) s.get("all");
        Map<String, Object> inbound = (Map<String, Object>) all.get("inbound");
        assertEquals(1.0, inbound.get("p50"));
        assertEquals(1.0, inbound.get("p99")); // the 199th smallest of 201 (nearest rank)
        assertEquals(1.1, inbound.get("mean")); // 221 / 201
        // the commit at 100-103 ms holds up the flow of t = 100 (5 ms long) for 3 ms: 2 of 201 flows hit
        assertEquals(0.01, all.get("share_in_commits"));
        assertEquals(0.07, all.get("in_commits_ms_mean")); // 15 ms over 201 flows
        // read at t + inbound: every 10 ms up to 1,981, then 5,020 and 6,002: the longest gap is 1,981-5,020,
        // of which the commit at 5,002-5,014 covers 12 ms and no pause anything
        Map<String, Object> gap = (Map<String, Object>) s.get("longest_read_gap");
        assertEquals(3039.0, gap.get("ms"));
        assertEquals(1980.0, gap.get("after_ms"));
        assertEquals(12.0, gap.get("in_commits_ms"));
        assertEquals(0.0, gap.get("in_gc_pauses_ms"));
        String line = StageTap.line(s);
        assertTrue(line.contains("longest read gap 3039.0 ms (2.0 s in; commits 12.0 ms of it, GC pauses 0.0 ms)"), line);
        assertTrue(line.contains("inbound 1.1 | 11.0") && line.contains("commits: in 1 % of all | 50 % of the slowest"),
                line);
        assertEquals(Map.of("flows", 0), StageTap.summarize(new double[0][], List.of(), List.of()));
        assertEquals(3.0, StageTap.overlapMs(0, 10, List.of(new long[] {8, 20}, new long[] {-5, 1})));
    }

    @Test
    void theStageTapKeepsEveryFlowFromItsStartInOrderAcrossChunks() {
        StageTap tap = new StageTap(3); // 3 flows per chunk: 8 flows fill two chunks and start a third
        tap.accept(new FlowStages(999, 7, 0, 0, 0)); // before recordFrom: not kept
        tap.recordFrom(1000);
        tap.accept(new FlowStages(999, 7, 0, 0, 0)); // older than the phase: not kept
        for (int i = 0; i < 8; i++) {
            tap.accept(new FlowStages(1000 + i, i, 2_000_000L * i, 500_000L, 250_000L));
        }
        double[][] rows = tap.rows();
        assertEquals(8, rows.length);
        for (int i = 0; i < 8; i++) {
            assertArrayEquals(new double[] {i, 2.0 * i, 0.5, 0.25, 1000 + i}, rows[i], "flow " + i);
        }
        assertEquals(8, tap.summary(List.of(), List.of()).get("flows"));
        assertThrows(IllegalArgumentException.class, () -> new StageTap(0));
    }

    @Test
    @SuppressWarnings("unchecked")
    void gcPausesAreSummedPerCollectorAndConcurrentWorkIsKeptApart() {
        List<GcPauses.Gc> gcs = List.of(new GcPauses.Gc("G1 Young Generation", "end of minor GC", 12),
                new GcPauses.Gc("G1 Young Generation", "end of minor GC", 21),
                new GcPauses.Gc("G1 Concurrent GC", "end of concurrent GC pause", 300),
                new GcPauses.Gc("G1 Old Generation", "end of major GC", 40));
        var m = GcPauses.summary(gcs, 10.0);
        var young = (java.util.Map<String, Object>) ((java.util.Map<String, Object>) m.get("pauses")).get("G1 Young Generation");
        assertEquals(2L, young.get("count"));
        assertEquals(33L, young.get("total_ms"));
        assertEquals(21L, young.get("max_ms"));
        assertEquals(1L, young.get("over_15ms"));
        assertTrue(((java.util.Map<String, Object>) m.get("concurrent")).containsKey("G1 Concurrent GC"));
        assertFalse(((java.util.Map<String, Object>) m.get("pauses")).containsKey("G1 Concurrent GC"));
        assertEquals(7.3, m.get("pause_ms_per_s"), "(12 + 21 + 40) ms over 10 s");
        assertEquals(0.0073, m.get("pause_share_of_phase"));
        assertTrue(GcPauses.concurrent("ZGC Minor Cycles"));
        assertFalse(GcPauses.concurrent("ZGC Minor Pauses"));
        assertTrue(GcPauses.line(m).contains("G1 Young Generation 2 (total 33 ms, max 21 ms, 1 over 15 ms)"), GcPauses.line(m));
    }
}
