package dev.dlp.fast;

import dev.dlp.graph.GraphFactory;
import dev.dlp.graph.ModelSpec;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.BaseOutputLayer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link SigmoidXentOutput} computes the same function, score and gradients as DL4J's sigmoid/xent output layer. */
@dev.dlp.CpuBackendOnly
class SigmoidXentOutputTest {
    private static final int IN = 11;
    private static final int OUT = 6;

    /** {@code x -> [dense ->] out}; with {@code hidden} the output layer is not fed by the model input. */
    private static ComputationGraph graph(boolean ours, boolean hidden) {
        OutputLayer out = ours ? new SigmoidXentOutput.Builder().inputFed(!hidden).nOut(OUT)
                .activation(Activation.SIGMOID).build()
                : new OutputLayer.Builder(LossFunctions.LossFunction.XENT).nOut(OUT)
                .activation(Activation.SIGMOID).build();
        var b = new NeuralNetConfiguration.Builder().seed(8).dataType(DataType.FLOAT).graphBuilder()
                .addInputs("x").setInputTypes(InputType.feedForward(IN));
        if (hidden) {
            b.addLayer("h", new DenseLayer.Builder().nOut(7).activation(Activation.TANH).build(), "x")
                    .addLayer("out", out, "h");
        } else {
            b.addLayer("out", out, "x");
        }
        ComputationGraph g = new ComputationGraph(b.setOutputs("out").build());
        g.init();
        return g;
    }

    /** Targets in [0, 1] (as pixel intensities), with exact zeros and ones among them. */
    private static INDArray targets(int n) {
        INDArray y = Nd4j.rand(DataType.FLOAT, n, OUT);
        for (int i = 0; i < n; i++) {
            y.putScalar(i, 0, 0f);
            y.putScalar(i, 1, 1f);
        }
        return y;
    }

    @ParameterizedTest(name = "hidden layer {0}, batch {1}, logit scale {2}")
    @CsvSource({
            "false, 9, 1",
            "true, 9, 1",
            "true, 1, 1",
            "false, 9, 40",   // saturated sigmoid: DL4J's probability clipping shapes the loss and its gradient
    })
    void sameScoreAndGradientsAsDl4j(boolean hidden, int n, double scale) {
        ComputationGraph dl4j = graph(false, hidden);
        ComputationGraph ours = graph(true, hidden);
        assertInstanceOf(SigmoidXentOutputLayer.class, ours.getLayer("out"));
        ours.setParams(dl4j.params().dup());
        Nd4j.getRandom().setSeed(19);
        INDArray x = Nd4j.randn(DataType.FLOAT, n, IN).muli(scale);
        INDArray y = targets(n);
        assertTrue(SameGradients.relError(dl4j.outputSingle(x), ours.outputSingle(x)) < 1e-6, "forward pass differs");
        double score = dl4j.score(new org.nd4j.linalg.dataset.DataSet(x, y));
        long simd = SigmoidXentOutputLayer.NATIVE_PASSES.sum();
        SameGradients.assertSame(dl4j, ours, x, y, 1e-5 * Math.max(1, Math.abs(score)));
        assertTrue(((SigmoidXentOutputLayer) ours.getLayer("out")).pathUse().lastFast(), "the fused pass ran");
        assertTrue(SigmoidXentOutputLayer.NATIVE_PASSES.sum() > simd, "its element-wise part ran on the Vector API");
        assertEquals(score, ours.score(new org.nd4j.linalg.dataset.DataSet(x, y)), 1e-5 * Math.max(1, score));
    }

    @Test
    void inputGradientAsDl4jsOrNoneWhenFedByTheModelInput() {
        Nd4j.getRandom().setSeed(2);
        INDArray y = targets(4);
        var mgr = org.deeplearning4j.nn.workspace.LayerWorkspaceMgr.noWorkspaces();
        ComputationGraph fed = graph(true, false);
        fed.initGradientsView();
        BaseOutputLayer<?> l = (BaseOutputLayer<?>) fed.getLayer("out");
        l.setInput(Nd4j.randn(DataType.FLOAT, 4, IN), mgr);
        l.setLabels(y);
        assertNull(l.backpropGradient(null, mgr).getSecond());

        ComputationGraph dl4j = graph(false, true);
        ComputationGraph ours = graph(true, true);
        ours.setParams(dl4j.params().dup());
        INDArray h = Nd4j.randn(DataType.FLOAT, 4, 7).muli(3);
        INDArray[] eps = new INDArray[2];
        int i = 0;
        for (ComputationGraph g : List.of(dl4j, ours)) {
            g.initGradientsView();
            BaseOutputLayer<?> o = (BaseOutputLayer<?>) g.getLayer("out");
            o.setInput(h, mgr);
            o.setLabels(y);
            eps[i++] = o.backpropGradient(null, mgr).getSecond();
        }
        assertTrue(eps[0].norm2Number().doubleValue() > 0);
        assertTrue(SameGradients.relError(eps[0], eps[1]) < 1e-4, "input gradient of the output layer");
    }

    @Test
    void trainsLikeDl4jAndSurvivesSaveLoad() throws Exception {
        ComputationGraph dl4j = graph(false, true);
        ComputationGraph ours = graph(true, true);
        ours.setParams(dl4j.params().dup());
        Nd4j.getRandom().setSeed(6);
        for (int step = 0; step < 30; step++) {
            INDArray x = Nd4j.randn(DataType.FLOAT, 8, IN);
            INDArray y = targets(8);
            dl4j.fit(new INDArray[]{x}, new INDArray[]{y});
            ours.fit(new INDArray[]{x}, new INDArray[]{y});
            assertEquals(dl4j.score(), ours.score(), 1e-4 * Math.max(1, dl4j.score()), "score at step " + step);
        }
        assertTrue(SameGradients.relError(dl4j.params(), ours.params()) < 1e-4);
        SameGradients.assertFastRan(ours, "out");

        ComputationGraph back = SameGradients.roundTrip(ours);
        assertInstanceOf(SigmoidXentOutputLayer.class, back.getLayer("out"));
        INDArray x = Nd4j.rand(DataType.FLOAT, 2, IN);
        assertTrue(SameGradients.relError(ours.outputSingle(x), back.outputSingle(x)) < 1e-7);
    }

    @Test
    void maskedLabelsRunDl4jsOwnPassAndTheBuilderPicksItForSigmoidXentOnly() {
        ComputationGraph ours = graph(true, false);
        ours.setInputs(Nd4j.randn(DataType.FLOAT, 3, IN));
        ours.setLabels(targets(3));
        ours.setLayerMaskArrays(null, new INDArray[]{Nd4j.ones(DataType.FLOAT, 3, 1)});
        ours.computeGradientAndScore();
        assertFalse(((SigmoidXentOutputLayer) ours.getLayer("out")).fused());
        assertTrue(Double.isFinite(ours.score()));

        ModelSpec spec = new ModelSpec(Map.of("x", new ModelSpec.InputSpec(ModelSpec.InputKind.FEED_FORWARD, IN, null,
                null, null, null)), List.of(
                Map.of("name", "h", "type", "dense", "n_out", 4),
                Map.of("name", "out", "type", "output", "n_out", 3, "activation", "sigmoid", "loss", "xent")),
                List.of());
        ComputationGraph g = new ComputationGraph(GraphFactory.build(spec, dev.dlp.config.TrainConfig.DEFAULTS, 1));
        g.init();
        assertInstanceOf(SigmoidXentOutputLayer.class, g.getLayer("out"));
    }
}
