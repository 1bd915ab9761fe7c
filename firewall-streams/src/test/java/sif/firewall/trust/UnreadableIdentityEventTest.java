package sif.firewall.trust;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sif.firewall.DlqHeaders;
import sif.firewall.DlqPublisher;
import sif.firewall.DlqReason;
import sif.firewall.FirewallApp;
import sif.firewall.FirewallConfig;
import sif.firewall.FirewallExtensions;
import sif.firewall.FirewallTopology;
import sif.firewall.metrics.FirewallMetrics;
import sif.schemas.avro.Decision;
import sif.schemas.avro.IdentityEventType;
import sif.schemas.avro.IdentityStatus;
import sif.schemas.avro.NetworkFlow;
import sif.schemas.avro.Verdict;
import sif.schemas.serde.AvroSerdes;

/**
 * An identity event the firewall cannot decode — here a revocation written with a newer
 * {@code IdentityEvent} schema (one optional field added) by an identity source upgraded before the
 * firewall — could be a revocation: it is dead-lettered, and the principal it is keyed by is not
 * trusted until its next readable event. Before, the deserialization handler skipped it and the
 * credential stayed TRUSTED.
 */
class UnreadableIdentityEventTest {

    @TempDir
    Path stateDir;

    /** {@code e} encoded (single-object) with the current schema plus one optional field: a fingerprint this firewall does not know. */
    static byte[] withNewerSchema(sif.schemas.avro.IdentityEvent e) throws IOException {
        String current = sif.schemas.avro.IdentityEvent.getClassSchema().toString();
        Schema newer = new Schema.Parser().parse(current.substring(0, current.lastIndexOf(']'))
                + ",{\"name\":\"tenant\",\"type\":[\"null\",\"string\"],\"default\":null}]}");
        GenericRecord g = new GenericData.Record(newer);
        for (Schema.Field f : e.getSchema().getFields()) {
            Object v = e.get(f.pos());
            if (v instanceof Enum<?> symbol) {
                v = new GenericData.EnumSymbol(newer.getField(f.name()).schema(), symbol.name());
            }
            g.put(f.name(), v);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new BinaryMessageEncoder<GenericRecord>(GenericData.get(), newer).encode(g, out);
        return out.toByteArray();
    }

    @Test
    void anUndecodableRevocationIsDeadLetteredAndItsPrincipalIsNotTrustedUntilItsNextReadableEvent() throws Exception {
        FirewallConfig config = FirewallConfig.of(Map.of(FirewallConfig.APPLICATION_ID, "zt-unreadable",
                FirewallConfig.BATCH_SIZE, "1", FirewallConfig.METRICS_PORT, "-1",
                FirewallConfig.INFERENCE_PIPELINED, "false"));
        var classifier = new FirewallWithZeroTrustTest.StubClassifier();
        MockProducer<byte[], byte[]> dlq = new MockProducer<>(true, null, new ByteArraySerializer(),
                new ByteArraySerializer());
        Properties p = FirewallApp.streamsProperties(config);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        p.put(DlqPublisher.CONFIG_KEY, new DlqPublisher("flows.dlq", dlq));
        var metrics = FirewallMetrics.prometheus(FirewallWithZeroTrustTest.CLASSES);
        p.put(DlqPublisher.METRICS_KEY, metrics);
        Serde<NetworkFlow> flowSerde = AvroSerdes.singleObject(NetworkFlow.class);
        Serde<sif.schemas.avro.IdentityEvent> identitySerde = AvroSerdes.singleObject(sif.schemas.avro.IdentityEvent.class);
        var topology = FirewallTopology.buildTopology(config, classifier,
                TrustWiring.policy(config, classifier.info()), TrustWiring.withZeroTrust(FirewallExtensions.defaults()));
        try (metrics; TopologyTestDriver d = new TopologyTestDriver(topology, p)) {
            TestInputTopic<String, byte[]> flows = d.createInputTopic("flows", Serdes.String().serializer(),
                    Serdes.ByteArray().serializer());
            TestInputTopic<String, byte[]> identities = d.createInputTopic("identity", Serdes.String().serializer(),
                    Serdes.ByteArray().serializer());
            var verdictDecoder = AvroSerdes.singleObject(Verdict.class).deserializer();
            List<TestOutputTopic<String, Verdict>> outputs = new ArrayList<>();
            for (String topic : List.of("flows.allowed", "flows.blocked", "flows.alerts")) {
                outputs.add(d.createOutputTopic(topic, Serdes.String().deserializer(), verdictDecoder));
            }
            long t0 = ZeroTrustStepTest.T0;
            int[] seq = {0};
            java.util.function.LongFunction<Verdict> flowAt = t -> {
                flows.pipeInput(ZeroTrustStepTest.HOST, flowSerde.serializer().serialize("flows",
                        ZeroTrustStepTest.flow("f" + (++seq[0]), ZeroTrustStepTest.HOST, t)), t);
                List<Verdict> out = new ArrayList<>();
                outputs.forEach(o -> o.readValuesToList().forEach(out::add));
                assertEquals(1, out.size(), "one verdict per flow");
                return out.get(0);
            };

            var issued = IdentityEvents.toAvro(ZeroTrustStepTest.issued("s1", t0));
            identities.pipeInput(issued.getPrincipal(), identitySerde.serializer().serialize("identity", issued), t0);
            assertEquals(IdentityStatus.TRUSTED, flowAt.apply(t0 + 1000).getIdentityStatus());

            var revoked = sif.schemas.avro.IdentityEvent.newBuilder(issued).setType(IdentityEventType.REVOKED)
                    .setEventTimeMs(t0 + 2000).build();
            byte[] unreadable = withNewerSchema(revoked);
            identities.pipeInput(revoked.getPrincipal(), unreadable, t0 + 2000);

            Verdict after = flowAt.apply(t0 + 3000);
            assertEquals(IdentityStatus.STALE, after.getIdentityStatus(), after.getReasons().toString());
            assertTrue(after.getDecision() != Decision.ALLOW, "never ALLOWed: " + after.getDecision());
            String reason = after.getReasons().stream().filter(r -> r.startsWith("identity:")).findFirst().orElseThrow();
            assertTrue(reason.contains("unreadable (identity-0@1") && reason.contains("fingerprint"), reason);

            assertTrue(metrics.registry().scrape().contains("sif_control_dead_letters_total{topic=\"identity\"} 1.0"),
                    "counted once, as a control dead letter");
            assertEquals(1, dlq.history().size());
            ProducerRecord<byte[], byte[]> dead = dlq.history().get(0);
            assertArrayEquals(unreadable, dead.value(), "the record's own bytes");
            assertEquals(DlqReason.DESERIALIZATION_ERROR, DlqHeaders.get(dead.headers(), DlqHeaders.REASON));
            assertEquals("identity", DlqHeaders.get(dead.headers(), DlqHeaders.SOURCE_TOPIC));
            assertEquals("1", DlqHeaders.get(dead.headers(), DlqHeaders.SOURCE_OFFSET));

            // the next readable event that changes the principal's state (a rotation, verified) clears the mark
            var rotated = sif.schemas.avro.IdentityEvent.newBuilder(
                    IdentityEvents.toAvro(ZeroTrustStepTest.issued("s2", t0 + 4000)))
                    .setType(IdentityEventType.ROTATED).build();
            identities.pipeInput(rotated.getPrincipal(), identitySerde.serializer().serialize("identity", rotated),
                    t0 + 4000);
            Verdict trusted = flowAt.apply(t0 + 5000);
            assertEquals(IdentityStatus.TRUSTED, trusted.getIdentityStatus(), trusted.getReasons().toString());

            // an undecodable record for a principal the firewall does not know: dead-lettered, nothing else
            identities.pipeInput("spiffe://cicids2017.sim/host/unknown", new byte[] {1, 2, 3}, t0 + 6000);
            assertEquals(2, dlq.history().size());
            assertEquals(IdentityStatus.TRUSTED, flowAt.apply(t0 + 7000).getIdentityStatus());
        }
    }
}
