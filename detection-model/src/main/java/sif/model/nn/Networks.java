package sif.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.recurrent.LSTM;
import ai.djl.ndarray.types.Shape;

/** The networks: the paper's stacked LSTM and the 1-D CNN baseline. Both output logits. */
public final class Networks {

    /** Dropout after each LSTM block (paper: 0.3). */
    public static final float DROPOUT = 0.3f;

    private Networks() {}

    /**
     * The paper's network: LSTM 128 → dropout 0.3 → LSTM 64 → dropout → LSTM 32 → dropout, the last
     * time step, then a dense layer to {@code classes} logits. Input {@code [B, T, features]}.
     */
    public static Block lstm(int classes) {
        return new SequentialBlock()
                .add(lstmLayer(128)).add(dropout())
                .add(lstmLayer(64)).add(dropout())
                .add(lstmLayer(32))
                .add(new LambdaBlock(l -> new NDList(l.singletonOrThrow().get(":, -1, :")), "last_step"))
                .add(dropout())
                .add(Linear.builder().setUnits(classes).build());
    }

    private static LSTM lstmLayer(int units) {
        return LSTM.builder().setStateSize(units).setNumLayers(1).optBatchFirst(true).optReturnState(false).build();
    }

    private static Dropout dropout() {
        return Dropout.builder().optRate(DROPOUT).build();
    }

    /**
     * 1-D CNN baseline over the time axis: two convolutions (64 filters, kernel 3, same padding,
     * ReLU), max pooling over time, dropout 0.3, dense to logits. Input {@code [B, T, F]}.
     *
     * <p>Each convolution is written as what it computes: every time step's window of three steps
     * (zero-padded at both ends) through a dense layer shared by all steps. PyTorch 2.7.1's own
     * {@code conv1d} (DJL's {@code Conv1d}) on this machine now and then returns NaN or infinity
     * from finite inputs and weights, at random: the same seeded training gave identical losses
     * in some runs and non-finite ones, often from the first batch, in others ({@code NetworksTest}
     * trains this network four times and failed on the {@code Conv1d} version).
     */
    public static Block cnn(int classes) {
        return new SequentialBlock()
                .add(convolution(64)).add(Activation.reluBlock())
                .add(convolution(64)).add(Activation.reluBlock())
                .add(new LambdaBlock(l -> new NDList(l.singletonOrThrow().max(new int[] {1})), "max_over_time"))
                .add(dropout())
                .add(Linear.builder().setUnits(classes).build());
    }

    /** Kernel 3, same padding, over {@code [B, T, C]} to {@code [B, T, filters]}. */
    private static Block convolution(int filters) {
        return new SequentialBlock()
                .add(new LambdaBlock(l -> new NDList(windows3(l.singletonOrThrow())), "windows_of_3"))
                .add(Linear.builder().setUnits(filters).build());
    }

    /** {@code [B, T, C]} to {@code [B, T, 3C]}: each step with the step before and after it (zeros at the ends). */
    static NDArray windows3(NDArray x) {
        Shape s = x.getShape();
        long t = s.get(1);
        NDArray zero = x.getManager().zeros(new Shape(s.get(0), 1, s.get(2)), x.getDataType());
        NDArray before = t > 1 ? zero.concat(x.get(new NDIndex(":, 0:{}, :", t - 1)), 1) : zero;
        NDArray after = t > 1 ? x.get(new NDIndex(":, 1:, :")).concat(zero, 1) : zero;
        return NDArrays.concat(new NDList(before, x, after), 2);
    }
}
