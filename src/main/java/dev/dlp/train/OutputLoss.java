package dev.dlp.train;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.util.ConvolutionUtils;
import org.deeplearning4j.util.TimeSeriesUtils;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.BooleanIndexing;
import org.nd4j.linalg.indexing.conditions.Conditions;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossBinaryXENT;
import org.nd4j.linalg.lossfunctions.impl.LossL1;
import org.nd4j.linalg.lossfunctions.impl.LossL2;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

/**
 * DL4J's loss of a graph (its {@code score}, as in {@code val_loss}) computed from the graph's inference output.
 *
 * <p>Why: {@link ComputationGraph#score} runs its own forward pass with every activation detached from the
 * workspaces, which on the conv autoencoder's validation set costs as much as the inference pass that the pipelines
 * run anyway for their metrics. For the losses below DL4J's score is a function of the output layer's activations
 * alone: each scores {@code activation(preOutput)} element by element (row by row), so scoring the output with the
 * identity activation gives the same number, once the output is shaped as the output layer shapes it (2d rows for
 * a dense output, one row per pixel for a CNN loss layer, one per time step for an RNN output) and a softmax output
 * is clipped as {@link LossMCXENT} clips it. Where that does not hold (another loss or layer kind, several outputs,
 * a softmax with binary cross-entropy, other data formats) {@link #of} answers null and callers use DL4J's score.
 */
public final class OutputLoss {
    private static final LayerWorkspaceMgr NO_WS = LayerWorkspaceMgr.noWorkspaces();
    private static final IActivation IDENTITY = new ActivationIdentity();

    private enum Shape { ROWS, PIXELS, STEPS }

    private final ComputationGraph graph;
    private final ILossFunction loss;
    private final Shape shape;
    /** {@link LossMCXENT}'s clip of a softmax output (0: none). */
    private final double clip;

    private OutputLoss(ComputationGraph graph, ILossFunction loss, Shape shape, double clip) {
        this.graph = graph;
        this.loss = loss;
        this.shape = shape;
        this.clip = clip;
    }

    /** The loss of {@code g}'s one output layer scored from its output, or null where that would not be DL4J's score. */
    public static OutputLoss of(ComputationGraph g) {
        if (g.getConfiguration().getNetworkOutputs().size() != 1) {
            return null;
        }
        GraphVertex v = g.getVertex(g.getConfiguration().getNetworkOutputs().get(0));
        if (!v.hasLayer()) {
            return null;
        }
        Layer conf = v.getLayer().conf().getLayer();
        ILossFunction loss;
        IActivation activation;
        Shape shape;
        if (conf instanceof RnnOutputLayer r) {
            if (r.getRnnDataFormat() != RNNFormat.NCW) {
                return null;
            }
            loss = r.getLossFn();
            activation = r.getActivationFn();
            shape = Shape.STEPS;
        } else if (conf instanceof OutputLayer o) {
            loss = o.getLossFn();
            activation = o.getActivationFn();
            shape = Shape.ROWS;
        } else if (conf instanceof CnnLossLayer c) {
            if (c.getFormat() != CNN2DFormat.NCHW) {
                return null;
            }
            loss = c.getLossFn();
            activation = c.getActivationFn();
            shape = Shape.PIXELS;
        } else {
            return null;
        }
        boolean softmax = activation instanceof ActivationSoftmax;
        if (loss instanceof LossMCXENT m) {   // and LossNegativeLogLikelihood
            return new OutputLoss(g, loss, shape, softmax ? m.getSoftmaxClipEps() : 0);
        }
        if (loss instanceof LossBinaryXENT && !softmax || loss instanceof LossL2 || loss instanceof LossL1) {
            return new OutputLoss(g, loss, shape, 0);   // L2: and LossMSE; L1: and LossMAE
        }
        return null;
    }

    /**
     * The loss summed over the examples of one batch: DL4J's score of the batch times its number of examples, without
     * the regularisation term (see {@link #mean}).
     *
     * @param output    the graph's inference output for the batch ({@code g.output(false, ...)})
     * @param labels    the batch's labels, shaped as the output
     * @param labelMask the batch's label mask, or null
     */
    public double sum(INDArray output, INDArray labels, INDArray labelMask) {
        INDArray out = rows(output);
        if (clip > 0) {
            out = out.dup();
            BooleanIndexing.replaceWhere(out, clip, Conditions.lessThan(clip));
            BooleanIndexing.replaceWhere(out, 1.0 - clip, Conditions.greaterThan(1.0 - clip));
        }
        INDArray mask = labelMask == null ? null : switch (shape) {
            case ROWS -> labelMask;
            case PIXELS -> ConvolutionUtils.reshapeMaskIfRequired(labelMask, output, CNN2DFormat.NCHW, NO_WS,
                    ArrayType.FF_WORKING_MEM);
            case STEPS -> labelMask.rank() == 2
                    ? TimeSeriesUtils.reshapeTimeSeriesMaskToVector(labelMask, NO_WS, ArrayType.FF_WORKING_MEM)
                    : TimeSeriesUtils.reshape3dTo2d(labelMask, NO_WS, ArrayType.FF_WORKING_MEM);
        };
        return loss.computeScore(rows(labels), out, IDENTITY, mask, false);
    }

    /** DL4J's score of {@code n} examples whose losses {@link #sum} to {@code sum}: the mean plus regularisation. */
    public double mean(double sum, int n) {
        return sum / n + graph.calcRegularizationScore(true);
    }

    /** The array as the output layer hands it to its loss: one row per example, pixel or time step. */
    private INDArray rows(INDArray a) {
        return switch (shape) {
            case ROWS -> a;
            case PIXELS -> ConvolutionUtils.reshape4dTo2d(a, NO_WS, ArrayType.FF_WORKING_MEM);
            case STEPS -> TimeSeriesUtils.reshape3dTo2d(a, NO_WS, ArrayType.FF_WORKING_MEM);
        };
    }
}
