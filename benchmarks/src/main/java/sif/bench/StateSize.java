package sif.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * What the firewall keeps per tracked source: the serialized key + value bytes of its per-source
 * stores (exactly what the changelog topics carry and RocksDB stores, before RocksDB overhead), read
 * through interactive queries of a running app, and the on-disk size of those stores' RocksDB
 * directories after the app closed (SST files, flushed on close).
 */
public final class StateSize {

    /** @param entries keys per store; @param bytes serialized key+value bytes per store */
    public record Stores(Map<String, Long> entries, Map<String, Long> bytes) {
        public long totalBytes() {
            return bytes.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private StateSize() {}

    /**
     * The key-value stores of {@code topology}'s sub-topologies (global stores excluded), minus
     * {@code exclude}: the state that grows with the sources a firewall tracks.
     */
    public static List<String> perSourceStores(Topology topology, Set<String> exclude) {
        Set<String> names = new TreeSet<>();
        for (TopologyDescription.Subtopology st : topology.describe().subtopologies()) {
            for (TopologyDescription.Node n : st.nodes()) {
                if (n instanceof TopologyDescription.Processor p) {
                    names.addAll(p.stores());
                }
            }
        }
        names.removeAll(exclude);
        return List.copyOf(names);
    }

    /**
     * Serialized sizes of {@code storeNames} (key-value stores) of a started app. A store cannot be
     * queried while the app rebalances (a group can rebalance again right after its first
     * assignment, e.g. when a member's metadata changes): the whole reading is retried until the app
     * is RUNNING and every store answers, for up to {@code timeout}.
     *
     * @throws InvalidStateStoreException when the stores do not answer within {@code timeout}
     */
    public static Stores serialized(KafkaStreams streams, List<String> storeNames, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            KafkaStreams.State state = streams.state();
            if (!state.isRunningOrRebalancing()) {
                throw new InvalidStateStoreException("the app is " + state + ": its stores cannot be read");
            }
            if (state == KafkaStreams.State.RUNNING) {
                try {
                    return readStores(streams, storeNames);
                } catch (InvalidStateStoreException e) {
                    if (System.nanoTime() > deadline) {
                        throw e;
                    }
                }
            } else if (System.nanoTime() > deadline) {
                throw new InvalidStateStoreException("the app stayed " + state + " for " + timeout
                        + ": its stores cannot be read");
            }
            Thread.sleep(100);
        }
    }

    private static Stores readStores(KafkaStreams streams, List<String> storeNames) {
        Map<String, Long> entries = new LinkedHashMap<>();
        Map<String, Long> bytes = new LinkedHashMap<>();
        for (String name : storeNames) {
            ReadOnlyKeyValueStore<Object, Object> store = streams.store(
                    StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.keyValueStore()));
            long n = 0;
            long b = 0;
            try (KeyValueIterator<Object, Object> it = store.all()) {
                while (it.hasNext()) {
                    var kv = it.next();
                    n++;
                    b += sizeOf(kv.key) + sizeOf(kv.value);
                }
            }
            entries.put(name, n);
            bytes.put(name, b);
        }
        return new Stores(entries, bytes);
    }

    /** Committed records and their key + value bytes in one store's changelog topic. */
    public record Changelog(long records, long bytes) {}

    /**
     * What each of {@code storeNames} wrote to its changelog topic ({@code <applicationId>-<store>-changelog};
     * stores without one are left out): the committed records, read with read_committed (transaction
     * markers and aborted records are not counted) after the app closed. This is the state traffic the
     * firewall sends the broker, per store.
     */
    public static Map<String, Changelog> changelogs(Map<String, Object> clientConfig, String applicationId,
                                                    List<String> storeNames) throws InterruptedException,
            ExecutionException {
        Map<String, Object> c = new HashMap<>(clientConfig);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        Map<String, Changelog> out = new LinkedHashMap<>();
        try (Admin admin = Admin.create(clientConfig);
             KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(),
                     new ByteArrayDeserializer())) {
            Set<String> topics = admin.listTopics().names().get();
            for (String store : storeNames) {
                String topic = applicationId + "-" + store + "-changelog";
                if (!topics.contains(topic)) {
                    continue;
                }
                List<TopicPartition> parts = consumer.partitionsFor(topic).stream()
                        .map(pi -> new TopicPartition(topic, pi.partition())).toList();
                consumer.assign(parts);
                consumer.seekToBeginning(parts);
                Map<TopicPartition, Long> end = consumer.endOffsets(parts);
                long records = 0;
                long bytes = 0;
                long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
                while (parts.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("changelog " + topic + " not read to its end in 120 s");
                    }
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                        records++;
                        bytes += (r.key() == null ? 0 : r.key().length) + (r.value() == null ? 0 : r.value().length);
                    }
                }
                out.put(store, new Changelog(records, bytes));
            }
        }
        return out;
    }

    static long sizeOf(Object o) {
        if (o == null) {
            return 0;
        }
        if (o instanceof byte[] b) {
            return b.length;
        }
        if (o instanceof String s) {
            return s.getBytes(StandardCharsets.UTF_8).length;
        }
        if (o instanceof Long) {
            return Long.BYTES;
        }
        throw new IllegalArgumentException("cannot size a store value of type " + o.getClass().getName());
    }

    /** Bytes of the files under every {@code <stateDir>/<appId>/<task>/rocksdb/<store>} directory. */
    public static long onDisk(Path appStateDir, String storeName) {
        if (!Files.isDirectory(appStateDir)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(appStateDir)) {
            return files.filter(Files::isRegularFile)
                    .filter(p -> p.toString().contains("/rocksdb/" + storeName + "/"))
                    .mapToLong(p -> {
                        try {
                            return Files.size(p);
                        } catch (IOException e) {
                            return 0;
                        }
                    }).sum();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot size state directory " + appStateDir, e);
        }
    }
}
