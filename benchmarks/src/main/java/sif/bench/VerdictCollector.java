package sif.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sif.schemas.avro.Decision;
import sif.schemas.avro.Verdict;
import sif.schemas.serde.AvroSerdes;

/**
 * Reads the firewall's output topics of one phase (read_committed, from the beginning) on its own
 * thread and measures, per verdict: the produce→verdict latency ({@code verdictTimeMs -
 * ingestTimeMs}: the firewall's wall clock when it made the verdict minus the input record's
 * timestamp, which the load generator sets to its wall clock at send time) and the
 * produce→visible latency (this consumer's wall clock on receipt minus the same timestamp; under
 * exactly-once it includes the wait for the transaction commit). Dead-letter records are counted.
 */
public final class VerdictCollector implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(VerdictCollector.class);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Set<String> verdictTopics;
    private final String dlqTopic;
    private final Deserializer<Verdict> verdicts = AvroSerdes.singleObject(Verdict.class).deserializer();
    private final Thread thread;
    private final LatencyHistogram eventLatency = new LatencyHistogram();
    private final LatencyHistogram visibleLatency = new LatencyHistogram();
    private final Map<Decision, Long> decisions = new EnumMap<>(Decision.class);
    private final Map<Integer, Long> batchSizes = new HashMap<>();
    private volatile long latencyFromIngestMs = Long.MIN_VALUE;
    private long count;
    private long dlq;
    private long firstReceiptNanos = -1;
    private long lastReceiptNanos = -1;
    private long firstVerdictMs = Long.MAX_VALUE;
    private long lastVerdictMs = Long.MIN_VALUE;
    private final List<long[]> receipts = new ArrayList<>(); // {nanoTime, cumulative count}, one per poll
    private volatile Throwable failure;

    /**
     * @param clientConfig   bootstrap servers etc.
     * @param verdictTopics  allowed / blocked / alerts (Avro Verdict values)
     * @param dlqTopic       dead-letter topic (counted only)
     */
    public VerdictCollector(Map<String, Object> clientConfig, Collection<String> verdictTopics, String dlqTopic,
                            int partitions) {
        this(clientConfig, verdictTopics, dlqTopic, partitions, false);
    }

    /** @param fromEnd only count records written after the collector started (else from the beginning) */
    public VerdictCollector(Map<String, Object> clientConfig, Collection<String> verdictTopics, String dlqTopic,
                            int partitions, boolean fromEnd) {
        Map<String, Object> c = new HashMap<>(clientConfig);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "sif-bench-collector-" + System.nanoTime());
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, "sif-bench-collector-" + System.nanoTime());
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        c.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 5);
        this.consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.verdictTopics = Set.copyOf(verdictTopics);
        this.dlqTopic = dlqTopic;
        List<TopicPartition> tps = new ArrayList<>();
        for (String t : verdictTopics) {
            for (int p = 0; p < partitions; p++) {
                tps.add(new TopicPartition(t, p));
            }
        }
        for (int p = 0; p < partitions; p++) {
            tps.add(new TopicPartition(dlqTopic, p));
        }
        consumer.assign(tps);
        if (fromEnd) {
            consumer.seekToEnd(tps);
            tps.forEach(consumer::position); // resolve the end offsets now, before anything new is written
        } else {
            consumer.seekToBeginning(tps);
        }
        this.thread = new Thread(this::run, "sif-bench-collector");
        thread.setDaemon(true);
        thread.start();
    }

    /** Latencies of verdicts whose input was produced before {@code ingestMs} are not recorded. */
    public void recordLatenciesFrom(long ingestMs) {
        latencyFromIngestMs = ingestMs;
    }

    private void run() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(50));
                if (records.isEmpty()) {
                    continue;
                }
                long nowMs = System.currentTimeMillis();
                long nowNanos = System.nanoTime();
                synchronized (this) {
                    for (ConsumerRecord<byte[], byte[]> r : records) {
                        if (r.topic().equals(dlqTopic)) {
                            dlq++;
                        } else if (verdictTopics.contains(r.topic())) {
                            Verdict v = verdicts.deserialize(r.topic(), r.value());
                            decisions.merge(v.getDecision(), 1L, Long::sum);
                            batchSizes.merge(v.getBatchSize(), 1L, Long::sum);
                            firstVerdictMs = Math.min(firstVerdictMs, v.getVerdictTimeMs());
                            lastVerdictMs = Math.max(lastVerdictMs, v.getVerdictTimeMs());
                            if (v.getIngestTimeMs() >= latencyFromIngestMs) {
                                eventLatency.record(v.getVerdictTimeMs() - v.getIngestTimeMs());
                                visibleLatency.record(nowMs - v.getIngestTimeMs());
                            }
                        }
                        count++;
                    }
                    if (firstReceiptNanos < 0) {
                        firstReceiptNanos = nowNanos;
                    }
                    lastReceiptNanos = nowNanos;
                    receipts.add(new long[] {nowNanos, count});
                    notifyAll();
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.error("verdict collector failed", e);
            failure = e;
            synchronized (this) {
                notifyAll();
            }
        }
    }

    /** Waits until {@code n} output records (verdicts + DLQ) were read; false on timeout. */
    public synchronized boolean awaitCount(long n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (count < n) {
            if (failure != null) {
                throw new IllegalStateException("verdict collector failed: " + failure, failure);
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }

    /** Output records read so far (verdicts + DLQ). */
    public synchronized long count() {
        return count;
    }

    public synchronized long dlqCount() {
        return dlq;
    }

    /** nanoTime of the first poll that returned records, -1 if none yet. */
    public synchronized long firstReceiptNanos() {
        return firstReceiptNanos;
    }

    public synchronized long lastReceiptNanos() {
        return lastReceiptNanos;
    }

    /**
     * Outputs per second between the receipt of output number {@code from} and output number
     * {@code to} (by this consumer's clock, per poll); NaN when not enough outputs arrived.
     */
    public synchronized double rateBetween(long from, long to) {
        return rateBetween(receipts, from, to);
    }

    /**
     * The rate between the receipts of output {@code from} and output {@code to} in {@code receipts}
     * ({nanoTime, outputs so far} per read); NaN when both fall in one read (under exactly-once a
     * read_committed consumer can receive a whole small run at once, after one commit).
     */
    static double rateBetween(List<long[]> receipts, long from, long to) {
        long[] a = null;
        long[] b = null;
        for (long[] r : receipts) {
            if (a == null && r[1] >= from) {
                a = r;
            }
            if (r[1] >= to) {
                b = r;
                break;
            }
        }
        if (a == null || b == null || b[0] <= a[0]) {
            return Double.NaN;
        }
        return (b[1] - a[1]) / ((b[0] - a[0]) / 1e9);
    }

    /** Verdicts per second by the firewall's own clock (first to last verdictTimeMs); NaN if &lt; 2 verdicts. */
    public synchronized double verdictClockRate() {
        long verdictCount = count - dlq;
        if (verdictCount < 2 || lastVerdictMs <= firstVerdictMs) {
            return Double.NaN;
        }
        return verdictCount / ((lastVerdictMs - firstVerdictMs) / 1e3);
    }

    /** Snapshot of the produce→verdict latency histogram (caller must not keep it across phases). */
    public synchronized LatencySummary eventLatency() {
        return LatencySummary.of(eventLatency);
    }

    public synchronized LatencySummary visibleLatency() {
        return LatencySummary.of(visibleLatency);
    }

    public synchronized Map<String, Long> decisions() {
        Map<String, Long> m = new java.util.TreeMap<>();
        decisions.forEach((k, v) -> m.put(k.name(), v));
        m.put("DLQ", dlq);
        return m;
    }

    /** Mean inference batch size over the verdicts (as the verdicts report it). */
    public synchronized double meanBatchSize() {
        long n = 0;
        long sum = 0;
        for (var e : batchSizes.entrySet()) {
            n += e.getValue();
            sum += (long) e.getKey() * e.getValue();
        }
        return n == 0 ? Double.NaN : (double) sum / n;
    }

    @Override
    public void close() {
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        consumer.close(Duration.ofSeconds(5));
    }

    /** Latency percentiles in ms. */
    public record LatencySummary(long count, long p50, long p99, long p999, long max, double mean) {
        static LatencySummary of(LatencyHistogram h) {
            return new LatencySummary(h.count(), h.percentile(0.50), h.percentile(0.99), h.percentile(0.999), h.max(),
                    h.mean());
        }
    }
}
