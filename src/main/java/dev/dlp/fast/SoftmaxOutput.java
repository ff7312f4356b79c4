package dev.dlp.fast;

import org.nd4j.linalg.api.buffer.DataType;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * A softmax output layer with multi-class cross-entropy loss: DL4J's output layer trained by
 * {@link SoftmaxOutputLayer}'s fused backward pass (see {@link FusedOutput}). {@link GraphFactory} uses it for every
 * {@code output} layer with softmax and mcxent.
 */
public class SoftmaxOutput extends FusedOutput {

    /** For JSON deserialisation (model zips, checkpoints). */
    public SoftmaxOutput() {
    }

    protected SoftmaxOutput(Builder builder) {
        super(builder);
    }

    @Override
    protected FusedOutputLayer newLayer(NeuralNetConfiguration conf, DataType dataType) {
        return new SoftmaxOutputLayer(conf, dataType);
    }

    /** DL4J's output-layer builder (softmax, mcxent), building this class. */
    public static class Builder extends FusedOutput.Builder<Builder> {
        public Builder() {
            super(LossFunction.MCXENT);
        }

        @Override
        @SuppressWarnings("unchecked")
        public SoftmaxOutput build() {
            return new SoftmaxOutput(this);
        }
    }
}
