package sif.model.artifact;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sif.flows.ClassMapping;
import sif.flows.FlowFeatures;
import sif.model.ClassifierSession;
import sif.model.SequenceClassifier;
import sif.model.data.FeatureScaler;
import sif.model.data.InputRange;
import sif.model.nn.Networks;

/** Loads a small (untrained) artifact written here, so it runs without data or a committed model. */
class ModelArtifactTest {

    @TempDir
    static Path tmp;
    static Path dir;

    @BeforeAll
    static void writeArtifact() throws IOException {
        dir = tmp.resolve("tiny");
        Files.createDirectories(dir);
        try (Model m = Model.newInstance("tiny", Device.cpu(), ModelArtifact.ENGINE)) {
            m.setBlock(Networks.lstm(5));
            m.getBlock().initialize(m.getNDManager(), DataType.FLOAT32, new Shape(1, 10, FeatureScaler.INPUTS));
            m.setProperty("Epoch", "0");
            m.save(dir, "tiny");
        }
        Path w = dir.resolve("tiny-0000.params");
        double[] zeros = new double[FeatureScaler.INPUTS];
        double[] ones = new double[FeatureScaler.INPUTS];
        Arrays.fill(ones, 1);
        ModelMetadata meta = new ModelMetadata(ModelMetadata.FORMAT_VERSION, "tiny", "tiny-test", "2026-01-01T00:00:00Z",
                "five", ClassMapping.FIVE.classes(), FlowFeatures.csvNames(), FeatureScaler.inputNames(),
                new ModelMetadata.Scaler("test", ones, zeros, zeros, ones), 10, "left", 1.5, 0.85, "lstm",
                new ModelMetadata.Weights("tiny-0000.params", "DJL", ModelArtifact.sha256(w), Files.size(w)),
                new ModelMetadata.Data("none", List.of(), "none", Map.of()), null);
        ModelArtifact.json().writeValue(dir.resolve(ModelArtifact.METADATA).toFile(), meta);
    }

    static float[][] sequence(int len, float v) {
        float[][] s = new float[len][FlowFeatures.COUNT];
        for (float[] r : s) {
            Arrays.fill(r, v);
        }
        return s;
    }

    @Test
    void loadsAndPredictsCalibratedProbabilitiesForABatch() {
        try (SequenceClassifier c = ModelArtifact.load(dir); ClassifierSession s = c.newSession()) {
            assertEquals(List.of("BENIGN", "DDoS", "DoS", "PortScan", "Other"), c.info().classNames());
            assertEquals(10, c.info().sequenceLength());
            assertEquals(0.85, c.info().decisionThreshold());
            List<float[][]> batch = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                batch.add(sequence(1 + i % 15, i));
            }
            batch.set(3, sequence(4, Float.POSITIVE_INFINITY));
            batch.get(5)[0][0] = Float.NaN;
            float[][] p = s.predict(batch);
            assertEquals(64, p.length);
            for (float[] row : p) {
                assertEquals(5, row.length);
                double sum = 0;
                for (float v : row) {
                    assertTrue(v >= 0 && v <= 1 && Float.isFinite(v));
                    sum += v;
                }
                assertEquals(1.0, sum, 1e-5);
            }
            // a sequence longer than T is cut to its last T flows
            float[][] longSeq = sequence(15, 2);
            for (int k = 0; k < 5; k++) {
                Arrays.fill(longSeq[k], 1000);
            }
            float[] a = s.predict(List.<float[][]>of(longSeq))[0];
            float[] b = s.predict(List.<float[][]>of(sequence(10, 2)))[0];
            for (int k = 0; k < 5; k++) {
                assertEquals(b[k], a[k], 1e-6);
            }
            assertEquals(0, s.predict(List.<float[][]>of()).length);
        }
    }

    @Test
    void inputRowsMadeOnceGiveTheSameProbabilitiesAsRawSequences() {
        try (SequenceClassifier c = ModelArtifact.load(dir); ClassifierSession s = c.newSession()) {
            List<float[][]> raw = new ArrayList<>();
            List<float[][]> inputs = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                float[][] seq = sequence(1 + i % 12, i * 3.5f);
                seq[0][i % 77] = i % 2 == 0 ? Float.POSITIVE_INFINITY : Float.NaN;
                raw.add(seq);
                float[][] in = new float[seq.length][];
                for (int k = 0; k < seq.length; k++) {
                    in[k] = c.input(seq[k]);
                    assertEquals(76, in[k].length);
                }
                inputs.add(in);
            }
            float[][] a = s.predict(raw);
            float[][] b = s.predictInputs(inputs);
            for (int i = 0; i < a.length; i++) {
                assertArrayEquals(a[i], b[i], 0f);
            }
            assertTrue(c.inputFormat().startsWith("scaled-76/"), c.inputFormat());
            var e = assertThrows(IllegalArgumentException.class, () -> s.predictInputs(raw));
            assertTrue(e.getMessage().contains("76 model inputs"), e.getMessage());
        }
    }

    /**
     * The artifact checks its own (scaled) input rows against its training range as the range checks raw
     * flows: the same names for the same sequences, earlier flows included.
     */
    @Test
    void theTrainingRangeIsCheckedOnTheModelsInputRowsAsOnRawFlows() {
        try (SequenceClassifier c = ModelArtifact.load(dir)) {
            float[] inside = sequence(1, 0.5f)[0];
            float[] outside = sequence(1, 0.5f)[0];
            outside[FeatureScaler.INPUT_INDICES[4]] = 5f;
            outside[FeatureScaler.INPUT_INDICES[0]] = -3f;
            String a = FeatureScaler.inputNames().get(0);
            String b = FeatureScaler.inputNames().get(4);
            for (float[][] seq : List.of(new float[][] {inside, outside}, new float[][] {outside, inside},
                    new float[][] {inside, inside})) {
                float[][] rows = {c.input(seq[0]), c.input(seq[1])};
                List<String> expected = seq[1] == outside ? List.of(a, b)
                        : seq[0] == outside ? List.of(InputRange.EARLIER + a, InputRange.EARLIER + b) : List.of();
                assertEquals(expected, c.inputRange().outsideOfSequence(seq, 2, InputRange.Rows.RAW));
                assertEquals(expected, c.inputsOutside(rows, 2));
            }
        }
    }

    @Test
    void rejectsMalformedInputWithAClearError() {
        try (SequenceClassifier c = ModelArtifact.load(dir); ClassifierSession s = c.newSession()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> s.predict(List.<float[][]>of(new float[][] {new float[76]})));
            assertTrue(e.getMessage().contains("77"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> s.predict(List.<float[][]>of(new float[0][])));
        }
    }

    /** The artifact's weights and metadata, copied into a directory of their own. */
    static Path copyOfArtifact(String name) throws IOException {
        Path copy = Files.createDirectories(tmp.resolve(name));
        for (String f : List.of("tiny-0000.params", ModelArtifact.METADATA)) {
            Files.copy(dir.resolve(f), copy.resolve(f));
        }
        return copy;
    }

    @Test
    void refusesTamperedWeights() throws IOException {
        Path copy = copyOfArtifact("tampered");
        byte[] w = Files.readAllBytes(copy.resolve("tiny-0000.params"));
        w[w.length - 10] ^= 0x01;
        Files.write(copy.resolve("tiny-0000.params"), w);
        ModelArtifactException e = assertThrows(ModelArtifactException.class, () -> ModelArtifact.load(copy));
        assertTrue(e.getMessage().contains("SHA-256") && e.getMessage().contains("refusing"), e.getMessage());
    }

    @Test
    void loadsTheVerifiedWeightsNotAnotherParamsFileBesideThem() throws IOException {
        Path copy = copyOfArtifact("stray");
        float[][] seq = sequence(10, 3f);
        float[] verified;
        try (SequenceClassifier c = ModelArtifact.load(copy); ClassifierSession s = c.newSession()) {
            verified = s.predict(List.<float[][]>of(seq))[0];
        }
        // other weights as tiny-0001.params: DJL's load(dir, prefix) picks the highest-numbered file
        try (Model m = Model.newInstance("tiny", Device.cpu(), ModelArtifact.ENGINE)) {
            ai.djl.engine.Engine.getEngine(ModelArtifact.ENGINE).setRandomSeed(999);
            m.setBlock(Networks.lstm(5));
            m.getBlock().initialize(m.getNDManager(), DataType.FLOAT32, new Shape(1, 10, FeatureScaler.INPUTS));
            m.setProperty("Epoch", "1");
            m.save(copy, "tiny");
        }
        assertTrue(Files.exists(copy.resolve("tiny-0001.params")));
        try (SequenceClassifier c = ModelArtifact.load(copy); ClassifierSession s = c.newSession()) {
            assertArrayEquals(verified, s.predict(List.<float[][]>of(seq))[0], 0f, "the weights whose SHA-256 was checked");
        }
    }

    @Test
    void refusesMissingDirectoryAndMetadata() throws IOException {
        assertThrows(ModelArtifactException.class, () -> ModelArtifact.load(tmp.resolve("nope")));
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        ModelArtifactException e = assertThrows(ModelArtifactException.class, () -> ModelArtifact.load(empty));
        assertTrue(e.getMessage().contains("metadata.json"), e.getMessage());
    }

    @Test
    void refusesScalerValuesAndThresholdsNoInputCouldBeMadeWith() throws IOException {
        Map<String, java.util.function.Consumer<com.fasterxml.jackson.databind.node.ObjectNode>> edits = Map.of(
                "scaler.std[3]", m -> ((com.fasterxml.jackson.databind.node.ArrayNode) m.with("scaler").get("std"))
                        .set(3, 0.0),
                "scaler.mean[0]", m -> ((com.fasterxml.jackson.databind.node.ArrayNode) m.with("scaler").get("mean"))
                        .set(0, Double.NaN),
                "scaler.neg_inf_replacement needs 76", m -> ((com.fasterxml.jackson.databind.node.ArrayNode)
                        m.with("scaler").get("neg_inf_replacement")).remove(0),
                "decision_threshold", m -> m.put("decision_threshold", 1.5),
                // the outputs are in the mapping's order: a reordered list would rename every verdict
                "class_names", m -> ((com.fasterxml.jackson.databind.node.ArrayNode) m.get("class_names"))
                        .set(3, "Other").set(4, "PortScan"),
                "unknown class mapping", m -> m.put("class_mapping", "seven"),
                // the firewall's sequence store holds at most 255 flows per source: it failed later, as a Streams error
                "sequence_length 300 is over 255", m -> m.put("sequence_length", 300));
        for (var edit : edits.entrySet()) {
            Path copy = copyOfArtifact("bad-" + Math.abs(edit.getKey().hashCode()));
            Path f = copy.resolve(ModelArtifact.METADATA);
            var json = ModelArtifact.json();
            var meta = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(f.toFile());
            edit.getValue().accept(meta);
            json.writeValue(f.toFile(), meta);
            ModelArtifactException e = assertThrows(ModelArtifactException.class, () -> ModelArtifact.load(copy));
            assertTrue(e.getMessage().contains(edit.getKey()), e.getMessage());
        }
    }

    /**
     * The input format — what the firewall's stored sequences are tagged with — changes with the scaler: an
     * edited metadata.json keeps its version, and sequences scaled the old way were mixed with new rows.
     */
    @Test
    void theInputFormatChangesWithTheScaler() throws IOException {
        Path copy = copyOfArtifact("rescaled");
        Path f = copy.resolve(ModelArtifact.METADATA);
        var json = ModelArtifact.json();
        var meta = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(f.toFile());
        var mean = (com.fasterxml.jackson.databind.node.ArrayNode) meta.with("scaler").get("mean");
        mean.set(0, mean.get(0).asDouble() + 1e6);
        json.writeValue(f.toFile(), meta);
        try (SequenceClassifier original = ModelArtifact.load(dir); SequenceClassifier edited = ModelArtifact.load(copy)) {
            assertEquals(original.info().version(), edited.info().version());
            assertTrue(!original.inputFormat().equals(edited.inputFormat()), original.inputFormat());
        }
        try (SequenceClassifier again = ModelArtifact.load(dir); SequenceClassifier original = ModelArtifact.load(dir)) {
            assertEquals(original.inputFormat(), again.inputFormat());
        }
    }

    /**
     * A thread that has not stopped (Kafka Streams' close timing out with a batch in the model) may still
     * predict after its owner closes the model: the weights stay until its session closes.
     */
    @Test
    void closingTheModelUnderAnOpenSessionFreesTheWeightsWhenTheSessionCloses() {
        SequenceClassifier c = ModelArtifact.load(dir);
        ClassifierSession s = c.newSession();
        float[] before = s.predict(List.<float[][]>of(sequence(10, 3)))[0];
        c.close();
        assertFalse(ModelArtifact.weightsFreed(c), "a session is open");
        assertArrayEquals(before, s.predict(List.<float[][]>of(sequence(10, 3)))[0], 0f);
        IllegalStateException e = assertThrows(IllegalStateException.class, c::newSession);
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        s.close();
        assertTrue(ModelArtifact.weightsFreed(c), "freed with the last session");
        s.close(); // idempotent: the count does not go below zero
        c.close();

        SequenceClassifier idle = ModelArtifact.load(dir);
        idle.newSession().close();
        idle.close();
        assertTrue(ModelArtifact.weightsFreed(idle), "no session open: freed at once");
    }

    @Test
    void sessionsOnSeveralThreadsShareOneModel() throws Exception {
        try (SequenceClassifier c = ModelArtifact.load(dir)) {
            List<Thread> threads = new ArrayList<>();
            float[][][] results = new float[2][][];
            for (int t = 0; t < 2; t++) {
                int id = t;
                threads.add(new Thread(() -> {
                    try (ClassifierSession s = c.newSession()) {
                        results[id] = s.predict(List.<float[][]>of(sequence(10, 3)));
                    }
                }));
            }
            for (Thread th : threads) {
                th.start();
            }
            for (Thread th : threads) {
                th.join();
            }
            for (int k = 0; k < 5; k++) {
                assertEquals(results[0][0][k], results[1][0][k], 1e-6);
            }
        }
    }
}
