package dev.dlp.fast;

import dev.dlp.nd4j.HostArrays;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.upsampling.Upsampling2D;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The layer behind {@link FastUpsampling}: DL4J's 2-D upsampling layer whose nearest-neighbour upsampling by 2 runs
 * on the Vector API straight in ND4J's memory ({@link Resample2x2}), forward and backward, with the same results to
 * the bit (the backward pass adds each 2x2 block in libnd4j's order).
 *
 * <p>Why: libnd4j's {@code upsampling2d} and {@code upsampling_bp} were 16 % of a conv-ae training pass
 * (async-profiler, 2026-11-30), and DL4J's layer also copies its output into the feed-forward cache on every
 * training pass when the network caches activations (dlp's graphs do, for the convolutions), a copy its backward
 * pass never reads; this layer keeps no such copy.
 *
 * <p>It needs float NCHW arrays in host memory (a strided one is copied first); anything else runs DL4J's pass
 * (counted and logged by {@link PathUse}).
 */
public class FastUpsamplingLayer extends Upsampling2D implements PathUse.Traced {
    private final PathUse use = new PathUse();

    public FastUpsamplingLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    public PathUse pathUse() {
        return use;
    }

    /** Why this input cannot take the fast pass (null: it can). */
    private String decline(INDArray in) {
        if (!dev.dlp.nd4j.Backend.hostArrays()) {
            return "arrays are not in host memory on this backend";
        }
        if (in.rank() != 4 || in.dataType() != DataType.FLOAT || dataType != DataType.FLOAT) {
            return "a rank-" + in.rank() + " " + in.dataType() + " input (fast: rank 4, float)";
        }
        return null;
    }

    private static INDArray contiguous(INDArray a) {
        return HostArrays.contiguousFloats(a) ? a : a.dup('c');
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        String why = decline(input);
        if (why != null) {
            if (training) {
                use.declined(layerConf().getLayerName(), why);
            }
            return super.activate(training, workspaceMgr);
        }
        INDArray in = contiguous(input);
        long n = in.size(0);
        long c = in.size(1);
        int h = (int) in.size(2);
        int w = (int) in.size(3);
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT,
                new long[]{n, c, 2L * h, 2L * w}, 'c');
        Resample2x2.upsample(HostArrays.bytes(in), HostArrays.bytes(out), Math.toIntExact(n * c * h), w);
        return out;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        String why = decline(input);
        if (why != null) {
            use.declined(layerConf().getLayerName(), why);
            return super.backpropGradient(epsilon, workspaceMgr);
        }
        use.fast();
        INDArray eps = contiguous(epsilon.castTo(DataType.FLOAT));
        INDArray g = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT, input.shape(), 'c');
        Resample2x2.upsampleBackward(HostArrays.bytes(eps), HostArrays.bytes(g),
                Math.toIntExact(input.size(0) * input.size(1) * input.size(2)), (int) input.size(3));
        return new Pair<>(new DefaultGradient(), g);
    }
}
