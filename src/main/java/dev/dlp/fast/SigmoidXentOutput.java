package dev.dlp.fast;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * A sigmoid output layer with binary cross-entropy loss (per output unit, e.g. per pixel of an autoencoder's
 * reconstruction): DL4J's output layer trained by {@link SigmoidXentOutputLayer}'s fused backward pass (see
 * {@link FusedOutput}). {@link GraphFactory} uses it for every {@code output} layer with sigmoid and xent.
 */
public class SigmoidXentOutput extends FusedOutput {

    /** For JSON deserialisation (model zips, checkpoints). */
    public SigmoidXentOutput() {
    }

    protected SigmoidXentOutput(Builder builder) {
        super(builder);
    }

    @Override
    protected FusedOutputLayer newLayer(NeuralNetConfiguration conf, DataType dataType) {
        return new SigmoidXentOutputLayer(conf, dataType);
    }

    /** DL4J's output-layer builder (sigmoid, xent), building this class. */
    public static class Builder extends FusedOutput.Builder<Builder> {
        public Builder() {
            super(LossFunction.XENT);
        }

        @Override
        @SuppressWarnings("unchecked")
        public SigmoidXentOutput build() {
            return new SigmoidXentOutput(this);
        }
    }
}
