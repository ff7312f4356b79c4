package dev.dlp.fast;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * A 2-D convolution whose input is a graph input, so nothing needs the gradient with respect to that input. Same
 * configuration, parameters and forward pass as DL4J's {@link ConvolutionLayer}; only the backward pass differs
 * (see {@link InputConvolutionLayer}). {@link GraphFactory} uses it for every {@code conv} layer fed directly by
 * a model input.
 */
public class InputConvolution extends ConvolutionOfOurs {

    /** For JSON deserialisation (model zips, checkpoints). */
    public InputConvolution() {
    }

    protected InputConvolution(Builder builder) {
        super(builder);
    }

    @Override
    protected org.deeplearning4j.nn.layers.convolution.ConvolutionLayer newLayer(NeuralNetConfiguration conf,
                                                                                DataType dataType) {
        return new InputConvolutionLayer(conf, dataType);
    }

    /** DL4J's convolution builder, building this class. */
    public static class Builder extends ConvolutionOfOurs.Builder {
        @Override
        protected InputConvolution create() {
            return new InputConvolution(this);
        }
    }
}
