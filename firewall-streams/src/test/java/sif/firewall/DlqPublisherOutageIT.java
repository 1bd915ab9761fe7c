package sif.firewall;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import sif.kafka.EmbeddedKafka;

/**
 * The exception handlers' dead-letter publisher ({@link DlqPublisher#create}) on a real broker that
 * goes away. Handlers only queue; the publisher's sender thread waits for the broker (for the topic's
 * metadata, which a broker's shutdown can leave the producer without, and for the acknowledgement),
 * so every dead letter written while the broker is away arrives once it returns, in order, and the
 * handler's thread never waits. The retry after a metadata timeout itself (60 s of {@code max.block.ms})
 * is in {@code DlqPublisherTest}.
 */
class DlqPublisherOutageIT {

    private static final int LETTERS = 20;

    @Test
    void deadLettersWrittenWhileTheBrokerIsAwayArriveWhenItReturns() throws Exception {
        try (EmbeddedKafka kafka = KafkaIT.startBroker()) {
            FirewallConfig config = KafkaIT.topicsAndConfig(kafka, "dlq-outage", 1, Map.of());
            kafka.stop();
            // made while the broker is away: the producer has never had the DLQ topic's metadata
            try (DlqPublisher publisher = DlqPublisher.create(config)) {
                List<String> expected = new ArrayList<>();
                for (String prefix : List.of("first-outage-", "second-outage-")) {
                    if (!expected.isEmpty()) {
                        kafka.stop(); // now the producer has the metadata, and the broker's shutdown changes it
                    }
                    // queueing 20 dead letters takes microseconds; a handler that waited for the broker
                    // would wait for max.block.ms (60 s) per dead letter
                    expected.addAll(assertTimeoutPreemptively(Duration.ofSeconds(5), () -> publish(publisher, config, prefix),
                            "publishing while the broker is away does not block the handler"));
                    Thread.sleep(2_000);
                    kafka.restart();
                    List<ConsumerRecord<String, byte[]>> dlq = KafkaIT.readUntil(kafka.bootstrapServers(),
                            List.of(config.dlqTopic()), expected.size(), Duration.ofMinutes(2));
                    assertEquals(expected, dlq.stream().map(ConsumerRecord::key).toList(),
                            "every dead letter arrives once, in order, after the broker returns");
                    assertArrayEquals(value(LETTERS - 1), dlq.get(dlq.size() - 1).value());
                }
            }
        }
    }

    private static List<String> publish(DlqPublisher publisher, FirewallConfig config, String prefix) {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < LETTERS; i++) {
            keys.add(prefix + i);
            publisher.publish((prefix + i).getBytes(StandardCharsets.UTF_8), value(i), DlqHeaders.add(
                    new RecordHeaders(), DlqReason.PROCESSING_ERROR, "test", "test", config.inputTopic(), 0, i));
        }
        return keys;
    }

    private static byte[] value(int i) {
        return ("original bytes " + i).getBytes(StandardCharsets.UTF_8);
    }
}
