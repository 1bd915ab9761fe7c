package sif.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** The repository's deployment files, read as data. */
final class RepoFiles {

    static final ObjectMapper JSON = new ObjectMapper();

    private RepoFiles() {
    }

    /** Repository root: system property {@code sif.repo.root} (set by surefire/failsafe), else the parent directory. */
    static Path root() {
        String prop = System.getProperty("sif.repo.root");
        Path root = prop != null ? Path.of(prop) : Path.of("..");
        root = root.toAbsolutePath().normalize();
        if (!Files.isRegularFile(root.resolve("docker-compose.yml"))) {
            throw new IllegalStateException("no docker-compose.yml in " + root + " (set -Dsif.repo.root)");
        }
        return root;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> yaml(Path file) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        try (Reader r = Files.newBufferedReader(file)) {
            Object doc = new Yaml(new SafeConstructor(options)).load(r);
            if (!(doc instanceof Map)) {
                throw new IllegalStateException(file + " is not a YAML mapping");
            }
            return (Map<String, Object>) doc;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    static JsonNode json(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("invalid JSON in " + file + ": " + e.getMessage(), e);
        }
    }

    static List<Path> dashboards() {
        Path dir = root().resolve("grafana/dashboards");
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> out = new ArrayList<>(files.filter(p -> p.toString().endsWith(".json")).sorted().toList());
            if (out.isEmpty()) {
                throw new IllegalStateException("no dashboard JSON in " + dir);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    /** A PromQL expression of a dashboard panel. */
    record Query(String dashboard, String panel, String refId, String expr) {
        @Override
        public String toString() {
            return dashboard + " / " + panel + " / " + refId + ": " + expr;
        }
    }

    /** Every panel (rows' nested panels included) of a dashboard. */
    static List<JsonNode> panels(JsonNode dashboard) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode p : dashboard.path("panels")) {
            out.add(p);
            for (JsonNode nested : p.path("panels")) {
                out.add(nested);
            }
        }
        return out;
    }

    /** Every target expression of every dashboard. */
    static List<Query> queries() {
        List<Query> out = new ArrayList<>();
        for (Path file : dashboards()) {
            JsonNode d = json(file);
            for (JsonNode p : panels(d)) {
                for (JsonNode t : p.path("targets")) {
                    out.add(new Query(d.path("uid").asText(), p.path("title").asText(), t.path("refId").asText(),
                            t.path("expr").asText()));
                }
            }
        }
        return out;
    }

    /**
     * {@code expr} with Grafana's built-in variables replaced by concrete values, as Grafana
     * would send it (windows sized for a 1 s scrape interval).
     */
    static String resolveGrafanaVariables(String expr) {
        return expr.replace("${__rate_interval}", "20s").replace("$__rate_interval", "20s")
                .replace("${__range}", "2m").replace("$__range", "2m")
                .replace("${__interval}", "5s").replace("$__interval", "5s");
    }
}
