package dev.dlp.fast;

import dev.dlp.nd4j.HostArrays;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The layer behind {@link FastMaxPool}: DL4J's subsampling layer whose 2x2, stride-2 max pooling runs on the Vector
 * API straight in ND4J's memory ({@link Resample2x2}), forward and backward, with the same results to the bit.
 *
 * <p>Why: libnd4j's {@code maxpool2d} and its oneDNN {@code maxpool2d_bp} took ~20 % of a LeNet-5 training pass
 * (async-profiler, 2026-11-30: 12 % backward, 8 % forward at 32 rows). A standalone loop at 32 rows (3,000 calls
 * each, one thread): pool1 (6 x 28 x 28) forward 77-100 µs with libnd4j, 34-49 µs here, backward 197-259 µs
 * against 68 µs; pool2 (16 x 10 x 10) 23-39 against 18-26 µs and 50-78 against 33 µs.
 *
 * <p>It needs float NCHW arrays in host memory (a strided one is copied first) with even height and width (no
 * padding: with {@code Same} mode that is what an even size gives); anything else runs DL4J's pass (counted and
 * logged by {@link PathUse}).
 */
public class FastMaxPoolLayer extends SubsamplingLayer implements PathUse.Traced {
    private final PathUse use = new PathUse();

    public FastMaxPoolLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    public PathUse pathUse() {
        return use;
    }

    /** Why this input cannot take the fast pass (null: it can). */
    private String decline(INDArray in) {
        String why = PathUse.explainGrid(in, dataType);
        return why == null && (in.size(2) % 2 != 0 || in.size(3) % 2 != 0)
                ? "odd height or width " + in.size(2) + "x" + in.size(3) + " (fast: even, no padding)" : why;
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        if (use.declines(layerConf().getLayerName(), decline(input), training)) {
            return super.activate(training, workspaceMgr);
        }
        INDArray in = HostArrays.contiguous(input);
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT,
                new long[]{in.size(0), in.size(1), in.size(2) / 2, in.size(3) / 2}, 'c');
        Resample2x2.maxPool(HostArrays.bytes(in), HostArrays.bytes(out),
                Math.toIntExact(in.size(0) * in.size(1) * in.size(2) / 2), (int) in.size(3));
        return out;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        if (use.declines(layerConf().getLayerName(), decline(input), true)) {
            return super.backpropGradient(epsilon, workspaceMgr);
        }
        use.fast();
        INDArray in = HostArrays.contiguous(input);
        INDArray eps = HostArrays.contiguous(epsilon.castTo(DataType.FLOAT));
        INDArray g = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT, in.shape(), 'c');
        Resample2x2.maxPoolBackward(HostArrays.bytes(in), HostArrays.bytes(eps), HostArrays.bytes(g),
                Math.toIntExact(in.size(0) * in.size(1) * in.size(2) / 2), (int) in.size(3));
        return new Pair<>(new DefaultGradient(), g);
    }
}
