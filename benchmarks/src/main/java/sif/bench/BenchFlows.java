package sif.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serializer;
import sif.firewall.FirewallConfig;
import sif.firewall.FlowValidator;
import sif.firewall.SequenceWindow;
import sif.model.SequenceClassifier;
import sif.flows.DataPaths;
import sif.flows.FlowCsvReader;
import sif.flows.FlowRecord;
import sif.producer.synthetic.SyntheticProfiles;
import sif.producer.synthetic.SyntheticScenario;
import sif.schemas.Flows;
import sif.schemas.avro.NetworkFlow;
import sif.schemas.serde.AvroSerdes;

/**
 * The flows the benchmarks replay: the real CICIDS2017 TrafficLabelling rows of the data root
 * (every row that has a flow id and both addresses), or, without data, the SYNTHETIC scenario of
 * flow-producer. A benchmark cycles through them, giving each copy a fresh flow id and event time.
 */
public final class BenchFlows {

    private final List<NetworkFlow> templates;
    private final String origin;

    private BenchFlows(List<NetworkFlow> templates, String origin) {
        if (templates.isEmpty()) {
            throw new IllegalArgumentException("no usable flows from " + origin);
        }
        this.templates = List.copyOf(templates);
        this.origin = origin;
    }

    /**
     * The real rows of {@code dir} (a CICIDS2017 CSV file or directory).
     *
     * @throws IllegalArgumentException when it holds no row usable as a keyed flow
     */
    public static BenchFlows real(Path dir) throws IOException {
        List<NetworkFlow> flows = new ArrayList<>();
        FlowCsvReader.read(dir, r -> {
            if (r.flowId() != null && r.srcIp() != null && r.dstIp() != null) {
                flows.add(Flows.toAvro(r));
            }
        });
        return new BenchFlows(flows, "real CICIDS2017 rows from " + dir.toAbsolutePath().normalize()
                + " (" + flows.size() + " rows, repeated)");
    }

    /** {@code n} SYNTHETIC flows of the built-in scenario (seeded, fixed start time, 1 ms apart). */
    public static BenchFlows synthetic(int n, long seed) {
        Clock clock = Clock.fixed(Instant.parse("2017-07-07T12:00:00Z"), ZoneOffset.UTC);
        SyntheticScenario scenario = new SyntheticScenario(SyntheticProfiles.builtIn(), seed, clock);
        List<NetworkFlow> flows = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            FlowRecord r = scenario.next();
            NetworkFlow f = Flows.toAvro(r);
            f.setEventTimeMs(r.timestampMs() + i);
            flows.add(f);
        }
        return new BenchFlows(flows, "SYNTHETIC flows (built-in scenario fitted on CICIDS2017, " + n + " flows, repeated)");
    }

    /**
     * Real rows from {@code dir} when it is a directory or file with usable rows, else the synthetic
     * scenario ({@code dir == null} means the data root's cicids2017 directory).
     */
    public static BenchFlows realOrSynthetic(Path dir) throws IOException {
        Path d = dir != null ? dir : DataPaths.cicids2017();
        if (java.nio.file.Files.exists(d)) {
            try {
                return real(d);
            } catch (IllegalArgumentException e) {
                // no keyed rows (e.g. MachineLearningCVE layout): fall through to synthetic
            }
        }
        return synthetic(4096, 42);
    }

    public String origin() {
        return origin;
    }

    public int size() {
        return templates.size();
    }

    /** The i-th template (cycling); shared, do not modify. */
    public NetworkFlow template(long i) {
        return templates.get((int) (i % templates.size()));
    }

    /** Distinct source addresses among the templates. */
    public int distinctSources() {
        return (int) templates.stream().map(NetworkFlow::getSrcIp).distinct().count();
    }

    /** {@link #sequences(int, int, long, SequenceClassifier)} of raw feature rows (77 per flow). */
    public List<float[][]> sequences(int n, int sequenceLength, long maxAgeMs) {
        return sequences(n, sequenceLength, maxAgeMs, null);
    }

    /**
     * Model inputs as the firewall builds them: the templates that pass the firewall's default
     * validation, each turned into {@code model}'s input row ({@link SequenceClassifier#input}; raw
     * features when {@code model} is {@code null}) and appended in order to their source's
     * {@link SequenceWindow} (T flows, max age {@code maxAgeMs}); one sequence per flow, cycling
     * through the templates until {@code n}. For {@link sif.model.ClassifierSession#predictInputs}.
     */
    public List<float[][]> sequences(int n, int sequenceLength, long maxAgeMs, SequenceClassifier model) {
        FlowValidator validator = FlowValidator.from(FirewallConfig.defaults());
        Map<String, byte[]> windows = new HashMap<>();
        List<float[][]> out = new ArrayList<>(n);
        long shift = 0;
        long span = spanMs();
        while (out.size() < n) {
            int before = out.size();
            for (NetworkFlow f : templates) {
                if (out.size() >= n) {
                    break;
                }
                if (validator.check(f, Flows.features(f), System.currentTimeMillis()) != null) {
                    continue;
                }
                float[] raw = Flows.featuresAsFloat(f);
                byte[] w = SequenceWindow.append(windows.get(f.getSrcIp()), f.getEventTimeMs() + shift,
                        model == null ? raw : model.input(raw), sequenceLength, maxAgeMs);
                windows.put(f.getSrcIp(), SequenceWindow.context(w, sequenceLength));
                out.add(SequenceWindow.rows(w));
            }
            if (out.size() == before) {
                throw new IllegalArgumentException("no flow of " + origin + " passes the firewall's validation");
            }
            shift += span + 1;
        }
        return out;
    }

    private long spanMs() {
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (NetworkFlow f : templates) {
            min = Math.min(min, f.getEventTimeMs());
            max = Math.max(max, f.getEventTimeMs());
        }
        return Math.max(0, max - min);
    }

    /** A new encoder (one per producing thread). */
    public Encoder encoder(String runId) {
        return new Encoder(this, runId);
    }

    /**
     * Encodes copy {@code i} of the templates with a fresh flow id ({@code <original>#<run>-<i>})
     * and the given event time, in the firewall's input format (Avro single-object encoding).
     * Not thread-safe: it reuses one mutable record.
     */
    public static final class Encoder {
        private final BenchFlows flows;
        private final String runId;
        private final Serializer<NetworkFlow> serializer = AvroSerdes.singleObject(NetworkFlow.class).serializer();
        private final List<NetworkFlow> copies;

        private Encoder(BenchFlows flows, String runId) {
            this.flows = flows;
            this.runId = runId;
            this.copies = new ArrayList<>(flows.templates.size());
            for (NetworkFlow t : flows.templates) {
                copies.add(NetworkFlow.newBuilder(t).build());
            }
        }

        /** The key (source IP) of copy {@code i}. */
        public String key(long i) {
            return copies.get((int) (i % copies.size())).getSrcIp();
        }

        public byte[] encode(long i, long eventTimeMs, String topic) {
            int k = (int) (i % copies.size());
            NetworkFlow f = copies.get(k);
            f.setFlowId(flows.templates.get(k).getFlowId() + "#" + runId + "-" + i);
            f.setEventTimeMs(eventTimeMs);
            return serializer.serialize(topic, f);
        }
    }
}
