package sif.firewall;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import sif.model.ClassifierSession;
import sif.model.SequenceClassifier;
import sif.schemas.Flows;
import sif.schemas.avro.IdentityStatus;
import sif.schemas.avro.NetworkFlow;

/** The model inputs a batch is given: each flow's stored sequence, in row arrays reused between batches. */
class InferenceRunnerTest {

    static final int WIDTH = 4;
    static final int FORMAT = 9;

    /** Keeps each call's inputs as they were during the call (copies), and the row arrays it was given. */
    static final class RecordingClassifier implements SequenceClassifier {
        final List<List<float[][]>> copies = new ArrayList<>();
        final List<List<float[][]>> given = new ArrayList<>();

        @Override
        public ModelInfo info() {
            return new ModelInfo("recording", List.of("A", "B"), 10, 0.85);
        }

        @Override
        public void close() {
        }

        @Override
        public ClassifierSession newSession() {
            return new ClassifierSession() {
                @Override
                public float[][] predict(List<float[][]> sequences) {
                    List<float[][]> copy = new ArrayList<>();
                    for (float[][] s : sequences) {
                        float[][] c = new float[s.length][];
                        for (int k = 0; k < s.length; k++) {
                            c[k] = s[k].clone();
                        }
                        copy.add(c);
                    }
                    copies.add(copy);
                    given.add(List.copyOf(sequences));
                    float[][] out = new float[sequences.size()][];
                    for (int i = 0; i < out.length; i++) {
                        out[i] = new float[] {0.5f, 0.5f};
                    }
                    return out;
                }

                @Override
                public void close() {
                }
            };
        }
    }

    /** A flow whose stored sequence has {@code n} rows; row k is {base + k, ...}. */
    static PendingFlow flow(String id, int n, float base) {
        byte[] s = null;
        for (int k = 0; k < n; k++) {
            s = SequenceWindow.append(s, 1_000L * k, new float[] {base + k, base + k + 0.25f, -base, k}, FORMAT, 10, 60_000);
        }
        NetworkFlow f = TestFlows.flow(id, "10.0.0.1", 1_000, 500, 5);
        FlowContext c = new FlowContext(f, Flows.featuresAsFloat(f), TestFlows.bytes(f), 2_000, "flows", 0, 0,
                IdentityStatus.NOT_EVALUATED, null, List.of());
        return PendingFlow.of(c, s);
    }

    @Test
    void everyBatchGetsItsOwnFlowsRowsAndTheRowArraysAreReused() throws Exception {
        RecordingClassifier model = new RecordingClassifier();
        List<List<PendingFlow>> batches = List.of(
                List.of(flow("a", 3, 10), flow("b", 1, 20), flow("c", 2, 30)),
                List.of(flow("d", 1, 40), flow("e", 3, 50))); // slot 0 shorter, slot 1 longer
        try (InferenceRunner runner = InferenceRunner.inline(model, FORMAT, WIDTH)) {
            for (List<PendingFlow> batch : batches) {
                InferenceRunner.Outcome out = runner.submit(batch).get();
                for (int i = 0; i < batch.size(); i++) {
                    assertNull(out.errors[i]);
                }
            }
        }
        assertEquals(2, model.copies.size());
        for (int b = 0; b < 2; b++) {
            for (int i = 0; i < batches.get(b).size(); i++) {
                float[][] expected = SequenceWindow.rows(batches.get(b).get(i).sequence());
                float[][] seen = model.copies.get(b).get(i);
                assertEquals(expected.length, seen.length, "batch " + b + " flow " + i);
                for (int k = 0; k < expected.length; k++) {
                    assertArrayEquals(expected[k], seen[k], "batch " + b + " flow " + i + " row " + k);
                }
            }
        }
        // the second batch wrote into the first's row arrays: no rows allocated per flow
        assertSame(model.given.get(0).get(0)[0], model.given.get(1).get(0)[0]);
        assertSame(model.given.get(0).get(1)[0], model.given.get(1).get(1)[0]);
    }

    @Test
    void rowsAreCopiedOnlyIntoArraysOfTheirCountAndWidth() {
        byte[] s = SequenceWindow.append(null, 1, new float[] {1, 2, 3, 4}, FORMAT, 10, 60_000);
        byte[] two = SequenceWindow.append(s, 2, new float[] {5, 6, 7, 8}, FORMAT, 10, 60_000);
        float[][] rows = {new float[WIDTH], new float[WIDTH]};
        SequenceWindow.rowsInto(two, rows);
        assertArrayEquals(new float[] {1, 2, 3, 4}, rows[0]);
        assertArrayEquals(new float[] {5, 6, 7, 8}, rows[1]);
        assertThrows(IllegalArgumentException.class, () -> SequenceWindow.rowsInto(s, rows));
        assertThrows(IllegalArgumentException.class, () -> SequenceWindow.rowsInto(s, new float[][] {new float[3]}));
    }

    /** A classifier whose sessions are made by {@code sessions}. */
    static SequenceClassifier withSessions(java.util.function.Supplier<ClassifierSession> sessions) {
        return new SequenceClassifier() {
            @Override
            public ModelInfo info() {
                return new ModelInfo("test", List.of("A", "B"), 10, 0.85);
            }

            @Override
            public ClassifierSession newSession() {
                return sessions.get();
            }

            @Override
            public void close() {
            }
        };
    }

    static long liveThreadsNamed(String name) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(name)).count();
    }

    /** A session that cannot be opened (the model failed to load): the runner's thread is stopped, not left idle. */
    @Test
    void aSessionThatCannotBeOpenedLeavesNoThreadBehind() throws Exception {
        SequenceClassifier broken = withSessions(() -> {
            throw new IllegalStateException("model failed to load");
        });
        for (int i = 0; i < 5; i++) {
            assertThrows(RuntimeException.class,
                    () -> InferenceRunner.pipelined(broken, FORMAT, WIDTH, "sif-inference-open-fails"));
        }
        for (int i = 0; i < 100 && liveThreadsNamed("sif-inference-open-fails") > 0; i++) {
            Thread.sleep(10);
        }
        assertEquals(0, liveThreadsNamed("sif-inference-open-fails"));
    }

    /**
     * Closed while a batch runs: the batch still has its session (close used to set the field to null, and a
     * batch failing meanwhile retried each flow on it: a NullPointerException per flow), which is closed after.
     */
    @Test
    void aBatchRunningWhileTheRunnerClosesKeepsItsSession() throws Exception {
        java.util.concurrent.CountDownLatch inCall = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicInteger closes = new java.util.concurrent.atomic.AtomicInteger();
        SequenceClassifier model = withSessions(() -> new ClassifierSession() {
            @Override
            public float[][] predict(List<float[][]> sequences) {
                if (sequences.size() > 1) {
                    inCall.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    throw new IllegalStateException("the batch call fails");
                }
                return new float[][] {{0.9f, 0.1f}};
            }

            @Override
            public void close() {
                closes.incrementAndGet();
            }
        });
        InferenceRunner runner = InferenceRunner.pipelined(model, FORMAT, WIDTH, "sif-inference-close-test");
        java.util.concurrent.Future<InferenceRunner.Outcome> outcome =
                runner.submit(List.of(flow("a", 2, 1), flow("b", 2, 5)));
        inCall.await();
        Thread closer = new Thread(runner::close);
        closer.start();
        Thread.sleep(200); // close() is waiting for the running call
        release.countDown();
        closer.join();
        InferenceRunner.Outcome out = outcome.get();
        assertNull(out.errors[0]);
        assertNull(out.errors[1]);
        assertEquals(1, closes.get());
        runner.close(); // a second close does nothing
        assertEquals(1, closes.get());
    }

    /**
     * The stream thread interrupted while it waits for a batch: a StreamsException, which fails the stream
     * thread (its tasks resume from their last commit), not one the processing handler would dead-letter the
     * record at hand for and go on without the batch, already off the in-flight queue.
     */
    @Test
    void anInterruptedWaitFailsTheStreamThread() {
        java.util.concurrent.CompletableFuture<String> never = new java.util.concurrent.CompletableFuture<>();
        Thread.currentThread().interrupt();
        try {
            assertThrows(org.apache.kafka.streams.errors.StreamsException.class, () -> InferenceRunner.await(never));
        } finally {
            Thread.interrupted();
        }
    }
}
