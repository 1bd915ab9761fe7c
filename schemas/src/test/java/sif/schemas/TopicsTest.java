package sif.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.Test;
import sif.schemas.serde.RegistrySerde;
import sif.schemas.serde.SingleObjectSerde;

class TopicsTest {

    @Test
    void defaults() {
        Topics t = Topics.defaults();
        assertEquals(List.of("flows", "flows.allowed", "flows.blocked", "flows.alerted", "alerts", "flows.dlq", "identity",
                "identity.challenges", "policy", "blocklist"), t.all());
        assertEquals(Set.of("identity", "policy", "blocklist"), t.compacted());
        assertTrue(t.isCompacted("policy"));
        assertFalse(t.isCompacted("flows"));
        assertEquals(Topics.DEFAULTS, t.asConfig());
        assertEquals(Map.of("cleanup.policy", "compact", "min.compaction.lag.ms", "86400000",
                        "message.timestamp.type", "LogAppendTime"),
                t.creationConfig("identity"));
        assertEquals(Map.of("cleanup.policy", "compact"), t.creationConfig("blocklist"));
        assertEquals(Map.of(), t.creationConfig("flows"));
    }

    @Test
    void overridesFromPropertiesFile() throws IOException {
        Properties p = new Properties();
        p.load(new StringReader("""
                # a firewall.properties
                sif.topic.input = lab.flows
                sif.topic.blocklist=lab.blocklist
                sif.topic.alerts=
                bootstrap.servers=localhost:9092
                """));
        Topics t = Topics.from(p);
        assertEquals("lab.flows", t.input());
        assertEquals("lab.blocklist", t.blocklist());
        assertEquals("alerts", t.alerts(), "blank value keeps the default");
        assertEquals("flows.allowed", t.allowed());
        assertTrue(t.isCompacted("lab.blocklist"));
        assertEquals(t, Topics.from(t.asConfig()), "asConfig round-trips");
    }

    @Test
    void rejectsIllegalName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Topics.from(Map.of(Topics.DLQ, "bad topic!")));
        assertTrue(e.getMessage().contains("sif.topic.dlq"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Topics.from(Map.of(Topics.DLQ, "..")));
        assertThrows(IllegalArgumentException.class, () -> Topics.from(Map.of(Topics.DLQ, "x".repeat(250))));
    }

    @Test
    void rejectsSharedTopic() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Topics.from(Map.of(Topics.BLOCKED, "flows.allowed")));
        assertTrue(e.getMessage().contains("sif.topic.allowed") && e.getMessage().contains("sif.topic.blocked"),
                e.getMessage());
    }

    /** Kafka refuses a topic whose name differs from an existing one only in '.' against '_'. */
    @Test
    void rejectsTopicsThatCollideInKafka() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Topics.from(Map.of(Topics.ALERTS, "flows_alerted")));
        assertTrue(e.getMessage().contains("'flows.alerted' and 'flows_alerted' collide")
                && e.getMessage().contains("sif.topic.alerted and sif.topic.alerts"), e.getMessage());
    }

    @Test
    void topicsAndSerdesFollowTheSameConfig() {
        TopicsAndSerdes d = TopicsAndSerdes.defaults();
        assertEquals(Topics.defaults(), d.topics());
        assertInstanceOf(SingleObjectSerde.class, d.flows());
        assertInstanceOf(SingleObjectSerde.class, d.identityEvents());
        byte[] bytes = d.flows().serializer().serialize(d.topics().input(), TestRecords.networkFlow());
        assertEquals(TestRecords.networkFlow(), d.flows().deserializer().deserialize(d.topics().input(), bytes));

        TopicsAndSerdes r = TopicsAndSerdes.from(Map.of("schema.registry.url", "http://localhost:8080/apis/registry/v2",
                Topics.INPUT, "in"));
        assertEquals("in", r.topics().input());
        assertInstanceOf(RegistrySerde.class, r.flows());
        assertInstanceOf(RegistrySerde.class, r.verdicts());
    }
}
