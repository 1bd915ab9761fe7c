package sif.firewall;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Which cluster, and which incarnation of each global store's source topic, a firewall's local state
 * was built from. Kafka Streams keeps, in the state directory, the offset up to which each store has
 * read its topic; it cannot tell that the broker behind the same address is a new cluster, or that a
 * topic was deleted and created again. Then the global identity store either resumes past the end of
 * the new topic ({@code OffsetOutOfRangeException}: the firewall stops in {@code ERROR}, seen with
 * {@code ./sif broker}, whose log directory is new on every start) or, worse, at an offset that now
 * holds other events, skipping the ones before it while keeping identities the new cluster never had.
 * {@link FirewallApp} records the origin in the state directory and wipes the local state at start
 * when the cluster or one of those topics is not the one recorded: everything is then rebuilt from
 * the cluster.
 *
 * @param clusterId the cluster's id
 * @param topicIds  topic name → topic id, for the topics global stores read
 */
public record StateOrigin(String clusterId, Map<String, String> topicIds) {

    /** The file, in the application's state directory ({@code <state.dir>/<application.id>}). */
    public static final String FILE = "sif-state-origin.properties";

    private static final String CLUSTER_KEY = "cluster.id";
    private static final String TOPIC_PREFIX = "topic.id.";

    public StateOrigin {
        Objects.requireNonNull(clusterId, "clusterId");
        topicIds = Map.copyOf(topicIds);
    }

    /**
     * Why state built from {@code recorded} must not be used with {@code this} cluster, or null when
     * it may: a different cluster id, or a topic both know under different ids. A topic that exists
     * on one side only says nothing (not created yet, or deleted and not yet back).
     */
    public String mismatch(StateOrigin recorded) {
        if (!recorded.clusterId.equals(clusterId)) {
            return "it was built from cluster " + recorded.clusterId + " and the brokers are now cluster " + clusterId;
        }
        for (Map.Entry<String, String> e : new TreeMap<>(recorded.topicIds).entrySet()) {
            String now = topicIds.get(e.getKey());
            if (now != null && !now.equals(e.getValue())) {
                return "topic " + e.getKey() + " was deleted and created again (id " + e.getValue() + ", now " + now + ")";
            }
        }
        return null;
    }

    /**
     * What to record after a start that kept the state: this origin, plus the recorded ids of topics
     * that do not exist now (so that their re-creation is still noticed).
     */
    public StateOrigin keeping(StateOrigin recorded) {
        if (!recorded.clusterId.equals(clusterId)) {
            return this;
        }
        Map<String, String> ids = new TreeMap<>(recorded.topicIds);
        ids.putAll(topicIds);
        return new StateOrigin(clusterId, ids);
    }

    /** The origin recorded in {@code appStateDir}, or null when none is (new state, or older SIF). */
    public static StateOrigin read(Path appStateDir) {
        Path file = appStateDir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        String cluster = p.getProperty(CLUSTER_KEY);
        if (cluster == null || cluster.isBlank()) {
            return null;
        }
        Map<String, String> ids = new TreeMap<>();
        for (String key : p.stringPropertyNames()) {
            if (key.startsWith(TOPIC_PREFIX)) {
                ids.put(key.substring(TOPIC_PREFIX.length()), p.getProperty(key));
            }
        }
        return new StateOrigin(cluster.trim(), ids);
    }

    /** Writes this origin to {@code appStateDir} (created if missing), replacing the file atomically. */
    public void write(Path appStateDir) {
        Properties p = new Properties();
        p.setProperty(CLUSTER_KEY, clusterId);
        topicIds.forEach((topic, id) -> p.setProperty(TOPIC_PREFIX + topic, id));
        try {
            Files.createDirectories(appStateDir);
            Path tmp = appStateDir.resolve(FILE + ".tmp");
            try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                p.store(w, "the cluster and topics this firewall's local state was built from (SIF; see StateOrigin)");
            }
            Files.move(tmp, appStateDir.resolve(FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + appStateDir.resolve(FILE), e);
        }
    }
}
