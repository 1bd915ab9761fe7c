package sif.firewall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sif.kafka.EmbeddedKafka;
import sif.producer.FlowReplayer;
import sif.flows.FlowRecord;
import sif.producer.FlowSource;
import sif.producer.ReplayOptions;
import sif.producer.ReplaySummary;
import sif.schemas.avro.NetworkFlow;
import sif.schemas.avro.Verdict;
import sif.schemas.serde.AvroSerdes;

/**
 * Exactly-once across a hard crash: the firewall runs in a child JVM, is killed with SIGKILL
 * ({@link Process#destroyForcibly()}) in the middle of a replay of all CICIDS2017 main-folder rows,
 * then restarted on the same state directory. Reading the outputs with read_committed, every input
 * flow has exactly one output record: 0 lost, 0 duplicated (by flow id).
 */
class FirewallCrashIT {

    private static final Logger LOG = LoggerFactory.getLogger(FirewallCrashIT.class);
    /** Flows replayed before the kill; the other 2972 - 1500 are replayed after it. */
    private static final int FIRST_PART = 1500;
    private static EmbeddedKafka kafka;

    @TempDir
    Path work;

    @BeforeAll
    static void startBroker() {
        kafka = KafkaIT.startBroker();
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            kafka.close();
        }
    }

    /** Killed while verdicts are being produced: in-flight transactions are aborted and re-made. */
    @Test
    void killNineMidReplayLosesAndDuplicatesNothing() throws Exception {
        run(FirewallEndToEndIT.cicids(), "crash", null, false);
    }

    /**
     * Killed while every processed flow waits for its batch (the first process never fills or times
     * out a batch): the waiting flows are committed state, restored and classified once after restart.
     */
    @Test
    void killNineWhileFlowsWaitForTheirBatch() throws Exception {
        run(FirewallEndToEndIT.cicids(), "crash-held", null, true);
    }

    /** The same with the real firewall command ({@link FirewallMain}) and the trained model. */
    @Test
    void killNineWithTheTrainedModelAndTheRealCommand() throws Exception {
        Path data = FirewallEndToEndIT.cicids();
        run(data, "crash-model", FirewallEndToEndIT.realModel(), false);
    }

    private void run(Path data, String prefix, Path model, boolean holdBatches) throws Exception {
        FirewallConfig config = KafkaIT.topicsAndConfig(kafka, prefix, 3,
                Map.of("streams.state.dir", work.resolve("state").toString(),
                        // the killed member's session must expire before its tasks move: keep it short
                        "streams.main.consumer.session.timeout.ms", "10000",
                        FirewallConfig.TRUST_ENABLED, "false"));
        Path configFile = write(config, "firewall.properties");
        // first process: with holdBatches, no batch ever fills or times out, so every processed flow
        // waits for inference when the process is killed
        Path firstConfigFile = !holdBatches ? configFile : write(config.with(Map.of(
                FirewallConfig.BATCH_SIZE, "1000000", FirewallConfig.BATCH_MAX_WAIT_MS, "3600000")),
                "firewall-held.properties");
        List<String> outputs = List.of(config.allowedTopic(), config.blockedTopic(), config.alertedTopic(),
                config.dlqTopic());

        // The replay is cut in two: the first part goes in while the first process runs, the rest is
        // sent after the kill (while no firewall runs) -- so the kill is mid-replay by construction,
        // however slowly the firewall works on a busy machine.
        List<FlowRecord> all = new ArrayList<>();
        try (FlowSource.Pass pass = KafkaIT.uniqueIds(data).open()) {
            pass.forEachRemaining(all::add);
        }
        List<FlowRecord> beforeKill = all.subList(0, FIRST_PART);
        List<FlowRecord> afterKill = all.subList(FIRST_PART, all.size());
        Process first = startChild(firstConfigFile, prefix + "-first", model);
        CompletableFuture<ReplaySummary> replay;
        long committedAtKill;
        try (FlowReplayer replayer = FlowReplayer.create(Map.of("bootstrap.servers", config.bootstrapServers()),
                new ReplayOptions(config.inputTopic(), 150, 0, 0, false))) {
            CompletableFuture<ReplaySummary> firstPart = CompletableFuture.supplyAsync(() -> {
                try {
                    return replayer.replay(FlowSource.of("first part", beforeKill::iterator));
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            committedAtKill = holdBatches
                    ? awaitCommittedOutputs(config.bootstrapServers(),
                            List.of(config.applicationId() + "-" + SequenceInferenceProcessor.PENDING_STORE + "-changelog"),
                            500, Duration.ofMinutes(2))
                    : awaitCommittedOutputs(config.bootstrapServers(), outputs, 800, Duration.ofMinutes(2));
            long sentAtKill = replayer.sentTotal();
            first.destroyForcibly(); // SIGKILL: no commit, no close
            assertTrue(first.waitFor(30, TimeUnit.SECONDS), "child killed");
            LOG.info("killed the firewall (exit {}) with {} committed records (outputs, or waiting flows when "
                            + "batches are held), {} flows sent so far",
                    first.exitValue(), committedAtKill, sentAtKill);
            assertEquals(FIRST_PART, firstPart.get(5, TimeUnit.MINUTES).sent());
            replay = CompletableFuture.supplyAsync(() -> {
                try {
                    return replayer.replay(FlowSource.of("after the kill", afterKill::iterator));
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });

            Process second = startChild(configFile, prefix + "-second", model);
            try {
                replay.get(5, TimeUnit.MINUTES);
                assertEquals(2972, replayer.sentTotal(), "both parts sent (the replayer counts over its life)");
                LOG.info("committed end offsets after the replay: {}", endOffsets(config.bootstrapServers(),
                        List.of(config.inputTopic(), config.allowedTopic(), config.alertedTopic())));
                List<ConsumerRecord<String, byte[]>> out = KafkaIT.readUntil(config.bootstrapServers(), outputs,
                        replayer.sentTotal(), Duration.ofMinutes(3));
                Map<String, Integer> seen = new HashMap<>();
                Map<String, Integer> perTopic = new TreeMap<>();
                Deserializer<Verdict> verdicts = AvroSerdes.singleObject(Verdict.class).deserializer();
                Deserializer<NetworkFlow> flows = AvroSerdes.singleObject(NetworkFlow.class).deserializer();
                for (ConsumerRecord<String, byte[]> r : out) {
                    String id = r.topic().equals(config.dlqTopic())
                            ? flows.deserialize(r.topic(), r.value()).getFlowId()
                            : verdicts.deserialize(r.topic(), r.value()).getFlowId();
                    seen.merge(id, 1, Integer::sum);
                    perTopic.merge(r.topic(), 1, Integer::sum);
                }
                List<String> lost = new ArrayList<>();
                try (FlowSource.Pass pass = KafkaIT.uniqueIds(data).open()) {
                    while (pass.hasNext()) {
                        String id = pass.next().flowId();
                        if (!seen.containsKey(id)) {
                            lost.add(id);
                        }
                    }
                }
                long duplicated = seen.values().stream().filter(n -> n > 1).count();
                LOG.info("after the crash: {} outputs {}, lost {} {}, duplicated {}", out.size(),
                        perTopic, lost.size(), lost.subList(0, Math.min(20, lost.size())), duplicated);
                int restored = restoredPendingFlows(Path.of("target", "crash-it-" + prefix + "-second.log"));
                LOG.info("the restarted firewall restored {} flows that were waiting for inference", restored);
                if (holdBatches) {
                    assertTrue(restored >= committedAtKill, "at least the " + committedAtKill
                            + " committed waiting flows are restored, got " + restored);
                }
                assertEquals(List.of(), lost, "lost verdicts");
                assertEquals(0, duplicated, "duplicated verdicts");
                assertEquals(2972, seen.size());
                assertEquals(2972, out.size());
            } finally {
                second.destroy();
                second.waitFor(60, TimeUnit.SECONDS);
            }
        } finally {
            first.destroyForcibly();
        }
    }

    /**
     * Starts the firewall in a child JVM and waits (on its log) until it is RUNNING: with the test's
     * rule classifier when {@code model} is null, else the real command with that model.
     */
    private Process startChild(Path configFile, String name, Path model) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx768m", "-Dai.djl.offline=true", "-cp",
                isolatedClasspath()));
        if (model == null) {
            cmd.addAll(List.of(ChildFirewallMain.class.getName(), configFile.toString()));
        } else {
            cmd.addAll(List.of(FirewallMain.class.getName(), "--config", configFile.toString(), "--model",
                    model.toString()));
        }
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.redirectErrorStream(true);
        Process proc = pb.start();
        CountDownLatch running = new CountDownLatch(1);
        Path log = Path.of("target", "crash-it-" + name + ".log");
        Thread pump = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(proc.getInputStream(),
                    StandardCharsets.UTF_8)); Writer w = Files.newBufferedWriter(log)) {
                String line;
                while ((line = r.readLine()) != null) {
                    w.write(line);
                    w.write('\n');
                    w.flush();
                    if (line.contains("-> RUNNING")) {
                        running.countDown();
                    }
                }
            } catch (IOException e) {
                LOG.debug("child {} output ended: {}", name, e.toString());
            }
        }, "child-" + name + "-log");
        pump.setDaemon(true);
        pump.start();
        if (!running.await(2, TimeUnit.MINUTES)) {
            proc.destroyForcibly();
            throw new AssertionError("child firewall " + name + " not RUNNING within 2 min; log: "
                    + Files.readString(log));
        }
        LOG.info("child firewall {} (pid {}) is RUNNING", name, proc.pid());
        return proc;
    }

    private static Map<TopicPartition, Long> endOffsets(String bootstrap, List<String> topics) {
        try (KafkaConsumer<String, byte[]> c = KafkaIT.consumer(bootstrap)) {
            List<TopicPartition> parts = new ArrayList<>();
            for (String t : topics) {
                c.partitionsFor(t).forEach(pi -> parts.add(new TopicPartition(t, pi.partition())));
            }
            return c.endOffsets(parts);
        }
    }

    private Path write(FirewallConfig config, String name) throws IOException {
        Path file = work.resolve(name);
        Properties p = new Properties();
        p.putAll(config.asMap());
        try (Writer w = Files.newBufferedWriter(file)) {
            p.store(w, "crash test");
        }
        return file;
    }

    /** Sum over tasks of "N flows restored waiting for inference" in a child's log. */
    private static int restoredPendingFlows(Path log) throws IOException {
        var m = java.util.regex.Pattern.compile("(\\d+) flows restored waiting for inference")
                .matcher(Files.readString(log));
        int n = 0;
        while (m.find()) {
            n += Integer.parseInt(m.group(1));
        }
        return n;
    }

    private String classpath;

    /**
     * The test classpath with this module's own build output (target/...) copied aside first, so
     * that a rebuild of the module while the test runs cannot pull classes from under the child.
     */
    private synchronized String isolatedClasspath() throws IOException {
        if (classpath != null) {
            return classpath;
        }
        Path target = Path.of("target").toAbsolutePath().normalize();
        List<String> entries = new ArrayList<>();
        int i = 0;
        for (String e : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path p = Path.of(e).toAbsolutePath().normalize();
            if (p.startsWith(target) && Files.exists(p)) {
                Path copy = work.resolve("cp").resolve(i++ + "-" + p.getFileName());
                try (var walk = Files.walk(p)) {
                    for (Path src : (Iterable<Path>) walk::iterator) {
                        Path dst = copy.resolve(p.relativize(src).toString());
                        if (Files.isDirectory(src)) {
                            Files.createDirectories(dst);
                        } else {
                            Files.createDirectories(dst.getParent());
                            Files.copy(src, dst);
                        }
                    }
                }
                entries.add(copy.toString());
            } else {
                entries.add(e);
            }
        }
        classpath = String.join(java.io.File.pathSeparator, entries);
        return classpath;
    }

    /** Polls (read_committed) until at least {@code n} output records are committed; returns the count. */
    static long awaitCommittedOutputs(String bootstrap, List<String> topics, long n, Duration timeout) {
        try (KafkaConsumer<String, byte[]> c = KafkaIT.consumer(bootstrap)) {
            List<TopicPartition> parts = new ArrayList<>();
            for (String t : topics) {
                c.partitionsFor(t).forEach(pi -> parts.add(new TopicPartition(t, pi.partition())));
            }
            c.assign(parts);
            c.seekToBeginning(parts);
            long count = 0;
            long deadline = System.nanoTime() + timeout.toNanos();
            while (count < n) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("only " + count + " committed outputs within " + timeout);
                }
                count += c.poll(Duration.ofMillis(100)).count();
            }
            return count;
        }
    }
}
