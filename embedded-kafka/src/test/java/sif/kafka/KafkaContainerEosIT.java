package sif.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The same exactly-once round trip against the official {@code apache/kafka} image. Runs where a
 * Docker engine is available; skipped (not failed) where none is, e.g. on SIF's build machines.
 */
@Testcontainers(disabledWithoutDocker = true)
class KafkaContainerEosIT {

    @Container
    private static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:4.1.1");

    @Test
    void transactionsOnTheOfficialImage() throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", KAFKA.getBootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic("eos", 1, (short) 1))).all().get();
        }
        EosRoundTrip.produce(KAFKA.getBootstrapServers(), "eos", List.of("a", "b"), List.of("aborted"));
        assertEquals(List.of("a", "b"), EosRoundTrip.readCommitted(KAFKA.getBootstrapServers(), "eos", Duration.ofSeconds(60)));
    }
}
