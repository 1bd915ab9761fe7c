package sif.firewall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import sif.schemas.avro.Decision;
import sif.schemas.avro.IdentityStatus;
import sif.schemas.avro.Verdict;
import sif.schemas.serde.AvroSerdes;

/** What makes a verdict unwritable: {@code verdict.max.bytes}, and what its own topic takes. */
class VerdictEncoderTest {

    private static final FirewallTopics TOPICS = FirewallTopics.from(FirewallConfig.defaults());

    private static Verdict verdict(String id, Decision d) {
        return Verdict.newBuilder().setFlowId(id).setSrcIp("10.7.0.66").setSrcPort(40000).setDstIp("192.168.10.50")
                .setDstPort(80).setProtocol(6).setEventTimeMs(1L).setDecision(d).setPredictedClass("DDoS")
                .setConfidence(0.97).setProbabilities(Map.of("DDoS", 0.97)).setModelVersion("m1")
                .setReasons(List.of("model:DDoS")).setIdentityStatus(IdentityStatus.UNKNOWN).setSuppressed(false)
                .build();
    }

    @Test
    void theBytesAreTheVerdictsEncodingForItsTopic() {
        VerdictEncoder encoder = new VerdictEncoder(TOPICS, 1_000_000, VerdictLimit.of(FirewallConfig.defaults()));
        Verdict v = verdict("f-1", Decision.ALERT);
        byte[] bytes = encoder.encode("10.7.0.66", new RecordHeaders(), v);
        assertEquals("flows.alerted", encoder.topic(v));
        assertEquals(v, AvroSerdes.singleObject(Verdict.class).deserializer().deserialize("flows.alerted", bytes));
    }

    @Test
    void aVerdictOverTheConfiguredLimitOrWhatItsTopicTakesIsUnwritable() {
        VerdictEncoder small = new VerdictEncoder(TOPICS, 50, VerdictLimit.of(FirewallConfig.defaults()));
        var e = assertThrows(VerdictEncoder.Unwritable.class,
                () -> small.encode("10.7.0.66", new RecordHeaders(), verdict("f-1", Decision.ALLOW)));
        assertTrue(e.getMessage().contains("over verdict.max.bytes=50") && e.getMessage().contains("flows.allowed"),
                e.getMessage());

        VerdictLimit limit = VerdictLimit.of(FirewallConfig.defaults());
        Map<String, Map<String, String>> cluster = Map.of("flows.blocked", Map.of("max.message.bytes", "200"),
                "flows.allowed", Map.of("max.message.bytes", "1048588"));
        List<String> warnings = limit.learn(cluster::get);
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains("flows.blocked") && warnings.get(0).contains("200"), warnings.get(0));
        assertEquals(200, limit.maxBatchBytes("flows.blocked"));
        assertEquals(Integer.MAX_VALUE, limit.maxBatchBytes("flows.alerted"), "no answer: unknown");
        limit.learn(t -> null);
        assertEquals(200, limit.maxBatchBytes("flows.blocked"), "no answer later: the last known limit stays");
        assertTrue(limit.relearnAfterRefusal("flows.blocked",
                t -> Map.of("max.message.bytes", "150")), "lowered");
        assertTrue(limit.takeLowered());
        assertTrue(!limit.takeLowered(), "taken once");
        assertTrue(!limit.relearnAfterRefusal("flows.blocked",
                t -> Map.of("max.message.bytes", "150")), "unchanged: not lowered");
        limit.learn(cluster::get);

        VerdictEncoder encoder = new VerdictEncoder(TOPICS, 1_000_000, limit);
        // the record's own bytes fit in 200, not with a batch's overhead
        Verdict blocked = verdict("f-2", Decision.BLOCK);
        byte[] value = encoder.encode("10.7.0.66", new RecordHeaders(), verdict("f-2", Decision.ALLOW));
        assertTrue(value.length + 9 < 200 && value.length + 9 + RecordSize.BATCH_OVERHEAD > 200, "" + value.length);
        var refused = assertThrows(VerdictEncoder.Unwritable.class,
                () -> encoder.encode("10.7.0.66", new RecordHeaders(), blocked));
        assertTrue(refused.getMessage().contains("flows.blocked") && refused.getMessage().contains("max.message.bytes"),
                refused.getMessage());
        // the same verdict as an ALLOW goes to a topic that takes it
        encoder.encode("10.7.0.66", new RecordHeaders(), verdict("f-3", Decision.ALLOW));
    }
}
