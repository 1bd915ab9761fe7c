package sif.model.eval;

import java.time.OffsetDateTime;
import java.util.List;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Trainer;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.dtree.CARTClassificationTrainer;
import org.tribuo.classification.ensemble.VotingCombiner;
import org.tribuo.classification.liblinear.LibLinearClassificationTrainer;
import org.tribuo.classification.liblinear.LinearClassificationType;
import org.tribuo.common.tree.RandomForestTrainer;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;
import sif.model.data.FeatureScaler;

/**
 * The per-flow baselines, trained with Tribuo (Apache-2.0) on the same scaled 76 features as the
 * LSTM, using the anchor (last) flow of each sequence only — they see no history.
 */
public final class Baselines {

    /** Which baseline. */
    public enum Kind {
        /** CART decision tree, unlimited depth. */
        DECISION_TREE,
        /** Linear SVM (LibLinear L2-regularised L2-loss SVC, dual), C = 1. */
        LINEAR_SVM,
        /** Random forest: 100 CART trees, sqrt(features) per split, majority vote. */
        RANDOM_FOREST
    }

    private static final String[] NAMES = FeatureScaler.inputNames().stream()
            .map(n -> n.replace(' ', '_')).toArray(String[]::new);

    private Baselines() {}

    /** A trained baseline. */
    public static final class Trained {
        private final Model<Label> model;
        private final List<String> classNames;

        private Trained(Model<Label> model, List<String> classNames) {
            this.model = model;
            this.classNames = classNames;
        }

        /** Predicted class indices. */
        public int[] predict(float[][] x) {
            int[] out = new int[x.length];
            for (int i = 0; i < x.length; i++) {
                String name = model.predict(example(null, x[i])).getOutput().getLabel();
                out[i] = classNames.indexOf(name);
            }
            return out;
        }
    }

    public static Trained train(Kind kind, float[][] x, int[] y, List<String> classNames, long seed) {
        LabelFactory factory = new LabelFactory();
        var prov = new SimpleDataSourceProvenance("sif-train", OffsetDateTime.parse("2017-07-03T00:00:00Z"), factory);
        MutableDataset<Label> ds = new MutableDataset<>(prov, factory);
        for (int i = 0; i < x.length; i++) {
            ds.add(example(new Label(classNames.get(y[i])), x[i]));
        }
        Trainer<Label> trainer = switch (kind) {
            case DECISION_TREE -> new CARTClassificationTrainer(Integer.MAX_VALUE, 1.0f, seed);
            case LINEAR_SVM -> new LibLinearClassificationTrainer(
                    new LinearClassificationType(LinearClassificationType.LinearType.L2R_L2LOSS_SVC_DUAL),
                    1.0, 1000, 0.1, seed);
            case RANDOM_FOREST -> new RandomForestTrainer<>(
                    new CARTClassificationTrainer(Integer.MAX_VALUE,
                            (float) (Math.sqrt(FeatureScaler.INPUTS) / FeatureScaler.INPUTS), seed),
                    new VotingCombiner(), 100, seed);
        };
        return new Trained(trainer.train(ds), List.copyOf(classNames));
    }

    private static ArrayExample<Label> example(Label label, float[] v) {
        double[] d = new double[v.length];
        for (int j = 0; j < v.length; j++) {
            d[j] = v[j];
        }
        return new ArrayExample<>(label == null ? LabelFactory.UNKNOWN_LABEL : label, NAMES, d);
    }

}
