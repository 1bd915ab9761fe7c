package sif.firewall;

import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.Configurable;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaClientSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sif.firewall.metrics.FirewallMetrics;

/**
 * Kafka Streams' clients as its default supplier makes them (byte-array consumers and producers, the
 * default admin client), with producers that tell the firewall's {@link FirewallMetrics}
 * when their stream thread's transactions begin, commit and abort, so that under exactly-once the
 * counts of a transaction are added when it commits and dropped when it aborts
 * ({@link FirewallMetrics#transactionsOnThisThread}). Without this a task processed again after a
 * failed transaction (a replaced stream thread, a crash of its instance) counted its flows twice while the output
 * topics held them once ({@code FirewallBadInputIT}: 8 flows in for 4). Set by {@link FirewallApp}
 * as {@code default.client.supplier}; Kafka Streams configures it with the Streams properties, where
 * the metrics are under {@link DlqPublisher#METRICS_KEY}. Under at-least-once there are no
 * transactions and counts are added when made, as the output topics then hold whatever was sent.
 *
 * <p>Each stream thread calls its own producer, so the hooks run on the thread whose counts they
 * concern. A subclass may make its own producers from {@link CountingProducer}.
 */
public class CountingClientSupplier implements KafkaClientSupplier, Configurable {

    private FirewallMetrics metrics = FirewallMetrics.noop();

    @Override
    public void configure(Map<String, ?> configs) {
        metrics = DlqPublisher.metricsFrom(configs);
    }

    /** The metrics the producers report to. */
    protected final FirewallMetrics metrics() {
        return metrics;
    }

    @Override
    public Producer<byte[], byte[]> getProducer(Map<String, Object> config) {
        return new CountingProducer(config, metrics);
    }

    @Override
    public Admin getAdmin(Map<String, Object> config) {
        return Admin.create(config);
    }

    @Override
    public Consumer<byte[], byte[]> getConsumer(Map<String, Object> config) {
        return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @Override
    public Consumer<byte[], byte[]> getRestoreConsumer(Map<String, Object> config) {
        return getConsumer(config);
    }

    @Override
    public Consumer<byte[], byte[]> getGlobalConsumer(Map<String, Object> config) {
        return getConsumer(config);
    }

    /**
     * A stream thread's producer that reports its transactions to {@link FirewallMetrics}.
     *
     * <p>A commit that times out ({@code max.block.ms}, the broker away) leaves its transaction in
     * doubt (so does an interrupt during the commit): the producer has sent, or will send, the commit,
     * and the broker may still complete it. Kafka Streams then commits again (which waits for the same
     * request) and, if that times out too, closes the tasks dirty and aborts, which a producer with a
     * pending commit refuses ({@code IllegalStateException}, swallowed by the dirty close); counting
     * that as an abort lost the counts of transactions that did commit. Here the counts are set aside
     * ({@link FirewallMetrics#transactionInDoubt}) and settled by the commit's own outcome: the
     * producer lets the caller retry the commit, which waits for the same request and tells whether it
     * went through. The retry is made where Kafka Streams would abort (once), before the thread's next
     * transaction begins (until the outcome is known: the producer refuses any other call before,
     * and Kafka Streams would lose the thread), and at close (as long as close waits).
     */
    public static class CountingProducer extends KafkaProducer<byte[], byte[]> {
        private static final Logger LOG = LoggerFactory.getLogger(CountingProducer.class);
        private final FirewallMetrics metrics;
        /** The counts of the transaction whose commit timed out, or null; only the owning thread sets it. */
        private FirewallMetrics.InDoubt inDoubt;

        public CountingProducer(Map<String, Object> config, FirewallMetrics metrics) {
            super(config, new ByteArraySerializer(), new ByteArraySerializer());
            this.metrics = metrics;
        }

        /**
         * Counts are held from here on; any the thread still held are dropped. Kafka Streams makes a new
         * producer after a fatal error of the old one (and then processes its tasks again from their last
         * commit); the old one's transaction may never have begun, and then is never aborted. Counts are
         * made before a transaction begins (Kafka Streams begins it at the first send), so
         * {@code beginTransaction} leaves them alone.
         */
        @Override
        public void initTransactions() {
            metrics.transactionsOnThisThread();
            super.initTransactions();
        }

        /**
         * First learns the outcome of a commit in doubt, waiting for the broker as long as it takes (the
         * thread processes nothing meanwhile); a commit that failed leaves its transaction to abort first.
         */
        @Override
        public void beginTransaction() {
            Outcome outcome;
            while ((outcome = settleInDoubt(false)) == Outcome.UNANSWERED) {
                LOG.warn("the commit of the previous transaction is still unanswered (broker away?); waiting for its "
                        + "outcome before the next transaction");
            }
            if (outcome == Outcome.FAILED) {
                super.abortTransaction(); // a fatal failure throws here, as beginning would
            }
            super.beginTransaction();
        }

        @Override
        public void commitTransaction() {
            if (inDoubt == null) {
                try {
                    super.commitTransaction();
                } catch (TimeoutException | InterruptException e) {
                    inDoubt = metrics.transactionInDoubt();
                    throw e;
                }
            } else if (settleInDoubt(true) == Outcome.UNANSWERED) { // Kafka Streams commits again: the same commit
                throw new TimeoutException("the commit of the transaction is still unanswered");
            }
            metrics.transactionCommitted();
        }

        /**
         * With a commit in doubt, retries it (once) instead: if it went through, there is nothing left to
         * abort; if it failed, the transaction is aborted as usual; if it is still unanswered, a
         * {@link TimeoutException} says so (Kafka Streams logs it and goes on). The thread's own counts are
         * dropped however this ends: they belong to no committed transaction.
         */
        @Override
        public void abortTransaction() {
            try {
                Outcome outcome = settleInDoubt(false);
                if (outcome == Outcome.UNANSWERED) {
                    throw new TimeoutException("the commit of the transaction is still unanswered; its outcome is "
                            + "taken before the next transaction begins");
                }
                if (outcome != Outcome.COMMITTED) {
                    super.abortTransaction();
                }
            } finally {
                metrics.transactionAborted();
            }
        }

        /**
         * Settles a commit in doubt first, as long as the close may wait (Kafka Streams' close waits without
         * limit, as the producer's own close would for the pending commit); still unknown, its counts are
         * dropped. Each retry may wait up to {@code max.block.ms}, so a bounded close can overrun its timeout
         * by that much; a zero timeout does not retry. The producer is closed however this ends (an interrupt
         * included: the interrupt flag stays set, so every retry would throw at once).
         */
        @Override
        public void close(Duration timeout) {
            try {
                long start = System.nanoTime();
                long limitMs = timeout.toMillis();
                while (inDoubt != null && (System.nanoTime() - start) / 1_000_000 < limitMs) {
                    if (settleInDoubt(false) == Outcome.UNANSWERED) {
                        LOG.warn("closing: the commit of the last transaction is still unanswered (broker away?)");
                    }
                }
            } finally {
                if (inDoubt != null) {
                    LOG.warn("closing with the outcome of the last commit unknown: its counts are dropped");
                    inDoubt.settle(false);
                    inDoubt = null;
                }
                super.close(timeout);
            }
        }

        private enum Outcome { NONE_IN_DOUBT, UNANSWERED, COMMITTED, FAILED }

        /**
         * Retries the commit in doubt, if any (the producer waits for the same request, up to
         * {@code max.block.ms}), and settles its counts once it answers.
         *
         * @param rethrow whether a failed commit's exception is thrown (after settling) rather than returned as
         *                {@link Outcome#FAILED}
         */
        private Outcome settleInDoubt(boolean rethrow) {
            if (inDoubt == null) {
                return Outcome.NONE_IN_DOUBT;
            }
            try {
                super.commitTransaction();
            } catch (TimeoutException e) {
                return Outcome.UNANSWERED;
            } catch (InterruptException e) {
                throw e;
            } catch (RuntimeException e) {
                LOG.info("the commit that had timed out failed: {}", e.toString());
                inDoubt.settle(false);
                inDoubt = null;
                if (rethrow) {
                    throw e;
                }
                return Outcome.FAILED;
            }
            inDoubt.settle(true);
            inDoubt = null;
            return Outcome.COMMITTED;
        }
    }
}
