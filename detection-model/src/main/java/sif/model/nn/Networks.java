package sif.model.nn;

import ai.djl.ndarray.NDList;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv1d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.pooling.Pool;
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
     * ReLU), global max pooling over time, dropout 0.3, dense to logits. Input {@code [B, T, F]}.
     */
    public static Block cnn(int classes) {
        return new SequentialBlock()
                .add(new LambdaBlock(l -> new NDList(l.singletonOrThrow().transpose(0, 2, 1)), "to_channels_first"))
                .add(Conv1d.builder().setKernelShape(new Shape(3)).optPadding(new Shape(1)).setFilters(64).build())
                .add(Activation.reluBlock())
                .add(Conv1d.builder().setKernelShape(new Shape(3)).optPadding(new Shape(1)).setFilters(64).build())
                .add(Activation.reluBlock())
                .add(Pool.globalMaxPool1dBlock())
                .add(Blocks.batchFlattenBlock())
                .add(dropout())
                .add(Linear.builder().setUnits(classes).build());
    }
}
