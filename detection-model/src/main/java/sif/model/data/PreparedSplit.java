package sif.model.data;

import java.util.function.IntPredicate;

/**
 * One protocol applied to a {@link FlowTable}: split assignment, the scaler fitted on the
 * training flows, and the train / validation / test sequence sets.
 *
 * <p>Sequence context per protocol:
 * <ul>
 *   <li>random split: every sequence may contain any flow (the paper's setting, leaky);</li>
 *   <li>temporal split: a training sequence contains the flows of the training period (training
 *       flows and flows dropped by the cap that lie in their unit's training period, see
 *       {@link Splits#temporalPeriods}); a validation sequence those of the training and validation
 *       periods; a test sequence any earlier flow of its source (looking back into training flows is
 *       legitimate context, as in deployment). So no training or validation sequence holds a test
 *       flow, no training sequence a validation flow, and the cap thins out the anchors only: a
 *       sequence's context is the consecutive history of its source within the periods it may see.</li>
 * </ul>
 */
public record PreparedSplit(
        Protocol protocol,
        byte[] split,
        FeatureScaler scaler,
        int[][] trainSeqByFlow,
        int[][] valSeqByFlow,
        int[][] testSeqByFlow,
        SequenceSet train,
        SequenceSet val,
        SequenceSet test) {

    /** Split parameters. */
    public record Config(int seqLen, double testFraction, double valFraction, Splits.TemporalUnit unit,
                         int capPerClass, long seed) {
        public static Config defaults(long seed) {
            return new Config(10, 0.2, 0.125, Splits.TemporalUnit.SOURCE_CLASS, 50_000, seed);
        }
    }

    /** Applies {@code protocol} to {@code table}. Deterministic for a given table and config. */
    public static PreparedSplit prepare(FlowTable table, Protocol protocol, Config cfg) {
        boolean[] eligible = Splits.capPerClass(table, cfg.capPerClass(), cfg.seed());
        byte[] split = switch (protocol) {
            case RANDOM_SPLIT -> Splits.random(table, eligible, cfg.testFraction(), cfg.valFraction(), cfg.seed());
            case TEMPORAL_SPLIT -> Splits.temporal(table, eligible, cfg.testFraction(), cfg.valFraction(), cfg.unit());
        };
        boolean[] fit = new boolean[table.size()];
        for (int i = 0; i < fit.length; i++) {
            fit[i] = split[i] == Splits.TRAIN;
        }
        FeatureScaler scaler = FeatureScaler.fit(table.rawRows(), fit);
        float[][] scaled = new float[table.size()][];
        for (int i = 0; i < scaled.length; i++) {
            scaled[i] = scaler.transform(table.raw(i));
        }
        IntPredicate isTrain = i -> split[i] == Splits.TRAIN;
        IntPredicate isVal = i -> split[i] == Splits.VAL;
        IntPredicate isTest = i -> split[i] == Splits.TEST;
        IntPredicate any = i -> true;
        int t = cfg.seqLen();
        int[][] trainSeq;
        int[][] valSeq;
        int[][] testSeq;
        if (protocol == Protocol.RANDOM_SPLIT) {
            trainSeq = SequenceBuilder.build(table, t, isTrain, any);
            valSeq = SequenceBuilder.build(table, t, isVal, any);
            testSeq = SequenceBuilder.build(table, t, isTest, any);
        } else {
            // capped (OUT) flows count as context of the period of their unit they lie in
            byte[] period = Splits.temporalPeriods(table, split, cfg.unit());
            IntPredicate trainPeriod = i -> period[i] == Splits.TRAIN;
            IntPredicate beforeTest = i -> period[i] != Splits.TEST;
            trainSeq = SequenceBuilder.build(table, t, isTrain, trainPeriod);
            valSeq = SequenceBuilder.build(table, t, isVal, beforeTest);
            testSeq = SequenceBuilder.build(table, t, isTest, any);
        }
        int[] labels = table.labels();
        return new PreparedSplit(protocol, split, scaler, trainSeq, valSeq, testSeq,
                new SequenceSet(scaled, trainSeq, Splits.indicesOf(split, Splits.TRAIN), labels, t),
                new SequenceSet(scaled, valSeq, Splits.indicesOf(split, Splits.VAL), labels, t),
                new SequenceSet(scaled, testSeq, Splits.indicesOf(split, Splits.TEST), labels, t));
    }
}
