package sif.firewall;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static sif.firewall.TestFlows.T0;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sif.schemas.avro.NetworkFlow;
import sif.schemas.avro.Verdict;
import sif.schemas.serde.AvroSerdes;

/** A processor that throws on one record: the processing exception handler DLQs it and processing goes on. */
class DlqExceptionHandlersTest {

    @TempDir
    Path stateDir;

    @Test
    void aPolicyFailureSendsTheOriginalRecordToTheDlqAndProcessingContinues() {
        FirewallConfig config = FirewallConfig.of(java.util.Map.of(FirewallConfig.BATCH_SIZE, "1",
                FirewallConfig.INFERENCE_PIPELINED, "false")); // outputs read right after each input
        RuleClassifier classifier = new RuleClassifier();
        Policy failing = in -> {
            if (in.srcIp().equals("10.7.0.66")) {
                throw new IllegalStateException("policy bug for " + in.srcIp());
            }
            return new ThresholdPolicy(0.85, "BENIGN").decide(in);
        };
        MockProducer<byte[], byte[]> producer = new MockProducer<>(true, null, new ByteArraySerializer(),
                new ByteArraySerializer());
        Properties props = FirewallApp.streamsProperties(config);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(DlqPublisher.CONFIG_KEY, new DlqPublisher("flows.dlq", producer));
        try (TopologyTestDriver driver = new TopologyTestDriver(
                FirewallTopology.buildTopology(config, classifier, failing), props, Instant.ofEpochMilli(1))) {
            var in = driver.createInputTopic("flows", Serdes.String().serializer(), Serdes.ByteArray().serializer());
            var allowed = driver.createOutputTopic("flows.allowed", Serdes.String().deserializer(),
                    AvroSerdes.singleObject(Verdict.class).deserializer());
            NetworkFlow bad = TestFlows.flow("boom", "10.7.0.66", T0, 500, 5);
            in.pipeInput("10.7.0.66", TestFlows.bytes(bad), T0);
            in.pipeInput("10.7.0.1", TestFlows.bytes(TestFlows.flow("fine", "10.7.0.1", T0, 500, 5)), T0);

            assertEquals(List.of("fine"), allowed.readValuesToList().stream().map(Verdict::getFlowId).toList());
            assertEquals(1, producer.history().size());
            var dead = producer.history().get(0);
            assertEquals("flows.dlq", dead.topic());
            assertArrayEquals(TestFlows.bytes(bad), dead.value());
            assertEquals(DlqReason.PROCESSING_ERROR, DlqHeaders.get(dead.headers(), DlqHeaders.REASON));
            assertEquals("policy", DlqHeaders.get(dead.headers(), DlqHeaders.STAGE));
            assertEquals("0", DlqHeaders.get(dead.headers(), DlqHeaders.SOURCE_OFFSET));
            assertEquals(IllegalStateException.class.getName(), DlqHeaders.get(dead.headers(), DlqHeaders.EXCEPTION));
        }
    }
}
