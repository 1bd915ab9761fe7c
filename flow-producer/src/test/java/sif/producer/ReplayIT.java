package sif.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import sif.flows.DataPaths;
import sif.flows.FlowCsvReader;
import sif.kafka.EmbeddedKafka;
import sif.schemas.avro.NetworkFlow;
import sif.schemas.serde.AvroSerdes;

/** {@code replay} against a real (embedded) broker. */
class ReplayIT {

    private static EmbeddedKafka kafka;

    @BeforeAll
    static void broker() {
        kafka = EmbeddedKafka.start();
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    private static List<ConsumerRecord<String, NetworkFlow>> consumeAll(String topic, int expected) {
        Map<String, Object> c = kafka.clientConfig();
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "it-" + topic);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Deserializer<NetworkFlow> values = AvroSerdes.singleObject(NetworkFlow.class).deserializer();
        List<ConsumerRecord<String, NetworkFlow>> out = new ArrayList<>();
        try (KafkaConsumer<String, NetworkFlow> consumer = new KafkaConsumer<>(c, new StringDeserializer(), values)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            int emptyPollsAfterExpected = 0;
            while (System.nanoTime() < deadline && emptyPollsAfterExpected < 3) {
                var batch = consumer.poll(Duration.ofMillis(500));
                batch.forEach(out::add);
                if (out.size() >= expected && batch.isEmpty()) {
                    emptyPollsAfterExpected++; // make sure nothing beyond the expected count arrives
                }
            }
        }
        return out;
    }

    @Test
    void replaysEveryRealTrafficLabellingRowInEventTimeOrderPerSource() {
        Path dir = DataPaths.cicids2017();
        assumeTrue(DataPaths.isDirectory(dir), DataPaths.missingMessage(dir));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new ReplayCommand());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute("--bootstrap-servers", kafka.bootstrapServers(), "--topic", "flows.it",
                "--create-topic", "--partitions", "3", "--no-progress", dir.toString());
        assertEquals(0, exit, err + "\n" + out);
        assertTrue(out.toString().contains("sent 2,972 of 2,972"), out.toString());

        List<ConsumerRecord<String, NetworkFlow>> records = consumeAll("flows.it", 2972);
        assertEquals(2972, records.size());
        Map<String, Long> lastTime = new HashMap<>();
        Map<String, Long> perLabel = new HashMap<>();
        java.util.Set<String> origins = new java.util.HashSet<>();
        for (ConsumerRecord<String, NetworkFlow> r : records) {
            NetworkFlow f = r.value();
            assertEquals(f.getSrcIp(), r.key());
            assertEquals(f.getEventTimeMs(), r.timestamp());
            Long prev = lastTime.put(r.key(), f.getEventTimeMs());
            assertTrue(prev == null || prev <= f.getEventTimeMs(), "per-source event-time order for " + r.key());
            perLabel.merge(f.getLabel(), 1L, Long::sum);
            origins.add(f.getOriginFile() + ":" + f.getOriginLine());
        }
        assertEquals(2972, origins.size(), "each row exactly once");
        assertEquals(Map.of("BENIGN", 299L, "DDoS", 1000L, "PortScan", 1000L, "Web Attack \u2013 XSS", 652L,
                "Web Attack \u2013 Sql Injection", 21L), perLabel);
    }

    @Test
    void replayerWithLimitAndRateOnItsOwnProducer() throws Exception {
        Path dir = DataPaths.cicids2017();
        assumeTrue(DataPaths.isDirectory(dir), DataPaths.missingMessage(dir));
        kafka.createTopics(Map.of("flows.limit", 1));
        Map<String, Object> config = new HashMap<>(kafka.clientConfig());
        ReplaySummary s;
        try (FlowReplayer replayer = FlowReplayer.create(config, new ReplayOptions("flows.limit", 2000, 0, 300, false))) {
            s = replayer.replay(new CsvFlowSource(List.of(dir), FlowCsvReader.Options.DEFAULT));
            assertEquals(300, replayer.sentTotal());
            assertEquals(0, replayer.errorsTotal());
        }
        assertEquals(300, s.sent());
        assertEquals(300, consumeAll("flows.limit", 300).size());
    }
}
