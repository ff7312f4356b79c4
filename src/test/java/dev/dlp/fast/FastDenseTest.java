package dev.dlp.fast;

import dev.dlp.graph.GraphFactory;
import dev.dlp.graph.ModelSpec;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
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

/** {@link FastDense} computes the same function and gradients as DL4J's dense layer. */
@dev.dlp.CpuBackendOnly
class FastDenseTest {
    private static final int IN = 9;

    /** {@code x -> d1 -> d2 -> out (mse)}: d1 reads the model input, d2 does not. */
    private static ComputationGraph graph(boolean ours, Activation act) {
        var b = new NeuralNetConfiguration.Builder().seed(12).dataType(DataType.FLOAT).graphBuilder()
                .addInputs("x").setInputTypes(InputType.feedForward(IN));
        DenseLayer d1 = new DenseLayer.Builder().nOut(7).activation(FastReLU.of(act)).build();
        DenseLayer d2 = new DenseLayer.Builder().nOut(5).activation(FastReLU.of(act)).biasInit(0.1).build();
        b.addLayer("d1", ours ? FastDense.of(d1, true) : d1, "x")
                .addLayer("d2", ours ? FastDense.of(d2, false) : d2, "d1")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(3)
                        .activation(Activation.IDENTITY).build(), "d2");
        ComputationGraph g = new ComputationGraph(b.setOutputs("out").build());
        g.init();
        return g;
    }

    @ParameterizedTest(name = "{0}, batch {1}")
    @CsvSource({"RELU, 8", "RELU, 1", "IDENTITY, 6", "TANH, 6"})
    void sameOutputsAndGradientsAsDl4j(Activation act, int n) {
        ComputationGraph dl4j = graph(false, act);
        ComputationGraph ours = graph(true, act);
        assertInstanceOf(FastDenseLayer.class, ours.getLayer("d1"));
        ours.setParams(dl4j.params().dup());
        Nd4j.getRandom().setSeed(n);
        INDArray x = Nd4j.randn(DataType.FLOAT, n, IN);
        INDArray y = Nd4j.randn(DataType.FLOAT, n, 3);
        assertTrue(SameGradients.relError(dl4j.outputSingle(x), ours.outputSingle(x)) < 1e-6, "forward pass");
        SameGradients.assertSame(dl4j, ours, x, y, 1e-6);
        // the fast backward pass ran where it applies, DL4J's elsewhere (tanh)
        assertEquals(act != Activation.TANH, ((FastDenseLayer) ours.getLayer("d2")).pathUse().lastFast());
    }

    @Test
    void inputFedLayerReturnsNoInputGradientTheOtherDl4jsOne() {
        ComputationGraph dl4j = graph(false, Activation.RELU);
        ComputationGraph ours = graph(true, Activation.RELU);
        ours.setParams(dl4j.params().dup());
        INDArray x = Nd4j.randn(DataType.FLOAT, 4, IN);
        var mgr = org.deeplearning4j.nn.workspace.LayerWorkspaceMgr.noWorkspaces();
        INDArray e = Nd4j.randn(DataType.FLOAT, 4, 5);
        INDArray[] eps = new INDArray[2];
        int i = 0;
        for (ComputationGraph g : List.of(dl4j, ours)) {
            g.initGradientsView();
            var d1 = g.getLayer("d1");
            d1.setInput(x, mgr);
            INDArray a = d1.activate(true, mgr);
            var d2 = g.getLayer("d2");
            d2.setInput(a, mgr);
            d2.activate(true, mgr);
            eps[i++] = d2.backpropGradient(e, mgr).getSecond();
            if (g == ours) {
                assertNull(d1.backpropGradient(Nd4j.randn(DataType.FLOAT, 4, 7), mgr).getSecond());
            }
        }
        assertTrue(SameGradients.relError(eps[0], eps[1]) < 1e-5, "input gradient of the second layer");
    }

    @Test
    void backwardAfterAnInferencePassIsDl4jsAndALargerBatchIsServed() {
        ComputationGraph dl4j = graph(false, Activation.RELU);
        ComputationGraph ours = graph(true, Activation.RELU);
        ours.setParams(dl4j.params().dup());
        Nd4j.getRandom().setSeed(3);
        INDArray x = Nd4j.randn(DataType.FLOAT, 3, IN);
        INDArray big = Nd4j.randn(DataType.FLOAT, 50, IN);
        INDArray e = Nd4j.randn(DataType.FLOAT, 3, 5);
        var mgr = org.deeplearning4j.nn.workspace.LayerWorkspaceMgr.noWorkspaces();
        INDArray[] eps = new INDArray[2];
        INDArray[] bigOut = new INDArray[2];
        int i = 0;
        for (ComputationGraph g : List.of(dl4j, ours)) {
            g.initGradientsView();
            var d1 = g.getLayer("d1");
            var d2 = g.getLayer("d2");
            d1.setInput(x, mgr);
            d2.setInput(d1.activate(true, mgr), mgr);
            d2.activate(true, mgr);
            d1.setInput(big, mgr);   // a validation batch larger than the training one, in between
            bigOut[i] = d1.activate(false, mgr).dup();
            d1.setInput(x, mgr);
            d2.setInput(d1.activate(true, mgr), mgr);
            d2.activate(false, mgr); // the last forward pass of d2 is an inference pass
            eps[i++] = d2.backpropGradient(e, mgr).getSecond();
        }
        assertTrue(SameGradients.relError(bigOut[0], bigOut[1]) < 1e-6, "the larger batch's forward pass");
        assertTrue(SameGradients.relError(eps[0], eps[1]) < 1e-5, "input gradient after an inference pass");
        assertFalse(((FastDenseLayer) ours.getLayer("d2")).pathUse().lastFast(),
                "the activations of an inference pass are not used for the backward pass");
    }

    @Test
    void trainsLikeDl4jSurvivesSaveLoadAndIsWhatTheBuilderUses() throws Exception {
        ComputationGraph dl4j = graph(false, Activation.RELU);
        ComputationGraph ours = graph(true, Activation.RELU);
        ours.setParams(dl4j.params().dup());
        Nd4j.getRandom().setSeed(1);
        for (int step = 0; step < 20; step++) {
            INDArray x = Nd4j.randn(DataType.FLOAT, 8, IN);
            INDArray y = Nd4j.randn(DataType.FLOAT, 8, 3);
            dl4j.fit(new INDArray[]{x}, new INDArray[]{y});
            ours.fit(new INDArray[]{x}, new INDArray[]{y});
        }
        assertTrue(SameGradients.relError(dl4j.params(), ours.params()) < 1e-4);
        SameGradients.assertFastRan(ours, "d1");
        SameGradients.assertFastRan(ours, "d2");

        ComputationGraph back = SameGradients.roundTrip(ours);
        assertInstanceOf(FastDenseLayer.class, back.getLayer("d2"));
        assertTrue(((FastDense) back.getLayer("d1").conf().getLayer()).isInputFed());
        INDArray x = Nd4j.rand(DataType.FLOAT, 2, IN);
        assertTrue(SameGradients.relError(ours.outputSingle(x), back.outputSingle(x)) < 1e-7);

        ModelSpec spec = new ModelSpec(Map.of("x", new ModelSpec.InputSpec(ModelSpec.InputKind.CONVOLUTIONAL, null,
                4, 4, 1, null)), List.of(
                Map.of("name", "h", "type", "dense", "n_out", 4),
                Map.of("name", "out", "type", "output", "n_out", 3)), List.of());
        ComputationGraph g = new ComputationGraph(GraphFactory.build(spec, dev.dlp.config.TrainConfig.DEFAULTS, 1));
        g.init();
        assertInstanceOf(FastDenseLayer.class, g.getLayer("h"));
        // an image input reaches the dense layer through a preprocessor, which needs the input gradient
        assertFalse(((FastDense) g.getLayer("h").conf().getLayer()).isInputFed());
        g.fit(new INDArray[]{Nd4j.rand(DataType.FLOAT, 2, 1, 4, 4)},
                new INDArray[]{Nd4j.createFromArray(new float[][]{{1, 0, 0}, {0, 1, 0}})});
        assertTrue(Double.isFinite(g.score()));
    }
}
