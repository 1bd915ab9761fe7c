package sif.firewall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TimeoutException;
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
 * Whether that path caused the flows-in count 16 short of 2,972 in one CI run of {@code
 * FirewallBrokerOutageIT} is not known (its log was not kept; its 20-second outage is shorter than the
 * default {@code max.block.ms}, so it seems unlikely).
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
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "in-doubt-" + UUID.randomUUID());
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 2000);
        CountingProducer producer = new CountingProducer(config, metrics);
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
        return KafkaIT.readUntil(kafka.bootstrapServers(), List.of(topic), expected, Duration.ofSeconds(30)).size();
    }
}
