package dev.dlp.fast;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;
import java.util.Collection;

/**
 * DL4J's {@link SubsamplingLayer} configuration (same settings and serialised fields; no parameters) whose layer is
 * {@link FastMaxPoolLayer}: 2x2 max pooling with stride 2 on the Vector API. {@link FastPaths} uses it for such
 * layers; {@link FastPaths#stock} turns it back into DL4J's class for saving.
 */
public class FastMaxPool extends SubsamplingLayer implements FastConfig {

    /** For JSON deserialisation and {@link ConfigCopy}. */
    public FastMaxPool() {
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf,
                                                       Collection<TrainingListener> listeners, int layerIndex,
                                                       INDArray paramsView, boolean initializeParams,
                                                       DataType dataType) {
        return LayerWiring.wire(new FastMaxPoolLayer(conf, dataType), conf, listeners, layerIndex, paramsView,
                initializeParams, initializer());
    }

    /**
     * Why DL4J's pass must run a subsampling layer configured as {@code s} (null: ours applies): max pooling, a 2x2
     * kernel, stride 2, dilation 1, no padding, NCHW data.
     */
    static String unsupported(SubsamplingLayer s) {
        boolean twoByTwo = Arrays.equals(s.getKernelSize(), new int[]{2, 2})
                && Arrays.equals(s.getStride(), new int[]{2, 2});
        // (qualified: the simple name is SubsamplingLayer's nested legacy enum, which this class inherits)
        return s.getPoolingType() != org.deeplearning4j.nn.conf.layers.PoolingType.MAX
                ? "pooling " + s.getPoolingType() + " (fast: max)"
                : !twoByTwo ? "kernel " + Arrays.toString(s.getKernelSize()) + ", stride "
                + Arrays.toString(s.getStride()) + " (fast: 2x2, stride 2)"
                : s.getDilation() != null && !Arrays.equals(s.getDilation(), new int[]{1, 1})
                ? "dilation " + Arrays.toString(s.getDilation())
                : s.getPadding() != null && !Arrays.equals(s.getPadding(), new int[]{0, 0})
                ? "padding " + Arrays.toString(s.getPadding())
                : s.getCnn2dDataFormat() != CNN2DFormat.NCHW
                ? "data format " + s.getCnn2dDataFormat() + " (fast: NCHW)"
                : !Simd.AVAILABLE ? "the Vector API module is not loaded" : null;
    }
}
