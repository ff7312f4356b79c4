package dev.dlp.fast;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Collection;

/**
 * DL4J's {@link OutputLayer} configuration (same parameters, forward pass and serialised form plus one flag) whose
 * layer has a fused backward pass ({@link FusedOutputLayer}). {@code inputFed}: the layer reads a model input
 * directly (no preprocessor between), so nothing needs its input gradient and the backward pass returns none
 * (null, as DL4J's own layers may).
 */
public abstract class FusedOutput extends OutputLayer implements InputGradientOptional, FastConfig {
    private boolean inputFed;

    /** For JSON deserialisation (model zips, checkpoints). */
    protected FusedOutput() {
    }

    protected FusedOutput(Builder<?> builder) {
        super(builder);
        this.inputFed = builder.inputFed;
    }

    @Override
    public boolean isInputFed() {
        return inputFed;
    }

    @Override
    public void setInputFed(boolean inputFed) {
        this.inputFed = inputFed;
    }

    /** The layer this configuration instantiates. */
    protected abstract FusedOutputLayer newLayer(NeuralNetConfiguration conf, DataType dataType);

    @Override
    public boolean equals(Object o) {
        return o != null && o.getClass() == getClass() && ((FusedOutput) o).inputFed == inputFed && super.equals(o);
    }

    @Override
    public int hashCode() {
        return 31 * super.hashCode() + Boolean.hashCode(inputFed);
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners, int layerIndex,
                             INDArray paramsView, boolean initializeParams, DataType dataType) {
        LayerValidation.assertNInNOutSet(getClass().getSimpleName(), getLayerName(), layerIndex, getNIn(), getNOut());
        return LayerWiring.wire(newLayer(conf, dataType), conf, listeners, layerIndex, paramsView, initializeParams,
                initializer());
    }

    /** DL4J's output-layer builder with the {@code inputFed} flag. */
    public abstract static class Builder<B extends Builder<B>> extends OutputLayer.Builder {
        private boolean inputFed;

        protected Builder(org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction loss) {
            super(loss);
        }

        /** The layer reads a model input with no preprocessor between: its backward pass returns no input gradient. */
        @SuppressWarnings("unchecked")
        public B inputFed(boolean inputFed) {
            this.inputFed = inputFed;
            return (B) this;
        }
    }
}
