package dev.dlp.fast;

import dev.dlp.nd4j.HostArrays;
import java.util.Arrays;
import dev.dlp.nd4j.Blas;
import org.bytedeco.javacpp.FloatPointer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.feedforward.dense.DenseLayer;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The layer behind {@link FastDense}: DL4J's dense layer ({@code a = f(x W + b)}) with the forward and backward
 * passes of the common case done as OpenBLAS products ({@link Blas}) and one Java pass each.
 *
 * <p>Why: for the small layers of MNIST models the work is call overhead. DL4J's layer runs every product through
 * a {@code Mmul} op (~25 µs of set-up each), adds the bias and applies the activation as further ops, and its
 * backward pass computes {@code x W + b} a second time (profiled on LeNet-5's 400-120-84 layers: ~0.9 ms a step
 * for two layers). Here the forward pass is one product into the activation array and a Java pass for bias and
 * ReLU, keeping a heap copy of the activations; the backward pass takes {@code δ = ε · f'} from that copy
 * ({@code [a > 0]} for ReLU), the bias gradient in the same pass, and {@code dW = xᵀ δ} and the input gradient
 * {@code δ Wᵀ} as products. A layer reading a model input directly ({@code inputFed}) returns no input gradient.
 *
 * <p>The fast passes run for float data, a bias, ReLU (without max, threshold or slope) or identity, and no
 * dropout, weight noise, layer norm or mask; anything else, or a backward pass without the training forward pass
 * on the same input before it, is DL4J's.
 */
public class FastDenseLayer extends DenseLayer implements PathUse.Traced {
    private final PathUse use = new PathUse();
    private float[] act = new float[0];
    private float[] eps = new float[0];
    private float[] bias = new float[0];
    private float[] biasGrad = new float[0];
    private FloatPointer delta;
    /** The input whose activations {@link #act} holds; null when none. */
    private INDArray cachedFor;
    /**
     * Whether {@link #act} is from a training forward pass (stored, not branched on: a branch that training never
     * takes makes the JIT recompile {@link #activate} after the first validation pass).
     */
    private boolean cachedTraining;

    public FastDenseLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    private boolean relu() {
        IActivation f = layerConf().getActivationFn();
        return f instanceof ActivationReLU r && r.getMax() == null && r.getThreshold() == null
                && r.getNegativeSlope() == null;
    }

    /** True when the fast passes compute exactly what DL4J's would for the current input and settings. */
    boolean fused() {
        org.deeplearning4j.nn.conf.layers.DenseLayer c = layerConf();
        INDArray w = getParam(DefaultParamInitializer.WEIGHT_KEY);
        return dev.dlp.nd4j.Backend.hostArrays() && c.hasBias() && !c.hasLayerNorm() && c.getIDropout() == null
                && c.getWeightNoise() == null
                && (relu() || c.getActivationFn() instanceof ActivationIdentity) && maskArray == null
                && input != null && input.rank() == 2 && input.dataType() == DataType.FLOAT
                && dataType == DataType.FLOAT && w != null && input.size(1) == w.size(0) && Blas.of(w) != null
                && Blas.of(gradientViews == null ? w : gradientViews.get(DefaultParamInitializer.WEIGHT_KEY)) != null
                && HostArrays.contiguousFloats(getParam(DefaultParamInitializer.BIAS_KEY));
    }

    @Override
    public PathUse pathUse() {
        return use;
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        cachedFor = null;
        if (!fused()) {
            return super.activate(training, workspaceMgr);
        }
        assertInputSet(false);
        INDArray w = getParam(DefaultParamInitializer.WEIGHT_KEY);
        INDArray x = Blas.of(input) != null ? input : workspaceMgr.dup(ArrayType.FF_WORKING_MEM, input, 'c');
        int n = (int) x.size(0);
        int k = (int) w.size(1);
        int nk = n * k;
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT, new long[]{n, k}, 'c');
        Blas.gemm(Blas.of(x), false, Blas.of(w), false, Blas.of(out), 1f, 0f);
        act = atLeast(act, nk);
        if (bias.length != k) {
            bias = new float[k];
        }
        HostArrays.read(out, act);
        HostArrays.read(getParam(DefaultParamInitializer.BIAS_KEY), bias);
        biasAndActivation(act, bias, n, k, relu());
        HostArrays.write(act, out);
        cachedFor = input;
        cachedTraining = training;
        return out;
    }

    /**
     * {@code a}, or a new array when it holds fewer than {@code n}. Not inlined (scripts/jit-directives.json): the
     * first validation pass (a larger batch) takes the branch that training never takes, and the JIT then throws away
     * only this method's compiled code, not {@link #activate}'s (a C2 recompilation of ~0.1 s inside the next epoch).
     */
    static float[] atLeast(float[] a, int n) {
        return a.length >= n ? a : new float[n];
    }

    /** In place over row-major {@code a[n, k]}: adds the bias to every row, then ReLU when asked. */
    static void biasAndActivation(float[] a, float[] b, int n, int k, boolean relu) {
        if (Simd.AVAILABLE) {
            HeapSimd.biasAndActivation(a, b, n, k, relu);
        } else {
            biasAndActivationLoop(a, b, n, k, relu);
        }
    }

    /** {@link #biasAndActivation} as a plain loop (without the Vector API; tests hold the two bit-identical). */
    static void biasAndActivationLoop(float[] a, float[] b, int n, int k, boolean relu) {
        for (int r = 0; r < n; r++) {
            int o = r * k;
            for (int j = 0; j < k; j++) {
                float v = a[o + j] + b[j];
                a[o + j] = relu && !(v > 0) ? 0f : v;   // max(0, v); a NaN becomes 0
            }
        }
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        boolean fast = cachedTraining && cachedFor != null && cachedFor == input && fused();
        if (!fast) {
            use.declined(layerConf().getLayerName(), fused() ? "backward pass without its training forward pass"
                    : PathUse.explain(layerConf(), dataType, input, maskArray != null, relu()
                    || layerConf().getActivationFn() instanceof ActivationIdentity ? "bias, layer norm or input shape"
                    : "activation " + layerConf().getActivationFn()));
            return super.backpropGradient(epsilon, workspaceMgr);
        }
        use.fast();
        assertInputSet(true);
        INDArray w = getParam(DefaultParamInitializer.WEIGHT_KEY);
        INDArray x = Blas.of(input) != null ? input : workspaceMgr.dup(ArrayType.BP_WORKING_MEM, input, 'c');
        int n = (int) x.size(0);
        int k = (int) w.size(1);
        int nk = n * k;
        if (eps.length < nk) {
            eps = new float[nk];
        }
        if (biasGrad.length != k) {
            biasGrad = new float[k];
        }
        if (delta == null || delta.capacity() < nk) {
            delta = new FloatPointer(Math.max(1, nk));
        }
        HostArrays.read(epsilon, eps);
        activationGradient(eps, act, biasGrad, n, k, relu());
        delta.position(0).put(eps, 0, nk);
        Blas.Matrix dm = new Blas.Matrix(delta, n, k, Math.max(1, k), false);

        Gradient ret = new DefaultGradient();
        INDArray biasGradView = gradientViews.get(DefaultParamInitializer.BIAS_KEY);
        HostArrays.write(biasGrad, biasGradView);
        ret.gradientForVariable().put(DefaultParamInitializer.BIAS_KEY, biasGradView);
        INDArray weightGrad = gradientViews.get(DefaultParamInitializer.WEIGHT_KEY);
        Blas.Matrix xm = Blas.of(x);
        Blas.gemm(xm, true, dm, false, Blas.of(weightGrad), 1f, 0f);
        ret.gradientForVariable().put(DefaultParamInitializer.WEIGHT_KEY, weightGrad);
        weightNoiseParams.clear();

        INDArray epsilonNext = null;
        if (!((FastDense) layerConf()).isInputFed()) {
            epsilonNext = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT,
                    new long[]{n, w.size(0)}, 'c');
            Blas.gemm(dm, false, Blas.of(w), true, Blas.of(epsilonNext), 1f, 0f);
        }
        return new Pair<>(ret, epsilonNext);
    }

    /**
     * In place over row-major {@code e[n, k]} (the output gradient): {@code δ = e · f'} from the activations
     * {@code a} ({@code [a > 0]} for ReLU, 1 for identity); {@code dBias} gets the column sums of δ.
     */
    static void activationGradient(float[] e, float[] a, float[] dBias, int n, int k, boolean relu) {
        if (Simd.AVAILABLE) {
            HeapSimd.activationGradient(e, a, dBias, n, k, relu);
        } else {
            activationGradientLoop(e, a, dBias, n, k, relu);
        }
    }

    /** {@link #activationGradient} as a plain loop (without the Vector API; tests hold the two bit-identical). */
    static void activationGradientLoop(float[] e, float[] a, float[] dBias, int n, int k, boolean relu) {
        Arrays.fill(dBias, 0, k, 0f);
        for (int r = 0; r < n; r++) {
            int o = r * k;
            for (int j = 0; j < k; j++) {
                float d = relu && !(a[o + j] > 0) ? 0f : e[o + j];
                e[o + j] = d;
                dBias[j] += d;
            }
        }
    }

    @Override
    public void setInput(INDArray input, LayerWorkspaceMgr workspaceMgr) {
        cachedFor = null;
        super.setInput(input, workspaceMgr);
    }

    @Override
    public void clear() {
        cachedFor = null;
        super.clear();
    }
}
