package dev.dlp.fast;

import dev.dlp.nd4j.Blas;
import dev.dlp.nd4j.HostArrays;
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

import java.util.Arrays;

/**
 * The layer behind {@link FastLSTM}: DL4J's LSTM (gates {@code [i, f, o, g]}, {@code c = f c' + g tanh(z_i)},
 * {@code h = o tanh(c)}, sigmoid gates, masked steps zeroing {@code h} and {@code c} as DL4J's forward pass does)
 * with its full-sequence passes as OpenBLAS products ({@link Blas}) and one Java pass per time step.
 *
 * <p>Why: DL4J's LSTM runs ~25 small ND4J ops per time step in each direction (each ~8-10 µs of set-up at
 * {@code [128, 50]}: most of seq2seq's step), and its backward pass computes the forward pass again. Here the
 * inputs of all time steps are projected in one product ({@code X W}), each step adds one product
 * ({@code h RW}); the backward pass runs one product per step ({@code δ RWᵀ}) and the weight and input gradients
 * as three products over all steps. The forward pass keeps the gate activations, cell states and outputs (heap
 * arrays) for the backward pass that follows on the same input; the backward pass is DL4J's (no masking of the
 * deltas, as DL4J's LSTM passes no mask there).
 *
 * <p>The same kernel serves {@link StateLSTMLayer} (an initial state, and the cell states as a second output):
 * {@link #initialFromInput} and {@link #emit} say which.
 *
 * <p>The fast passes run for float NCW data with tanh/sigmoid activations, no dropout or weight noise and a mask of
 * shape {@code [batch, time]} or none; stepping ({@code rnnTimeStep}), truncated BPTT and anything else are
 * DL4J's.
 */
public class FastLSTMLayer extends LSTM implements PathUse.Traced {
    private final PathUse use = new PathUse();
    int b;
    int nIn;
    int n;
    int steps;
    private int features;                     // input features: nIn, + 2n when the state rides in the input
    private float[] x = new float[0];         // [T][b][nIn] input, time-major
    private float[] gates = new float[0];     // [T][b][4n] activations a_i, f, o, g
    private float[] cell = new float[0];      // [T][b][n] cell states after masking
    private float[] tanhCell = new float[0];  // [T][b][n] tanh of the cell states before masking
    float[] out = new float[0];               // [T][b][n] outputs after masking
    private float[] mask = new float[0];      // [b][T]
    private float[] bias = new float[0];
    private float[] z = new float[0];
    private float[] io = new float[0];
    private float[] h0 = new float[0];        // [b][n] initial state (when hasInitial)
    private float[] c0 = new float[0];
    private boolean hasInitial;
    private FloatPointer xN;
    private FloatPointer hN;                  // [T][b][n] outputs, native
    private FloatPointer h0N;
    private FloatPointer zN;                  // [T][b][4n] pre-activations, native
    private FloatPointer deltaN;
    private FloatPointer nablaN;
    private FloatPointer epsNextN;
    private final float[][] work = new float[7][0];
    private float[] zeros = new float[0];     // read-only zeros standing for "no such array"
    private INDArray cachedFor;
    private boolean hasMask;
    private int[] lastSteps = new int[0];

    public FastLSTMLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    /** True when the layer's input carries the initial (h, c) in its last 2n features at step 0. */
    boolean initialFromInput() {
        return false;
    }

    /** What the layer outputs: {@link #EMIT_H} (DL4J's LSTM), {@link #EMIT_H_AND_C} or {@link #EMIT_FINAL}. */
    int emit() {
        return EMIT_H;
    }

    /** The outputs {@code h}, {@code [b, n, T]}. */
    static final int EMIT_H = 0;
    /** The outputs and the cell states, {@code [b, 2n, T]}. */
    static final int EMIT_H_AND_C = 1;
    /** The final {@code [h; c]} of each sequence (its last unmasked step), {@code [b, 2n]}. */
    static final int EMIT_FINAL = 2;

    private int inputFeatures() {
        return (int) layerConf().getNIn() + (initialFromInput() ? 2 * (int) layerConf().getNOut() : 0);
    }

    /** True when the fast passes compute what DL4J's would for the current input and settings. */
    boolean fused() {
        org.deeplearning4j.nn.conf.layers.LSTM c = layerConf();
        return dev.dlp.nd4j.Backend.hostArrays() && c.getActivationFn() instanceof ActivationTanH
                && c.getGateActivationFn() instanceof ActivationSigmoid
                && c.getRnnDataFormat() == RNNFormat.NCW && c.getIDropout() == null && c.getWeightNoise() == null
                && dataType == DataType.FLOAT && input != null && input.rank() == 3
                && input.dataType() == DataType.FLOAT && input.size(1) == inputFeatures() && input.size(2) > 0
                && (maskArray == null || maskArray.rank() == 2 && maskArray.size(0) == input.size(0)
                && maskArray.size(1) == input.size(2))
                && Blas.of(getParam(LSTMParamInitializer.INPUT_WEIGHT_KEY)) != null
                && Blas.of(getParam(LSTMParamInitializer.RECURRENT_WEIGHT_KEY)) != null
                && HostArrays.contiguousFloats(getParam(LSTMParamInitializer.BIAS_KEY));
    }

    /** True when the fast backward pass applies to {@code epsilon} (shaped as {@link #emit} says). */
    boolean fusedBackward(INDArray epsilon) {
        return fused() && epsilon.rank() == (emit() == EMIT_FINAL ? 2 : 3) && epsilon.dataType() == DataType.FLOAT;
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
        forward(null, null);
        cachedFor = training ? input : null;
        return output(workspaceMgr);
    }

    /** The outputs of the last forward pass, as {@link #emit} says. */
    INDArray output(LayerWorkspaceMgr workspaceMgr) {
        if (emit() == EMIT_FINAL) {
            INDArray result = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT,
                    new long[]{b, 2 * n}, 'c');
            ensureIo(b * 2 * n);
            for (int r = 0; r < b; r++) {
                int src = (lastStep(r) * b + r) * n;
                System.arraycopy(out, src, io, r * 2 * n, n);
                System.arraycopy(cell, src, io, r * 2 * n + n, n);
            }
            HostArrays.write(io, result);
            return result;
        }
        int o = emit() == EMIT_H_AND_C ? 2 * n : n;
        INDArray result = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT,
                new long[]{b, o, steps}, 'c');
        ensureIo(b * o * steps);
        for (int t = 0; t < steps; t++) {       // [T][b][n] -> [b][o][T]
            for (int r = 0; r < b; r++) {
                int src = (t * b + r) * n;
                int dst = r * o * steps + t;
                for (int j = 0; j < n; j++) {
                    io[dst + j * steps] = out[src + j];
                }
                if (o > n) {
                    dst += n * steps;
                    for (int j = 0; j < n; j++) {
                        io[dst + j * steps] = cell[src + j];
                    }
                }
            }
        }
        HostArrays.write(io, result);
        return result;
    }

    /**
     * The mask that says where each sequence ends, for the final-state output: DL4J's graph gives an LSTM no mask in
     * the forward pass ({@code LSTM.feedForwardMaskArray} does not keep it), so {@link StateLSTMLayer} keeps its
     * own; null means the layer's mask, if any.
     */
    INDArray endMask() {
        return null;
    }

    /** Row {@code r}'s last unmasked step of the last forward pass (0 when every step is masked). */
    int lastStep(int r) {
        return lastSteps[r];
    }

    private void findLastSteps() {
        INDArray m = endMask() != null ? endMask() : maskArray;
        if (lastSteps.length < b) {
            lastSteps = new int[b];
        }
        if (m == null) {
            Arrays.fill(lastSteps, 0, b, steps - 1);
            return;
        }
        float[] v = grow(6, b * steps);
        HostArrays.read(m, v);
        for (int r = 0; r < b; r++) {
            int last = 0;
            for (int t = steps - 1; t > 0; t--) {
                if (v[r * steps + t] != 0f) {
                    last = t;
                    break;
                }
            }
            lastSteps[r] = last;
        }
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
        return FloatMath.sigmoid(v);
    }

    private static float tanh(float v) {
        return FloatMath.tanh(v);
    }

    /**
     * The forward pass over the whole sequence, keeping what the backward pass needs. The initial state is
     * {@code (hInit, cInit)} ({@code [b][n]}) when given, else the one the input carries when
     * {@link #initialFromInput}, else zeros.
     */
    void forward(float[] hInit, float[] cInit) {
        b = (int) input.size(0);
        features = (int) input.size(1);
        steps = (int) input.size(2);
        INDArray w = getParam(LSTMParamInitializer.INPUT_WEIGHT_KEY);
        INDArray rw = getParam(LSTMParamInitializer.RECURRENT_WEIGHT_KEY);
        nIn = (int) w.size(0);
        n = (int) rw.size(0);
        int g4 = 4 * n;
        allocate();
        ensureIo(b * features * steps);
        HostArrays.read(input, io);
        for (int r = 0; r < b; r++) {           // [b][features][T] -> [T][b][nIn]
            for (int i = 0; i < nIn; i++) {
                int src = (r * features + i) * steps;
                for (int t = 0; t < steps; t++) {
                    x[(t * b + r) * nIn + i] = io[src + t];
                }
            }
        }
        hasInitial = hInit != null || initialFromInput();
        if (hInit != null) {
            System.arraycopy(hInit, 0, h0, 0, b * n);
            System.arraycopy(cInit, 0, c0, 0, b * n);
        } else if (hasInitial) {
            for (int r = 0; r < b; r++) {       // features [nIn, nIn + n) and [nIn + n, nIn + 2n) at step 0
                for (int j = 0; j < n; j++) {
                    h0[r * n + j] = io[(r * features + nIn + j) * steps];
                    c0[r * n + j] = io[(r * features + nIn + n + j) * steps];
                }
            }
        }
        if (hasInitial) {
            h0N.position(0).put(h0, 0, b * n);
        }
        xN.position(0).put(x, 0, steps * b * nIn);
        hasMask = maskArray != null;
        if (hasMask) {
            HostArrays.read(maskArray, mask);
        }
        HostArrays.read(getParam(LSTMParamInitializer.BIAS_KEY), bias);
        Blas.Matrix rwm = Blas.of(rw);
        // every step's input projection in one product: Z = X W, [T b, 4n]
        Blas.gemm(slice(xN, 0, steps * b, nIn), false, Blas.of(w), false, slice(zN, 0, steps * b, g4), 1f, 0f);
        for (int t = 0; t < steps; t++) {
            Blas.Matrix zt = slice(zN, (long) t * b * g4, b, g4);
            if (t > 0) {
                Blas.gemm(slice(hN, (long) (t - 1) * b * n, b, n), false, rwm, false, zt, 1f, 1f);
            } else if (hasInitial) {
                Blas.gemm(slice(h0N, 0, b, n), false, rwm, false, zt, 1f, 1f);
            }
            zN.position((long) t * b * g4).get(z, 0, b * g4);
            zN.position(0);
            // the gate activations as one sigmoid over the whole step (FloatMath vectorises long ranges only):
            // tanh for [0, n) of each row as tanh(v) = 2 sigmoid(2v) - 1, sigmoid for the rest
            for (int r = 0; r < b; r++) {
                int zo = r * g4;
                for (int k = 0; k < n; k++) {
                    z[zo + k] = 2 * (z[zo + k] + bias[k]);
                }
                for (int k = n; k < g4; k++) {
                    z[zo + k] += bias[k];
                }
            }
            FloatMath.sigmoid(z, 0, b * g4);
            for (int r = 0; r < b; r++) {
                int zo = r * g4;
                for (int k = 0; k < n; k++) {
                    z[zo + k] = 2 * z[zo + k] - 1;
                }
            }
            System.arraycopy(z, 0, gates, t * b * g4, b * g4);
            int so0 = t * b * n;
            for (int r = 0; r < b; r++) {
                int zo = r * g4;
                int so = so0 + r * n;
                float[] prev = t > 0 ? cell : hasInitial ? c0 : null;
                int po = t > 0 ? so - b * n : r * n;
                if (prev == null) {
                    for (int j = 0; j < n; j++) {
                        tanhCell[so + j] = z[zo + 3 * n + j] * z[zo + j];   // c, for now
                    }
                } else {
                    for (int j = 0; j < n; j++) {
                        tanhCell[so + j] = prev[po + j] * z[zo + n + j] + z[zo + 3 * n + j] * z[zo + j];
                    }
                }
            }
            System.arraycopy(tanhCell, so0, cell, so0, b * n);
            FloatMath.tanh(tanhCell, so0, so0 + b * n);
            for (int r = 0; r < b; r++) {
                int zo = r * g4;
                int so = so0 + r * n;
                float m = hasMask ? mask[r * steps + t] : 1f;
                for (int j = 0; j < n; j++) {
                    cell[so + j] *= m;
                    out[so + j] = tanhCell[so + j] * z[zo + 2 * n + j] * m;
                }
            }
            hN.position((long) t * b * n).put(out, t * b * n, b * n);
            hN.position(0);
        }
        if (emit() == EMIT_FINAL) {
            findLastSteps();
        }
    }

    /** The last step's output and cell state, {@code [b][n]} each, of the last forward pass. */
    float[][] lastState() {
        int from = (steps - 1) * b * n;
        return new float[][]{Arrays.copyOfRange(out, from, from + b * n), Arrays.copyOfRange(cell, from,
                from + b * n)};
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
            zN = new FloatPointer(Math.max(1, gs));
        }
        if (cell.length < cs) {
            cell = new float[cs];
            tanhCell = new float[cs];
            out = new float[cs];
            hN = new FloatPointer(Math.max(1, cs));
        }
        if (z.length < b * g4) {
            z = new float[b * g4];
        }
        if (h0.length < b * n) {
            h0 = new float[b * n];
            c0 = new float[b * n];
            h0N = new FloatPointer(Math.max(1, b * n));
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
        boolean fast = fusedBackward(epsilon);
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
            forward(null, null);
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
        float[] eps = grow(0, steps * b * n);
        float[] delta = grow(1, b * g4);
        float[] nabla = grow(2, b * n);
        float[] cellNext = grow(3, b * n);    // dL/dc of the step after this one, times its forget gate
        float[] epsC = grow(5, steps * b * n);
        float[] tcm = new float[n];
        if (zeros.length < Math.max(b * g4, steps * b * n)) {
            zeros = new float[Math.max(b * g4, steps * b * n)];
        }
        float[] db = new float[g4];
        readEpsilon(epsilon, eps, epsC);
        Blas.Matrix rwm = Blas.of(rw);
        Blas.Matrix nablaM = new Blas.Matrix(nablaN, b, n, n, false);
        Arrays.fill(cellNext, 0, b * n, 0f);
        for (int t = steps - 1; t >= 0; t--) {
            if (t < steps - 1) {
                // dL/dh from the next step's gate deltas: δ(t+1) RWᵀ
                Blas.gemm(slice(deltaN, (long) (t + 1) * b * g4, b, g4), false, rwm, true, nablaM, 1f, 0f);
                nablaN.position(0).get(nabla, 0, b * n);
            } else {
                Arrays.fill(nabla, 0, b * n, 0f);
            }
            // (branch-free inner loops, which C2 vectorises: conditions pick the arrays, zeros stand for "none")
            for (int r = 0; r < b; r++) {
                int go = (t * b + r) * g4;
                int so = (t * b + r) * n;
                int rn = r * n;
                int d = r * g4;
                float m = hasMask ? mask[r * steps + t] : 1f;
                // DL4J differentiates tanh at the masked cell state: tanhCell where the mask is 1
                float[] tc = tanhCell;
                int tco = so;
                if (m != 1f) {
                    for (int j = 0; j < n; j++) {
                        tcm[j] = FloatMath.tanh(cell[so + j]);
                    }
                    tc = tcm;
                    tco = 0;
                }
                float[] prev = t > 0 ? cell : hasInitial ? c0 : zeros;
                int po = t > 0 ? so - b * n : hasInitial ? rn : 0;
                for (int j = 0; j < n; j++) {
                    float no = nabla[rn + j] + eps[so + j];
                    float ai = gates[go + j];
                    float f = gates[go + n + j];
                    float og = gates[go + 2 * n + j];
                    float g = gates[go + 3 * n + j];
                    float th = tc[tco + j];
                    float dc = no * og * (1 - th * th) + cellNext[rn + j] + epsC[so + j];
                    delta[d + j] = dc * g * (1 - ai * ai);
                    delta[d + n + j] = prev[po + j] * dc * f * (1 - f);
                    delta[d + 2 * n + j] = no * tanhCell[so + j] * og * (1 - og);
                    delta[d + 3 * n + j] = dc * ai * g * (1 - g);
                    cellNext[rn + j] = dc * f;
                }
                for (int k = 0; k < g4; k++) {
                    db[k] += delta[d + k];
                }
            }
            deltaN.position((long) t * b * g4).put(delta, 0, b * g4);
            deltaN.position(0);
        }
        // over all steps at once: dW = Xᵀ Δ; dRW = H(t-1)ᵀ Δ(t) for t >= 1 (+ h0ᵀ δ0); the input gradient Δ Wᵀ
        Blas.gemm(slice(xN, 0, steps * b, nIn), true, slice(deltaN, 0, steps * b, g4), false, Blas.of(dW), 1f, 0f);
        Blas.Matrix dRWm = Blas.of(dRW);
        if (steps > 1) {
            Blas.gemm(slice(hN, 0, (steps - 1) * b, n), true, slice(deltaN, (long) b * g4, (steps - 1) * b, g4),
                    false, dRWm, 1f, 0f);
        }
        if (hasInitial) {
            Blas.gemm(slice(h0N, 0, b, n), true, slice(deltaN, 0, b, g4), false, dRWm, 1f, steps > 1 ? 1f : 0f);
        } else if (steps == 1) {
            dRW.assign(0);
        }
        Blas.gemm(slice(deltaN, 0, steps * b, g4), false, Blas.of(w), true, slice(epsNextN, 0, steps * b, nIn), 1f,
                0f);
        HostArrays.write(db, dB);
        // the input gradient, [T][b][nIn] -> [b][features][T]; the initial state's gradient at step 0
        float[] en = grow(4, steps * b * nIn);
        epsNextN.position(0).get(en, 0, steps * b * nIn);
        ensureIo(b * features * steps);
        if (features > nIn) {
            Arrays.fill(io, 0, b * features * steps, 0f);
        }
        for (int t = 0; t < steps; t++) {
            for (int r = 0; r < b; r++) {
                int src = (t * b + r) * nIn;
                int dst = r * features * steps + t;
                for (int i = 0; i < nIn; i++) {
                    io[dst + i * steps] = en[src + i];
                }
            }
        }
        if (initialFromInput()) {
            // dL/dh0 = δ0 RWᵀ; dL/dc0 = dL/dc(0) f(0) (cellNext holds it after the loop)
            Blas.gemm(slice(deltaN, 0, b, g4), false, rwm, true, nablaM, 1f, 0f);
            nablaN.position(0).get(nabla, 0, b * n);
            for (int r = 0; r < b; r++) {
                for (int j = 0; j < n; j++) {
                    io[(r * features + nIn + j) * steps] = nabla[r * n + j];
                    io[(r * features + nIn + n + j) * steps] = cellNext[r * n + j];
                }
            }
        }
        INDArray epsilonNext = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT,
                new long[]{b, features, steps}, 'c');
        HostArrays.write(io, epsilonNext);
        Gradient ret = new DefaultGradient();
        ret.gradientForVariable().put(LSTMParamInitializer.INPUT_WEIGHT_KEY, dW);
        ret.gradientForVariable().put(LSTMParamInitializer.RECURRENT_WEIGHT_KEY, dRW);
        ret.gradientForVariable().put(LSTMParamInitializer.BIAS_KEY, dB);
        weightNoiseParams.clear();
        return new Pair<>(ret, epsilonNext);
    }

    /**
     * The output gradient as {@code [T][b][n]} arrays: {@code eps} for {@code h}, {@code epsC} for {@code c}
     * (zeros unless the cell states are an output), from {@code epsilon} shaped as {@link #emit} says.
     */
    private void readEpsilon(INDArray epsilon, float[] eps, float[] epsC) {
        int mode = emit();
        int o = mode == EMIT_H ? n : 2 * n;
        ensureIo(mode == EMIT_FINAL ? b * o : b * o * steps);
        HostArrays.read(epsilon, io);
        if (mode != EMIT_H_AND_C) {
            Arrays.fill(epsC, 0, steps * b * n, 0f);
        }
        if (mode == EMIT_FINAL) {
            Arrays.fill(eps, 0, steps * b * n, 0f);
            for (int r = 0; r < b; r++) {
                int dst = (lastStep(r) * b + r) * n;
                System.arraycopy(io, r * o, eps, dst, n);
                System.arraycopy(io, r * o + n, epsC, dst, n);
            }
            return;
        }
        for (int r = 0; r < b; r++) {
            for (int j = 0; j < n; j++) {
                int src = (r * o + j) * steps;
                for (int t = 0; t < steps; t++) {
                    eps[(t * b + r) * n + j] = io[src + t];
                }
                if (mode == EMIT_H_AND_C) {
                    src += n * steps;
                    for (int t = 0; t < steps; t++) {
                        epsC[(t * b + r) * n + j] = io[src + t];
                    }
                }
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
