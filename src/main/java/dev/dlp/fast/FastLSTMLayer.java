package dev.dlp.fast;

import dev.dlp.nd4j.HostArrays;
import java.util.Arrays;
import dev.dlp.nd4j.Blas;
import org.bytedeco.javacpp.FloatPointer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.recurrent.LSTM;
import org.deeplearning4j.nn.params.LSTMParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The layer behind {@link FastLSTM}: DL4J's LSTM (gates {@code [i, f, o, g]}, {@code c = f c' + g tanh(z_i)},
 * {@code h = o tanh(c)}, sigmoid gates, masked steps zeroing {@code h} and {@code c} as DL4J's forward pass does)
 * with its full-sequence passes as OpenBLAS products ({@link Blas}) per time step and one Java pass per step.
 *
 * <p>Why: DL4J's LSTM runs ~25 small ND4J ops per time step in each direction (each ~8-10 µs of set-up at
 * {@code [128, 50]}: most of seq2seq's step), and its backward pass computes the forward pass again. Here the
 * forward pass keeps the gate activations, cell states and outputs (heap arrays) for the backward pass that
 * follows on the same input; the backward pass is DL4J's (no masking of the deltas, as DL4J's LSTM passes no mask
 * there). Transcendentals are Java's {@code Math.exp} (tanh through it), ~7 ns each under C1.
 *
 * <p>The fast passes run for float NCW data with tanh/sigmoid activations, no dropout or weight noise and a mask of
 * shape {@code [batch, time]} or none; stepping ({@code rnnTimeStep}), truncated BPTT and anything else are
 * DL4J's.
 */
public class FastLSTMLayer extends LSTM implements PathUse.Traced {
    private final PathUse use = new PathUse();
    private int b;
    private int nIn;
    private int n;
    private int steps;
    private float[] x = new float[0];        // [T][b][nIn] input, time-major
    private float[] gates = new float[0];    // [T][b][4n] activations a_i, f, o, g
    private float[] cell = new float[0];     // [T][b][n] cell states after masking
    private float[] tanhCell = new float[0]; // [T][b][n] tanh of the cell states before masking
    private float[] out = new float[0];      // [T][b][n] outputs after masking
    private float[] mask = new float[0];     // [b][T]
    private float[] bias = new float[0];
    private float[] z = new float[0];
    private float[] io = new float[0];
    private FloatPointer xN;
    private FloatPointer hN;
    private FloatPointer zN;
    private FloatPointer deltaN;
    private FloatPointer nablaN;
    private FloatPointer epsNextN;
    private final float[][] work = new float[5][0];
    private INDArray cachedFor;
    private boolean hasMask;

    public FastLSTMLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    /** True when the fast passes compute what DL4J's would for the current input and settings. */
    boolean fused() {
        org.deeplearning4j.nn.conf.layers.LSTM c = layerConf();
        return dev.dlp.nd4j.Backend.hostArrays() && c.getActivationFn() instanceof ActivationTanH
                && c.getGateActivationFn() instanceof ActivationSigmoid
                && c.getRnnDataFormat() == RNNFormat.NCW && c.getIDropout() == null && c.getWeightNoise() == null
                && dataType == DataType.FLOAT && input != null && input.rank() == 3
                && input.dataType() == DataType.FLOAT && input.size(1) == c.getNIn() && input.size(2) > 0
                && (maskArray == null || maskArray.rank() == 2 && maskArray.size(0) == input.size(0)
                && maskArray.size(1) == input.size(2))
                && Blas.of(getParam(LSTMParamInitializer.INPUT_WEIGHT_KEY)) != null
                && Blas.of(getParam(LSTMParamInitializer.RECURRENT_WEIGHT_KEY)) != null
                && HostArrays.contiguousFloats(getParam(LSTMParamInitializer.BIAS_KEY));
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
        forward();
        cachedFor = training ? input : null;
        INDArray result = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT,
                new long[]{b, n, steps}, 'c');
        ensureIo(b * n * steps);
        for (int t = 0; t < steps; t++) {       // [T][b][n] -> [b][n][T]
            for (int r = 0; r < b; r++) {
                int src = (t * b + r) * n;
                int dst = r * n * steps + t;
                for (int j = 0; j < n; j++) {
                    io[dst + j * steps] = out[src + j];
                }
            }
        }
        HostArrays.write(io, result);
        return result;
    }

    @Override
    public INDArray activate(INDArray input, boolean training, LayerWorkspaceMgr workspaceMgr) {
        setInput(input, workspaceMgr);
        return activate(training, workspaceMgr);
    }

    /** Backward-pass work array {@code i}, at least {@code len} long (contents undefined). */
    private float[] grow(int i, int len) {
        if (work[i].length < len) {
            work[i] = new float[len];
        }
        return work[i];
    }

    private void ensureIo(int len) {
        if (io.length < len) {
            io = new float[len];
        }
    }

    private static float sigmoid(float v) {
        return (float) (1.0 / (1.0 + Math.exp(-v)));
    }

    private static float tanh(float v) {
        float e = (float) Math.exp(-2.0 * Math.abs(v));
        float t = (1 - e) / (1 + e);
        return v < 0 ? -t : t;
    }

    /** The forward pass over the whole sequence, keeping what the backward pass needs. */
    private void forward() {
        b = (int) input.size(0);
        nIn = (int) input.size(1);
        steps = (int) input.size(2);
        INDArray w = getParam(LSTMParamInitializer.INPUT_WEIGHT_KEY);
        INDArray rw = getParam(LSTMParamInitializer.RECURRENT_WEIGHT_KEY);
        n = (int) rw.size(0);
        int g4 = 4 * n;
        allocate();
        ensureIo(b * nIn * steps);
        HostArrays.read(input, io);
        for (int r = 0; r < b; r++) {           // [b][nIn][T] -> [T][b][nIn]
            for (int i = 0; i < nIn; i++) {
                int src = (r * nIn + i) * steps;
                for (int t = 0; t < steps; t++) {
                    x[(t * b + r) * nIn + i] = io[src + t];
                }
            }
        }
        xN.position(0).put(x, 0, steps * b * nIn);
        hasMask = maskArray != null;
        if (hasMask) {
            HostArrays.read(maskArray, mask);
        }
        HostArrays.read(getParam(LSTMParamInitializer.BIAS_KEY), bias);
        Blas.Matrix wm = Blas.of(w);
        Blas.Matrix rwm = Blas.of(rw);
        Blas.Matrix zm = new Blas.Matrix(zN, b, g4, g4, false);
        for (int t = 0; t < steps; t++) {
            Blas.gemm(slice(xN, t * b * nIn, b, nIn), false, wm, false, zm, 1f, 0f);
            if (t > 0) {
                Blas.gemm(slice(hN, (t - 1) * b * n, b, n), false, rwm, false, zm, 1f, 1f);
            }
            zN.position(0).get(z, 0, b * g4);
            for (int r = 0; r < b; r++) {
                int zo = r * g4;
                int go = (t * b + r) * g4;
                int so = (t * b + r) * n;
                float m = hasMask ? mask[r * steps + t] : 1f;
                for (int j = 0; j < n; j++) {
                    float ai = tanh(z[zo + j] + bias[j]);
                    float f = sigmoid(z[zo + n + j] + bias[n + j]);
                    float o = sigmoid(z[zo + 2 * n + j] + bias[2 * n + j]);
                    float g = sigmoid(z[zo + 3 * n + j] + bias[3 * n + j]);
                    float prev = t > 0 ? cell[so - b * n + j] : 0f;
                    float c = prev * f + g * ai;
                    float tc = tanh(c);
                    gates[go + j] = ai;
                    gates[go + n + j] = f;
                    gates[go + 2 * n + j] = o;
                    gates[go + 3 * n + j] = g;
                    tanhCell[so + j] = tc;
                    cell[so + j] = c * m;
                    out[so + j] = tc * o * m;
                }
            }
            hN.position((long) t * b * n).put(out, t * b * n, b * n);
        }
        hN.position(0);
    }

    /** A row-major {@code rows x cols} matrix starting {@code offset} floats into {@code p}. */
    private static Blas.Matrix slice(FloatPointer p, long offset, int rows, int cols) {
        return new Blas.Matrix(new FloatPointer(p).position(offset), rows, cols, Math.max(1, cols), false);
    }

    private void allocate() {
        int g4 = 4 * n;
        int xs = steps * b * nIn;
        int gs = steps * b * g4;
        int cs = steps * b * n;
        if (x.length < xs) {
            x = new float[xs];
            xN = new FloatPointer(Math.max(1, xs));
        }
        if (gates.length < gs) {
            gates = new float[gs];
        }
        if (cell.length < cs) {
            cell = new float[cs];
            tanhCell = new float[cs];
            out = new float[cs];
            hN = new FloatPointer(Math.max(1, cs));
        }
        if (z.length < b * g4) {
            z = new float[b * g4];
            zN = new FloatPointer(Math.max(1, b * g4));
        }
        if (mask.length < b * steps) {
            mask = new float[b * steps];
        }
        if (bias.length != g4) {
            bias = new float[g4];
        }
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        boolean fast = fused() && epsilon.rank() == 3 && epsilon.dataType() == DataType.FLOAT;
        if (!fast) {
            use.declined(layerConf().getLayerName(), PathUse.explain(layerConf(), dataType, input, false,
                    "activations " + layerConf().getActivationFn() + "/" + layerConf().getGateActivationFn()
                    + ", data format, mask or input shape"));
            cachedFor = null;
            return super.backpropGradient(epsilon, workspaceMgr);
        }
        use.fast();
        assertInputSet(true);
        if (cachedFor != input) {
            forward();
        }
        cachedFor = null;
        INDArray w = getParam(LSTMParamInitializer.INPUT_WEIGHT_KEY);
        INDArray rw = getParam(LSTMParamInitializer.RECURRENT_WEIGHT_KEY);
        INDArray dW = gradientViews.get(LSTMParamInitializer.INPUT_WEIGHT_KEY);
        INDArray dRW = gradientViews.get(LSTMParamInitializer.RECURRENT_WEIGHT_KEY);
        INDArray dB = gradientViews.get(LSTMParamInitializer.BIAS_KEY);
        int g4 = 4 * n;
        if (deltaN == null || deltaN.capacity() < (long) steps * b * g4) {
            deltaN = new FloatPointer(Math.max(1, (long) steps * b * g4));
        }
        if (nablaN == null || nablaN.capacity() < (long) b * n) {
            nablaN = new FloatPointer(Math.max(1, (long) b * n));
        }
        if (epsNextN == null || epsNextN.capacity() < (long) steps * b * nIn) {
            epsNextN = new FloatPointer(Math.max(1, (long) steps * b * nIn));
        }
        deltaN.position(0);
        nablaN.position(0);
        epsNextN.position(0);
        float[] eps = grow(0, steps * b * n);
        float[] delta = grow(1, b * g4);
        float[] nabla = grow(2, b * n);
        float[] cellNext = grow(3, b * n);    // dL/dc of the step after this one
        float[] db = new float[g4];
        // the output gradient, [b][n][T] -> [T][b][n]
        ensureIo(b * n * steps);
        HostArrays.read(epsilon, io);
        for (int r = 0; r < b; r++) {
            for (int j = 0; j < n; j++) {
                int src = (r * n + j) * steps;
                for (int t = 0; t < steps; t++) {
                    eps[(t * b + r) * n + j] = io[src + t];
                }
            }
        }
        Blas.Matrix wm = Blas.of(w);
        Blas.Matrix rwm = Blas.of(rw);
        Blas.Matrix nablaM = new Blas.Matrix(nablaN, b, n, n, false);
        for (int t = steps - 1; t >= 0; t--) {
            if (t < steps - 1) {
                // dL/dh from the next step's gate deltas: δ(t+1) RWᵀ
                Blas.gemm(slice(deltaN, (long) (t + 1) * b * g4, b, g4), false, rwm, true, nablaM, 1f, 0f);
                nablaN.position(0).get(nabla, 0, b * n);
            } else {
                Arrays.fill(nabla, 0, b * n, 0f);
            }
            for (int r = 0; r < b; r++) {
                int go = (t * b + r) * g4;
                int gn = ((t + 1) * b + r) * g4;
                int so = (t * b + r) * n;
                int d = r * g4;
                float m = hasMask ? mask[r * steps + t] : 1f;
                for (int j = 0; j < n; j++) {
                    float no = nabla[r * n + j] + eps[so + j];
                    float ai = gates[go + j];
                    float f = gates[go + n + j];
                    float o = gates[go + 2 * n + j];
                    float g = gates[go + 3 * n + j];
                    float tc = tanhCell[so + j];
                    // DL4J differentiates tanh at the masked cell state: the same as tc where the mask is 1
                    float tcm = m == 1f ? tc : tanh(cell[so + j]);
                    float dc = no * o * (1 - tcm * tcm);
                    if (t < steps - 1) {
                        dc += gates[gn + n + j] * cellNext[r * n + j];
                    }
                    float prev = t > 0 ? cell[so - b * n + j] : 0f;
                    delta[d + j] = dc * g * (1 - ai * ai);
                    delta[d + n + j] = prev * dc * f * (1 - f);
                    delta[d + 2 * n + j] = no * tc * o * (1 - o);
                    delta[d + 3 * n + j] = dc * ai * g * (1 - g);
                    cellNext[r * n + j] = dc;
                }
                for (int k = 0; k < g4; k++) {
                    db[k] += delta[d + k];
                }
            }
            deltaN.position((long) t * b * g4).put(delta, 0, b * g4);
            deltaN.position(0);
            Blas.Matrix dm = slice(deltaN, (long) t * b * g4, b, g4);
            // dW += x_tᵀ δ_t; dRW += h_(t-1)ᵀ δ_t; the input gradient at t: δ_t Wᵀ
            Blas.gemm(slice(xN, (long) t * b * nIn, b, nIn), true, dm, false, Blas.of(dW), 1f,
                    t == steps - 1 ? 0f : 1f);
            if (t > 0) {
                Blas.gemm(slice(hN, (long) (t - 1) * b * n, b, n), true, dm, false, Blas.of(dRW), 1f,
                        t == steps - 1 ? 0f : 1f);
            } else if (steps == 1) {
                dRW.assign(0);
            }
            Blas.gemm(dm, false, wm, true, slice(epsNextN, (long) t * b * nIn, b, nIn), 1f, 0f);
        }
        HostArrays.write(db, dB);
        // the input gradient, [T][b][nIn] -> [b][nIn][T]
        float[] en = grow(4, steps * b * nIn);
        epsNextN.position(0).get(en, 0, steps * b * nIn);
        ensureIo(b * nIn * steps);
        for (int t = 0; t < steps; t++) {
            for (int r = 0; r < b; r++) {
                int src = (t * b + r) * nIn;
                int dst = r * nIn * steps + t;
                for (int i = 0; i < nIn; i++) {
                    io[dst + i * steps] = en[src + i];
                }
            }
        }
        INDArray epsilonNext = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT,
                new long[]{b, nIn, steps}, 'c');
        HostArrays.write(io, epsilonNext);
        Gradient ret = new DefaultGradient();
        ret.gradientForVariable().put(LSTMParamInitializer.INPUT_WEIGHT_KEY, dW);
        ret.gradientForVariable().put(LSTMParamInitializer.RECURRENT_WEIGHT_KEY, dRW);
        ret.gradientForVariable().put(LSTMParamInitializer.BIAS_KEY, dB);
        weightNoiseParams.clear();
        return new Pair<>(ret, epsilonNext);
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
