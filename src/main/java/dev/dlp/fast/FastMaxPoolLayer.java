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
        if (!dev.dlp.nd4j.Backend.hostArrays()) {
            return "arrays are not in host memory on this backend";
        }
        if (in.rank() != 4 || in.dataType() != DataType.FLOAT || dataType != DataType.FLOAT) {
            return "a rank-" + in.rank() + " " + in.dataType() + " input (fast: rank 4, float)";
        }
        if (in.size(2) % 2 != 0 || in.size(3) % 2 != 0) {
            return "odd height or width " + in.size(2) + "x" + in.size(3) + " (fast: even, no padding)";
        }
        return null;
    }

    /** {@code a}, or a c-order copy when its elements are not one after another (e.g. an f-order gradient). */
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
                new long[]{n, c, h / 2, w / 2}, 'c');
        Resample2x2.maxPool(HostArrays.bytes(in), HostArrays.bytes(out), Math.toIntExact(n * c * h / 2), w);
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
        INDArray in = contiguous(input);
        INDArray eps = contiguous(epsilon.castTo(DataType.FLOAT));
        INDArray g = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT, in.shape(), 'c');
        Resample2x2.maxPoolBackward(HostArrays.bytes(in), HostArrays.bytes(eps), HostArrays.bytes(g),
                Math.toIntExact(in.size(0) * in.size(1) * in.size(2) / 2), (int) in.size(3));
        return new Pair<>(new DefaultGradient(), g);
    }
}
