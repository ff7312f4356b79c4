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
 * A 2-D convolution with at most {@link #MAX_OUT} output channels: DL4J's {@link ConvolutionLayer} (same
 * configuration, parameters and serialised form) computed by {@link NarrowConvolutionLayer}. {@link GraphFactory}
 * uses it for such {@code conv} layers that do not read a model input.
 */
public class NarrowConvolution extends ConvolutionLayer {
    /** Output channels up to which the layer is used: oneDNN is slow for these, fine for wider layers. */
    public static final int MAX_OUT = 2;

    /** For JSON deserialisation (model zips, checkpoints). */
    public NarrowConvolution() {
    }

    protected NarrowConvolution(Builder builder) {
        super(builder);
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners, int layerIndex,
                             INDArray paramsView, boolean initializeParams, DataType dataType) {
        LayerValidation.assertNInNOutSet("NarrowConvolution", getLayerName(), layerIndex, getNIn(), getNOut());
        return LayerWiring.wire(new NarrowConvolutionLayer(conf, dataType), conf, listeners, layerIndex, paramsView,
                initializeParams, initializer());
    }

    /** DL4J's convolution builder, building this class. */
    public static class Builder extends ConvolutionLayer.Builder {
        @Override
        @SuppressWarnings("unchecked")
        public NarrowConvolution build() {
            org.deeplearning4j.util.ConvolutionUtils.validateConvolutionModePadding(convolutionMode, padding);
            org.deeplearning4j.util.ConvolutionUtils.validateCnnKernelStridePadding(kernelSize, stride, padding);
            return new NarrowConvolution(this);
        }
    }
}
