package sif.firewall;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import sif.kafka.EmbeddedKafka;

/**
 * The exception handlers' dead-letter producer on a real broker that goes away. A dead letter needs
 * its topic's metadata before the producer will queue it; without it, {@code send} blocks the calling
 * stream thread for {@code max.block.ms} (60 s) and then drops the record. The publisher fetches the
 * metadata when it is made and keeps it, so a dead letter written while the broker is away waits in the
 * producer and arrives when the broker returns.
 */
class DlqPublisherOutageIT {

    @Test
    void aDeadLetterWrittenWhileTheBrokerIsAwayArrivesWhenItReturns() throws Exception {
        try (EmbeddedKafka kafka = KafkaIT.startBroker()) {
            FirewallConfig config = KafkaIT.topicsAndConfig(kafka, "dlq-outage", 1, Map.of());
            try (DlqPublisher publisher = DlqPublisher.create(config)) {
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (!publisher.metadataReady() && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                assertTrue(publisher.metadataReady(), "the DLQ topic's metadata is fetched without a dead letter");
                kafka.stop();
                byte[] original = "original bytes".getBytes(StandardCharsets.UTF_8);
                publisher.publish("handler".getBytes(StandardCharsets.UTF_8), original, DlqHeaders.add(
                        new RecordHeaders(), DlqReason.PROCESSING_ERROR, "test", "test", config.inputTopic(), 0, 7));
                Thread.sleep(2_000);
                kafka.restart();
                List<ConsumerRecord<String, byte[]>> dlq = KafkaIT.readUntil(kafka.bootstrapServers(),
                        List.of(config.dlqTopic()), 1, Duration.ofMinutes(1));
                assertEquals(List.of("handler"), dlq.stream().map(ConsumerRecord::key).toList(),
                        "the dead letter waited for the broker");
                assertArrayEquals(original, dlq.get(0).value());
            }
        }
    }
}
