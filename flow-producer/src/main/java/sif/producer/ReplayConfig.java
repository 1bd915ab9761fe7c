package sif.producer;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import sif.schemas.Topics;

/**
 * Configuration of {@code ./sif replay}: a properties file first (optional), then command-line
 * overrides, then defaults filled in with {@code putIfAbsent}.
 *
 * <table>
 *   <caption>keys</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>bootstrap.servers</td><td>localhost:9092</td><td>Kafka brokers</td></tr>
 *   <tr><td>sif.topic.input</td><td>flows</td><td>topic to replay to ({@code --topic} overrides)</td></tr>
 *   <tr><td>sif.topic.identity</td><td>identity</td><td>with {@code --identities}: topic of the SIMULATED identity events (compacted)</td></tr>
 *   <tr><td>schema.registry.url</td><td>(unset)</td><td>set: Apicurio registry framing; unset: Avro single-object encoding</td></tr>
 *   <tr><td>enable.idempotence / acks</td><td>true / all</td><td>idempotent producer</td></tr>
 *   <tr><td>any other producer key</td><td>Kafka's</td><td>passed to the producer (e.g. security settings)</td></tr>
 * </table>
 */
public final class ReplayConfig {

    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    public static final String DEFAULT_BOOTSTRAP_SERVERS = "localhost:9092";

    private ReplayConfig() {}

    /**
     * @param file      a properties file, or null
     * @param overrides values that replace the file's (null values are ignored)
     * @throws IOException when the file is given but cannot be read
     */
    public static Map<String, Object> load(Path file, Map<String, String> overrides) throws IOException {
        Map<String, Object> config = new LinkedHashMap<>();
        if (file != null) {
            if (!Files.isRegularFile(file)) {
                throw new NoSuchFileException(file.toString(), null, "configuration file not found");
            }
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(r);
            }
            for (String name : p.stringPropertyNames()) {
                config.put(name, p.getProperty(name).strip());
            }
        }
        overrides.forEach((k, v) -> {
            if (v != null) {
                config.put(k, v);
            }
        });
        config.putIfAbsent(BOOTSTRAP_SERVERS, DEFAULT_BOOTSTRAP_SERVERS);
        config.putIfAbsent(Topics.INPUT, Topics.DEFAULTS.get(Topics.INPUT));
        config.putIfAbsent("enable.idempotence", "true");
        config.putIfAbsent("acks", "all");
        return config;
    }

    /** The topic to replay to: {@code sif.topic.input} of the config (validated as a topic name). */
    public static String topic(Map<String, ?> config) {
        return Topics.from(config).input();
    }
}
