package dev.dlp.fast;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.OutputLayer;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DL4J's output layer with a fused backward pass that also yields the score: the graph calls {@link #computeScore}
 * right after the backward pass with the same input, labels and parameters, and gets the loss the pass computed
 * instead of a second forward pass and loss. Nothing is kept across a change of input, labels or parameters.
 * Subclasses say when the fused pass computes exactly what DL4J's would ({@link #fused}); otherwise DL4J's pass runs.
 */
abstract class FusedOutputLayer extends OutputLayer implements PathUse.Traced {
    private final PathUse use = new PathUse();
    private final ReadyScore ready = new ReadyScore();

    FusedOutputLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    /** True when the fused pass computes exactly what DL4J's would for the current input, labels and settings. */
    abstract boolean fused();

    /**
     * The fused backward pass: fills the weight and bias gradient views and returns the summed loss over the batch
     * and the input gradient (null when nothing needs it).
     */
    abstract Pair<Double, INDArray> fusedBackprop(LayerWorkspaceMgr workspaceMgr);

    @Override
    public PathUse pathUse() {
        return use;
    }

    /** True when the layer reads a model input directly, so nothing needs its input gradient. */
    boolean inputFed() {
        return ((FusedOutput) layerConf()).isInputFed();
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        ready.forget();
        boolean fast = fused();
        if (!fast) {
            use.declined(layerConf().getLayerName(), PathUse.explain(layerConf(), dataType, input, maskArray != null,
                    "activation " + layerConf().getActivationFn() + ", loss " + layerConf().getLossFn()
                    + ", bias or input shape"));
            return super.backpropGradient(epsilon, workspaceMgr);
        }
        use.fast();
        assertInputSet(true);
        Pair<Double, INDArray> lossAndEpsilon = fusedBackprop(workspaceMgr);
        Gradient gradient = new DefaultGradient();
        gradient.gradientForVariable().put(DefaultParamInitializer.WEIGHT_KEY,
                gradientViews.get(DefaultParamInitializer.WEIGHT_KEY));
        gradient.gradientForVariable().put(DefaultParamInitializer.BIAS_KEY,
                gradientViews.get(DefaultParamInitializer.BIAS_KEY));
        double loss = lossAndEpsilon.getFirst();
        ready.keep(conf().isMiniBatch() ? loss / input.size(0) : loss);
        return new Pair<>(gradient, lossAndEpsilon.getSecond());
    }

    /** {@code input} as a packed float matrix ({@link dev.dlp.nd4j.Blas#of}), copied into working memory if not. */
    INDArray packedInput(LayerWorkspaceMgr workspaceMgr) {
        return dev.dlp.nd4j.Blas.of(input) != null ? input
                : workspaceMgr.dup(ArrayType.BP_WORKING_MEM, input.castTo(DataType.FLOAT), 'c');
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
