package sif.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** The Grafana provisioning files and dashboards are what Grafana's file provisioning loads. */
class DashboardProvisioningTest {

    private final Path root = RepoFiles.root();

    @SuppressWarnings("unchecked")
    private Map<String, Object> datasource() {
        Map<String, Object> doc = RepoFiles.yaml(root.resolve("grafana/provisioning/datasources/prometheus.yml"));
        assertEquals(1, doc.get("apiVersion"), "datasource provisioning apiVersion");
        List<Map<String, Object>> list = (List<Map<String, Object>>) doc.get("datasources");
        assertEquals(1, list.size(), "exactly one data source");
        return list.get(0);
    }

    @Test
    void dataSourceIsThePrometheusOfTheComposeFile() {
        Map<String, Object> ds = datasource();
        assertEquals("prometheus", ds.get("type"));
        assertEquals("proxy", ds.get("access"));
        assertEquals(Boolean.TRUE, ds.get("isDefault"));
        Compose compose = Compose.load(root);
        String url = (String) ds.get("url");
        Compose.HostPort target = Compose.HostPort.ofUrl(url);
        assertTrue(compose.services().containsKey(target.host()), "data source host " + target.host() + " is a compose service");
        assertEquals("prometheus", target.host());
        assertTrue(compose.containerPorts(target.host()).contains(target.port()),
                "Prometheus listens on " + target.port() + ": " + compose.containerPorts(target.host()));
        Map<?, ?> jsonData = (Map<?, ?>) ds.get("jsonData");
        Map<String, Object> prom = RepoFiles.yaml(root.resolve("prometheus/prometheus.yml"));
        assertEquals(((Map<?, ?>) prom.get("global")).get("scrape_interval"), jsonData.get("timeInterval"),
                "Grafana's timeInterval must equal Prometheus' scrape_interval ($__rate_interval derives from it)");
    }

    @Test
    @SuppressWarnings("unchecked")
    void dashboardProviderPointsAtTheMountedDashboardFolder() {
        Map<String, Object> doc = RepoFiles.yaml(root.resolve("grafana/provisioning/dashboards/dashboards.yml"));
        assertEquals(1, doc.get("apiVersion"));
        List<Map<String, Object>> providers = (List<Map<String, Object>>) doc.get("providers");
        assertEquals(1, providers.size());
        Map<String, Object> provider = providers.get(0);
        assertEquals("file", provider.get("type"));
        assertEquals("SIF", provider.get("folder"));
        String path = (String) ((Map<String, Object>) provider.get("options")).get("path");

        Compose compose = Compose.load(root);
        Path hostDir = compose.hostPathMountedAt("grafana", path)
                .orElseThrow(() -> new AssertionError("grafana service mounts nothing at " + path));
        assertEquals(root.resolve("grafana/dashboards"), hostDir);
        assertEquals(Set.copyOf(RepoFiles.dashboards()), Set.copyOf(list(hostDir)));

        Path provisioning = compose.hostPathMountedAt("grafana", "/etc/grafana/provisioning")
                .orElseThrow(() -> new AssertionError("grafana service does not mount /etc/grafana/provisioning"));
        assertEquals(root.resolve("grafana/provisioning"), provisioning);

        String home = compose.environment("grafana").get("GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH");
        assertTrue(home.startsWith(path + "/"), "home dashboard " + home + " is under " + path);
        assertTrue(Files.isRegularFile(hostDir.resolve(home.substring(path.length() + 1))), "home dashboard exists: " + home);
    }

    private static List<Path> list(Path dir) {
        try (var s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".json")).toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void dashboardsAreValidGrafanaModels() {
        String dsUid = (String) datasource().get("uid");
        Set<String> uids = new HashSet<>();
        Set<String> titles = new HashSet<>();
        for (Path file : RepoFiles.dashboards()) {
            JsonNode d = RepoFiles.json(file);
            String uid = d.path("uid").asText("");
            assertTrue(uid.matches("[a-zA-Z0-9_-]{1,40}"), file + ": uid " + uid);
            assertTrue(uids.add(uid), "duplicate uid " + uid);
            assertFalse(d.path("title").asText("").isBlank(), file + ": title");
            assertTrue(titles.add(d.path("title").asText()), "duplicate title " + d.path("title"));
            assertTrue(d.path("schemaVersion").asInt() >= 36, file + ": schemaVersion");
            assertTrue(d.path("id").isMissingNode() || d.path("id").isNull(), file + ": provisioned dashboards carry no id");
            assertTrue(d.path("panels").isArray() && !d.path("panels").isEmpty(), file + ": panels");

            Set<Integer> ids = new HashSet<>();
            int queries = 0;
            for (JsonNode p : RepoFiles.panels(d)) {
                String where = file.getFileName() + " panel '" + p.path("title").asText() + "'";
                assertTrue(ids.add(p.path("id").asInt(-1)) && p.path("id").asInt(-1) > 0, where + ": unique positive id");
                JsonNode grid = p.path("gridPos");
                assertTrue(grid.path("w").asInt() > 0 && grid.path("x").asInt() + grid.path("w").asInt() <= 24
                        && grid.path("h").asInt() > 0, where + ": gridPos " + grid);
                assertFalse(p.path("type").asText("").isBlank(), where + ": type");
                if (p.path("type").asText().equals("row")) {
                    continue;
                }
                assertEquals("prometheus", p.path("datasource").path("type").asText(), where + ": datasource type");
                assertEquals(dsUid, p.path("datasource").path("uid").asText(), where + ": datasource uid");
                JsonNode targets = p.path("targets");
                assertTrue(targets.isArray() && !targets.isEmpty(), where + ": targets");
                Set<String> refIds = new HashSet<>();
                for (JsonNode t : targets) {
                    assertTrue(refIds.add(t.path("refId").asText()), where + ": unique refId");
                    String expr = t.path("expr").asText("");
                    assertFalse(expr.isBlank(), where + ": expr");
                    assertBalanced(where, expr);
                    String resolved = RepoFiles.resolveGrafanaVariables(expr);
                    if (resolved.contains("$")) {
                        fail(where + ": unknown Grafana variable in " + expr);
                    }
                    JsonNode tds = t.path("datasource");
                    if (!tds.isMissingNode()) {
                        assertEquals(dsUid, tds.path("uid").asText(), where + ": target datasource uid");
                    }
                    queries++;
                }
            }
            assertTrue(queries > 0, file + ": has queries");
        }
        assertEquals(Set.of("sif-overview", "sif-detection", "sif-zero-trust", "sif-kafka-streams"), uids);
    }

    @Test
    void dashboardsUseSifMetricNames() {
        String all = String.join("\n", RepoFiles.queries().stream().map(RepoFiles.Query::expr).toList());
        for (String metric : List.of("sif_flows_in_total", "sif_flows_miskeyed_total", "sif_verdicts_total",
                "sif_model_input_out_of_range_total",
                "sif_dlq_total",
                "sif_inference_batch_size_bucket", "sif_inference_latency_seconds_bucket", "sif_e2e_latency_seconds_bucket",
                "sif_identity_status_total", "sif_challenges_total", "sif_blocklist_size", "sif_model_info",
                "sif_verdict_confidence_percent_bucket", "sif_producer_sent_total", "sif_producer_errors_total",
                "kafka_consumer_fetch_manager_records_lag", "kafka_consumer_coordinator_rebalance_total",
                "kafka_stream_thread_commit_latency_avg", "kafka_stream_state_estimate_num_keys")) {
            assertTrue(all.contains(metric), "some dashboard shows " + metric);
        }
    }

    private static void assertBalanced(String where, String expr) {
        int paren = 0;
        int bracket = 0;
        int brace = 0;
        boolean quoted = false;
        for (int i = 0; i < expr.length(); i++) {
            char c = expr.charAt(i);
            if (c == '"' && (i == 0 || expr.charAt(i - 1) != '\\')) {
                quoted = !quoted;
            }
            if (quoted) {
                continue;
            }
            switch (c) {
                case '(' -> paren++;
                case ')' -> paren--;
                case '[' -> bracket++;
                case ']' -> bracket--;
                case '{' -> brace++;
                case '}' -> brace--;
                default -> { }
            }
            if (paren < 0 || bracket < 0 || brace < 0) {
                fail(where + ": unbalanced " + expr);
            }
        }
        assertTrue(paren == 0 && bracket == 0 && brace == 0 && !quoted, where + ": unbalanced " + expr);
    }
}
