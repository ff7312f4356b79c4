package dev.dlp.graph;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Collection;

/**
 * A 2-D convolution whose input is a graph input, so nothing needs the gradient with respect to that input. Same
 * configuration, parameters and forward pass as DL4J's {@link ConvolutionLayer}; only the backward pass differs
 * (see {@link InputConvolutionLayer}). {@link GraphFactory} uses it for every {@code conv} layer fed directly by
 * a model input.
 */
public class InputConvolution extends ConvolutionLayer {

    /** For JSON deserialisation (model zips, checkpoints). */
    public InputConvolution() {
    }

    protected InputConvolution(Builder builder) {
        super(builder);
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners, int layerIndex,
                             INDArray paramsView, boolean initializeParams, DataType dataType) {
        LayerValidation.assertNInNOutSet("InputConvolution", getLayerName(), layerIndex, getNIn(), getNOut());
        return LayerWiring.wire(new InputConvolutionLayer(conf, dataType), conf, listeners, layerIndex, paramsView,
                initializeParams, initializer());
    }

    /** DL4J's convolution builder, building this class. */
    public static class Builder extends ConvolutionLayer.Builder {
        @Override
        @SuppressWarnings("unchecked")
        public InputConvolution build() {
            org.deeplearning4j.util.ConvolutionUtils.validateConvolutionModePadding(convolutionMode, padding);
            org.deeplearning4j.util.ConvolutionUtils.validateCnnKernelStridePadding(kernelSize, stride, padding);
            return new InputConvolution(this);
        }
    }
}
