package dev.dlp.fast;

import dev.dlp.graph.GraphFactory;
import dev.dlp.graph.ModelSpec;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
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

/** {@link SoftmaxOutput} computes the same function, score and gradients as DL4J's softmax/mcxent output layer. */
@dev.dlp.CpuBackendOnly
class SoftmaxOutputTest {
    private static final int IN = 13;
    private static final int CLASSES = 5;

    /** {@code x -> [dense ->] out}; with {@code hidden} the output layer is not fed by the model input. */
    private static ComputationGraph graph(boolean ours, boolean hidden) {
        OutputLayer out = ours ? new SoftmaxOutput.Builder().inputFed(!hidden).nOut(CLASSES)
                .activation(Activation.SOFTMAX).build()
                : new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(CLASSES)
                .activation(Activation.SOFTMAX).build();
        var b = new NeuralNetConfiguration.Builder().seed(3).dataType(DataType.FLOAT).graphBuilder()
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

    private static double relError(INDArray a, INDArray b) {
        return SameGradients.relError(a, b);
    }

    /** One-hot labels, or (soft) random distributions over the classes. */
    private static INDArray labels(int n, boolean soft) {
        if (soft) {
            INDArray y = Nd4j.rand(DataType.FLOAT, n, CLASSES);
            return y.diviColumnVector(y.sum(1));
        }
        INDArray y = Nd4j.zeros(DataType.FLOAT, n, CLASSES);
        for (int i = 0; i < n; i++) {
            y.putScalar(i, (i * 3) % CLASSES, 1f);
        }
        return y;
    }

    @ParameterizedTest(name = "hidden layer {0}, soft labels {1}, batch {2}, logit scale {3}")
    @CsvSource({
            "false, false, 9, 1",
            "false, true, 9, 1",
            "true, false, 9, 1",
            "true, true, 1, 1",
            "false, false, 9, 40",   // saturated softmax: DL4J's probability clipping decides the score
    })
    void sameScoreAndGradientsAsDl4j(boolean hidden, boolean soft, int n, double scale) {
        ComputationGraph dl4j = graph(false, hidden);
        ComputationGraph ours = graph(true, hidden);
        assertInstanceOf(SoftmaxOutputLayer.class, ours.getLayer("out"));
        ours.setParams(dl4j.params().dup());

        Nd4j.getRandom().setSeed(17);
        INDArray x = Nd4j.randn(DataType.FLOAT, n, IN).muli(scale);
        INDArray y = labels(n, soft);
        assertTrue(relError(dl4j.outputSingle(x), ours.outputSingle(x)) < 1e-6, "forward pass differs");
        SameGradients.assertSame(dl4j, ours, x, y, 1e-5 * Math.max(1, Math.abs(dl4j.score(
                new org.nd4j.linalg.dataset.DataSet(x, y)))));
        assertTrue(ours.score() > 0);
        assertTrue(((SoftmaxOutputLayer) ours.getLayer("out")).pathUse().lastFast(), "the fused pass ran");
        // the score the graph reports after the step is computed from the same batch, not a stale one
        assertEquals(dl4j.score(new org.nd4j.linalg.dataset.DataSet(x, y)),
                ours.score(new org.nd4j.linalg.dataset.DataSet(x, y)), 1e-5 * Math.max(1, dl4j.score()));
    }

    /** The output layer's backward pass on its own: input gradient and parameter gradients. */
    private static org.nd4j.common.primitives.Pair<org.deeplearning4j.nn.gradient.Gradient, INDArray> backprop(
            ComputationGraph g, INDArray in, INDArray y) {
        var mgr = org.deeplearning4j.nn.workspace.LayerWorkspaceMgr.noWorkspaces();
        g.initGradientsView();
        BaseOutputLayer<?> l = (BaseOutputLayer<?>) g.getLayer("out");
        l.setInput(in, mgr);
        l.setLabels(y);
        return l.backpropGradient(null, mgr);
    }

    @Test
    void inputFedLayerReturnsNoInputGradientOtherwiseDl4jsEpsilon() {
        Nd4j.getRandom().setSeed(5);
        INDArray y = labels(4, false);
        assertNull(backprop(graph(true, false), Nd4j.randn(DataType.FLOAT, 4, IN), y).getSecond());

        ComputationGraph dl4j = graph(false, true);
        ComputationGraph ours = graph(true, true);
        ours.setParams(dl4j.params().dup());
        INDArray h = Nd4j.randn(DataType.FLOAT, 4, 7);
        INDArray expected = backprop(dl4j, h, y).getSecond();
        INDArray actual = backprop(ours, h, y).getSecond();
        assertTrue(expected.norm2Number().doubleValue() > 0);
        assertTrue(relError(expected, actual) < 1e-4, "input gradient of the output layer");
    }

    @Test
    void trainsLikeDl4jOverManySteps() {
        ComputationGraph dl4j = graph(false, true);
        ComputationGraph ours = graph(true, true);
        ours.setParams(dl4j.params().dup());
        Nd4j.getRandom().setSeed(9);
        for (int step = 0; step < 30; step++) {
            INDArray x = Nd4j.randn(DataType.FLOAT, 8, IN);
            INDArray y = labels(8, step % 2 == 0);
            dl4j.fit(new INDArray[]{x}, new INDArray[]{y});
            ours.fit(new INDArray[]{x}, new INDArray[]{y});
            assertEquals(dl4j.score(), ours.score(), 1e-4 * Math.max(1, dl4j.score()), "score at step " + step);
        }
        assertTrue(relError(dl4j.params(), ours.params()) < 1e-4);
        SameGradients.assertFastRan(ours, "out");
    }

    @Test
    void maskedLabelsRunDl4jsOwnPass() {
        ComputationGraph dl4j = graph(false, false);
        ComputationGraph ours = graph(true, false);
        ours.setParams(dl4j.params().dup());
        INDArray x = Nd4j.randn(DataType.FLOAT, 6, IN);
        INDArray y = labels(6, false);
        INDArray mask = Nd4j.createFromArray(new float[]{1, 1, 0, 1, 0, 1}).reshape(6, 1);
        for (ComputationGraph g : List.of(dl4j, ours)) {
            g.setInputs(x);
            g.setLabels(y);
            g.setLayerMaskArrays(null, new INDArray[]{mask});
            g.computeGradientAndScore();
        }
        assertFalse(((SoftmaxOutputLayer) ours.getLayer("out")).fused());
        assertEquals(dl4j.score(), ours.score(), 1e-6);
        assertTrue(relError(dl4j.gradient().gradient(), ours.gradient().gradient()) < 1e-6);
    }

    @Test
    void survivesASaveLoadRoundTrip() throws Exception {
        ComputationGraph g = graph(true, false);
        ComputationGraph back = SameGradients.roundTrip(g);
        assertInstanceOf(SoftmaxOutputLayer.class, back.getLayer("out"));
        assertTrue(((SoftmaxOutput) ((BaseOutputLayer<?>) back.getLayer("out")).layerConf()).isInputFed());
        INDArray x = Nd4j.rand(DataType.FLOAT, 2, IN);
        assertTrue(relError(g.outputSingle(x), back.outputSingle(x)) < 1e-7);
    }

    @Test
    void graphFactoryUsesItForSoftmaxCrossEntropyOutputsOnly() {
        ModelSpec spec = new ModelSpec(Map.of("x", new ModelSpec.InputSpec(ModelSpec.InputKind.FEED_FORWARD, IN, null,
                null, null, null)), List.of(
                Map.of("name", "h", "type", "dense", "n_out", 4),
                Map.of("name", "out", "type", "output", "n_out", 3)), List.of());
        ComputationGraph g = new ComputationGraph(GraphFactory.build(spec, dev.dlp.config.TrainConfig.DEFAULTS, 1));
        g.init();
        assertInstanceOf(SoftmaxOutputLayer.class, g.getLayer("out"));
        assertFalse(((SoftmaxOutput) ((BaseOutputLayer<?>) g.getLayer("out")).layerConf()).isInputFed());

        // an image input reaches the layer through DL4J's preprocessor, which needs an input gradient to pass on
        ModelSpec image = new ModelSpec(Map.of("x", new ModelSpec.InputSpec(ModelSpec.InputKind.CONVOLUTIONAL, null,
                4, 3, 1, null)), List.of(Map.of("name", "out", "type", "output", "n_out", 3)), List.of());
        ComputationGraph c = new ComputationGraph(GraphFactory.build(image, dev.dlp.config.TrainConfig.DEFAULTS, 1));
        c.init();
        assertFalse(((SoftmaxOutput) ((BaseOutputLayer<?>) c.getLayer("out")).layerConf()).isInputFed());
        c.fit(new INDArray[]{Nd4j.rand(DataType.FLOAT, 2, 1, 4, 3)}, new INDArray[]{Nd4j.createFromArray(
                new float[][]{{1, 0, 0}, {0, 0, 1}})});
        assertTrue(Double.isFinite(c.score()));

        ModelSpec mse = new ModelSpec(spec.inputs(), List.of(Map.of("name", "out", "type", "output", "n_out", 3,
                "activation", "identity", "loss", "mse")), List.of());
        ComputationGraph r = new ComputationGraph(GraphFactory.build(mse, dev.dlp.config.TrainConfig.DEFAULTS, 1));
        r.init();
        assertEquals(org.deeplearning4j.nn.layers.OutputLayer.class, r.getLayer("out").getClass());
    }
}
