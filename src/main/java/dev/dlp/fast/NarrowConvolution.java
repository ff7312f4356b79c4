package dev.dlp.fast;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * A 2-D convolution with at most {@link #MAX_OUT} output channels: DL4J's {@link ConvolutionLayer} (same
 * configuration, parameters and serialised form) computed by {@link NarrowConvolutionLayer}. {@link GraphFactory}
 * uses it for such {@code conv} layers that do not read a model input.
 */
public class NarrowConvolution extends ConvolutionOfOurs {
    /** Output channels up to which the layer is used: oneDNN is slow for these, fine for wider layers. */
    public static final int MAX_OUT = 2;

    /** For JSON deserialisation (model zips, checkpoints). */
    public NarrowConvolution() {
    }

    protected NarrowConvolution(Builder builder) {
        super(builder);
    }

    @Override
    protected org.deeplearning4j.nn.layers.convolution.ConvolutionLayer newLayer(NeuralNetConfiguration conf,
                                                                                DataType dataType) {
        return new NarrowConvolutionLayer(conf, dataType);
    }

    /** DL4J's convolution builder, building this class. */
    public static class Builder extends ConvolutionOfOurs.Builder {
        @Override
        protected NarrowConvolution create() {
            return new NarrowConvolution(this);
        }
    }
}
