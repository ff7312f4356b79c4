package dev.dlp.fast;

import dev.dlp.nd4j.HostArrays;
import org.deeplearning4j.exception.DL4JInvalidInputException;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.feedforward.embedding.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;

/**
 * The layer behind {@link FastEmbeddingSequence}: DL4J's embedding of token ids ({@code [b, 1, T]} or
 * {@code [b, T]} ids to {@code [b, nOut, T]} vectors, rows of the weights plus the bias, times the mask) as Java
 * loops over host arrays.
 *
 * <p>Why: DL4J's layer computes the lookup twice (its backward pass runs the forward pass again), and its
 * backward pass is a zeroed gradient plus a {@code scatterUpdate} op on permuted copies: 10 % of a seq2seq
 * training step for two embeddings of 15 at batch 128. Here the forward pass keeps the ids for the backward pass,
 * which adds each step's (masked) output gradient into its token's gradient row.
 *
 * <p>The fast passes run for float data on the CPU backend with the identity activation, NCW output, no dropout
 * or weight noise; anything else is DL4J's.
 */
public class FastEmbeddingSequenceLayer extends EmbeddingSequenceLayer implements PathUse.Traced {
    private final PathUse use = new PathUse();
    private int[] ids = new int[0];
    private float[] maskValues = new float[0];
    private float[] io = new float[0];
    private float[] weights = new float[0];
    private INDArray idsFor;
    private int b;
    private int steps;

    public FastEmbeddingSequenceLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    public PathUse pathUse() {
        return use;
    }

    private boolean fused() {
        org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer c = layerConf();
        return dev.dlp.nd4j.Backend.hostArrays() && c.getActivationFn() instanceof ActivationIdentity
                && c.getOutputFormat() == RNNFormat.NCW && c.getIDropout() == null && c.getWeightNoise() == null
                && dataType == DataType.FLOAT && input != null
                && (input.rank() == 3 && input.size(1) == 1 || input.rank() == 2)
                && (maskArray == null || maskArray.rank() == 2 && maskArray.size(0) == input.size(0)
                && maskArray.size(1) == input.size(input.rank() - 1));
    }

    /** Reads and checks the ids (and the mask) of the current input. */
    private void readIds() {
        b = (int) input.size(0);
        steps = (int) input.size(input.rank() - 1);
        if (layerConf().isInferInputLength()) {
            layerConf().setInputLength(steps);
        }
        if (steps != layerConf().getInputLength()) {
            throw new DL4JInvalidInputException("Sequence length of embedding input has to be equal to the specified "
                    + "input length: " + layerConf().getInputLength() + ", got " + Arrays.toString(input.shape())
                    + " for layer " + layerId());
        }
        int len = b * steps;
        if (ids.length < len) {
            ids = new int[len];
            maskValues = new float[len];
        }
        if (io.length < len) {
            io = new float[len];
        }
        HostArrays.read(input.dataType() == DataType.FLOAT ? input : input.castTo(DataType.FLOAT), io);
        long vocab = layerConf().getNIn();
        for (int i = 0; i < len; i++) {
            int id = (int) io[i];                // truncated, as DL4J's asInt() does
            if (id < 0 || id >= vocab) {
                throw new DL4JInvalidInputException("Invalid index for embedding layer: got index " + io[i]
                        + " for entry " + i + " in minibatch; indexes must be between 0 and nIn-1 inclusive (0 to "
                        + (vocab - 1) + ")");
            }
            ids[i] = id;
        }
        if (maskArray != null) {
            HostArrays.read(maskArray, maskValues);
        } else {
            Arrays.fill(maskValues, 0, len, 1f);
        }
        idsFor = input;
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        if (!fused()) {
            idsFor = null;
            return super.activate(training, workspaceMgr);
        }
        assertInputSet(false);
        readIds();
        int nOut = (int) layerConf().getNOut();
        INDArray w = getParam(DefaultParamInitializer.WEIGHT_KEY);
        if (weights.length < w.length()) {
            weights = new float[(int) w.length()];
        }
        HostArrays.read(w, weights);             // [nIn][nOut], c order
        float[] bias = hasBias() ? new float[nOut] : null;
        if (bias != null) {
            HostArrays.read(getParam(DefaultParamInitializer.BIAS_KEY), bias);
        }
        int len = b * nOut * steps;
        float[] out = len <= io.length ? io : (io = new float[len]);
        for (int r = 0; r < b; r++) {            // out[r][j][t] = (W[id(r, t)][j] + bias[j]) * mask(r, t)
            for (int t = 0; t < steps; t++) {
                int i = r * steps + t;
                int row = ids[i] * nOut;
                float m = maskValues[i];
                int o = r * nOut * steps + t;
                for (int j = 0; j < nOut; j++) {
                    out[o + j * steps] = (weights[row + j] + (bias == null ? 0f : bias[j])) * m;
                }
            }
        }
        INDArray result = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT,
                new long[]{b, nOut, steps}, 'c');
        HostArrays.write(out, result);
        return result;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        if (!fused() || epsilon.dataType() != DataType.FLOAT || epsilon.rank() != 3) {
            use.declined(layerConf().getLayerName(), PathUse.explain(layerConf(), dataType, input, false,
                    "activation " + layerConf().getActivationFn() + " (fast: identity) or output format"));
            return super.backpropGradient(epsilon, workspaceMgr);
        }
        use.fast();
        assertInputSet(true);
        if (idsFor != input) {
            readIds();
        }
        int nOut = (int) layerConf().getNOut();
        int vocab = (int) layerConf().getNIn();
        int len = b * nOut * steps;
        float[] eps = new float[len];
        HostArrays.read(epsilon, eps);
        float[] dW = new float[vocab * nOut];
        float[] db = hasBias() ? new float[nOut] : null;
        for (int r = 0; r < b; r++) {            // dW[id(r, t)][j] += eps[r][j][t] * mask(r, t)
            for (int t = 0; t < steps; t++) {
                int i = r * steps + t;
                float m = maskValues[i];
                if (m == 0f) {
                    continue;
                }
                int row = ids[i] * nOut;
                int o = r * nOut * steps + t;
                for (int j = 0; j < nOut; j++) {
                    float g = eps[o + j * steps] * m;
                    dW[row + j] += g;
                    if (db != null) {
                        db[j] += g;
                    }
                }
            }
        }
        Gradient ret = new DefaultGradient();
        INDArray dWView = gradientViews.get(DefaultParamInitializer.WEIGHT_KEY);
        HostArrays.write(dW, dWView);
        ret.gradientForVariable().put(DefaultParamInitializer.WEIGHT_KEY, dWView);
        if (db != null) {
            INDArray dbView = gradientViews.get(DefaultParamInitializer.BIAS_KEY);
            HostArrays.write(db, dbView);
            ret.gradientForVariable().put(DefaultParamInitializer.BIAS_KEY, dbView);
        }
        idsFor = null;
        return new Pair<>(ret, null);
    }

    @Override
    public void setInput(INDArray input, LayerWorkspaceMgr workspaceMgr) {
        idsFor = null;
        super.setInput(input, workspaceMgr);
    }

    @Override
    public void clear() {
        idsFor = null;
        super.clear();
    }
}
