package sif.firewall;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.Configurable;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaClientSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sif.firewall.metrics.BrokerProbe;
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
     *
     * <p>A commit can also <em>fail</em> after its request reached the transaction coordinator: the
     * producer gives up retrying a request after {@code delivery.timeout.ms} ("Transaction Request was
     * aborted after exhausting retries"), so an outage longer than that fails a commit whose answer was
     * lost, while the coordinator completes it once it is back. Counting such a failure as an abort
     * loses the counts of a committed transaction (probably what one CI run of {@code
     * FirewallBrokerOutageIT} saw: 2,956 flows in for 2,972 decided exactly once). So when a commit of a
     * transaction that had sent its
     * consumer offsets fails, or the retry of one in doubt fails, the coordinator is asked
     * ({@code Admin#describeTransactions} for this producer's transactional id): a transaction it
     * commits or committed counts; one that is still open (it will abort it), aborting or aborted does
     * not. Until it answers, the counts stay in doubt as above. Without offsets sent the transaction
     * may never have reached the coordinator, whose state would then be an earlier transaction's; a
     * fenced producer's id belongs to another producer, whose state it would be: such failures count as
     * an abort, as before.
     */
    public static class CountingProducer extends KafkaProducer<byte[], byte[]> {
        private static final Logger LOG = LoggerFactory.getLogger(CountingProducer.class);
        private final FirewallMetrics metrics;
        private final String transactionalId;
        private final Map<String, Object> adminConfig;
        private final long maxBlockMs;
        /** The commit whose outcome is not known yet, or null; only the owning thread touches it. */
        private InDoubt inDoubt;
        /** Whether the current transaction's consumer offsets were added to it (so the coordinator knows it). */
        private boolean offsetsSent;
        /** Asks the transaction coordinator; made when first needed. */
        private Admin admin;

        public CountingProducer(Map<String, Object> config, FirewallMetrics metrics) {
            super(config, new ByteArraySerializer(), new ByteArraySerializer());
            this.metrics = metrics;
            Object id = config.get(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
            this.transactionalId = id == null ? null : id.toString();
            this.adminConfig = adminConfig(config);
            Object maxBlock = config.get(ProducerConfig.MAX_BLOCK_MS_CONFIG);
            this.maxBlockMs = maxBlock == null ? 60_000L : Long.parseLong(maxBlock.toString());
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
            offsetsSent = false;
        }

        @Override
        public void sendOffsetsToTransaction(Map<TopicPartition, OffsetAndMetadata> offsets,
                                             ConsumerGroupMetadata groupMetadata) {
            super.sendOffsetsToTransaction(offsets, groupMetadata);
            offsetsSent |= !offsets.isEmpty();
        }

        @Override
        public void commitTransaction() {
            if (inDoubt == null) {
                try {
                    commitOnBroker();
                } catch (TimeoutException | InterruptException e) {
                    inDoubt = new InDoubt(metrics.transactionInDoubt(), offsetsSent);
                    throw e;
                } catch (RuntimeException e) {
                    if (offsetsSent && !fenced(e)) {
                        // its commit request may have reached the coordinator, the answer lost: ask it
                        inDoubt = new InDoubt(metrics.transactionInDoubt(), true);
                        inDoubt.failure = e;
                        settleInDoubt(false);
                    }
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
                try {
                    if (inDoubt != null) {
                        LOG.warn("closing with the outcome of the last commit unknown: its counts are dropped");
                        inDoubt.counts.settle(false);
                        inDoubt = null;
                    }
                    if (admin != null) {
                        admin.close(Duration.ZERO);
                    }
                } finally {
                    super.close(timeout);
                }
            }
        }

        /** The producer's own commit call: separate so that a test can lose its answer. */
        void commitOnBroker() {
            super.commitTransaction();
        }

        /**
         * What a commit in doubt came to, for the producer: {@code COMMITTED}, its own commit went through;
         * {@code FAILED}, its commit failed and the transaction is left to abort (the counts are settled by
         * what the coordinator did, which may be a commit).
         */
        private enum Outcome { NONE_IN_DOUBT, UNANSWERED, COMMITTED, FAILED }

        /** A commit whose outcome is not known yet. */
        private static final class InDoubt {
            final FirewallMetrics.InDoubt counts;
            /** Whether the coordinator may be asked (the transaction had sent its offsets). */
            final boolean askable;
            /** Why the commit failed, once it did: then only the coordinator can tell. */
            RuntimeException failure;

            InDoubt(FirewallMetrics.InDoubt counts, boolean askable) {
                this.counts = counts;
                this.askable = askable;
            }
        }

        /**
         * Learns the outcome of the commit in doubt, if any, and settles its counts once known: by retrying
         * the commit (the producer waits for the same request, up to {@code max.block.ms}) while it has not
         * failed, then by asking the transaction coordinator.
         *
         * @param rethrow whether the commit's failure is thrown (after settling) rather than returned as
         *                {@link Outcome#FAILED}
         */
        private Outcome settleInDoubt(boolean rethrow) {
            if (inDoubt == null) {
                return Outcome.NONE_IN_DOUBT;
            }
            if (inDoubt.failure == null) {
                try {
                    commitOnBroker();
                    inDoubt.counts.settle(true);
                    inDoubt = null;
                    return Outcome.COMMITTED;
                } catch (TimeoutException e) {
                    return Outcome.UNANSWERED;
                } catch (InterruptException e) {
                    throw e;
                } catch (RuntimeException e) {
                    LOG.info("the commit that had timed out failed: {}", e.toString());
                    inDoubt.failure = e;
                }
            }
            Boolean committed = inDoubt.askable && !fenced(inDoubt.failure) ? committedPerCoordinator() : Boolean.FALSE;
            if (committed == null) {
                return Outcome.UNANSWERED;
            }
            RuntimeException failure = inDoubt.failure;
            inDoubt.counts.settle(committed);
            inDoubt = null;
            if (rethrow) {
                throw failure;
            }
            return Outcome.FAILED;
        }

        /**
         * Whether the transaction coordinator commits or committed this producer's last transaction; null
         * while it does not answer. An answer it cannot be asked for (not authorized, say) counts as an
         * abort, logged.
         */
        private Boolean committedPerCoordinator() {
            try {
                if (admin == null) {
                    admin = Admin.create(adminConfig);
                }
                TransactionDescription d = admin.describeTransactions(List.of(transactionalId))
                        .description(transactionalId).get(maxBlockMs, TimeUnit.MILLISECONDS);
                boolean committed = switch (d.state()) {
                    case PREPARE_COMMIT, COMPLETE_COMMIT -> true;
                    case ONGOING, PREPARE_ABORT, COMPLETE_ABORT, PREPARE_EPOCH_FENCE -> false;
                    default -> {
                        LOG.warn("the transaction coordinator reports {} for {}: the failed commit's counts are dropped",
                                d.state(), transactionalId);
                        yield false;
                    }
                };
                LOG.info("the commit that failed ({}) was {} by the transaction coordinator ({})",
                        inDoubt.failure.toString(), committed ? "committed" : "not committed", d);
                return committed;
            } catch (java.util.concurrent.TimeoutException e) {
                return null;
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RetriableException) {
                    return null;
                }
                LOG.warn("cannot ask the transaction coordinator whether the failed commit went through ({}): its "
                        + "counts are dropped", e.getCause().toString());
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptException(e);
            }
        }

        /**
         * Whether another producer took over this one's transactional id: the coordinator's state is then
         * the newcomer's, which says nothing of this producer's transaction, so such a failure counts as an
         * abort (the newcomer aborted the transaction unless its commit had already been logged).
         */
        private static boolean fenced(Throwable e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof ProducerFencedException || t instanceof InvalidProducerEpochException) {
                    return true;
                }
            }
            return false;
        }

        /** The producer's connection and security settings, for an admin client of its own. */
        private static Map<String, Object> adminConfig(Map<String, Object> producerConfig) {
            Map<String, Object> admin = BrokerProbe.adminConfig(producerConfig);
            Object clientId = producerConfig.get(ProducerConfig.CLIENT_ID_CONFIG);
            admin.put(AdminClientConfig.CLIENT_ID_CONFIG, (clientId == null ? "sif" : clientId) + "-txn-check");
            return admin;
        }
    }
}
