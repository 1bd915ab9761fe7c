package sif.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;
import sif.firewall.CountingClientSupplier;
import sif.firewall.metrics.FirewallMetrics;

/**
 * When the in-process firewall's stream threads were committing: under exactly-once a commit is the
 * producer's {@code flush()}, {@code sendOffsetsToTransaction} and {@code commitTransaction} on the
 * stream thread, which processes nothing meanwhile. Kafka Streams makes its producers through
 * {@link Supplier} (set as {@code default.client.supplier}); each records the window from its
 * commit's first call to the end of the transaction's commit (or abort), wall clock, so that
 * {@link StageTap} can tell which flows a commit held up. Kafka's own metrics give only totals.
 */
final class CommitWindows {

    private static final List<long[]> WINDOWS = new ArrayList<>(); // {start, end} epoch ms

    private CommitWindows() {
    }

    /** The commits that ended at or after {@code fromMs}, each {start, end} in epoch ms. */
    static List<long[]> since(long fromMs) {
        synchronized (WINDOWS) {
            return WINDOWS.stream().filter(w -> w[1] >= fromMs).toList();
        }
    }

    private static void add(long startMs, long endMs) {
        synchronized (WINDOWS) {
            WINDOWS.add(new long[] {startMs, endMs});
        }
    }

    /** The firewall's clients ({@link CountingClientSupplier}), with producers that also time their commits. */
    public static final class Supplier extends CountingClientSupplier {
        @Override
        public Producer<byte[], byte[]> getProducer(Map<String, Object> config) {
            return new TimedProducer(config, metrics());
        }
    }

    /** A producer that records its transactions' commit windows (one stream thread calls it). */
    static final class TimedProducer extends CountingClientSupplier.CountingProducer {
        private long commitStartMs = -1;

        TimedProducer(Map<String, Object> config, FirewallMetrics metrics) {
            super(config, metrics);
        }

        private void commitStarts() {
            if (commitStartMs < 0) {
                commitStartMs = System.currentTimeMillis();
            }
        }

        private void commitEnds() {
            if (commitStartMs >= 0) {
                add(commitStartMs, System.currentTimeMillis());
                commitStartMs = -1;
            }
        }

        @Override
        public void flush() {
            commitStarts();
            super.flush();
        }

        @Override
        public void sendOffsetsToTransaction(Map<TopicPartition, OffsetAndMetadata> offsets,
                                             ConsumerGroupMetadata groupMetadata) {
            commitStarts();
            super.sendOffsetsToTransaction(offsets, groupMetadata);
        }

        @Override
        public void commitTransaction() {
            try {
                super.commitTransaction();
            } finally {
                commitEnds();
            }
        }

        @Override
        public void abortTransaction() {
            try {
                super.abortTransaction();
            } finally {
                commitEnds();
            }
        }
    }
}
