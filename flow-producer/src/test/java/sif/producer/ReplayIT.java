package sif.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import picocli.CommandLine;
import sif.flows.DataPaths;
import sif.flows.FlowCsvReader;
import sif.kafka.EmbeddedKafka;
import sif.pcap.CicMode;
import sif.pcap.ExtractorConfig;
import sif.pcap.PcapFlows;
import sif.pcap.lab.LabLabels;
import sif.schemas.avro.IdentityEvent;
import sif.schemas.avro.IdentityEventType;
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
        return consumeAll(topic, expected, NetworkFlow.class);
    }

    private static <V extends org.apache.avro.specific.SpecificRecord> List<ConsumerRecord<String, V>> consumeAll(
            String topic, int expected, Class<V> type) {
        Map<String, Object> c = kafka.clientConfig();
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "it-" + topic);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Deserializer<V> values = AvroSerdes.singleObject(type).deserializer();
        List<ConsumerRecord<String, V>> out = new ArrayList<>();
        try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(c, new StringDeserializer(), values)) {
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
            assertTrue(Math.abs(r.timestamp() - System.currentTimeMillis()) < 600_000, "record timestamp = send time");
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

    private record Run(int exit, String out, String err) {}

    private static Run replay(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new ReplayCommand());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void aFileWhoseRowsAreAllMalformedSendsNothingAndExits3(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("bad.csv");
        String row = "x,192.168.10.5,1,10.0.0.1,80,6,7/7/2017 3:56" + ",0".repeat(75) + ",BENIGN\n"; // 83 columns of 85
        Files.writeString(f, sif.flows.FlowCsvWriter.HEADER + "\n" + row + row + row);
        Run r = replay("--bootstrap-servers", kafka.bootstrapServers(), "--topic", "flows.allbad", "--create-topic",
                "--no-progress", f.toString());
        assertEquals(3, r.exit(), r.err() + "\n" + r.out());
        assertTrue(r.err().contains("no flows read from the input"), r.err());
        assertTrue(r.out().contains("malformed rows skipped by the reader: 3"), r.out());
    }

    /** Records are keyed by the source's canonical text (one partition per address); values keep the spelling. */
    @Test
    void recordsAreKeyedByTheCanonicalSourceAddress(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("spellings.csv");
        String features = ",1".repeat(77);
        Files.writeString(f, sif.flows.FlowCsvWriter.HEADER + "\n"
                + "a,2001:0DB8:0::0001,1,10.0.0.1,80,6,7/7/2017 3:56" + features + ",BENIGN\n"
                + "b,::ffff:192.168.10.5,1,10.0.0.1,80,6,7/7/2017 3:57" + features + ",BENIGN\n"
                + "c,192.168.10.5,1,10.0.0.1,80,6,7/7/2017 3:58" + features + ",BENIGN\n");
        Run r = replay("--bootstrap-servers", kafka.bootstrapServers(), "--topic", "flows.spellings", "--create-topic",
                "--no-progress", f.toString());
        assertEquals(0, r.exit(), r.err() + "\n" + r.out());
        List<ConsumerRecord<String, NetworkFlow>> records = consumeAll("flows.spellings", 3);
        assertEquals(List.of("2001:db8::1", "192.168.10.5", "192.168.10.5"), records.stream().map(ConsumerRecord::key).toList());
        assertEquals(List.of("2001:0DB8:0::0001", "::ffff:192.168.10.5", "192.168.10.5"),
                records.stream().map(x -> x.value().getSrcIp()).toList());
    }

    @ParameterizedTest
    @EnumSource(CicMode.class)
    void replaysTheLabCaptureWithAsManyRecordsAsTheExtractorMakesFlows(CicMode mode) throws Exception {
        Path capture = DataPaths.labReference().resolve("capture.pcap");
        assumeTrue(Files.isRegularFile(capture), "lab capture " + capture + " not found; "
                + DataPaths.missingMessage(DataPaths.labReference()));
        long flows = PcapFlows.extract(capture, ExtractorConfig.defaults(mode), f -> { }).flows();
        assertTrue(flows > 1000, "extractor flows: " + flows);

        String topic = "flows.pcap." + mode.name().toLowerCase(Locale.ROOT);
        Run r = replay("--bootstrap-servers", kafka.bootstrapServers(), "--topic", topic, "--create-topic",
                "--partitions", "2", "--no-progress", "--pcap", capture.toString(), "--pcap-mode",
                mode.name().toLowerCase(Locale.ROOT));
        assertEquals(0, r.exit(), r.err() + "\n" + r.out());
        assertTrue(r.out().contains(String.format("sent %,d of %,d", flows, flows)), r.out());

        List<ConsumerRecord<String, NetworkFlow>> records = consumeAll(topic, (int) flows);
        assertEquals(flows, records.size(), "one record per extracted flow");
        assertEquals(flows, records.stream().map(x -> x.value().getOriginFile() + ":" + x.value().getOriginLine())
                .distinct().count(), "each flow once (origin = capture file and emission index)");
        for (ConsumerRecord<String, NetworkFlow> x : records) {
            assertEquals(x.value().getSrcIp(), x.key());
            assertTrue(Math.abs(x.timestamp() - System.currentTimeMillis()) < 600_000, "record timestamp = send time");
            assertEquals(null, x.value().getLabel(), "pcap flows carry no label without --labels");
        }
    }

    @Test
    void pcapWithLabelsAndIdentitiesForTheLabNetwork() throws Exception {
        Path dir = DataPaths.labReference();
        Path capture = dir.resolve("capture.pcap");
        assumeTrue(Files.isRegularFile(capture) && Files.isRegularFile(dir.resolve("labels.csv")),
                "lab capture or labels not found; " + DataPaths.missingMessage(dir));
        LabLabels labels = LabLabels.read(dir.resolve("labels.csv"));
        Map<String, Long> expected = new HashMap<>();
        java.util.Set<String> internalSources = new java.util.TreeSet<>();
        long flows = PcapFlows.extract(capture, ExtractorConfig.defaults(CicMode.ENGELEN), f -> {
            expected.merge(String.valueOf(labels.label(f)), 1L, Long::sum);
            if (f.srcIp().equals("10.77.0.2")) { // the benign client; not the attacker 10.77.0.3
                internalSources.add(f.srcIp());
            }
        }).flows();

        Run r = replay("--bootstrap-servers", kafka.bootstrapServers(), "--topic", "flows.pcap.labelled",
                "--create-topic", "--partitions", "1", "--no-progress", "--pcap", capture.toString(), "--pcap-mode",
                "engelen", "--labels", dir.resolve("labels.csv").toString(), "--identities", "--identity-network",
                "10.77.0.2/32");
        assertEquals(0, r.exit(), r.err() + "\n" + r.out());
        List<ConsumerRecord<String, NetworkFlow>> records = consumeAll("flows.pcap.labelled", (int) flows);
        Map<String, Long> perLabel = new HashMap<>();
        records.forEach(x -> perLabel.merge(String.valueOf(x.value().getLabel()), 1L, Long::sum));
        assertEquals(expected, perLabel);
        assertTrue(perLabel.keySet().containsAll(List.of("BENIGN", "PortScan", "DDoS", "DoS")), perLabel.toString());

        // the capture lasts ~70 s: one ISSUED per internal source, no rotation
        List<ConsumerRecord<String, IdentityEvent>> ids = consumeAll("identity", internalSources.size(),
                IdentityEvent.class);
        assertEquals(internalSources.stream().map(ip -> "spiffe://cicids2017.sim/host/" + ip).toList(),
                ids.stream().map(ConsumerRecord::key).sorted().toList());
        assertTrue(ids.stream().allMatch(x -> x.value().getType() == IdentityEventType.ISSUED));

        assertTrue(r.out().contains("identity events (SIMULATED)"), r.out());
        assertTrue(r.out().contains("  capture: ") && r.out().contains(" packets read, "), "what the extractor skipped: "
                + r.out());
    }

    /**
     * A capture's flows come out when they end, stamped with their start, so a long flow can start before its
     * host's first-emitted one: no flow may precede its host's identity (it would be EXPIRED, never trusted).
     * The network here covers the lab's attacker too, for its long slowloris flows; before, 4,077 of the 8,347
     * Engelen flows started before their host's identity, by up to 32 s.
     */
    @Test
    void pcapIdentitiesPrecedeEveryFlowOfTheirHost() throws Exception {
        Path capture = DataPaths.labReference().resolve("capture.pcap");
        assumeTrue(Files.isRegularFile(capture), "lab capture not found; "
                + DataPaths.missingMessage(DataPaths.labReference()));
        Run r = replay("--bootstrap-servers", kafka.bootstrapServers(), "--topic", "flows.pcap.timing",
                "--config", writeConfig("sif.topic.identity=identity.pcap.timing"), "--create-topic", "--partitions",
                "1", "--no-progress", "--pcap", capture.toString(), "--pcap-mode", "engelen", "--identities",
                "--identity-network", "10.77.0.0/24");
        assertEquals(0, r.exit(), r.err() + "\n" + r.out());
        List<ConsumerRecord<String, NetworkFlow>> records = consumeAll("flows.pcap.timing", 8_347);
        Map<String, Long> firstFlow = new HashMap<>();
        records.forEach(x -> firstFlow.merge(x.value().getSrcIp(), x.value().getEventTimeMs(), Math::min));
        long hosts = firstFlow.keySet().stream().filter(ip -> ip.startsWith("10.77.0.")).count();
        // a host's ISSUED; the attacker's thousands of flows also bring extra rotations (every 400 flows), later
        List<ConsumerRecord<String, IdentityEvent>> ids = consumeAll("identity.pcap.timing", (int) hosts,
                IdentityEvent.class).stream().filter(x -> x.value().getType() == IdentityEventType.ISSUED).toList();
        assertEquals(hosts, ids.size(), "one ISSUED per host");
        for (ConsumerRecord<String, IdentityEvent> id : ids) {
            String ip = id.value().getBoundAddresses().get(0).toString();
            assertTrue(id.value().getVerifiedAtMs() <= firstFlow.get(ip), ip + ": identity verified at "
                    + id.value().getVerifiedAtMs() + ", after its first flow at " + firstFlow.get(ip));
        }
    }

    @Test
    void syntheticWithIdentitiesAndLimit() {
        Run r = replay("--bootstrap-servers", kafka.bootstrapServers(), "--topic", "flows.synthetic", "--config",
                writeConfig("sif.topic.identity=identity.synthetic"), "--create-topic", "--partitions", "1",
                "--no-progress", "--synthetic", "--seed", "7", "--limit", "400", "--identities");
        assertEquals(0, r.exit(), r.err() + "\n" + r.out());
        assertTrue(r.err().contains("SYNTHETIC"), r.err());
        assertTrue(r.out().contains("sent 400 of 400") && r.out().contains("SYNTHETIC"), r.out());

        List<ConsumerRecord<String, NetworkFlow>> flows = consumeAll("flows.synthetic", 400);
        assertEquals(400, flows.size());
        java.util.Set<String> internal = new java.util.TreeSet<>();
        for (ConsumerRecord<String, NetworkFlow> x : flows) {
            if (x.key().startsWith("192.168.10.")) {
                internal.add(x.key());
            }
        }
        assertTrue(internal.size() > 5, internal.toString());
        List<ConsumerRecord<String, IdentityEvent>> ids = consumeAll("identity.synthetic", internal.size(),
                IdentityEvent.class);
        assertEquals(internal.stream().map(ip -> "spiffe://cicids2017.sim/host/" + ip).toList(),
                ids.stream().map(ConsumerRecord::key).sorted().toList(), "one identity per internal source, none else");
    }

    private static String writeConfig(String... lines) {
        try {
            Path f = Files.createTempFile("replay-it", ".properties");
            Files.writeString(f, String.join("\n", lines) + "\n");
            f.toFile().deleteOnExit();
            return f.toString();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
