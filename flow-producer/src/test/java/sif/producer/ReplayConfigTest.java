package sif.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplayConfigTest {

    @Test
    void defaults() throws IOException {
        Map<String, Object> c = ReplayConfig.load(null, Map.of());
        assertEquals("localhost:9092", c.get("bootstrap.servers"));
        assertEquals("flows", ReplayConfig.topic(c));
        assertEquals("true", c.get("enable.idempotence"));
        assertEquals("all", c.get("acks"));
    }

    @Test
    void fileThenOverridesThenDefaults(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("replay.properties");
        Files.writeString(f, "bootstrap.servers=broker:9093\nsif.topic.input=flows.test\nlinger.ms=20\n"
                + "schema.registry.url=\n");
        Map<String, String> overrides = new HashMap<>();
        overrides.put("bootstrap.servers", "other:9092");
        overrides.put("sif.topic.input", null);
        Map<String, Object> c = ReplayConfig.load(f, overrides);
        assertEquals("other:9092", c.get("bootstrap.servers"));
        assertEquals("flows.test", ReplayConfig.topic(c));
        assertEquals("20", c.get("linger.ms"));
        Map<String, Object> producer = FlowReplayer.producerConfig(c);
        assertEquals("20", producer.get("linger.ms"));
        assertEquals("true", producer.get("enable.idempotence"));
        assertEquals("all", producer.get("acks"));
        assertFalse(producer.containsKey("sif.topic.input"), "non-producer keys are not passed to Kafka");
        assertFalse(producer.containsKey("schema.registry.url"));
    }

    @Test
    void missingFileAndBadTopic(@TempDir Path dir) {
        assertThrows(NoSuchFileException.class, () -> ReplayConfig.load(dir.resolve("nope.properties"), Map.of()));
        assertThrows(IllegalArgumentException.class,
                () -> ReplayConfig.topic(ReplayConfig.load(null, Map.of("sif.topic.input", "bad topic"))));
    }
}
