package dev.dlp.fast;

import dev.dlp.nd4j.HostArrays;
import dev.dlp.nd4j.Blas;
import org.bytedeco.javacpp.FloatPointer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The layer behind {@link InputConvolution}: DL4J's convolution layer with a backward pass that computes only the
 * parameter gradients.
 *
 * <p>Why: libnd4j's {@code conv2d_bp} always computes the input gradient too, and for a first layer with one input
 * channel oneDNN's backward-data kernel is pathological (measured with {@code DNNL_VERBOSE}, LeNet-5's conv1 at
 * batch 64: backward data 5.2 ms, backward weights 0.36 ms, the forward pass 0.7 ms), while the result is thrown
 * away: nothing consumes the gradient of a graph input. Here the weight gradient is computed as one forward
 * convolution, which oneDNN runs well:
 * {@code dW[o, i, p, q] = sum over (n, y, x) of delta[n, o, y, x] * xpad[n, i, y + p, x + q]} is the convolution of
 * the input with the batch as channels ({@code [i, n, H, W]}) by the output gradient as kernel ({@code [o, n, oH,
 * oW]}), same padding, stride 1. For a one-channel input and 5-wide kernels (LeNet-5's first layer), with the Vector
 * API loaded and {@link #vectorKernel} on, the same sums run in Java instead ({@link SingleChannelConvGradient}: ~0.5
 * ms against oneDNN's ~1.1 ms plus a copy at batch 64). The gradient returned for the input is zeros.
 *
 * <p>The fast path needs NCHW data, stride 1, dilation 1 and symmetric padding; anything else, and a layer whose
 * input gradient is asked for, runs DL4J's own backward pass.
 */
public class InputConvolutionLayer extends ConvolutionLayer implements PathUse.Traced {
    private final PathUse use = new PathUse();
    /** Created on first use (it needs the Vector API's module). */
    private SingleChannelConvGradient vectorGradient;
    private long vectorPasses;

    public InputConvolutionLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        int[] pad = symmetricPadding();
        if (pad == null) {
            use.declined(layerConf().getLayerName(), "needs NCHW data, stride 1, dilation 1 and symmetric padding");
            return super.backpropGradient(epsilon, workspaceMgr);
        }
        use.fast();
        assertInputSet(true);
        INDArray input = this.input.castTo(dataType);
        INDArray eps = epsilon.castTo(dataType);
        INDArray z = preOutput4d(true, true, workspaceMgr).getFirst();
        INDArray delta = layerConf().getActivationFn().backprop(z, eps).getFirst();   // [n, o, oH, oW]

        long n = input.size(0);
        long in = input.size(1);
        long out = delta.size(1);
        int[] k = layerConf().getKernelSize();
        if (vectorKernelApplies(input, delta, pad, k)) {
            return singleChannelGradients(input, delta, pad, k, workspaceMgr);
        }
        INDArray inputT = in == 1 ? input.reshape('c', 1, n, input.size(2), input.size(3))
                : input.permute(1, 0, 2, 3).dup('c');                                  // [i, n, H, W]
        INDArray deltaT = delta.permute(1, 0, 2, 3).dup('c');                          // [o, n, oH, oW]
        INDArray dW = Nd4j.createUninitialized(dataType, in, out, k[0], k[1]);         // [i, o, kH, kW]
        Nd4j.exec(DynamicCustomOp.builder("conv2d")
                .addInputs(inputT, deltaT)
                .addOutputs(dW)
                .addIntegerArguments((int) delta.size(2), (int) delta.size(3), 1, 1, pad[0], pad[1], 1, 1,
                        0 /* explicit padding */, 0 /* NCHW */, 1 /* weights [o, i, kH, kW] */)
                .build());

        Gradient g = new DefaultGradient();
        INDArray weightGrad = gradientViews.get(ConvolutionParamInitializer.WEIGHT_KEY);
        weightGrad.assign(dW.permute(1, 0, 2, 3));
        if (layerConf().hasBias()) {
            INDArray biasGrad = gradientViews.get(ConvolutionParamInitializer.BIAS_KEY);
            Blas.Matrix db = Blas.row(biasGrad);
            if (db != null && HostArrays.contiguousFloats(deltaT)) {   // (Blas.row is null off the CPU backend)
                // db = the row sums of δᵀ viewed as [o, n oH oW]: a product with a column of ones (one OpenBLAS
                // call; ND4J's sum over three axes took ~0.3 ms a step on LeNet-5's conv1)
                int m = (int) (deltaT.length() / out);
                Blas.Matrix rows = new Blas.Matrix((FloatPointer) deltaT.data().addressPointer(), (int) out, m, m,
                        false);
                Blas.gemm(Blas.ones(m), true, rows, true, db, 1f, 0f);
            } else {
                delta.sum(biasGrad.reshape(out), 0, 2, 3);
            }
            g.setGradientFor(ConvolutionParamInitializer.BIAS_KEY, biasGrad);
        }
        g.setGradientFor(ConvolutionParamInitializer.WEIGHT_KEY, weightGrad, 'c');
        weightNoiseParams.clear();
        return new Pair<>(g, workspaceMgr.create(ArrayType.ACTIVATION_GRAD, dataType, this.input.shape(), 'c'));
    }

    /**
     * Whether the one-channel weight gradient runs on {@link SingleChannelConvGradient} ({@code
     * -Ddlp.vectorConvGradient=true}; off by default). Measured 2026-11-29, LeNet-5 epochs 2-3 on 20k, 3 alternating
     * rounds: 1 worker 10.0-11.0k -> 11.8-12.3k samples/s, 2 workers 16.5-18.3k -> 19.2-20.4k. Not the default yet:
     * its summation order moves the shipped LeNet-5's test accuracy on seed 42 from 0.9908 to 0.9899 (seeds 1, 2, 3:
     * 0.9911, 0.9920, 0.9906), below the 99 % the default must clear on every seed; the default needs more margin
     * first (docs/performance.md, "The tenth session").
     */
    static boolean vectorKernel = Boolean.getBoolean("dlp.vectorConvGradient");

    /** Whether {@link SingleChannelConvGradient} computes the parameter gradients of this pass. */
    private static boolean vectorKernelApplies(INDArray input, INDArray delta, int[] pad, int[] k) {
        if (!vectorKernel || !Simd.AVAILABLE || input.size(1) != 1 || !dev.dlp.nd4j.Backend.hostArrays()
                || !HostArrays.contiguousFloats(input) || !HostArrays.contiguousFloats(delta)) {
            return false;
        }
        long oh = input.size(2) + 2L * pad[0] - k[0] + 1;
        long ow = input.size(3) + 2L * pad[1] - k[1] + 1;
        return delta.size(2) == oh && delta.size(3) == ow && SingleChannelConvGradient.handles(k[1], (int) ow);
    }

    /**
     * The parameter gradients of a one-channel input on the Vector API ({@link SingleChannelConvGradient}) instead of
     * oneDNN's convolution with the batch as channels: the same sums, in another order (float rounding).
     */
    private Pair<Gradient, INDArray> singleChannelGradients(INDArray input, INDArray delta, int[] pad, int[] k,
                                                           LayerWorkspaceMgr workspaceMgr) {
        int out = (int) delta.size(1);
        if (vectorGradient == null) {
            vectorGradient = new SingleChannelConvGradient();
        }
        float[] dW = new float[out * k[0] * k[1]];
        float[] db = new float[out];
        vectorGradient.compute(HostArrays.bytes(input).asFloatBuffer(), HostArrays.bytes(delta).asFloatBuffer(),
                (int) input.size(0), (int) input.size(2), (int) input.size(3), out, k[0], pad[0], pad[1], dW, db);
        vectorPasses++;
        // [o, 1, kH, kW] in c order is dW's [o][kH][kW]
        Gradient g = NarrowConvolutionLayer.parameterGradient(gradientViews, dW, layerConf().hasBias() ? db : null);
        weightNoiseParams.clear();
        return new Pair<>(g, workspaceMgr.create(ArrayType.ACTIVATION_GRAD, dataType, this.input.shape(), 'c'));
    }

    /** Backward passes whose parameter gradients came from {@link SingleChannelConvGradient}. */
    long vectorPasses() {
        return vectorPasses;
    }

    @Override
    public PathUse pathUse() {
        return use;
    }

    /** {pH, pW} when the fast backward pass applies (NCHW, stride 1, dilation 1, symmetric padding), else null. */
    private int[] symmetricPadding() {
        return symmetricPadding(layerConf(), input);
    }

    /**
     * {pH, pW} when {@code c} on {@code input} is an NCHW convolution with stride 1, dilation 1 and the same padding
     * on both sides of each axis (as DL4J computes it for its convolution modes), else null.
     */
    static int[] symmetricPadding(org.deeplearning4j.nn.conf.layers.ConvolutionLayer c, INDArray input) {
        if (c.getCnn2dDataFormat() != CNN2DFormat.NCHW || c.getStride()[0] != 1 || c.getStride()[1] != 1
                || c.getDilation()[0] != 1 || c.getDilation()[1] != 1 || input == null || input.rank() != 4) {
            return null;
        }
        int[] k = c.getKernelSize();
        ConvolutionMode mode = c.getConvolutionMode();
        if (mode == ConvolutionMode.Same) {
            // stride 1: total padding k - 1 on each axis, symmetric only for odd kernels
            return k[0] % 2 == 1 && k[1] % 2 == 1 ? new int[]{(k[0] - 1) / 2, (k[1] - 1) / 2} : null;
        }
        if (mode == ConvolutionMode.Truncate || mode == ConvolutionMode.Strict) {
            return c.getPadding().clone();
        }
        return null;
    }
}
