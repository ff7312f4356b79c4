package dev.dlp.fast;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * A 2-D convolution with few channels: DL4J's {@link ConvolutionLayer} (same configuration, parameters and serialised
 * form) computed by {@link NarrowConvolutionLayer}. {@link FastPaths} uses it for the {@code conv} layers that do not
 * read a model input and that {@link #covers} (the shapes where it was measured faster than oneDNN).
 */
public class NarrowConvolution extends ConvolutionOfOurs {
    /** Output channels up to which any kernel is ours (oneDNN is slowest there). */
    public static final int MAX_OUT = 2;
    /** Channels (in and out) up to which a kernel of at most {@link #MAX_TAPS} taps is ours. */
    public static final int MAX_CHANNELS = 16;
    public static final int MAX_TAPS = 9;

    /**
     * Whether {@code c}'s shape is one the layer is used for: at most {@link #MAX_OUT} output channels, or at most
     * {@link #MAX_CHANNELS} channels in and out with a kernel of at most {@link #MAX_TAPS} taps (3x3). Measured
     * (2026-11-30, docs/performance.md "The twenty-second session"): conv-ae's 8- and 16-channel 3x3 layers level
     * with oneDNN on one worker and ~24 % faster with two; LeNet-5's 6→16 5x5 layer half as fast as oneDNN.
     */
    public static boolean covers(ConvolutionLayer c) {
        int[] k = c.getKernelSize();
        return c.getNOut() <= MAX_OUT
                || c.getNOut() <= MAX_CHANNELS && c.getNIn() <= MAX_CHANNELS && (long) k[0] * k[1] <= MAX_TAPS;
    }

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
