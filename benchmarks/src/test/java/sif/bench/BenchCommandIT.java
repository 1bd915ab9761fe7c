package sif.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import sif.kafka.EmbeddedKafka;

/**
 * {@code ./sif bench} on a tiny workload, end to end on the embedded broker with the committed model:
 * every flow gets exactly one output, and the JSON's figures are consistent with each other (the
 * ceiling is the higher of its two measurements, the ratio is e2e over it). No timing is asserted.
 */
class BenchCommandIT {

    /** Runs {@code ./sif bench} with {@code args}; a failed run fails the test with what it printed to stderr. */
    private static void bench(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new BenchCommand());
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        System.err.print(err);
        assertEquals(0, exit, () -> "bench exit code; its stderr:\n" + err);
    }

    @Test
    void aTinyRunWritesConsistentResults(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("bench.json");
        bench("--flows", "3000", "--duration", "5", "--loads", "400",
                "--warmup", "1", "--jit-warmup-flows", "0", "--skip-startup", "--out", out.toString());
        JsonNode r = new ObjectMapper().readTree(Files.readString(out));
        assertTrue(Set.of("steady", "overall").contains(r.get("e2e_basis").asText()), r.get("e2e_basis").toString());
        for (String key : new String[] {"ceiling_flows_per_s", "e2e_flows_per_s", "ratio", "state_bytes_per_source"}) {
            assertNotNull(r.get(key), key);
            assertTrue(r.get(key).asDouble() > 0, key + " = " + r.get(key));
        }
        JsonNode c = r.get("ceiling");
        double before = c.get("before_sequences_per_s").asDouble();
        double after = c.get("after_sequences_per_s").asDouble();
        assertEquals(Math.max(before, after), r.get("ceiling_flows_per_s").asDouble(), 1.0);
        assertEquals(r.get("e2e_flows_per_s").asDouble() / r.get("ceiling_flows_per_s").asDouble(),
                r.get("ratio").asDouble(), 0.002);

        JsonNode sat = r.get("saturation");
        assertTrue(sat.get("complete").asBoolean(), "saturation drained every flow");
        assertEquals(3000, sat.get("outputs").asLong(), "one output (verdict or DLQ) per pre-loaded flow");
        JsonNode logs = sat.get("changelogs").get("stores");
        long sequenceRecords = logs.get("sif-sequences").get("records").asLong();
        assertTrue(sequenceRecords >= 45, "every source's sequence reached its changelog: " + sequenceRecords);
        long pendingRecords = logs.get("sif-pending").get("records").asLong();
        assertTrue(pendingRecords % 2 == 0 && pendingRecords <= 2 * 3000,
                "each pending flow written at a commit is deleted once forwarded: " + pendingRecords);
        long total = 0;
        for (JsonNode store : logs) {
            total += store.get("records").asLong();
        }
        assertEquals(total / 3000.0, sat.get("changelogs").get("records_per_flow").asDouble(), 0.001);
        JsonNode load = r.get("loads").get(0);
        assertEquals(400, load.get("offered_flows_per_s").asInt());
        assertEquals(load.get("sent").asLong(), load.get("outputs").asLong(), "one output per sent flow");
        assertTrue(load.get("latency_ms").get("count").asLong() > 0, "latencies recorded after the warm-up");
        // exactly-once commits, from Kafka's metrics: counted, and the producer's blocking adds up
        for (JsonNode phase : List.of(sat, load)) {
            JsonNode commits = phase.get("commits");
            assertTrue(commits.get("commits").asLong() > 0, commits.toString());
            assertTrue(commits.get("txn_commit_ms_per_commit").asDouble() > 0, "transactions committed: " + commits);
            assertEquals(commits.get("flush_ms_per_commit").asDouble()
                    + commits.get("send_offsets_ms_per_commit").asDouble()
                    + commits.get("txn_commit_ms_per_commit").asDouble(),
                    commits.get("blocked_ms_per_commit").asDouble(), 0.02);
            assertTrue(commits.get("commit_latency_max_ms").asDouble()
                    >= commits.get("commit_latency_avg_ms").asDouble(), commits.toString());
        }
        for (JsonNode phase : List.of(sat, load)) {
            assertTrue(phase.get("gc").get("pauses").isObject() && phase.get("gc").has("pause_share_of_phase"),
                    "GC pauses per phase: " + phase.get("gc"));
        }
        // each flow's stages, from the firewall itself: every verdict of the saturation phase, and of
        // the load phase those measured (the same window as its latencies)
        assertEquals(sat.get("outputs").asLong() - sat.get("decisions").get("DLQ").asLong(),
                sat.get("stages_ms").get("flows").asLong(), "one stage record per verdict: " + sat.get("stages_ms"));
        JsonNode stages = load.get("stages_ms");
        assertEquals(load.get("latency_ms").get("count").asLong(), stages.get("flows").asLong(), stages.toString());
        JsonNode tail = stages.get("slowest_1pct");
        double tailSum = 0;
        for (String stage : StageTap.STAGES) {
            assertTrue(stages.get("all").get(stage).get("p99").asDouble() >= 0, stages.toString());
            tailSum += tail.get(stage + "_mean").asDouble();
        }
        assertEquals(tail.get("total_mean").asDouble(), tailSum, 0.05, "the tail's stages add up: " + tail);
        assertTrue(tail.get("total_mean").asDouble() >= tail.get("total_from_ms").asDouble(), tail.toString());
        // the firewall's producers recorded their commits: some of the flows of the saturation phase were in one
        assertTrue(sat.get("stages_ms").get("all").get("share_in_commits").asDouble() > 0, sat.get("stages_ms").toString());
        assertTrue(tail.has("share_in_gc_pauses") && tail.has("in_commits_ms_mean"), tail.toString());
        assertTrue(r.get("targets").has("p99_at_5k_within_15ms"));
        JsonNode requests = sat.get("resources").get("broker_requests_per_s");
        assertTrue(requests.get("Produce").asDouble() > 0 && requests.get("Fetch").asDouble() > 0,
                "the in-JVM broker's request rates: " + requests);
        JsonNode res = sat.get("resources");
        assertTrue(res.has("os_threads_runqueue_wait_cores_by_name"), res.toString());
        // the heap the firewall's threads allocated: by role, and per flow
        assertTrue(res.get("firewall_allocated_mb_per_s_by_role").path("stream").asDouble() > 0, res.toString());
        assertTrue(res.get("java_threads_allocated_mb_per_s").asDouble() >= res.get("firewall_allocated_mb_per_s").asDouble(),
                res.toString());
        assertTrue(sat.get("firewall_allocated_bytes_per_flow").asDouble() > 0, sat.toString());
        if (Files.isDirectory(Path.of("/proc/self/task"))) {
            assertTrue(res.get("os_threads_cpu_cores_by_name").path(ResourceSampler.Usage.INFERENCE_OS_THREAD).asDouble() > 0,
                    "the inference thread is told apart by its OS name: " + res.get("os_threads_cpu_cores_by_name"));
        }
    }

    @Test
    void theBrokerCanRunInAProcessOfItsOwn(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("bench.json");
        bench("--broker", "process", "--flows", "1000", "--duration", "5",
                "--jit-warmup-flows", "0", "--skip-loads", "--skip-startup", "--out", out.toString());
        JsonNode r = new ObjectMapper().readTree(Files.readString(out));
        assertEquals("process", r.get("options").get("broker").asText());
        JsonNode sat = r.get("saturation");
        assertEquals(1000, sat.get("outputs").asLong(), "one output (verdict or DLQ) per pre-loaded flow");
        JsonNode res = sat.get("resources");
        double broker = res.get("broker_process_cpu_cores").asDouble();
        assertTrue(broker > 0, "the broker process's CPU is counted: " + res);
        assertEquals(res.get("process_cpu_cores").asDouble() + broker, res.get("total_cpu_cores").asDouble(), 0.011);
        assertTrue(res.get("broker_rss_max_bytes").asLong() > 0);
    }

    @Test
    void anExistingClusterIsUsedAndLeftAsItWas(@TempDir Path dir) throws Exception {
        try (EmbeddedKafka cluster = EmbeddedKafka.builder().logDir(dir.resolve("cluster")).start();
             Admin admin = Admin.create(cluster.clientConfig())) {
            // what another run or another team left on the cluster: not this run's to delete
            cluster.createTopics(Map.of("bench.other.sat.flows", 1, "firewall-bench-sat-other-sif-sequences-changelog", 1));
            Set<String> before = admin.listTopics().names().get();
            Path out = dir.resolve("bench.json");
            bench("--bootstrap-servers", cluster.bootstrapServers(),
                    "--flows", "1000", "--duration", "5", "--jit-warmup-flows", "0", "--skip-loads", "--skip-startup",
                    "--out", out.toString());
            JsonNode r = new ObjectMapper().readTree(Files.readString(out));
            assertEquals("external", r.get("options").get("broker").asText());
            assertEquals(cluster.bootstrapServers(), r.get("options").get("bootstrap_servers").asText());
            String run = r.get("options").get("run_id").asText();
            assertFalse(run.isEmpty());
            JsonNode sat = r.get("saturation");
            assertEquals(1000, sat.get("outputs").asLong(), "one output (verdict or DLQ) per pre-loaded flow");
            assertTrue(sat.get("resources").has("other_java_threads_cpu_cores"), "no broker threads claimed: " + sat);
            assertFalse(sat.get("resources").has("broker_java_threads_cpu_cores"));
            assertTrue(sat.get("changelogs").get("stores").get("sif-sequences").get("records").asLong() > 0,
                    "the firewall's changelogs were read from the cluster");
            // the run created its topics (phase topics, internal topics) and deleted them, and only them
            assertTrue(r.get("cleanup").get("topics_deleted").asInt() >= 10, r.get("cleanup").toString());
            assertEquals(1, r.get("cleanup").get("consumer_groups_deleted").asInt(), "the saturation firewall's group");
            Set<String> after = admin.listTopics().names().get();
            assertEquals(before, after, "the cluster's topics after the run");
            Set<String> groups = admin.listConsumerGroups().all().get().stream().map(ConsumerGroupListing::groupId)
                    .filter(g -> g.contains(run)).collect(Collectors.toSet());
            assertEquals(Set.of(), groups, "the run's consumer groups are gone");
        }
    }
}
