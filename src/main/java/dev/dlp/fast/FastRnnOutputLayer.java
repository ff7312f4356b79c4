package dev.dlp.fast;

import dev.dlp.nd4j.Blas;
import dev.dlp.nd4j.HostArrays;
import org.bytedeco.javacpp.FloatPointer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.recurrent.RnnOutputLayer;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

/**
 * The layer behind {@link FastRnnOutput}: DL4J's time-distributed output layer with one fused backward pass for
 * softmax + multi-class cross-entropy over every (example, step) row, per-step label mask included, which also
 * yields the score.
 *
 * <p>Why: DL4J's pass reshapes the input and the labels to rows (permuted copies), computes the logits for the
 * backward pass and again for the score, and runs ~20 small ND4J ops for the loss, its gradient and the reshapes
 * back: 17 % of a seq2seq training step at batch 128. Here: the rows packed once, two products through OpenBLAS
 * ({@code Z = X W}, {@code dW = Xᵀ δ}, and {@code δ Wᵀ} for the input gradient) and {@link
 * SoftmaxOutputLayer#softmaxCrossEntropy}'s Java loop (the same clipping and per-row mask as DL4J's LossMCXENT). The
 * score is kept for {@link #computeScore}, which the graph calls right after the backward pass with the same
 * input, labels and parameters; the forward pass (inference) is DL4J's.
 *
 * <p>Anything outside the fused case (another activation or loss, loss weights, per-output masks, dropout, weight
 * noise, no bias, NWC data, non-float data) runs DL4J's pass.
 */
public class FastRnnOutputLayer extends RnnOutputLayer implements PathUse.Traced {
    private final PathUse use = new PathUse();
    private final ReadyScore ready = new ReadyScore();
    private float[] rows = new float[0];
    private float[] logits = new float[0];
    private float[] labelRows = new float[0];
    private float[] rowMask = new float[0];
    private float[] io = new float[0];
    private FloatPointer xN;
    private FloatPointer zN;
    private FloatPointer epsN;

    public FastRnnOutputLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    public PathUse pathUse() {
        return use;
    }

    private boolean fused() {
        org.deeplearning4j.nn.conf.layers.RnnOutputLayer c = layerConf();
        return dev.dlp.nd4j.Backend.hostArrays() && c.getActivationFn() instanceof ActivationSoftmax
                && c.getLossFn() instanceof LossMCXENT loss && loss.getWeights() == null && c.hasBias()
                && c.getIDropout() == null && c.getWeightNoise() == null && c.getRnnDataFormat() == RNNFormat.NCW
                && dataType == DataType.FLOAT && input != null && input.rank() == 3
                && input.dataType() == DataType.FLOAT && labels != null && labels.rank() == 3
                && labels.size(0) == input.size(0) && labels.size(2) == input.size(2)
                && (maskArray == null || maskArray.length() == input.size(0) * input.size(2))
                && Blas.of(getParam(DefaultParamInitializer.WEIGHT_KEY)) != null
                && Blas.of(gradientViews.get(DefaultParamInitializer.WEIGHT_KEY)) != null;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        ready.forget();
        if (!fused()) {
            use.declined(layerConf().getLayerName(), PathUse.explain(layerConf(), dataType, input, false,
                    "activation " + layerConf().getActivationFn() + ", loss " + layerConf().getLossFn()
                    + ", bias, data format or mask shape"));
            return super.backpropGradient(epsilon, workspaceMgr);
        }
        use.fast();
        assertInputSet(true);
        int b = (int) input.size(0);
        int nIn = (int) input.size(1);
        int steps = (int) input.size(2);
        INDArray w = getParam(DefaultParamInitializer.WEIGHT_KEY);
        Blas.Matrix wm = Blas.of(w);
        int k = wm.cols();
        int n = b * steps;                       // rows (r, t) in order r * steps + t
        if (rows.length < n * nIn) {
            rows = new float[n * nIn];
            xN = new FloatPointer(Math.max(1, (long) n * nIn));
            epsN = new FloatPointer(Math.max(1, (long) n * nIn));
        }
        if (logits.length < n * k) {
            logits = new float[n * k];
            labelRows = new float[n * k];
            zN = new FloatPointer(Math.max(1, (long) n * k));
        }
        if (rowMask.length < n) {
            rowMask = new float[n];
        }
        if (io.length < Math.max(n * nIn, n * k)) {
            io = new float[Math.max(n * nIn, n * k)];
        }
        toRows(input, io, rows, b, nIn, steps);
        toRows(labels, io, labelRows, b, k, steps);
        if (maskArray != null) {                 // DL4J keeps it as a column in f order: (r, t) at r + b t
            HostArrays.read(maskArray.reshape(maskArray.length()), io);
            for (int r = 0; r < b; r++) {
                for (int t = 0; t < steps; t++) {
                    rowMask[r * steps + t] = io[r + b * t];
                }
            }
        }
        xN.position(0).put(rows, 0, n * nIn);
        Blas.Matrix xm = new Blas.Matrix(xN, n, nIn, nIn, false);
        Blas.Matrix zm = Blas.Matrix.colMajor(zN, n, k);
        Blas.gemm(xm, false, wm, false, zm, 1f, 0f);
        zN.position(0).get(logits, 0, n * k);
        float[] bias = new float[k];
        float[] dBias = new float[k];
        HostArrays.read(getParam(DefaultParamInitializer.BIAS_KEY), bias);
        double loss = SoftmaxOutputLayer.softmaxCrossEntropy(logits, labelRows, maskArray == null ? null : rowMask,
                bias, dBias, n, k, ((LossMCXENT) layerConf().getLossFn()).getSoftmaxClipEps());
        zN.position(0).put(logits, 0, n * k);   // δ, f order [n, k]
        Blas.gemm(xm, true, zm, false, Blas.of(gradientViews.get(DefaultParamInitializer.WEIGHT_KEY)), 1f, 0f);
        HostArrays.write(dBias, gradientViews.get(DefaultParamInitializer.BIAS_KEY));
        Blas.gemm(zm, false, wm, true, new Blas.Matrix(epsN, n, nIn, nIn, false), 1f, 0f);
        epsN.position(0).get(rows, 0, n * nIn);
        for (int r = 0; r < b; r++) {            // rows [r][t][i] -> [b][nIn][T]
            for (int t = 0; t < steps; t++) {
                int src = (r * steps + t) * nIn;
                int dst = r * nIn * steps + t;
                for (int i = 0; i < nIn; i++) {
                    io[dst + i * steps] = rows[src + i];
                }
            }
        }
        INDArray epsilonNext = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT,
                new long[]{b, nIn, steps}, 'c');
        HostArrays.write(io, epsilonNext);
        Gradient gradient = new DefaultGradient();
        gradient.gradientForVariable().put(DefaultParamInitializer.WEIGHT_KEY,
                gradientViews.get(DefaultParamInitializer.WEIGHT_KEY));
        gradient.gradientForVariable().put(DefaultParamInitializer.BIAS_KEY,
                gradientViews.get(DefaultParamInitializer.BIAS_KEY));
        ready.keep(conf().isMiniBatch() ? loss / b : loss);
        weightNoiseParams.clear();
        return new Pair<>(gradient, epsilonNext);
    }

    /** {@code a} ({@code [b, f, T]}, any layout) as rows {@code [b T][f]}, row {@code r T + t}; {@code io} scratch. */
    private static void toRows(INDArray a, float[] io, float[] out, int b, int f, int steps) {
        HostArrays.read(a, io);
        for (int r = 0; r < b; r++) {
            for (int i = 0; i < f; i++) {
                int src = (r * f + i) * steps;
                for (int t = 0; t < steps; t++) {
                    out[(r * steps + t) * f + i] = io[src + t];
                }
            }
        }
    }

    @Override
    public double computeScore(double fullNetRegTerm, boolean training, LayerWorkspaceMgr workspaceMgr) {
        if (ready.take(training && fused())) {
            score = ready.value() + fullNetRegTerm;
            return score;
        }
        return super.computeScore(fullNetRegTerm, training, workspaceMgr);
    }

    @Override
    public void setInput(INDArray input, LayerWorkspaceMgr workspaceMgr) {
        ready.forget();
        super.setInput(input, workspaceMgr);
    }

    /**
     * The graph sets the label mask again between the backward pass and {@link #computeScore}: as {@code [b, T]},
     * where the layer holds it as DL4J's {@code [b T, 1]} column (f order). The same mask keeps the score (forgetting
     * it there made DL4J recompute the logits and the loss: 13 % of a seq2seq training step).
     */
    @Override
    public void setMaskArray(INDArray maskArray) {
        if (!ready.kept() || !dev.dlp.nd4j.Backend.hostArrays() || !sameMask(maskArray, this.maskArray)) {
            ready.forget();
        }
        super.setMaskArray(maskArray);
    }

    /** True when {@code next} is {@code held}, or the {@code [b, T]} form of the {@code [b T, 1]} column held. */
    static boolean sameMask(INDArray next, INDArray held) {
        if (next == held) {
            return true;
        }
        if (next == null || held == null || next.rank() != 2 || held.rank() != 2 || held.size(1) != 1
                || next.length() != held.length() || next.length() > Integer.MAX_VALUE / 2) {
            return false;
        }
        int b = (int) next.size(0);
        int steps = (int) next.size(1);
        float[] n = new float[b * steps];
        float[] h = new float[b * steps];
        HostArrays.read(next, n);
        HostArrays.read(held.reshape(held.length()), h);
        for (int r = 0; r < b; r++) {
            for (int t = 0; t < steps; t++) {
                if (n[r * steps + t] != h[r + b * t]) {
                    return false;
                }
            }
        }
        return true;
    }

    /** How many times {@link #computeScore} answered with the backward pass's score. */
    long keptScoresUsed() {
        return ready.used();
    }

    @Override
    public void setLabels(INDArray labels) {
        ready.forget();
        super.setLabels(labels);
    }

    @Override
    public void setParams(INDArray params) {
        ready.forget();
        super.setParams(params);
    }

    @Override
    public void setParam(String key, INDArray val) {
        ready.forget();
        super.setParam(key, val);
    }

    @Override
    public void clear() {
        ready.forget();
        super.clear();
    }
}
