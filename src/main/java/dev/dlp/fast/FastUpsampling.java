package dev.dlp.fast;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Upsampling2D;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;
import java.util.Collection;

/**
 * DL4J's {@link Upsampling2D} configuration (same settings and serialised fields; no parameters) whose layer is
 * {@link FastUpsamplingLayer}: nearest-neighbour upsampling by 2 on the Vector API. {@link FastPaths} uses it for
 * such layers; {@link FastPaths#stock} turns it back into DL4J's class for saving.
 */
public class FastUpsampling extends Upsampling2D implements FastConfig {

    /** For JSON deserialisation and {@link ConfigCopy}. */
    public FastUpsampling() {
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf,
                                                       Collection<TrainingListener> listeners, int layerIndex,
                                                       INDArray paramsView, boolean initializeParams,
                                                       DataType dataType) {
        return LayerWiring.wire(new FastUpsamplingLayer(conf, dataType), conf, listeners, layerIndex, paramsView,
                initializeParams, initializer());
    }

    /** Why DL4J's pass must run an upsampling layer configured as {@code u} (null: ours applies). */
    static String unsupported(Upsampling2D u) {
        return !Arrays.equals(u.getSize(), new int[]{2, 2}) ? "size " + Arrays.toString(u.getSize()) + " (fast: 2)"
                : u.getFormat() != CNN2DFormat.NCHW ? "data format " + u.getFormat() + " (fast: NCHW)"
                : u.getIDropout() != null ? "dropout on the layer"
                : !Simd.AVAILABLE ? "the Vector API module is not loaded" : null;
    }
}
