package sif.firewall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import sif.flows.FlowFeatures;
import sif.model.SequenceClassifier;
import sif.model.data.FeatureScaler;
import sif.model.data.InputRange;

/**
 * The policy step's range check on the shipped model's own snapshots (scaled rows, as the firewall stores
 * them): the flow's inputs, earlier flows' as {@code earlier:}, only the last T rows, the fallback to the
 * flow's features for a snapshot of other rows, and a model that cannot check its rows refused.
 */
class TrainingRangeCheckTest {

    private static SequenceClassifier model;
    private static int format;
    private static final String FLOW_DURATION = "Flow Duration";
    /** Flow Duration's index among the model inputs. */
    private static final int J = FeatureScaler.inputNames().indexOf(FLOW_DURATION);
    private static float outside;

    @BeforeAll
    static void open() {
        model = ModelLoader.open(FirewallEndToEndIT.realModel());
        format = SequenceWindow.formatId(model.inputFormat());
        outside = Math.nextUp((float) model.inputRange().upper(J));
    }

    @AfterAll
    static void close() {
        if (model != null) {
            model.close();
        }
    }

    private static float[] inside() {
        float[] raw = new float[FlowFeatures.COUNT];
        raw[FeatureScaler.INPUT_INDICES[J]] = 1_000;
        return raw;
    }

    private static float[] out() {
        float[] raw = inside();
        raw[FeatureScaler.INPUT_INDICES[J]] = outside;
        return raw;
    }

    /** The snapshot of flows {@code raws}, oldest first, as the sequence step stores it (the last judged). */
    private static byte[] snapshot(float[]... raws) {
        byte[] s = null;
        for (int i = 0; i < raws.length; i++) {
            s = SequenceWindow.append(s, 1_000L * i, model.input(raws[i]), format, 255, Long.MAX_VALUE / 4);
        }
        return s;
    }

    @Test
    void theJudgedFlowsInputsThenEarlierOnesOfTheRowsTheModelLooksAt() {
        TrainingRangeCheck check = TrainingRangeCheck.of(model);
        int t = model.info().sequenceLength();
        assertEquals(List.of(), check.outside(snapshot(inside(), inside()), inside()));
        assertEquals(List.of(FLOW_DURATION), check.outside(snapshot(inside(), out()), out()));
        assertEquals(List.of(InputRange.EARLIER + FLOW_DURATION), check.outside(snapshot(out(), inside()), inside()));
        float[][] longer = new float[t + 1][];
        java.util.Arrays.fill(longer, inside());
        longer[0] = out();
        assertEquals(List.of(), check.outside(snapshot(longer), inside()),
                "a flow before the last T of a longer snapshot is not looked at by the model");
        longer[1] = out();
        assertEquals(List.of(InputRange.EARLIER + FLOW_DURATION), check.outside(snapshot(longer), inside()));
    }

    @Test
    void aSnapshotOfOtherRowsIsCheckedOnTheFlowsOwnFeatures() {
        TrainingRangeCheck check = TrainingRangeCheck.of(model);
        byte[] raw = SequenceWindow.append(SequenceWindow.append(null, 0, out(), 10, 60_000), 1, inside(), 10, 60_000);
        assertEquals(List.of(), check.outside(raw, inside()), "another format: the earlier raw row is not read");
        assertEquals(List.of(FLOW_DURATION), check.outside(raw, out()));
        assertEquals(List.of(FLOW_DURATION), check.outside(null, out()));
        assertEquals(List.of(), check.outside(null, null));
    }

    @Test
    void aModelWithARangeThatCannotCheckItsOwnRowsIsRefused() {
        RuleClassifier plain = new RuleClassifier();
        assertNull(TrainingRangeCheck.of(plain), "no range, no check");
        SequenceClassifier transforming = new SequenceClassifier() {
            @Override
            public ModelInfo info() {
                return model.info();
            }

            @Override
            public sif.model.ClassifierSession newSession() {
                throw new UnsupportedOperationException();
            }

            @Override
            public void close() {
            }

            @Override
            public float[] input(float[] rawFeatures) {
                return model.input(rawFeatures); // 76 scaled values, checked as raw rows by the default
            }

            @Override
            public InputRange inputRange() {
                return model.inputRange();
            }
        };
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> TrainingRangeCheck.of(transforming));
        assertTrue(e.getMessage().contains("cannot check its own input rows (76 values"), e.getMessage());
    }
}
