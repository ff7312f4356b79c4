package dev.dlp.fast;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Collection;

/**
 * DL4J's {@link ConvolutionLayer} configuration (same settings, parameters and serialised form) whose layer is one
 * of ours ({@link #newLayer}).
 */
public abstract class ConvolutionOfOurs extends ConvolutionLayer implements FastConfig {

    /** For JSON deserialisation (model zips, checkpoints). */
    protected ConvolutionOfOurs() {
    }

    protected ConvolutionOfOurs(ConvolutionLayer.BaseConvBuilder<?> builder) {
        super(builder);
    }

    /** The layer this configuration instantiates. */
    protected abstract org.deeplearning4j.nn.layers.convolution.ConvolutionLayer newLayer(NeuralNetConfiguration conf,
                                                                                         DataType dataType);

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners, int layerIndex,
                             INDArray paramsView, boolean initializeParams, DataType dataType) {
        LayerValidation.assertNInNOutSet(getClass().getSimpleName(), getLayerName(), layerIndex, getNIn(), getNOut());
        return LayerWiring.wire(newLayer(conf, dataType), conf, listeners, layerIndex, paramsView, initializeParams,
                initializer());
    }

    /** DL4J's convolution builder with its checks, building a configuration of ours. */
    public abstract static class Builder extends ConvolutionLayer.Builder {
        /** The configuration, from this builder's settings (already checked). */
        protected abstract ConvolutionOfOurs create();

        @Override
        @SuppressWarnings("unchecked")
        public ConvolutionOfOurs build() {
            org.deeplearning4j.util.ConvolutionUtils.validateConvolutionModePadding(convolutionMode, padding);
            org.deeplearning4j.util.ConvolutionUtils.validateCnnKernelStridePadding(kernelSize, stride, padding);
            return create();
        }
    }
}
