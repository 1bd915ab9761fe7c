package sif.firewall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static sif.firewall.TestFlows.T0;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sif.firewall.metrics.FirewallMetrics;
import sif.flows.FlowRecord;
import sif.kafka.EmbeddedKafka;
import sif.model.SequenceClassifier;
import sif.producer.FlowReplayer;
import sif.producer.FlowSource;
import sif.producer.ReplayOptions;
import sif.producer.ReplaySummary;
import sif.schemas.avro.NetworkFlow;
import sif.schemas.avro.Verdict;
import sif.schemas.serde.AvroSerdes;

/**
 * The broker goes away in the middle of a replay for 20 s and comes back: the firewall (in this
 * JVM, the trained model, pipelined inference, exactly-once) rides it out without a restart of its
 * own. The replayer keeps sending into the outage (its producer buffers and retries). Reading the
 * outputs with read_committed afterwards, every input flow has exactly one output record, the
 * client is RUNNING and never went to ERROR or shut down, and it has as many stream threads as
 * before (a thread that died of an aborted transaction was replaced: {@link FirewallApp}).
 *
 * <p>Every flow waits 2 s for its batch here, so that flows are waiting for the model when the
 * broker goes away and their verdicts are made during the outage. Under exactly-once the
 * firewall's sends wait for the broker (Kafka Streams sets {@code delivery.timeout.ms} to its
 * maximum); a send that expires anyway aborts the transaction (the case below forces it). At least
 * once, with a delivery timeout shorter than the outage, sends expire and the production exception
 * handler has Kafka Streams retry, counted in {@code sif_production_retries_total}.
 */
class FirewallBrokerOutageIT {

    private static final Logger LOG = LoggerFactory.getLogger(FirewallBrokerOutageIT.class);
    /** Flows replayed before and during the outage (paced); the rest go in once the broker is back. */
    private static final int FIRST_PART = 1500;
    /**
     * Longer than Kafka Streams' exactly-once transaction.timeout.ms (10 s); {@code -Dsif.it.outage.seconds}
     * for a longer one by hand (e.g. 90: past the producer's 60-s max.block.ms).
     */
    private static final Duration OUTAGE = Duration.ofSeconds(Long.getLong("sif.it.outage.seconds", 20));

    @TempDir
    Path work;

    @Test
    void everyFlowDecidedOnceAcrossABrokerOutage() throws Exception {
        run("outage", Map.of(), true, false);
    }

    /**
     * Exactly once, with sends that expire during the outage ({@code delivery.timeout.ms} 8 s; by
     * default they never do, but a send that finds no metadata for its topic within
     * {@code max.block.ms} fails the same way in a long outage). The producer aborts the transaction;
     * Kafka Streams 4.1 re-creates the task but first commits the other tasks' part of the doomed
     * transaction, and the stream thread dies (before {@link FirewallApp} replaced such threads: the
     * firewall in ERROR with 371 of 2,972 outputs). The firewall replaces the thread; its tasks resume
     * from their last commit, and every flow is still decided exactly once.
     */
    @Test
    void everyFlowDecidedOnceWhenAnExactlyOnceSendExpires() throws Exception {
        run("outage-expiry", Map.of("streams.producer.max.block.ms", "5000",
                "streams.producer.request.timeout.ms", "3000", "streams.producer.delivery.timeout.ms", "8000"), true, true);
    }

    /**
     * At least once (a user's choice), an outage longer than the producer's {@code delivery.timeout.ms}
     * expires the firewall's pending sends: they are retried (the task's records since its last commit
     * are processed again), not fatal. Every flow has a verdict; some may have two (at least once).

     */
    @Test
    void atLeastOnceEveryFlowDecidedAcrossAnOutageLongerThanTheDeliveryTimeout() throws Exception {
        run("outage-alos", Map.of("streams.processing.guarantee", "at_least_once",
                "streams.producer.request.timeout.ms", "3000", "streams.producer.delivery.timeout.ms", "8000"),
                false, true);
    }

    /**
     * A verdict sent while the broker is away. With commits every 100 ms the stream thread soon
     * waits in a commit for the broker, and verdicts are made once it is back; with a long commit
     * interval (at least once here: exactly-once caps it at its 10-s transaction timeout) the stream
     * thread goes on deciding during the outage. Usually the producer has dropped the output topic's
     * metadata while the broker shut down, and after {@code max.block.ms} (5 s here) reports the topic
     * "not present in metadata", as it would a topic that does not exist. The production handler asks
     * the cluster ({@link TopicCheck}), gets no answer, and retries (a missing topic fails instead:
     * {@code FirewallBadInputIT}); with the handler's earlier unconditional stop the firewall stopped
     * here. Every flow is decided (at least once), the client keeps running.
     */
    @Test
    void aVerdictSentDuringTheOutageIsRetriedNotFatal() throws Exception {
        Map<String, String> settings = new HashMap<>();
        settings.put("streams.state.dir", work.resolve("sending").toString());
        settings.put(FirewallConfig.BATCH_SIZE, "1000000");
        settings.put(FirewallConfig.BATCH_MAX_WAIT_MS, "3000"); // the second alert is decided during the outage
        settings.put("streams.producer.max.block.ms", "5000");
        settings.put("streams.processing.guarantee", "at_least_once");
        settings.put("streams.commit.interval.ms", "30000");
        try (EmbeddedKafka kafka = KafkaIT.startBroker()) {
            FirewallConfig config = KafkaIT.topicsAndConfig(kafka, "sending", 1, settings);
            List<KafkaStreams.State> states = new CopyOnWriteArrayList<>();
            try (var metrics = FirewallMetrics.prometheus(RuleClassifier.CLASSES);
                 FirewallApp app = KafkaIT.startRuleFirewall(config, metrics)) {
                app.addStateListener((now, before) -> states.add(now));
                KafkaIT.send(config, Map.of("alert-1", TestFlows.bytes(TestFlows.flow("alert-1", "10.9.0.3", T0, 500, 200))));
                assertEquals(1, KafkaIT.readUntil(config.bootstrapServers(), List.of(config.alertedTopic()), 1,
                        Duration.ofMinutes(1)).size(), "the first alert");
                KafkaIT.send(config, Map.of("alert-2", TestFlows.bytes(TestFlows.flow("alert-2", "10.9.0.6", T0 + 1, 500, 200))));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (metrics.snapshot().flowsIn() < 2 && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                assertEquals(2, metrics.snapshot().flowsIn(), "the second alert's flow was read");
                kafka.stop(); // its verdict is decided within the 3-s batch wait: during the outage
                Thread.sleep(15_000);
                kafka.restart();

                List<ConsumerRecord<String, byte[]>> out = KafkaIT.readUntil(config.bootstrapServers(),
                        List.of(config.alertedTopic()), 2, Duration.ofMinutes(2));
                Deserializer<Verdict> verdicts = AvroSerdes.singleObject(Verdict.class).deserializer();
                List<String> alerts = out.stream().map(r -> verdicts.deserialize(r.topic(), r.value()).getFlowId())
                        .toList();
                double retries = metrics.registry().get("sif.production.retries").counter().count();
                LOG.info("a verdict sent during the outage: alerts {}, retries {}, states {}, failure {}", alerts,
                        retries, states, app.failure());
                assertNull(app.failure(), "the firewall did not stop");
                assertTrue(alerts.containsAll(List.of("alert-1", "alert-2")), "every alert decided: " + alerts);
                // whether the producer dropped the topic's metadata during the broker's shutdown varies:
                // in 6 of 8 runs it had, and the send was retried (retries 1); in the other two it waited
                // in the producer like any other output (retries 0)
                assertEquals(KafkaStreams.State.RUNNING, app.state(), "still running: " + states);
            }
        }
    }

    /**
     * @param exactlyOnce every flow has exactly one output (else at least one)
     * @param retried     the outage outlasts what the producer waits: the production handler retries
     */
    private void run(String prefix, Map<String, String> extra, boolean exactlyOnce, boolean retried)
            throws Exception {
        Path data = FirewallEndToEndIT.cicids();
        Path model = FirewallEndToEndIT.realModel();
        List<FlowRecord> all = new ArrayList<>();
        try (FlowSource.Pass pass = KafkaIT.uniqueIds(data).open()) {
            pass.forEachRemaining(all::add);
        }
        List<FlowRecord> first = all.subList(0, FIRST_PART);
        List<FlowRecord> rest = all.subList(FIRST_PART, all.size());

        try (EmbeddedKafka kafka = KafkaIT.startBroker();
             SequenceClassifier classifier = ModelLoader.load(model)) {
            Map<String, String> settings = new HashMap<>(extra);
            settings.put("streams.state.dir", work.resolve(prefix).toString());
            // every flow waits 2 s for its batch: when the broker goes away, flows are pending, and their
            // verdicts are made (and sent, into the outage) while it is away
            settings.put(FirewallConfig.BATCH_SIZE, "1000000");
            settings.put(FirewallConfig.BATCH_MAX_WAIT_MS, "2000");
            FirewallConfig config = KafkaIT.topicsAndConfig(kafka, prefix, 3, settings);
            List<String> outputs = List.of(config.allowedTopic(), config.blockedTopic(), config.alertedTopic(),
                    config.dlqTopic());
            List<KafkaStreams.State> states = new CopyOnWriteArrayList<>();
            try (var metrics = FirewallMetrics.prometheus(classifier.info().classNames());
                 FirewallApp app = new FirewallApp(config, classifier,
                         FirewallTopology.defaultPolicy(config, classifier.info()),
                         FirewallExtensions.defaults().withMetrics(metrics));
                 // the replayer's sends wait out the outage (by default they give up after 30 s without metadata)
                 FlowReplayer replayer = FlowReplayer.create(Map.of("bootstrap.servers", kafka.bootstrapServers(),
                         "max.block.ms", String.valueOf(OUTAGE.plusSeconds(60).toMillis()),
                         "delivery.timeout.ms", String.valueOf(OUTAGE.plusSeconds(120).toMillis())),
                         new ReplayOptions(config.inputTopic(), 150, 0, 0, false))) {
                app.addStateListener((now, before) -> states.add(now));
                app.start();
                assertTrue(app.awaitRunning(Duration.ofSeconds(60)), "firewall running");
                int threads = app.streams().metadataForLocalThreads().size();

                CompletableFuture<ReplaySummary> firstPart = replayAsync(replayer, "before and during the outage", first);
                // the broker goes away while flows are still arriving and being decided
                long committed = FirewallCrashIT.awaitCommittedOutputs(config.bootstrapServers(), outputs, 300,
                        Duration.ofMinutes(2));
                long sentAtStop = replayer.sentTotal();
                kafka.stop();
                LOG.info("broker stopped with {} committed outputs, {} flows sent; down for {}", committed,
                        sentAtStop, OUTAGE);
                Thread.sleep(OUTAGE.toMillis());
                kafka.restart();
                LOG.info("broker back at {}", kafka.bootstrapServers());

                ReplaySummary a = firstPart.get(5, TimeUnit.MINUTES);
                assertEquals(0, a.sendErrors(), "the replayer's sends survive the outage: " + a.describe());
                ReplaySummary b = replayAsync(replayer, "after the outage", rest).get(5, TimeUnit.MINUTES);
                assertEquals(0, b.sendErrors(), b.describe());
                assertEquals(all.size(), replayer.sentTotal());

                Deserializer<Verdict> verdicts = AvroSerdes.singleObject(Verdict.class).deserializer();
                Deserializer<NetworkFlow> flows = AvroSerdes.singleObject(NetworkFlow.class).deserializer();
                Function<ConsumerRecord<String, byte[]>, String> flowId = r -> r.topic().equals(config.dlqTopic())
                        ? flows.deserialize(r.topic(), r.value()).getFlowId()
                        : verdicts.deserialize(r.topic(), r.value()).getFlowId();
                List<ConsumerRecord<String, byte[]>> out = KafkaIT.readUntil(config.bootstrapServers(), outputs,
                        all.size(), Duration.ofMinutes(4));
                // at least once, duplicates can make up the count before the last verdicts are in: read on
                long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
                while (!exactlyOnce && out.stream().map(flowId).distinct().count() < all.size()
                        && System.nanoTime() < deadline) {
                    Thread.sleep(2000);
                    out = KafkaIT.readUntil(config.bootstrapServers(), outputs, out.size() + 1, Duration.ofSeconds(10));
                }
                Map<String, Integer> seen = new HashMap<>();
                Map<String, Integer> perTopic = new TreeMap<>();
                Map<String, Integer> dlqReasons = new TreeMap<>();
                for (ConsumerRecord<String, byte[]> r : out) {
                    seen.merge(flowId.apply(r), 1, Integer::sum);
                    perTopic.merge(r.topic(), 1, Integer::sum);
                    if (r.topic().equals(config.dlqTopic())) {
                        dlqReasons.merge(DlqHeaders.get(r.headers(), DlqHeaders.REASON), 1, Integer::sum);
                    }
                }
                List<String> lost = all.stream().map(FlowRecord::flowId).filter(id -> !seen.containsKey(id)).toList();
                long duplicated = seen.values().stream().filter(n -> n > 1).count();
                LOG.info("after the outage: {} outputs {}, DLQ reasons {}, lost {}, duplicated {}; client states {}",
                        out.size(), perTopic, dlqReasons, lost.size(), duplicated, states);
                assertEquals(List.of(), lost.subList(0, Math.min(20, lost.size())), "lost verdicts");
                if (exactlyOnce) {
                    assertEquals(0, duplicated, "duplicated verdicts");
                    assertEquals(all.size(), out.size());
                    // counted when their transaction committed: each flow once, whatever was processed again
                    // after an aborted transaction (counts may trail the visible outputs by one commit)
                    var counted = KafkaIT.counted(metrics, all.size());
                    assertEquals(List.of((long) all.size(), (long) all.size()), List.of(counted.flowsIn(),
                            counted.allowed() + counted.blocked() + counted.alerts() + counted.dlq()),
                            "flows in, and outputs, as counted");
                }
                for (String reason : List.of(DlqReason.PRODUCTION_ERROR, DlqReason.PROCESSING_ERROR,
                        DlqReason.INFERENCE_FAILED, DlqReason.POLICY_FAILED, DlqReason.DESERIALIZATION_ERROR)) {
                    assertNull(dlqReasons.get(reason), "the outage sends no flow to the dead-letter topic: " + dlqReasons);
                }

                assertEquals(KafkaStreams.State.RUNNING, app.state(), "still running: " + states);
                assertTrue(states.stream().noneMatch(s -> s == KafkaStreams.State.ERROR
                        || s == KafkaStreams.State.PENDING_SHUTDOWN), "never failed or shut down: " + states);
                assertNull(app.failure(), "no stream thread failed");
                assertEquals(threads, app.streams().metadataForLocalThreads().size(), "no stream thread lost");
                double retries = metrics.registry().get("sif.production.retries").counter().count();
                double inDoubt = metrics.registry().get("sif.commits.in.doubt").counter().count();
                LOG.info("production errors retried: {}; stream threads replaced: {}; commits in doubt: {}", retries,
                        app.replacedThreads(), inDoubt);
                // Whether a send was in flight when the broker stopped depends on timing (in one CI run of
                // the at-least-once case the firewall produced nothing during the outage): every flow was
                // decided all the same, but the path this test is about was not taken, so the run is
                // inconclusive (skipped), not a pass
                if (retried) {
                    org.junit.jupiter.api.Assumptions.assumeTrue(retries > 0,
                            "no send expired during the outage: the production handler's retry was not exercised");
                }
                if (exactlyOnce && retried) {
                    org.junit.jupiter.api.Assumptions.assumeTrue(app.replacedThreads() > 0,
                            "no stream thread died with an aborted transaction: thread replacement not exercised");
                }
            }
        }
    }

    private static CompletableFuture<ReplaySummary> replayAsync(FlowReplayer replayer, String name,
                                                                List<FlowRecord> flows) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return replayer.replay(FlowSource.of(name, flows::iterator));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
    }
}
