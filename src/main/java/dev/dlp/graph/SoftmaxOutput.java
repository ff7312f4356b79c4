package dev.dlp.graph;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

import java.util.Collection;

/**
 * A softmax output layer with multi-class cross-entropy loss: DL4J's {@link OutputLayer} (same configuration,
 * parameters, forward pass and serialised form plus one flag), trained by {@link SoftmaxOutputLayer}'s fused
 * backward pass. {@link GraphFactory} uses it for every {@code output} layer with softmax and mcxent.
 * {@code inputFed}: the layer reads a model input directly (no preprocessor between), so nothing needs its input
 * gradient and the backward pass returns none (null, as DL4J's own layers may).
 */
public class SoftmaxOutput extends OutputLayer {
    private boolean inputFed;

    /** For JSON deserialisation (model zips, checkpoints). */
    public SoftmaxOutput() {
    }

    protected SoftmaxOutput(Builder builder) {
        super(builder);
        this.inputFed = builder.inputFed;
    }

    public boolean isInputFed() {
        return inputFed;
    }

    public void setInputFed(boolean inputFed) {
        this.inputFed = inputFed;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SoftmaxOutput s && s.inputFed == inputFed && super.equals(o);
    }

    @Override
    public int hashCode() {
        return 31 * super.hashCode() + Boolean.hashCode(inputFed);
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners, int layerIndex,
                             INDArray paramsView, boolean initializeParams, DataType dataType) {
        LayerValidation.assertNInNOutSet("SoftmaxOutput", getLayerName(), layerIndex, getNIn(), getNOut());
        return LayerWiring.wire(new SoftmaxOutputLayer(conf, dataType), conf, listeners, layerIndex, paramsView,
                initializeParams, initializer());
    }

    /** DL4J's output-layer builder (softmax, mcxent), building this class. */
    public static class Builder extends OutputLayer.Builder {
        private boolean inputFed;

        public Builder() {
            super(LossFunction.MCXENT);
        }

        /** The layer reads a model input with no preprocessor between: its backward pass returns no input gradient. */
        public Builder inputFed(boolean inputFed) {
            this.inputFed = inputFed;
            return this;
        }

        @Override
        @SuppressWarnings("unchecked")
        public SoftmaxOutput build() {
            return new SoftmaxOutput(this);
        }
    }
}
