package sif.firewall;

import sif.model.data.InputRange;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import sif.model.ClassifierSession;
import sif.model.SequenceClassifier;

/**
 * A small deterministic classifier for topology tests, with rules on the raw features of the
 * sequence (feature 1 = Total Fwd Packets, feature 0 = Flow Duration):
 * <ul>
 *   <li>last flow has at least 1000 fwd packets: DDoS 0.95 (BLOCK);</li>
 *   <li>last flow has at least 100 fwd packets: DoS 0.60 (ALERT);</li>
 *   <li>sequence of at least 3 flows, every flow with exactly 1 fwd packet: PortScan 0.85 (ALERT, at
 *       the threshold);</li>
 *   <li>otherwise BENIGN 0.90 (ALLOW).</li>
 * </ul>
 * A sequence whose last flow has Flow Duration {@value #POISON_DURATION} makes {@code predict} throw. Records every
 * batch size it was called with.
 */
final class RuleClassifier implements SequenceClassifier {

    static final List<String> CLASSES = List.of("BENIGN", "DDoS", "DoS", "PortScan", "Other");
    static final double POISON_DURATION = 123456.789; // CICFlowMeter durations are whole microseconds

    final List<Integer> batchSizes = Collections.synchronizedList(new ArrayList<>());
    final List<Integer> sessionsOpened = Collections.synchronizedList(new ArrayList<>());
    final List<Integer> sessionsClosed = Collections.synchronizedList(new ArrayList<>());
    /** Threads sessions were opened and closed on ("open:NAME", "close:NAME"). */
    final List<String> sessionThreads = Collections.synchronizedList(new ArrayList<>());
    /** Threads the inference calls ran on. */
    final List<String> callThreads = Collections.synchronizedList(new ArrayList<>());
    /** While set and not counted down, inference calls wait for it (to hold a batch "in the model"). */
    volatile java.util.concurrent.CountDownLatch gate;
    private final ModelInfo info;

    RuleClassifier() {
        this(10);
    }

    RuleClassifier(int t) {
        this.info = new ModelInfo("rules-test-1", CLASSES, t, 0.85);
    }

    @Override
    public ModelInfo info() {
        return info;
    }

    @Override
    public ClassifierSession newSession() {
        sessionsOpened.add(1);
        sessionThreads.add("open:" + Thread.currentThread().getName());
        return new ClassifierSession() {
            @Override
            public float[][] predict(List<float[][]> sequences) {
                callThreads.add(Thread.currentThread().getName());
                var g = gate;
                if (g != null) {
                    try {
                        g.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                batchSizes.add(sequences.size());
                float[][] out = new float[sequences.size()][];
                for (int i = 0; i < out.length; i++) {
                    out[i] = classify(sequences.get(i));
                }
                return out;
            }

            @Override
            public void close() {
                sessionThreads.add("close:" + Thread.currentThread().getName());
                sessionsClosed.add(1);
            }
        };
    }

    /** The offline decision of this model on one sequence. */
    static float[] classify(float[][] seq) {
        float[] last = seq[seq.length - 1];
        if (last[0] == (float) POISON_DURATION) {
            throw new IllegalStateException("poison flow");
        }
        if (last[1] >= 1000) {
            return probs(1, 0.95f);
        }
        if (last[1] >= 100) {
            return probs(2, 0.60f);
        }
        if (seq.length >= 3) {
            boolean allOne = true;
            for (float[] f : seq) {
                allOne &= f[1] == 1;
            }
            if (allOne) {
                return probs(3, 0.85f);
            }
        }
        return probs(0, 0.90f);
    }

    static float[] probs(int cls, float p) {
        float[] out = new float[CLASSES.size()];
        java.util.Arrays.fill(out, (1 - p) / (CLASSES.size() - 1));
        out[cls] = p;
        return out;
    }

    /** The training range {@link #inputRange()} reports; null (the default): none. */
    volatile InputRange inputRange;

    @Override
    public InputRange inputRange() {
        return inputRange;
    }

    @Override
    public void close() {}
}
