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

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        if (use.declines(layerConf().getLayerName(), PathUse.explainGrid(input, dataType), training)) {
            return super.activate(training, workspaceMgr);
        }
        INDArray in = HostArrays.contiguous(input);
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT,
                new long[]{in.size(0), in.size(1), 2 * in.size(2), 2 * in.size(3)}, 'c');
        Resample2x2.upsample(HostArrays.bytes(in), HostArrays.bytes(out),
                Math.toIntExact(in.size(0) * in.size(1) * in.size(2)), (int) in.size(3));
        return out;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        if (use.declines(layerConf().getLayerName(), PathUse.explainGrid(input, dataType), true)) {
            return super.backpropGradient(epsilon, workspaceMgr);
        }
        use.fast();
        INDArray eps = HostArrays.contiguous(epsilon.castTo(DataType.FLOAT));
        INDArray g = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT, input.shape(), 'c');
        Resample2x2.upsampleBackward(HostArrays.bytes(eps), HostArrays.bytes(g),
                Math.toIntExact(input.size(0) * input.size(1) * input.size(2)), (int) input.size(3));
        return new Pair<>(new DefaultGradient(), g);
    }
}
