package dev.dlp.fast;

import dev.dlp.nd4j.HostArrays;
import java.util.Arrays;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The layer behind {@link NarrowConvolution}: DL4J's convolution for layers with few channels, as sums over kernel
 * taps in Java ({@link Taps}, on the Vector API when it is loaded).
 *
 * <p>Why: oneDNN runs convolutions with few channels badly here: conv-ae's 16→1 output layer at batch 64
 * ({@code DNNL_VERBOSE}) took 2.2 ms forward, 2.1 ms backward-weights and 1.8 ms backward-data, plus ~2.7 ms
 * reordering its 64x16x28x28 input to and from oneDNN's blocked layout; and libnd4j sets up oneDNN's primitive
 * anew for every call, a cost per pass whose share grows as a batch is cut between workers.
 *
 * <p>How: the input is copied once per pass into a zero-padded, channel-major layout {@code P[C][n Hp Wp]} (each
 * example's padded {@code Hp x Wp} image after the other). There kernel tap {@code (p, q)} reads the input at the
 * fixed offset {@code p Wp + q} from an output's position, for every example at once, so the convolution is
 * {@code Z[o][j] = sum over taps and c of W[o, c, p, q] P[c][j + p Wp + q]}, {@code Z} indexed like {@code P}
 * (positions that are no output, e.g. the right border, hold values nobody reads). Backward, with {@code G} the
 * output gradient at the output positions and zero elsewhere, {@code dW[o, c, p, q] = sum over j of G[o][j]
 * P[c][j + p Wp + q]}, and the padded input gradient is the same kind of sum as the forward pass over {@code G}
 * shifted the other way. The bias and a plain ReLU are applied when the output is unpadded.
 *
 * <p>The fast passes need NCHW float data, stride 1, dilation 1, symmetric padding, the identity activation or a
 * plain ReLU and no dropout or weight noise; anything else runs DL4J's passes.
 */
public class NarrowConvolutionLayer extends ConvolutionLayer implements PathUse.Traced {
    private final PathUse use = new PathUse();
    private float[] hostIn = new float[0];   // the input, then the input gradient, [n][C][H][W]
    private float[] padded = new float[0];   // P [C][rows' stride]
    private float[] padGrad = new float[0];  // dP [C][rows' stride]
    private float[] z = new float[0];        // Z [O][rows' stride]
    private float[] grad = new float[0];     // G [O][rows' stride]
    /** The geometry {@link #padded} and {@link #grad} are laid out for: their zeros stay while it does. */
    private Geometry laidOut;
    private float[] o = new float[0];        // outputs [n][O][oH][oW] (after the activation)
    private float[] d = new float[0];        // output gradients [n][O][oH][oW]
    private float[] raw = new float[0];      // the weights [O][C][kH][kW]
    private float[] perTap = new float[0];   // the weights [kH kW][O][C]
    private float[] perTapT = new float[0];  // the weights [kH kW][C][O]
    private float[] bias = new float[0];
    /** The input whose outputs {@link #o} and padded copy {@link #padded} are held (a training pass's), or null. */
    private INDArray outputsOf;

    public NarrowConvolutionLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    /** {pH, pW} when the fast passes apply, else null. */
    int[] fastPadding() {
        org.deeplearning4j.nn.conf.layers.ConvolutionLayer c = layerConf();
        if (!dev.dlp.nd4j.Backend.hostArrays() || !activationApplies(c.getActivationFn())
                || c.getIDropout() != null || c.getWeightNoise() != null || dataType != DataType.FLOAT || input == null
                || input.dataType() != DataType.FLOAT || !NarrowConvolution.covers(c)) {
            return null;
        }
        int[] pad = InputConvolutionLayer.symmetricPadding(c, input);
        if (pad == null || input.size(1) != c.getNIn()) {
            return null;
        }
        // the padded copies hold every channel of the batch on the heap: big images and batches stay with oneDNN
        long rows = Math.max(c.getNIn(), c.getNOut());
        long positions = input.size(0) * (input.size(2) + 2L * pad[0]) * (input.size(3) + 2L * pad[1]);
        return rows * positions <= MAX_BUFFER_FLOATS ? pad : null;
    }

    /** The most floats one padded buffer of the fast passes may hold (128 MB); larger passes run DL4J's. */
    static final long MAX_BUFFER_FLOATS = 1L << 25;

    /** The activations the fast passes apply: the identity and a plain ReLU. */
    static boolean activationApplies(org.nd4j.linalg.activations.IActivation a) {
        return a instanceof ActivationIdentity || a instanceof ActivationReLU r && r.getMax() == null
                && r.getThreshold() == null && r.getNegativeSlope() == null;
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
        forward(g);
        outputsOf = training ? input : null;
        INDArray result = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT,
                new long[]{g.n, g.out, g.oh, g.ow}, 'c');
        HostArrays.write(o, result);
        return result;
    }

    /** The outputs for {@link #input} into {@link #o}: the input padded, the sums over taps, bias, activation. */
    private void forward(Geometry g) {
        prepare(g);
        HostArrays.read(input, hostIn);
        int r = g.rowStride();
        copyInterior(g, padded, true);
        Taps.correlate(perTap, g.out, g.c, padded, r, g.offsets(), z, g.outputSpan());
        boolean relu = !(layerConf().getActivationFn() instanceof ActivationIdentity);
        for (int e = 0; e < g.n; e++) {
            for (int c = 0; c < g.out; c++) {
                float b = bias[c];
                int dst = (e * g.out + c) * g.ohw();
                for (int y = 0; y < g.oh; y++) {
                    int src = c * r + e * g.hpwp() + y * g.wp();
                    for (int x = 0; x < g.ow; x++) {
                        float v = z[src + x] + b;
                        o[dst++] = relu ? Math.max(0f, v) : v;
                    }
                }
            }
        }
    }

    /**
     * Between {@link #hostIn} ({@code [n][C][H][W]}) and the interior of a padded layout ({@code [C][rows' stride]}),
     * row by row: into {@code paddedLayout} when {@code toPadded}, else out of it.
     */
    private void copyInterior(Geometry g, float[] paddedLayout, boolean toPadded) {
        int r = g.rowStride();
        for (int e = 0; e < g.n; e++) {
            for (int c = 0; c < g.c; c++) {
                int flat = (e * g.c + c) * g.h * g.w;
                int pad = c * r + e * g.hpwp() + g.ph * g.wp() + g.pw;
                for (int y = 0; y < g.h; y++) {
                    if (toPadded) {
                        System.arraycopy(hostIn, flat + y * g.w, paddedLayout, pad + y * g.wp(), g.w);
                    } else {
                        System.arraycopy(paddedLayout, pad + y * g.wp(), hostIn, flat + y * g.w, g.w);
                    }
                }
            }
        }
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        int[] pad = fastPadding();
        boolean fast = pad != null && epsilon.dataType() == DataType.FLOAT;
        if (!fast) {
            use.declined(layerConf().getLayerName(), PathUse.explain(layerConf(), dataType, input, false,
                    "needs the identity activation or a plain ReLU, NCHW data, stride 1, dilation 1 and symmetric "
                            + "padding"));
            return super.backpropGradient(epsilon, workspaceMgr);
        }
        use.fast();
        Geometry g = new Geometry(input, layerConf(), pad);
        if (outputsOf != input) {
            forward(g);   // the training pass's padded input and outputs are not at hand
        }   // else the training pass's prepare left the buffers and weights of this geometry and step
        outputsOf = null;
        HostArrays.read(epsilon, d);
        boolean relu = !(layerConf().getActivationFn() instanceof ActivationIdentity);
        int r = g.rowStride();
        int m = g.offset(g.kh * g.kw - 1);
        // G: the output gradient (through the ReLU) at output position j of row o, at grad[o r + m + j]; zero
        // elsewhere (prepare zeroed it for this geometry, and only output positions are written)
        float[] db = new float[g.out];
        for (int e = 0; e < g.n; e++) {
            for (int c = 0; c < g.out; c++) {
                int src = (e * g.out + c) * g.ohw();
                float sum = 0f;
                for (int y = 0; y < g.oh; y++) {
                    int dst = c * r + m + e * g.hpwp() + y * g.wp();
                    for (int x = 0; x < g.ow; x++, src++) {
                        float v = relu && !(o[src] > 0f) ? 0f : d[src];
                        grad[dst + x] = v;
                        sum += v;
                    }
                }
                db[c] += sum;
            }
        }
        int kk = g.kh * g.kw;
        float[] dwPerTap = new float[kk * g.out * g.c];
        Taps.weights(grad, m, g.out, padded, g.c, r, g.offsets(), dwPerTap, g.outputSpan());
        int[] back = new int[kk];
        for (int t = 0; t < kk; t++) {
            back[t] = m - g.offset(t);
        }
        Taps.correlate(perTapT, g.c, g.out, grad, r, back, padGrad, g.inputSpan());
        copyInterior(g, padGrad, false);   // dP -> the input gradient (the padding's gradient dropped)
        INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT, input.shape(), 'c');
        HostArrays.write(hostIn, dx);
        // dW per tap [kH kW][O][C] -> the gradient view [O][C][kH][kW]
        float[] view = new float[dwPerTap.length];
        for (int t = 0; t < kk; t++) {
            for (int c = 0; c < g.out; c++) {
                for (int i = 0; i < g.c; i++) {
                    view[(c * g.c + i) * kk + t] = dwPerTap[(t * g.out + c) * g.c + i];
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

        int ohw() {
            return oh * ow;
        }

        int outLength() {
            return n * out * oh * ow;
        }

        /** The padded width, and a padded image's size. */
        int wp() {
            return w + 2 * pw;
        }

        int hpwp() {
            return (h + 2 * ph) * wp();
        }

        /** Tap {@code t = p kW + q}'s offset in the padded layout. */
        int offset(int t) {
            return (t / kw) * wp() + t % kw;
        }

        int[] offsets() {
            int[] off = new int[kh * kw];
            for (int t = 0; t < off.length; t++) {
                off[t] = offset(t);
            }
            return off;
        }

        /** The positions of {@code Z} computed: past the last output, rounded up to {@link Taps#BLOCK}. */
        int outputSpan() {
            return roundUp(n * hpwp() - offset(kh * kw - 1));
        }

        /** The positions of the padded input gradient computed: every padded pixel, rounded up. */
        int inputSpan() {
            return roundUp(n * hpwp());
        }

        /**
         * A channel's row in the padded layouts: every example's padded image, then room for the largest tap offset
         * and a block, so that the sums' reads past a row's last position stay in the row (they read zeros there).
         */
        int rowStride() {
            return n * hpwp() + offset(kh * kw - 1) + Taps.BLOCK;
        }

        private static int roundUp(int v) {
            return (v + Taps.BLOCK - 1) / Taps.BLOCK * Taps.BLOCK;
        }
    }

    /** Sizes the buffers for {@code g} and loads the weights (per tap, both ways round) and the bias. */
    private void prepare(Geometry g) {
        int kk = g.kh * g.kw;
        int r = g.rowStride();
        if (raw.length != kk * g.out * g.c) {
            raw = new float[kk * g.out * g.c];
            perTap = new float[raw.length];
            perTapT = new float[raw.length];
        }
        if (padded.length < g.c * r || z.length < g.out * r) {
            padded = new float[g.c * r];
            padGrad = new float[g.c * r];
            z = new float[g.out * r];
            grad = new float[g.out * r];
        } else if (!g.equals(laidOut)) {
            Arrays.fill(padded, 0f);   // the borders and gaps, which the passes never write
            Arrays.fill(grad, 0f);
        }
        laidOut = g;
        if (hostIn.length < g.n * g.c * g.h * g.w) {
            hostIn = new float[g.n * g.c * g.h * g.w];
        }
        if (o.length < g.outLength()) {
            o = new float[g.outLength()];
            d = new float[g.outLength()];
        }
        HostArrays.read(getParam(ConvolutionParamInitializer.WEIGHT_KEY), raw);
        for (int c = 0; c < g.out; c++) {
            for (int i = 0; i < g.c; i++) {
                for (int t = 0; t < kk; t++) {
                    float v = raw[(c * g.c + i) * kk + t];
                    perTap[(t * g.out + c) * g.c + i] = v;
                    perTapT[(t * g.c + i) * g.out + c] = v;
                }
            }
        }
        bias = new float[g.out];
        if (layerConf().hasBias()) {
            HostArrays.read(getParam(ConvolutionParamInitializer.BIAS_KEY), bias);
        }
    }
}
