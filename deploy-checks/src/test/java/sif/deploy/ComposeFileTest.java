package sif.deploy;

import org.junit.jupiter.api.Test;
import sif.firewall.FirewallConfig;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * docker-compose.yml is consistent with the files, ports, URLs and topics it refers to. No Docker
 * engine runs here: this checks the file, it does not claim the stack was started.
 */
class ComposeFileTest {

    private static final Set<String> CONDITIONS = Set.of("service_started", "service_healthy",
            "service_completed_successfully");
    private static final Pattern URL_IN_HEALTHCHECK = Pattern.compile("http://(localhost|127\\.0\\.0\\.1):(\\d+)(/\\S*)");

    private final Path root = RepoFiles.root();
    private final Compose compose = Compose.load(root);

    @Test
    void hasTheWholeStack() {
        assertTrue(compose.services().keySet().containsAll(
                List.of("kafka", "apicurio", "firewall", "producer", "prometheus", "grafana")), compose.services().keySet().toString());
        assertTrue(image("kafka").startsWith("apache/kafka:"), "official Kafka image");
        assertTrue(compose.environment("kafka").get("KAFKA_PROCESS_ROLES").contains("controller"), "KRaft, no ZooKeeper");
        String clusterId = compose.environment("kafka").get("CLUSTER_ID");
        assertEquals(clusterId, org.apache.kafka.common.Uuid.fromString(clusterId).toString(), "CLUSTER_ID is a Kafka Uuid");
        assertEquals("apicurio/apicurio-registry-mem:" + testedRegistryVersion(), image("apicurio"),
                "the compose registry is the release the registry-mode tests run (schema-registry/pom.xml)");
        assertEquals("FULL", compose.environment("apicurio").get("REGISTRY_RULES_GLOBAL_COMPATIBILITY"),
                "the registry refuses schemas its readers cannot read, as the registry-mode tests run it "
                        + "(RegistryCompatibilityIT)");
        for (String s : compose.services().keySet()) {
            String img = compose.service(s).get("image") instanceof String i ? i : "";
            assertFalse(img.endsWith(":latest") || (!img.isEmpty() && !img.contains(":")), s + ": pin the image tag, got " + img);
        }
    }

    /** The Apicurio Registry release {@code schema-registry/} builds and the registry-mode tests start. */
    private String testedRegistryVersion() {
        try {
            Matcher m = Pattern.compile("<apicurio\\.version>([^<]+)</apicurio\\.version>")
                    .matcher(Files.readString(root.resolve("schema-registry/pom.xml")));
            assertTrue(m.find(), "schema-registry/pom.xml sets apicurio.version");
            return m.group(1);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private String image(String service) {
        return String.valueOf(compose.service(service).get("image"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyServiceHasAHealthcheck() {
        compose.services().forEach((name, s) -> {
            Object hc = s.get("healthcheck");
            assertTrue(hc instanceof Map, name + ": healthcheck");
            Map<String, Object> h = (Map<String, Object>) hc;
            assertFalse(Boolean.TRUE.equals(h.get("disable")), name + ": healthcheck disabled");
            Object test = h.get("test");
            assertTrue(test instanceof List<?> l && l.size() >= 2
                    && List.of("CMD", "CMD-SHELL").contains(String.valueOf(l.get(0))), name + ": healthcheck test " + test);
        });
    }

    @Test
    @SuppressWarnings("unchecked")
    void dependsOnConditionsReferenceExistingServicesWithoutCycles() {
        Map<String, Set<String>> edges = new HashMap<>();
        compose.services().forEach((name, s) -> {
            Object d = s.get("depends_on");
            Set<String> deps = new HashSet<>();
            if (d != null) {
                assertTrue(d instanceof Map, name + ": depends_on must use the long form with conditions");
                ((Map<String, Object>) d).forEach((dep, spec) -> {
                    assertTrue(compose.services().containsKey(dep), name + " depends on unknown service " + dep);
                    String condition = String.valueOf(((Map<String, Object>) spec).get("condition"));
                    assertTrue(CONDITIONS.contains(condition), name + " -> " + dep + ": condition " + condition);
                    if (condition.equals("service_healthy")) {
                        assertNotNull(compose.service(dep).get("healthcheck"), dep + " has a healthcheck to wait on");
                    }
                    deps.add(dep);
                });
            }
            edges.put(name, deps);
        });
        for (String start : edges.keySet()) {
            Deque<String> todo = new ArrayDeque<>(edges.get(start));
            Set<String> seen = new HashSet<>();
            while (!todo.isEmpty()) {
                String n = todo.pop();
                assertFalse(n.equals(start), "depends_on cycle through " + start);
                if (seen.add(n)) {
                    todo.addAll(edges.get(n));
                }
            }
        }
        assertEquals("service_healthy", condition("firewall", "kafka"));
        assertEquals("service_completed_successfully", condition("firewall", "kafka-init"));
        assertEquals("service_healthy", condition("producer", "firewall"));
        assertEquals("service_healthy", condition("grafana", "prometheus"));
    }

    @SuppressWarnings("unchecked")
    private String condition(String service, String dep) {
        Map<String, Object> d = (Map<String, Object>) compose.service(service).get("depends_on");
        return String.valueOf(((Map<String, Object>) d.get(dep)).get("condition"));
    }

    @Test
    void everyMountedFileAndNamedVolumeExists() {
        Object declared = compose.document().get("volumes");
        Set<String> named = declared instanceof Map<?, ?> m ? new HashSet<>(m.keySet().stream().map(String::valueOf).toList()) : Set.of();
        for (String service : compose.services().keySet()) {
            for (Compose.Mount m : compose.mounts(service)) {
                if (m.bind()) {
                    Path host = root.resolve(m.source()).normalize();
                    assertTrue(Files.exists(host), service + ": mounted " + m.source() + " does not exist (" + host + ")");
                    assertTrue(host.startsWith(root), service + ": mount outside the repository " + m.source());
                } else {
                    assertTrue(named.contains(m.source()), service + ": volume " + m.source() + " not declared");
                }
                assertTrue(m.target().startsWith("/"), service + ": container path " + m.target());
            }
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void buildsUseMultiStageNonRootDockerfilesWhoseSourcesExist() throws IOException {
        int builds = 0;
        for (Map.Entry<String, Map<String, Object>> e : compose.services().entrySet()) {
            Object build = e.getValue().get("build");
            if (build == null) {
                continue;
            }
            builds++;
            Map<String, Object> b = (Map<String, Object>) build;
            Path context = root.resolve(String.valueOf(b.get("context"))).normalize();
            assertTrue(Files.isDirectory(context), e.getKey() + ": build context " + context);
            Path dockerfile = context.resolve(String.valueOf(b.getOrDefault("dockerfile", "Dockerfile")));
            assertTrue(Files.isRegularFile(dockerfile), e.getKey() + ": Dockerfile " + dockerfile);
            checkDockerfile(context, dockerfile);
        }
        assertTrue(builds >= 2, "firewall and producer are built from the repository");
        for (Map.Entry<String, Map<String, Object>> e : compose.services().entrySet()) {
            if (e.getValue().get("build") != null) { // the image carries PyTorch's linux-x86_64 natives only
                assertEquals("linux/amd64", e.getValue().get("platform"), e.getKey() + ": platform");
            }
        }
        assertEquals(compose.service("firewall").get("image"), compose.service("producer").get("image"),
                "firewall and producer share one image");
    }

    private void checkDockerfile(Path context, Path dockerfile) throws IOException {
        List<String> lines = joinContinuations(Files.readAllLines(dockerfile));
        Set<String> stages = new HashSet<>();
        String lastUser = null;
        int froms = 0;
        String entrypoint = null;
        for (String line : lines) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            String[] words = l.split("\\s+");
            switch (words[0].toUpperCase()) {
                case "FROM" -> {
                    froms++;
                    lastUser = null;
                    assertFalse(words[1].endsWith(":latest") || !words[1].contains(":"), dockerfile + ": pin " + words[1]);
                    if (words.length >= 4 && words[2].equalsIgnoreCase("AS")) {
                        stages.add(words[3]);
                    }
                }
                case "USER" -> lastUser = words[1];
                case "ENTRYPOINT" -> entrypoint = l;
                case "COPY", "ADD" -> {
                    List<String> args = new ArrayList<>(List.of(words).subList(1, words.length));
                    String from = null;
                    for (var it = args.iterator(); it.hasNext(); ) {
                        String a = it.next();
                        if (a.startsWith("--from=")) {
                            from = a.substring(7);
                            it.remove();
                        } else if (a.startsWith("--")) {
                            it.remove();
                        }
                    }
                    List<String> sources = args.subList(0, args.size() - 1);
                    if (from != null) {
                        assertTrue(stages.contains(from), dockerfile + ": COPY --from unknown stage " + from);
                    } else {
                        for (String src : sources) {
                            if (!src.equals(".")) {
                                assertTrue(Files.exists(context.resolve(src)), dockerfile + ": COPY source " + src + " missing");
                            }
                        }
                    }
                }
                default -> { }
            }
        }
        assertTrue(froms >= 2, dockerfile + ": multi-stage build");
        assertNotNull(lastUser, dockerfile + ": the runtime stage sets USER");
        String user = lastUser.split(":")[0];
        assertFalse(user.equals("root") || user.equals("0"), dockerfile + ": runs as non-root, got USER " + lastUser);
        assertNotNull(entrypoint, dockerfile + ": ENTRYPOINT");
        assertTrue(String.join("\n", lines).contains("eclipse-temurin") , dockerfile + ": Temurin runtime");
        // the runtime copies the launcher jar and its dependencies where the launcher's pom puts them
        String pom = Files.readString(root.resolve("launcher/pom.xml"));
        assertTrue(pom.contains("<finalName>launcher</finalName>"), "launcher/pom.xml builds target/launcher.jar");
        assertTrue(pom.contains("${project.build.directory}/lib"), "launcher/pom.xml copies dependencies to target/lib");
        String entry = Files.readString(root.resolve("docker/entrypoint.sh"));
        assertTrue(entry.contains("sif.launcher.Main"), "entrypoint runs sif.launcher.Main");
    }

    private static List<String> joinContinuations(List<String> raw) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (String line : raw) {
            String t = line.stripTrailing();
            if (t.endsWith("\\")) {
                cur.append(t, 0, t.length() - 1).append(' ');
            } else {
                cur.append(t);
                out.add(cur.toString());
                cur.setLength(0);
            }
        }
        if (!cur.isEmpty()) {
            out.add(cur.toString());
        }
        return out;
    }

    /** The port a SIF app serves /metrics on: its --metrics-port option, else SIF_METRICS_PORT. */
    private int metricsPort(String service) {
        String port = compose.commandOption(service, "--metrics-port")
                .orElseGet(() -> compose.environment(service).get("SIF_METRICS_PORT"));
        assertNotNull(port, service + ": no --metrics-port and no SIF_METRICS_PORT");
        return Integer.parseInt(port);
    }

    /** The firewall only warns about a setting it does not know: a misspelt one in the image's file would go unseen. */
    @Test
    void theImagesFirewallSettingsAreAllKnown() throws IOException {
        sif.firewall.FirewallConfig config = sif.firewall.FirewallConfig.load(root.resolve("docker/firewall.properties"));
        assertEquals(Set.of(), config.unknownKeys(), "unknown settings in docker/firewall.properties");
    }

    @Test
    @SuppressWarnings("unchecked")
    void prometheusScrapesThePortsTheAppsServe() {
        Path promConfig = compose.hostPathMountedAt("prometheus", "/etc/prometheus/prometheus.yml")
                .orElseThrow(() -> new AssertionError("prometheus.yml not mounted"));
        assertEquals(root.resolve("prometheus/prometheus.yml"), promConfig);
        assertEquals("/etc/prometheus/prometheus.yml", compose.commandOption("prometheus", "--config.file").orElse(null));

        Map<String, Object> prom = RepoFiles.yaml(promConfig);
        Map<String, Integer> scraped = new LinkedHashMap<>();
        for (Map<String, Object> job : (List<Map<String, Object>>) prom.get("scrape_configs")) {
            for (Map<String, Object> sc : (List<Map<String, Object>>) job.get("static_configs")) {
                for (Object t : (List<Object>) sc.get("targets")) {
                    Compose.HostPort hp = Compose.HostPort.of(String.valueOf(t));
                    if (hp.host().equals("localhost")) {
                        assertTrue(compose.containerPorts("prometheus").contains(hp.port()), "Prometheus self-scrape port");
                        continue;
                    }
                    assertTrue(compose.services().containsKey(hp.host()), "scrape target " + t + " is a compose service");
                    scraped.put(hp.host(), hp.port());
                }
            }
        }
        assertEquals(Set.of("firewall", "producer"), scraped.keySet());
        scraped.forEach((service, port) -> {
            assertEquals(port, metricsPort(service), service + ": Prometheus scrapes the port the app serves");
            assertTrue(compose.containerPorts(service).contains(port), service + ": port " + port + " published");
            Compose.HostPort health = healthcheckUrl(service);
            assertEquals(port, health.port(), service + ": healthcheck asks the metrics/health port");
        });
        assertTrue(healthcheckPath("firewall").equals("/health/ready"), "firewall healthcheck uses readiness");
    }

    @SuppressWarnings("unchecked")
    private String healthcheckCommand(String service) {
        List<Object> test = (List<Object>) ((Map<String, Object>) compose.service(service).get("healthcheck")).get("test");
        return String.join(" ", test.subList(1, test.size()).stream().map(String::valueOf).toList());
    }

    private Compose.HostPort healthcheckUrl(String service) {
        Matcher m = URL_IN_HEALTHCHECK.matcher(healthcheckCommand(service));
        assertTrue(m.find(), service + ": healthcheck calls a local URL: " + healthcheckCommand(service));
        return new Compose.HostPort(m.group(1), Integer.parseInt(m.group(2)));
    }

    private String healthcheckPath(String service) {
        Matcher m = URL_IN_HEALTHCHECK.matcher(healthcheckCommand(service));
        assertTrue(m.find());
        return m.group(3);
    }

    @Test
    void clientsUseTheBrokersAdvertisedListener() {
        String advertised = compose.environment("kafka").get("KAFKA_ADVERTISED_LISTENERS");
        String internal = null;
        for (String l : advertised.split(",")) {
            if (l.startsWith("PLAINTEXT://")) {
                internal = l.substring("PLAINTEXT://".length());
            }
        }
        assertNotNull(internal, "kafka advertises a PLAINTEXT listener for the compose network");
        Compose.HostPort hp = Compose.HostPort.of(internal);
        assertEquals("kafka", hp.host());
        assertTrue(compose.environment("kafka").get("KAFKA_LISTENERS").contains("PLAINTEXT://:" + hp.port()));
        assertEquals(internal, compose.commandOption("firewall", "--bootstrap-servers").orElse(null), "firewall bootstrap");
        assertEquals(internal, compose.environment("producer").get("SIF_BOOTSTRAP_SERVERS"), "producer bootstrap");
        assertEquals(internal, compose.environment("kafka-init").get("SIF_BOOTSTRAP_SERVERS"), "kafka-init bootstrap");
        // the EXTERNAL listener is the one published to the host
        for (String l : advertised.split(",")) {
            if (l.startsWith("EXTERNAL://")) {
                int port = Compose.HostPort.of(l.substring("EXTERNAL://".length())).port();
                assertTrue(compose.containerPorts("kafka").contains(port), "external listener port published");
            }
        }
    }

    @Test
    void configFilesPointAtTheRegistryServiceAndSameSerializationMode() throws IOException {
        Properties firewall = mountedProperties("firewall", compose.commandOption("firewall", "--config").orElseThrow());
        Properties producer = mountedProperties("producer", "/etc/sif/producer.properties");
        String registry = firewall.getProperty("schema.registry.url");
        assertEquals(registry, producer.getProperty("schema.registry.url"),
                "producer and firewall use the same serialization mode and registry");
        if (registry != null) {
            Compose.HostPort hp = Compose.HostPort.ofUrl(registry);
            assertEquals("apicurio", hp.host());
            assertTrue(compose.containerPorts("apicurio").contains(hp.port()), "registry port");
            assertTrue(registry.endsWith("/apis/registry/v2"), "Apicurio serdes 2.x talk to the v2 API: " + registry);
            assertEquals(hp.port(), healthcheckUrl("apicurio").port());
            // the URL the real-registry tests wait for (ApicurioRegistryProcess) before they use the registry
            assertEquals("/health/ready", healthcheckPath("apicurio"), "registry healthcheck uses its readiness URL");
        }
        String modelDir = firewall.getProperty(FirewallConfig.MODEL_DIR);
        assertTrue(modelDir.startsWith("/opt/sif/models/"), "model baked into the image at /opt/sif/models: " + modelDir);
        String producerScript = Files.readString(root.resolve("docker/producer.sh"));
        assertTrue(producerScript.contains("/etc/sif/producer.properties"), "producer.sh reads the mounted config");
        String dataDir = compose.environment("producer").get("SIF_CICIDS2017_DIR");
        assertTrue(compose.mounts("producer").stream().anyMatch(m -> m.target().equals(dataDir)),
                "the CICIDS2017 directory is mounted where SIF_CICIDS2017_DIR says");
        for (String key : firewall.stringPropertyNames()) {
            assertFalse(key.equals(FirewallConfig.BOOTSTRAP_SERVERS) || key.equals(FirewallConfig.METRICS_PORT),
                    key + " is set once, on the command line");
        }
    }

    private Properties mountedProperties(String service, String containerPath) throws IOException {
        Path host = compose.hostPathMountedAt(service, containerPath)
                .orElseThrow(() -> new AssertionError(service + ": nothing mounted at " + containerPath));
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(host)) {
            p.load(r);
        }
        return p;
    }

    @Test
    void theModelTheFirewallLoadsIsInTheBuildContext() throws IOException {
        Properties firewall = mountedProperties("firewall", compose.commandOption("firewall", "--config").orElseThrow());
        Path inImage = Path.of(firewall.getProperty(FirewallConfig.MODEL_DIR));
        Path relative = Path.of("/opt/sif").relativize(inImage); // the Dockerfile copies <context>/models to /opt/sif/models
        Path inRepo = root.resolve(relative);
        assertTrue(Files.isDirectory(inRepo), "the firewall container loads " + inImage + ", copied from " + inRepo
                + " at image build time, which does not exist: commit the trained model artifact there "
                + "(./sif train) or docker compose's firewall cannot start");
        String ignore = Files.exists(root.resolve(".dockerignore")) ? Files.readString(root.resolve(".dockerignore")) : "";
        assertFalse(ignore.lines().map(String::strip).anyMatch(l -> l.equals("models") || l.equals("models/")
                || l.equals("/models")), ".dockerignore must not exclude the model");
    }

    @Test
    void initCreatesEveryTopicTheFirewallUses() throws IOException {
        String script = Files.readString(compose.hostPathMountedAt("kafka-init", "/opt/sif/create-topics.sh")
                .orElseThrow(() -> new AssertionError("create-topics.sh not mounted")));
        Object entrypoint = compose.service("kafka-init").get("entrypoint");
        assertTrue(String.valueOf(entrypoint).contains("/opt/sif/create-topics.sh"), "kafka-init runs the script");
        FirewallConfig defaults = FirewallConfig.defaults();
        for (String topic : List.of(defaults.inputTopic(), defaults.allowedTopic(), defaults.blockedTopic(),
                defaults.alertedTopic(), defaults.dlqTopic())) {
            assertTrue(Pattern.compile("(?m)^create " + Pattern.quote(topic) + " ").matcher(script).find(),
                    "create-topics.sh creates " + topic);
        }
        assertEquals("false", compose.environment("kafka").get("KAFKA_AUTO_CREATE_TOPICS_ENABLE"),
                "topics come from kafka-init, not from auto-creation");
    }

    @Test
    void grafanaHasDocumentedCredentials() {
        Map<String, String> env = compose.environment("grafana");
        assertEquals("admin", env.get("GF_SECURITY_ADMIN_USER"));
        assertEquals("admin", env.get("GF_SECURITY_ADMIN_PASSWORD"));
        assertTrue(compose.containerPorts("grafana").contains(3000));
        assertEquals(3000, healthcheckUrl("grafana").port());
        assertEquals(9090, healthcheckUrl("prometheus").port());
    }

    @Test
    void interpolationOnlyUsesDefaultedVariables() throws IOException {
        String text = Files.readString(root.resolve("docker-compose.yml")).replaceAll("(?m)^\\s*#.*$", "");
        Matcher m = Pattern.compile("\\$\\{[^}]*}").matcher(text);
        while (m.find()) {
            if (!m.group().contains(":-")) {
                fail("docker compose up must work with no variables set; " + m.group() + " has no default");
            }
        }
    }
}
