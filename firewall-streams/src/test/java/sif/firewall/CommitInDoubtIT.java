package sif.firewall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TransactionAbortableException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import sif.firewall.CountingClientSupplier.CountingProducer;
import sif.firewall.metrics.FirewallMetrics;
import sif.firewall.metrics.PrometheusFirewallMetrics;
import sif.kafka.EmbeddedKafka;

/**
 * A commit that times out because the broker went away, on a real broker: the stream thread's producer
 * ({@link CountingProducer}) cannot know yet whether the transaction committed, and the broker completes
 * it once it is back. Its counts are added then, as the output topics (read committed) hold its
 * records. They used to be dropped when Kafka Streams, after the timeout (and a second one when it
 * commits again), closed the tasks dirty and aborted, which the producer refuses with a commit pending.
 *
 * <p>A commit can also fail after its request went through, when the producer gives up waiting for the
 * answer ({@code delivery.timeout.ms}, shorter than the outage). The last two tests lose a commit's
 * answer or request on purpose ({@link LosingProducer}: the broker and its transaction coordinator are
 * real, the producer is told the commit failed) and check that the coordinator's record decides the
 * counts. Counting every failed commit as an abort is a probable cause of one CI run of {@code
 * FirewallBrokerOutageIT} that counted 2,956 flows in for 2,972 decided exactly once (8-s delivery
 * timeout, 20-s outage).
 */
class CommitInDoubtIT {

    @Test
    void aTimedOutCommitThatWentThroughIsCountedWhenKafkaStreamsAborts() throws Exception {
        try (EmbeddedKafka kafka = KafkaIT.startBroker();
             PrometheusFirewallMetrics metrics = FirewallMetrics.prometheus(List.of("BENIGN"))) {
            String topic = topic(kafka);
            CountingProducer producer = inDoubt(kafka, topic, metrics);
            kafka.restart();
            // what Kafka Streams does after a commit timeout: close the tasks dirty, which aborts (retried
            // here while the restarted coordinator loads; Kafka Streams leaves that to the next begin)
            abortUntilAnswered(producer);
            assertEquals(5, metrics.snapshot().flowsIn(), "the transaction's counts, once it committed");
            assertEquals(1, committedRecords(kafka, topic, 1), "the transaction committed");
            assertEquals(1.0, metrics.registry().get("sif.commits.in.doubt").counter().count());

            // and the producer goes on
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, new byte[] {2})).get();
            metrics.flowIn();
            producer.commitTransaction();
            assertEquals(6, metrics.snapshot().flowsIn());
            assertEquals(2, committedRecords(kafka, topic, 2));
            producer.close();
        }
    }

    @Test
    void aTimedOutCommitIsSettledBeforeTheNextTransactionBegins() throws Exception {
        try (EmbeddedKafka kafka = KafkaIT.startBroker();
             PrometheusFirewallMetrics metrics = FirewallMetrics.prometheus(List.of("BENIGN"))) {
            String topic = topic(kafka);
            CountingProducer producer = inDoubt(kafka, topic, metrics);
            // Kafka Streams swallows the abort's timeout while the broker is away
            assertThrows(TimeoutException.class, producer::abortTransaction);
            assertEquals(0, metrics.snapshot().flowsIn(), "nothing counted while the outcome is unknown");
            kafka.restart();
            metrics.flowIn(); // a flow of the next transaction, counted before it begins (as Kafka Streams does)
            producer.beginTransaction(); // waits for the outcome of the commit in doubt
            assertEquals(5, metrics.snapshot().flowsIn(), "the committed transaction's counts, not the next one's");
            producer.send(new ProducerRecord<>(topic, new byte[] {2})).get();
            producer.commitTransaction();
            assertEquals(6, metrics.snapshot().flowsIn());
            assertEquals(2, committedRecords(kafka, topic, 2));
            producer.close();
        }
    }

    @Test
    void aFailedCommitThatWentThroughIsCountedOnceTheCoordinatorSaysSo() throws Exception {
        try (EmbeddedKafka kafka = KafkaIT.startBroker();
             PrometheusFirewallMetrics metrics = FirewallMetrics.prometheus(List.of("BENIGN"))) {
            String topic = topic(kafka);
            LosingProducer producer = failedCommit(kafka, topic, metrics, Loss.ANSWER, () -> { });
            assertEquals(5, metrics.snapshot().flowsIn(), "the coordinator committed it: counted");
            assertEquals(1, committedRecords(kafka, topic, 1), "the transaction committed");
            assertEquals(1.0, metrics.registry().get("sif.commits.in.doubt").counter().count());

            // the next commit goes through too, then the broker goes away before the coordinator is asked
            producer.beginTransaction();
            transaction(producer, topic, metrics, 2);
            producer.loss = Loss.ANSWER;
            producer.beforeFailure = kafka::stop;
            assertThrows(TransactionAbortableException.class, producer::commitTransaction);
            assertEquals(5, metrics.snapshot().flowsIn(), "nothing more counted while the coordinator does not answer");
            kafka.restart();
            producer.close(Duration.ofSeconds(60)); // as Kafka Streams closes the producer of a thread that died
            assertEquals(10, metrics.snapshot().flowsIn(), "counted once the coordinator answered");
            assertEquals(2, committedRecords(kafka, topic, 2), "both transactions committed");
        }
    }

    @Test
    void aFailedCommitThatNeverReachedTheCoordinatorIsNotCountedOnceItAnswers() throws Exception {
        try (EmbeddedKafka kafka = KafkaIT.startBroker();
             PrometheusFirewallMetrics metrics = FirewallMetrics.prometheus(List.of("BENIGN"))) {
            String topic = topic(kafka);
            // the broker goes away: the coordinator, asked, does not answer within max.block.ms
            LosingProducer producer = failedCommit(kafka, topic, metrics, Loss.REQUEST, kafka::stop);
            assertEquals(0, metrics.snapshot().flowsIn(), "nothing counted while the outcome is unknown");
            kafka.restart();
            metrics.flowIn(); // a flow of the next transaction, counted before it begins (as Kafka Streams does)
            producer.beginTransaction(); // asks again: the transaction was open, so it aborts it first
            assertEquals(0, metrics.snapshot().flowsIn(), "the failed transaction's counts are dropped");
            producer.send(new ProducerRecord<>(topic, new byte[] {2})).get();
            producer.sendOffsetsToTransaction(Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(2)),
                    new ConsumerGroupMetadata(GROUP));
            producer.commitTransaction();
            assertEquals(1, metrics.snapshot().flowsIn(), "the next transaction's");
            assertEquals(List.of(2), committedValues(kafka, topic, 1), "only the second transaction committed");
            producer.close();
        }
    }

    @Test
    void aFencedProducersFailedCommitIsNotCountedWhateverItsSuccessorCommits() throws Exception {
        try (EmbeddedKafka kafka = KafkaIT.startBroker();
             PrometheusFirewallMetrics metrics = FirewallMetrics.prometheus(List.of("BENIGN"))) {
            String topic = topic(kafka);
            Map<String, Object> config = producerConfig(kafka);
            CountingProducer zombie = new CountingProducer(config, metrics);
            zombie.initTransactions();
            zombie.beginTransaction();
            transaction(zombie, topic, metrics, 1);
            // a successor with the same transactional id aborts the zombie's transaction and commits its own
            try (KafkaProducer<byte[], byte[]> successor = new KafkaProducer<>(config, new ByteArraySerializer(),
                    new ByteArraySerializer())) {
                successor.initTransactions();
                successor.beginTransaction();
                successor.send(new ProducerRecord<>(topic, new byte[] {2})).get();
                successor.commitTransaction();
            }
            assertThrows(ProducerFencedException.class, zombie::commitTransaction);
            assertEquals(0, metrics.snapshot().flowsIn(),
                    "the zombie's transaction aborted, though the coordinator's last transaction for its id committed");
            assertEquals(List.of(2), committedValues(kafka, topic, 1), "only the successor's record committed");
            zombie.close(Duration.ZERO);
        }
    }

    private static void abortUntilAnswered(CountingProducer producer) {
        for (int attempt = 1; ; attempt++) {
            try {
                producer.abortTransaction();
                return;
            } catch (TimeoutException e) {
                if (attempt == 15) {
                    throw e;
                }
            }
        }
    }

    private static final String GROUP = "in-doubt-group";

    /** What {@link LosingProducer} does to its next commit. */
    private enum Loss { NONE, REQUEST, ANSWER }

    /**
     * A producer whose next commit fails as if the broker's answer or the request itself were lost: the
     * commit is made ({@link Loss#ANSWER}) or not ({@link Loss#REQUEST}), {@code beforeFailure} runs, then
     * the call fails as the producer's does when it gives up a transactional request.
     */
    private static final class LosingProducer extends CountingProducer {
        Loss loss = Loss.NONE;
        Runnable beforeFailure = () -> { };

        LosingProducer(Map<String, Object> config, FirewallMetrics metrics) {
            super(config, metrics);
        }

        @Override
        void commitOnBroker() {
            Loss now = loss;
            loss = Loss.NONE;
            if (now == Loss.NONE) {
                super.commitOnBroker();
                return;
            }
            if (now == Loss.ANSWER) {
                super.commitOnBroker();
            }
            beforeFailure.run();
            throw new TransactionAbortableException("test: the commit's " + (now == Loss.ANSWER ? "answer" : "request")
                    + " was lost");
        }
    }

    /** A transaction as Kafka Streams makes one: a record, five flows counted, the consumer offsets. */
    private static LosingProducer begun(EmbeddedKafka kafka, String topic, FirewallMetrics metrics) throws Exception {
        LosingProducer producer = new LosingProducer(producerConfig(kafka), metrics);
        producer.initTransactions();
        producer.beginTransaction();
        transaction(producer, topic, metrics, 1);
        return producer;
    }

    /** Record number {@code n} and five flows counted in the begun transaction, and offset {@code n}. */
    private static void transaction(CountingProducer producer, String topic, FirewallMetrics metrics, int n)
            throws Exception {
        producer.send(new ProducerRecord<>(topic, new byte[] {(byte) n})).get();
        for (int i = 0; i < 5; i++) {
            metrics.flowIn();
        }
        producer.sendOffsetsToTransaction(Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(n)),
                new ConsumerGroupMetadata(GROUP));
    }

    /** {@link #begun}, then its commit fails as {@code loss} says, {@code beforeFailure} run before the failure. */
    private static LosingProducer failedCommit(EmbeddedKafka kafka, String topic, FirewallMetrics metrics, Loss loss,
                                               Runnable beforeFailure) throws Exception {
        LosingProducer producer = begun(kafka, topic, metrics);
        producer.loss = loss;
        producer.beforeFailure = beforeFailure;
        assertThrows(TransactionAbortableException.class, producer::commitTransaction);
        return producer;
    }

    private static Map<String, Object> producerConfig(EmbeddedKafka kafka) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "in-doubt-" + UUID.randomUUID());
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 2000);
        return config;
    }

    private static String topic(EmbeddedKafka kafka) {
        String topic = "in-doubt-" + UUID.randomUUID();
        kafka.createTopics(List.of(new NewTopic(topic, 1, (short) 1)));
        return topic;
    }

    /**
     * A producer whose transaction (one record, five flows counted) timed out in its commit: the broker
     * stopped after the record was written and before the commit.
     */
    private static CountingProducer inDoubt(EmbeddedKafka kafka, String topic, FirewallMetrics metrics)
            throws Exception {
        CountingProducer producer = new CountingProducer(producerConfig(kafka), metrics);
        producer.initTransactions();
        producer.beginTransaction();
        producer.send(new ProducerRecord<>(topic, new byte[] {1})).get();
        for (int i = 0; i < 5; i++) {
            metrics.flowIn();
        }
        kafka.stop();
        assertThrows(TimeoutException.class, producer::commitTransaction);
        assertEquals(0, metrics.snapshot().flowsIn(), "counted only once the transaction commits");
        return producer;
    }

    private static int committedRecords(EmbeddedKafka kafka, String topic, int expected) {
        return committedValues(kafka, topic, expected).size();
    }

    /** The first byte of each committed record's value (the tests' record numbers). */
    private static List<Integer> committedValues(EmbeddedKafka kafka, String topic, int expected) {
        return KafkaIT.readUntil(kafka.bootstrapServers(), List.of(topic), expected, Duration.ofSeconds(30)).stream()
                .map(r -> (int) r.value()[0]).toList();
    }
}
