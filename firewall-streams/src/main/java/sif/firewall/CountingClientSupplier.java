package sif.firewall;

import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.Configurable;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaClientSupplier;
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

    /** A stream thread's producer that reports its transactions to {@link FirewallMetrics}. */
    public static class CountingProducer extends KafkaProducer<byte[], byte[]> {
        private final FirewallMetrics metrics;

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

        @Override
        public void commitTransaction() {
            super.commitTransaction();
            metrics.transactionCommitted();
        }

        @Override
        public void abortTransaction() {
            try {
                super.abortTransaction();
            } finally {
                metrics.transactionAborted();
            }
        }
    }
}
