package dev.dlp.fast;

import dev.dlp.nd4j.HostArrays;
import java.util.Arrays;
import dev.dlp.nd4j.Blas;
import org.bytedeco.javacpp.FloatPointer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

/**
 * The layer behind {@link SoftmaxOutput}: DL4J's output layer with a fused backward pass for softmax + multi-class
 * cross-entropy.
 *
 * <p>Why: for a small layer the step is call overhead, not arithmetic. DL4J computes the logits three times per
 * step (backward pass, score, and the score's own softmax), the softmax three times, and ~15 further ND4J ops for
 * the loss and its gradient, each a few microseconds of JNI and shape bookkeeping (profiled on MNIST softmax
 * regression, batch 64: 70% of a ~700 µs step). Here one step is two matrix products straight through OpenBLAS
 * ({@code z = x W} into a native scratch buffer of the layer's own, {@code dW = xᵀ δ} into the graph's gradient
 * view; see {@link Blas}) and a Java loop over the {@code [batch, classes]} logits: bias, softmax, the loss (as DL4J
 * computes it, probabilities clipped to [1e-10, 1 - 1e-10]), {@code δ = p - y} and the bias gradient. The score is
 * kept for {@link #computeScore}, which the graph calls right after the backward pass with the same input, labels
 * and parameters. Nothing is cached across a change of input, labels or parameters.
 *
 * <p>The input gradient {@code δ Wᵀ} is computed unless the layer reads a model input directly
 * ({@code inputFed}), where nothing consumes it and none is returned. Anything outside the fused case (another
 * activation or loss, loss weights, masks, dropout, weight noise, no bias, non-float data) runs DL4J's pass.
 */
public class SoftmaxOutputLayer extends FusedOutputLayer {
    private float[] logits = new float[0];
    private float[] labelBuf = new float[0];
    private float[] biasBuf = new float[0];
    private float[] biasGrad = new float[0];
    private FloatPointer scratch;

    public SoftmaxOutputLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    boolean fused() {
        SoftmaxOutput c = (SoftmaxOutput) layerConf();
        return dev.dlp.nd4j.Backend.hostArrays() && c.getActivationFn() instanceof ActivationSoftmax
                && c.getLossFn() instanceof LossMCXENT loss
                && loss.getWeights() == null && c.hasBias() && c.getIDropout() == null && c.getWeightNoise() == null
                && maskArray == null && input != null && input.rank() == 2 && labels != null && labels.rank() == 2
                && dataType == DataType.FLOAT && input.dataType() == DataType.FLOAT
                && Blas.of(getParam(DefaultParamInitializer.WEIGHT_KEY)) != null
                && Blas.of(gradientViews.get(DefaultParamInitializer.WEIGHT_KEY)) != null;
    }

    @Override
    Pair<Double, INDArray> fusedBackprop(LayerWorkspaceMgr workspaceMgr) {
        INDArray w = getParam(DefaultParamInitializer.WEIGHT_KEY);
        INDArray b = getParam(DefaultParamInitializer.BIAS_KEY);
        Blas.Matrix xm = Blas.of(packedInput(workspaceMgr));
        Blas.Matrix wm = Blas.of(w);
        Blas.Matrix dwm = Blas.of(gradientViews.get(DefaultParamInitializer.WEIGHT_KEY));
        int n = xm.rows();
        int k = wm.cols();
        int nk = n * k;
        if (logits.length < nk) {
            logits = new float[nk];
            labelBuf = new float[nk];
        }
        if (biasBuf.length != k) {
            biasBuf = new float[k];
            biasGrad = new float[k];
        }
        if (scratch == null || scratch.capacity() < nk) {
            scratch = new FloatPointer(Math.max(1, nk));
        }
        // the logits z = x W, column-major [n, k] in our own native scratch (no ND4J array, no op)
        Blas.Matrix zm = Blas.Matrix.colMajor(scratch, n, k);
        Blas.gemm(xm, false, wm, false, zm, 1f, 0f);
        scratch.position(0).get(logits, 0, nk);
        HostArrays.read(labels, labelBuf);
        HostArrays.read(b, biasBuf);
        double loss = softmaxCrossEntropy(logits, labelBuf, null, biasBuf, biasGrad, n, k,
                ((LossMCXENT) layerConf().getLossFn()).getSoftmaxClipEps());
        scratch.position(0).put(logits, 0, nk);
        // dW = xᵀ δ, straight into the graph's gradient view
        Blas.gemm(xm, true, zm, false, dwm, 1f, 0f);
        HostArrays.write(biasGrad, gradientViews.get(DefaultParamInitializer.BIAS_KEY));
        INDArray epsilonNext = null;
        if (!inputFed()) {
            // dx = δ Wᵀ, row-major [n, in]
            epsilonNext = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT,
                    new long[]{n, w.size(0)}, 'c');
            Blas.gemm(zm, false, wm, true, Blas.of(epsilonNext), 1f, 0f);
        }
        return new Pair<>(loss, epsilonNext);
    }

    /**
     * In place over the logits {@code z[n, k]} (f order: element (r, j) at {@code j n + r}): adds the bias, takes
     * the row softmax and turns it into {@code δ = p - y} ({@code y[n, k]} in c order); fills {@code dBias} with the
     * column sums of δ. Returns the summed loss {@code -Σ y log(clip(p, eps, 1 - eps))} as DL4J's LossMCXENT scores
     * it. {@code rowMask} (null: none) weighs each row's loss and δ, as DL4J's per-example mask does.
     */
    static double softmaxCrossEntropy(float[] z, float[] y, float[] rowMask, float[] bias, float[] dBias, int n, int k,
                                      double eps) {
        Arrays.fill(dBias, 0, k, 0f);
        double loss = 0;
        for (int r = 0; r < n; r++) {
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < k; j++) {
                float v = z[j * n + r] + bias[j];
                z[j * n + r] = v;
                max = v > max ? v : max;   // not Math.max: C1 calls it (NaN handling aside, the same)
            }
            float sum = 0;
            for (int j = 0; j < k; j++) {
                float e = (float) Math.exp(z[j * n + r] - max);
                z[j * n + r] = e;
                sum += e;
            }
            float inv = 1f / sum;
            float m = rowMask == null ? 1f : rowMask[r];
            for (int j = 0; j < k; j++) {
                float p = z[j * n + r] * inv;
                float t = y[r * k + j];
                if (t != 0 && m != 0) {
                    double clipped = eps > 0 ? Math.min(Math.max(p, eps), 1.0 - eps) : p;
                    loss -= m * t * Math.log(clipped);
                }
                float d = (p - t) * m;
                z[j * n + r] = d;
                dBias[j] += d;
            }
        }
        return loss;
    }
}
