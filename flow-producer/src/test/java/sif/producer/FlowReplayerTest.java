package sif.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import sif.flows.FlowFeatures;
import sif.flows.FlowRecord;
import sif.schemas.avro.NetworkFlow;

class FlowReplayerTest {

    private static final Serializer<NetworkFlow> NO_BYTES = (topic, value) -> new byte[0];

    static FlowRecord flow(String id, String src, long ts) {
        double[] f = new double[FlowFeatures.COUNT];
        f[0] = ts;
        return new FlowRecord(id, src, 1000, "192.168.10.50", 80, 6, ts, f, "BENIGN", "t.csv", 2);
    }

    private static MockProducer<String, NetworkFlow> producer() {
        return new MockProducer<>(true, null, new StringSerializer(), NO_BYTES);
    }

    /**
     * At {@code --rate 1000} the input stalls for 5 s before its first flow (a large CSV loading) and
     * again mid-way: the flows after a stall still go out 1 ms apart, not as a burst catching up on the
     * schedule (before, the first 5,000 flows went out at once). The clock is a fake that moves 250 µs
     * per reading, plus the stalls.
     */
    @Test
    void aRateLimitedReplayDoesNotBurstAfterTheInputStalls() throws IOException {
        java.util.concurrent.atomic.AtomicLong clock = new java.util.concurrent.atomic.AtomicLong();
        List<FlowRecord> flows = new java.util.ArrayList<>();
        for (int i = 0; i < 200; i++) {
            flows.add(flow("f" + i, "10.0.0." + (i % 7), 1000 + i));
        }
        java.util.function.Supplier<java.util.Iterator<FlowRecord>> stalling = () -> new java.util.Iterator<>() {
            int i;

            @Override
            public boolean hasNext() {
                if (i == 0 || i == 100) {
                    clock.addAndGet(5_000_000_000L);
                }
                return i < flows.size();
            }

            @Override
            public FlowRecord next() {
                return flows.get(i++);
            }
        };
        List<Long> sentAt = new java.util.ArrayList<>();
        FlowReplayer r = new FlowReplayer(producer(), true, new ReplayOptions("flows", 1000, 0, 0, false,
                ReplayOptions.DEFAULT_MAX_WAIT_SECONDS), () -> clock.addAndGet(250_000L));
        r.beforeEachFlow(f -> sentAt.add(clock.get()));
        assertEquals(200, r.replay(FlowSource.of("stalling", stalling)).sent());
        for (int i = 1; i < sentAt.size(); i++) {
            long gap = sentAt.get(i) - sentAt.get(i - 1);
            assertTrue(gap >= 990_000L, "flow " + i + " went out " + gap + " ns after the one before");
        }
    }

    @Test
    void sendsInSourceOrderKeyedBySourceIp() throws IOException {
        MockProducer<String, NetworkFlow> p = producer();
        List<FlowRecord> flows = List.of(flow("a", "10.0.0.1", 1000), flow("b", "10.0.0.2", 2000),
                flow("c", "10.0.0.1", 3000));
        FlowReplayer r = new FlowReplayer(p, ReplayOptions.allOnce("flows"));
        ReplaySummary s = r.replay(FlowSource.of("test", flows::iterator));
        assertEquals(3, s.read());
        assertEquals(3, s.sent());
        assertEquals(0, s.sendErrors());
        assertEquals(1, s.passes());
        List<ProducerRecord<String, NetworkFlow>> h = p.history();
        assertEquals(List.of("10.0.0.1", "10.0.0.2", "10.0.0.1"), h.stream().map(ProducerRecord::key).toList());
        assertEquals(List.of("a", "b", "c"), h.stream().map(x -> x.value().getFlowId()).toList());
        assertNull(h.get(1).timestamp(), "record timestamp left to the producer (send time); event time is in the payload");
        assertEquals(2000L, h.get(1).value().getEventTimeMs());
        assertEquals("flows", h.get(0).topic());
        assertEquals(Map.of(FlowReplayer.SENT_METRIC, 3L, FlowReplayer.ERRORS_METRIC, 0L), r.metrics());
        assertTrue(p.flushed() || p.history().size() == 3);
    }

    @Test
    void flowsWithoutSourceIpAreSkippedWithReason() throws IOException {
        MockProducer<String, NetworkFlow> p = producer();
        double[] f = new double[FlowFeatures.COUNT];
        FlowRecord mlcve = new FlowRecord("m.csv:2", null, -1, null, 80, -1, -1, f, "BENIGN", "m.csv", 2);
        List<FlowRecord> flows = List.of(mlcve, flow("a", "10.0.0.1", 1000), mlcve);
        ReplaySummary s = new FlowReplayer(p, ReplayOptions.allOnce("flows")).replay(FlowSource.of("t", flows::iterator));
        assertEquals(3, s.read());
        assertEquals(1, s.sent());
        assertEquals(2, s.skippedTotal());
        assertEquals(Map.of("no source IP (MachineLearningCVE layout): cannot key by source", 2L), s.skipped());
    }

    @Test
    void limitAndLoop() throws IOException {
        MockProducer<String, NetworkFlow> p = producer();
        List<FlowRecord> flows = List.of(flow("a", "10.0.0.1", 1000), flow("b", "10.0.0.2", 61_000));
        FlowReplayer r = new FlowReplayer(p, new ReplayOptions("flows", 0, 0, 5, true));
        ReplaySummary s = r.replay(FlowSource.of("t", flows::iterator));
        assertEquals(5, s.sent());
        assertEquals(3, s.passes());
        List<String> ids = p.history().stream().map(x -> x.value().getFlowId()).toList();
        assertEquals(List.of("a", "b", "a#1", "b#1", "a#2"), ids);
        List<Long> times = p.history().stream().map(x -> x.value().getEventTimeMs()).toList();
        // span 60 s + 60 s gap per pass
        assertEquals(List.of(1000L, 61_000L, 121_000L, 181_000L, 241_000L), times);
    }

    @Test
    void limitWithoutLoop() throws IOException {
        MockProducer<String, NetworkFlow> p = producer();
        List<FlowRecord> flows = List.of(flow("a", "1.1.1.1", 1), flow("b", "1.1.1.1", 2), flow("c", "1.1.1.1", 3));
        FlowReplayer r = new FlowReplayer(p, new ReplayOptions("flows", 0, 0, 2, false));
        ReplaySummary s = r.replay(FlowSource.of("t", flows::iterator));
        assertEquals(2, s.sent());
        assertEquals(2, r.progress().expected());
    }

    @Test
    void malformedRowsAreReportedWhenTheLimitEndsThePassEarly(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws IOException {
        java.nio.file.Path f = dir.resolve("a.csv");
        try (sif.flows.FlowCsvWriter w = new sif.flows.FlowCsvWriter(f)) {
            for (int i = 0; i < 3; i++) {
                w.write(flow("f" + i, "192.168.10.5", 1_499_443_200_000L + i));
            }
        }
        java.nio.file.Files.writeString(f, java.nio.file.Files.readString(f) + "garbage,row\n");
        ReplaySummary all = new FlowReplayer(producer(), new ReplayOptions("flows", 0, 0, 0, false))
                .replay(new CsvFlowSource(List.of(f), sif.flows.FlowCsvReader.Options.DEFAULT));
        ReplaySummary limited = new FlowReplayer(producer(), new ReplayOptions("flows", 0, 0, 2, false))
                .replay(new CsvFlowSource(List.of(f), sif.flows.FlowCsvReader.Options.DEFAULT));
        assertEquals(3, all.sent());
        assertEquals(1, all.malformedRows());
        assertEquals(2, limited.sent());
        assertEquals(1, limited.malformedRows(), "the file was read whole: its malformed row is reported");
    }

    @Test
    void deliveryErrorsAreCountedAndSampled() throws IOException {
        MockProducer<String, NetworkFlow> p = new MockProducer<>(true, null, new StringSerializer(), NO_BYTES) {
            @Override
            public synchronized Future<RecordMetadata> send(ProducerRecord<String, NetworkFlow> record, Callback cb) {
                if (record.key().equals("10.6.6.6")) {
                    RecordTooLargeException e = new RecordTooLargeException("too large");
                    cb.onCompletion(null, e);
                    return CompletableFuture.failedFuture(e);
                }
                return super.send(record, cb);
            }
        };
        List<FlowRecord> flows = new ArrayList<>();
        for (int i = 0; i < 15; i++) {
            flows.add(flow("bad" + i, "10.6.6.6", i));
            flows.add(flow("ok" + i, "10.0.0.1", i));
        }
        FlowReplayer r = new FlowReplayer(p, ReplayOptions.allOnce("flows"));
        ReplaySummary s = r.replay(FlowSource.of("t", flows::iterator));
        assertEquals(15, s.sent());
        assertEquals(15, s.sendErrors());
        assertEquals(15, r.errorsTotal());
        assertEquals(10, s.errorSamples().size());
        assertTrue(s.errorSamples().get(0).contains("flow bad0"), s.errorSamples().get(0));
        assertTrue(s.describe().contains("send errors: 15"), s.describe());
    }

    /**
     * A producer that cannot reach its broker (or find its topic) reports the metadata timeout through the
     * send's callback, not by throwing: the replay stops at the first one instead of waiting
     * {@code max.block.ms} for every flow (about 25 hours for the 2,972 real rows at the 30 s default).
     * A real producer against a closed port.
     */
    @Test
    void aReplayThatCannotReachItsBrokerStops() throws IOException {
        List<FlowRecord> flows = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            flows.add(flow("f" + i, "10.0.0.1", 1000 + i));
        }
        int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (FlowReplayer r = FlowReplayer.create(Map.of("bootstrap.servers", "127.0.0.1:" + closedPort,
                "max.block.ms", "300"), ReplayOptions.allOnce("flows"))) {
            ReplaySummary s = r.replay(FlowSource.of("five", flows::iterator));
            assertTrue(s.stopped(), "stopped at the first timeout");
            assertEquals(List.of(1L, 0L, 1L), List.of(s.read(), s.sent(), s.sendErrors()), s.describe());
            assertTrue(s.errorSamples().get(0).contains("TimeoutException"), s.errorSamples().toString());
        }
    }

    /** Refused credentials or permissions stop the replay too; a refused record (too large) does not. */
    @Test
    void anAuthorizationFailureStopsTheReplay() throws IOException {
        MockProducer<String, NetworkFlow> p = new MockProducer<>(true, null, new StringSerializer(), NO_BYTES) {
            @Override
            public synchronized Future<RecordMetadata> send(ProducerRecord<String, NetworkFlow> record, Callback cb) {
                var e = new org.apache.kafka.common.errors.TopicAuthorizationException("not allowed");
                cb.onCompletion(null, e);
                return CompletableFuture.failedFuture(e);
            }
        };
        List<FlowRecord> flows = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            flows.add(flow("f" + i, "10.0.0.1", i));
        }
        ReplaySummary s = new FlowReplayer(p, ReplayOptions.allOnce("flows")).replay(FlowSource.of("t", flows::iterator));
        assertTrue(s.stopped());
        assertEquals(List.of(1L, 1L), List.of(s.read(), s.sendErrors()), s.describe());
    }

    /**
     * --speedup 60 over minute-resolution timestamps (as in CICIDS2017), 3,000 flows per minute: minute k is
     * due k seconds after the start, and sending a minute's burst takes 0.45 s (each send moves the clock
     * 0.15 ms), inside the 1 s step. Before, each late flow of a burst set the schedule back (its catch-up
     * rule is for input stalls): minutes started 1.4 s apart instead of 1.0.
     */
    @Test
    void burstsOfOneTimestampDoNotSetTheSpeedupScheduleBack() throws IOException {
        java.util.concurrent.atomic.AtomicLong clock = new java.util.concurrent.atomic.AtomicLong();
        List<FlowRecord> flows = new ArrayList<>();
        for (int minute = 0; minute < 4; minute++) {
            for (int i = 0; i < 3000; i++) {
                flows.add(flow("m" + minute + "-" + i, "10.0.0." + (i % 7), 1_499_000_000_000L + minute * 60_000L));
            }
        }
        List<Long> minuteStart = new ArrayList<>();
        java.util.function.LongSupplier now = () -> System.nanoTime() + clock.get();
        FlowReplayer r = new FlowReplayer(producer(), true, new ReplayOptions("flows", 0, 60, 0, false,
                ReplayOptions.DEFAULT_MAX_WAIT_SECONDS), now);
        long[] last = {-1};
        r.beforeEachFlow(f -> {
            clock.addAndGet(150_000L);
            if (f.timestampMs() != last[0]) {
                minuteStart.add(now.getAsLong());
                last[0] = f.timestampMs();
            }
        });
        r.replay(FlowSource.of("minutes", flows::iterator));
        for (int k = 0; k < minuteStart.size(); k++) {
            double behind = (minuteStart.get(k) - minuteStart.get(0)) / 1e9 - k;
            assertTrue(behind < 0.15, "minute " + k + " started " + behind + " s behind its schedule");
        }
        assertEquals(4, minuteStart.size());
    }

    @Test
    void stopEndsTheReplay() throws IOException {
        MockProducer<String, NetworkFlow> p = producer();
        FlowReplayer r = new FlowReplayer(p, new ReplayOptions("flows", 0, 0, 0, true));
        java.util.Iterator<FlowRecord> endless = new java.util.Iterator<>() {
            long i;

            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public FlowRecord next() {
                if (i == 100) {
                    r.stop();
                }
                return flow("f" + i, "10.0.0.1", i++);
            }
        };
        ReplaySummary s = r.replay(FlowSource.of("endless", () -> endless));
        assertTrue(s.stopped());
        assertEquals(100, s.sent());
        assertEquals(100, s.read(), "read = sent + errors + skipped: the flow taken as the stop came is not read");
        assertFalse(s.describe().isEmpty());
    }
}
