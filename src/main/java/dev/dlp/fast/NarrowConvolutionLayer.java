package dev.dlp.fast;

import dev.dlp.nd4j.HostArrays;
import java.util.Arrays;
import dev.dlp.nd4j.Blas;
import org.bytedeco.javacpp.FloatPointer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The layer behind {@link NarrowConvolution}: DL4J's convolution for one or two output channels as one small
 * OpenBLAS product per example and Java passes that shift and add.
 *
 * <p>Why: oneDNN runs a convolution with one output channel badly here (conv-ae's 16→1 output layer at batch 64,
 * {@code DNNL_VERBOSE}: 2.2 ms forward, 2.1 ms backward-weights, 1.8 ms backward-data, plus ~2.7 ms reordering its
 * 64x16x28x28 input to and from oneDNN's blocked layout). Here, per example, {@code Y = W' X} with {@code X} the
 * input as {@code [C, H W]} (read in place) and {@code W'} the weights as {@code [O kH kW, C]}: row {@code (o, p, q)}
 * of {@code Y} is channel o's contribution of kernel tap (p, q) at every input pixel, and the output is the sum of
 * those rows, each shifted by its tap. Backward, the output gradient shifted by every tap gives {@code D}
 * ({@code [O kH kW, H W]}); then {@code dW' += D Xᵀ} and the input gradient {@code W'ᵀ D}, both products.
 *
 * <p>The fast passes need NCHW float data, stride 1, dilation 1, symmetric padding, the identity activation and no
 * dropout or weight noise; anything else runs DL4J's passes.
 */
public class NarrowConvolutionLayer extends ConvolutionLayer implements PathUse.Traced {
    private final PathUse use = new PathUse();
    private float[] w = new float[0];       // [O kH kW][C]
    private float[] y = new float[0];       // one example's taps [O kH kW][H W]
    private float[] o = new float[0];       // outputs or output gradients [n][O][oH][oW]
    private float[] bias = new float[0];
    private FloatPointer wN;
    private FloatPointer yN;
    private FloatPointer dwN;

    public NarrowConvolutionLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    /** {pH, pW} when the fast passes apply, else null. */
    int[] fastPadding() {
        org.deeplearning4j.nn.conf.layers.ConvolutionLayer c = layerConf();
        if (!dev.dlp.nd4j.Backend.hostArrays() || !(c.getActivationFn() instanceof ActivationIdentity)
                || c.getIDropout() != null || c.getWeightNoise() != null || dataType != DataType.FLOAT || input == null
                || input.dataType() != DataType.FLOAT || c.getNOut() > NarrowConvolution.MAX_OUT) {
            return null;
        }
        int[] pad = InputConvolutionLayer.symmetricPadding(c, input);
        return pad != null && input.size(1) == c.getNIn() ? pad : null;
    }

    @Override
    public PathUse pathUse() {
        return use;
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        int[] pad = fastPadding();
        if (pad == null) {
            return super.activate(training, workspaceMgr);
        }
        Geometry g = new Geometry(input, layerConf(), pad);
        INDArray x = HostArrays.contiguousFloats(input) ? input : input.dup('c');
        prepare(g);
        Arrays.fill(o, 0, g.outLength(), 0f);
        Blas.Matrix wm = new Blas.Matrix(wN, g.taps(), g.c, g.c, false);
        Blas.Matrix ym = new Blas.Matrix(yN, g.taps(), g.hw(), g.hw(), false);
        FloatPointer xp = (FloatPointer) x.data().addressPointer();
        for (int e = 0; e < g.n; e++) {
            Blas.Matrix xm = new Blas.Matrix(new FloatPointer(xp).position((long) e * g.c * g.hw()), g.c, g.hw(),
                    g.hw(), false);
            Blas.gemm(wm, false, xm, false, ym, 1f, 0f);
            yN.position(0).get(y, 0, g.taps() * g.hw());
            shift(y, o, e, g, true);
        }
        for (int e = 0; e < g.n; e++) {
            for (int c = 0; c < g.out; c++) {
                int base = (e * g.out + c) * g.ohw();
                for (int i = 0; i < g.ohw(); i++) {
                    o[base + i] += bias[c];
                }
            }
        }
        INDArray result = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT,
                new long[]{g.n, g.out, g.oh, g.ow}, 'c');
        HostArrays.write(o, result);
        return result;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        int[] pad = fastPadding();
        boolean fast = pad != null && epsilon.dataType() == DataType.FLOAT;
        if (!fast) {
            use.declined(layerConf().getLayerName(), PathUse.explain(layerConf(), dataType, input, false,
                    "needs the identity activation, NCHW data, stride 1, dilation 1 and symmetric padding"));
            return super.backpropGradient(epsilon, workspaceMgr);
        }
        use.fast();
        Geometry g = new Geometry(input, layerConf(), pad);
        INDArray x = HostArrays.contiguousFloats(input) ? input : input.dup('c');
        prepare(g);
        HostArrays.read(epsilon, o);
        INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT, input.shape(), 'c');
        Blas.Matrix wm = new Blas.Matrix(wN, g.taps(), g.c, g.c, false);
        Blas.Matrix dm = new Blas.Matrix(yN, g.taps(), g.hw(), g.hw(), false);
        Blas.Matrix dwm = new Blas.Matrix(dwN, g.taps(), g.c, g.c, false);
        FloatPointer xp = (FloatPointer) x.data().addressPointer();
        FloatPointer dxp = (FloatPointer) dx.data().addressPointer();
        float[] db = new float[g.out];
        for (int e = 0; e < g.n; e++) {
            for (int c = 0; c < g.out; c++) {
                int base = (e * g.out + c) * g.ohw();
                for (int i = 0; i < g.ohw(); i++) {
                    db[c] += o[base + i];
                }
            }
            shift(y, o, e, g, false);
            yN.position(0).put(y, 0, g.taps() * g.hw());
            long off = (long) e * g.c * g.hw();
            Blas.gemm(dm, false, new Blas.Matrix(new FloatPointer(xp).position(off), g.c, g.hw(), g.hw(), false),
                    true, dwm, 1f, e == 0 ? 0f : 1f);
            Blas.gemm(wm, true, dm, false, new Blas.Matrix(new FloatPointer(dxp).position(off), g.c, g.hw(),
                    g.hw(), false), 1f, 0f);
        }
        // dW' [O kH kW][C] -> the gradient view [O][C][kH][kW]
        float[] dw = new float[g.taps() * g.c];
        dwN.position(0).get(dw, 0, dw.length);
        float[] view = new float[dw.length];
        int kk = g.kh * g.kw;
        for (int c = 0; c < g.out; c++) {
            for (int t = 0; t < kk; t++) {
                for (int i = 0; i < g.c; i++) {
                    view[(c * g.c + i) * kk + t] = dw[(c * kk + t) * g.c + i];
                }
            }
        }
        Gradient ret = parameterGradient(gradientViews, view, layerConf().hasBias() ? db : null);
        weightNoiseParams.clear();
        return new Pair<>(ret, dx);
    }

    /**
     * A convolution's parameter gradient from Java arrays: {@code weights} ({@code [o, i, kH, kW]} in c order) and
     * {@code bias} (null without one) copied into the layer's gradient views, as DL4J's layer returns it.
     */
    static Gradient parameterGradient(java.util.Map<String, INDArray> gradientViews, float[] weights, float[] bias) {
        Gradient g = new DefaultGradient();
        INDArray weightGrad = gradientViews.get(ConvolutionParamInitializer.WEIGHT_KEY);
        HostArrays.write(weights, weightGrad);
        if (bias != null) {
            INDArray biasGrad = gradientViews.get(ConvolutionParamInitializer.BIAS_KEY);
            HostArrays.write(bias, biasGrad);
            g.setGradientFor(ConvolutionParamInitializer.BIAS_KEY, biasGrad);
        }
        g.setGradientFor(ConvolutionParamInitializer.WEIGHT_KEY, weightGrad, 'c');
        return g;
    }

    /** Sizes: n examples, c input channels of h x w, out channels of oh x ow, kernel kh x kw, padding ph, pw. */
    private record Geometry(int n, int c, int h, int w, int out, int oh, int ow, int kh, int kw, int ph, int pw) {
        Geometry(INDArray input, org.deeplearning4j.nn.conf.layers.ConvolutionLayer conf, int[] pad) {
            this((int) input.size(0), (int) input.size(1), (int) input.size(2), (int) input.size(3),
                    (int) conf.getNOut(), (int) input.size(2) + 2 * pad[0] - conf.getKernelSize()[0] + 1,
                    (int) input.size(3) + 2 * pad[1] - conf.getKernelSize()[1] + 1, conf.getKernelSize()[0],
                    conf.getKernelSize()[1], pad[0], pad[1]);
        }

        int taps() {
            return out * kh * kw;
        }

        int hw() {
            return h * w;
        }

        int ohw() {
            return oh * ow;
        }

        int outLength() {
            return n * out * oh * ow;
        }
    }

    /** Sizes the buffers for {@code g} and loads the weights as {@code [O kH kW][C]} and the bias. */
    private void prepare(Geometry g) {
        int taps = g.taps();
        if (w.length != taps * g.c) {
            w = new float[taps * g.c];
            wN = new FloatPointer(Math.max(1, taps * g.c));
            dwN = new FloatPointer(Math.max(1, taps * g.c));
        }
        if (y.length < taps * g.hw()) {
            y = new float[taps * g.hw()];
            yN = new FloatPointer(Math.max(1, (long) taps * g.hw()));
        }
        if (o.length < g.outLength()) {
            o = new float[g.outLength()];
        }
        INDArray weights = getParam(ConvolutionParamInitializer.WEIGHT_KEY);
        float[] raw = new float[(int) weights.length()];
        HostArrays.read(weights, raw);
        int kk = g.kh * g.kw;
        for (int c = 0; c < g.out; c++) {
            for (int i = 0; i < g.c; i++) {
                for (int t = 0; t < kk; t++) {
                    w[(c * kk + t) * g.c + i] = raw[(c * g.c + i) * kk + t];
                }
            }
        }
        wN.position(0).put(w, 0, w.length);
        bias = new float[g.out];
        if (layerConf().hasBias()) {
            INDArray b = getParam(ConvolutionParamInitializer.BIAS_KEY);
            HostArrays.read(b, bias);
        }
    }

    /**
     * Between example {@code e}'s tap rows {@code taps} ({@code [O kH kW][H W]}) and its outputs in {@code o}
     * ({@code [n][O][oH][oW]}), each row shifted by its tap. Forward ({@code toOutputs}): adds every row into the
     * outputs. Backward: fills the rows with the output gradient (zero where no output reads the pixel), the
     * transpose of the forward pass.
     */
    static void shift(float[] taps, float[] o, int e, Geometry g, boolean toOutputs) {
        if (!toOutputs) {
            Arrays.fill(taps, 0, g.taps() * g.hw(), 0f);
        }
        for (int c = 0; c < g.out; c++) {
            int outBase = (e * g.out + c) * g.ohw();
            for (int p = 0; p < g.kh; p++) {
                for (int q = 0; q < g.kw; q++) {
                    int row = ((c * g.kh + p) * g.kw + q) * g.hw();
                    int x0 = Math.max(0, g.pw - q);
                    int x1 = Math.min(g.ow, g.w + g.pw - q);
                    for (int oy = 0; oy < g.oh; oy++) {
                        int iy = oy + p - g.ph;
                        if (iy < 0 || iy >= g.h) {
                            continue;
                        }
                        int t = row + iy * g.w + q - g.pw;
                        int out = outBase + oy * g.ow;
                        if (toOutputs) {
                            for (int ox = x0; ox < x1; ox++) {
                                o[out + ox] += taps[t + ox];
                            }
                        } else {
                            for (int ox = x0; ox < x1; ox++) {
                                taps[t + ox] = o[out + ox];
                            }
                        }
                    }
                }
            }
        }
    }
}
