package dev.dlp.fast;

import dev.dlp.graph.GraphFactory;
import dev.dlp.graph.ModelSpec;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link FastLSTM} computes the same function and gradients as DL4J's LSTM. */
@dev.dlp.CpuBackendOnly
class FastLSTMTest {
    private static final int IN = 5;
    private static final int CLASSES = 4;

    /** {@code x -> lstm1 (7) -> lstm2 (6) -> out}: lstm1's gradient needs lstm2's input gradient. */
    private static ComputationGraph graph(boolean ours) {
        LSTM l1 = new LSTM.Builder().nOut(7).activation(Activation.TANH).build();
        LSTM l2 = new LSTM.Builder().nOut(6).activation(Activation.TANH).build();
        var conf = new NeuralNetConfiguration.Builder().seed(31).dataType(DataType.FLOAT).graphBuilder()
                .addInputs("x").setInputTypes(InputType.recurrent(IN))
                .addLayer("l1", ours ? FastLSTM.of(l1) : l1, "x")
                .addLayer("l2", ours ? FastLSTM.of(l2) : l2, "l1")
                .addLayer("out", new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(CLASSES)
                        .activation(Activation.SOFTMAX).build(), "l2")
                .setOutputs("out").build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        return g;
    }

    private static INDArray labels(int n, int t) {
        INDArray y = Nd4j.zeros(DataType.FLOAT, n, CLASSES, t);
        for (int i = 0; i < n; i++) {
            for (int s = 0; s < t; s++) {
                y.putScalar(new long[]{i, (i + 2 * s) % CLASSES, s}, 1f);
            }
        }
        return y;
    }

    /** A [n, t] mask: example i keeps its first t - (i % 3) steps (end padding), or every other step if ragged. */
    private static INDArray mask(int n, int t, boolean ragged) {
        INDArray m = Nd4j.zeros(DataType.FLOAT, n, t);
        for (int i = 0; i < n; i++) {
            for (int s = 0; s < t; s++) {
                boolean keep = ragged ? (s + i) % 2 == 0 || s == 0 : s < t - (i % 3);
                m.putScalar(i, s, keep ? 1f : 0f);
            }
        }
        return m;
    }

    @ParameterizedTest(name = "batch {0}, steps {1}, mask {2}")
    @CsvSource({"4, 6, none", "1, 2, none", "5, 7, end", "5, 7, ragged"})
    void sameScoreAndGradientsAsDl4j(int n, int t, String maskKind) {
        ComputationGraph dl4j = graph(false);
        ComputationGraph ours = graph(true);
        assertInstanceOf(FastLSTMLayer.class, ours.getLayer("l2"));
        ours.setParams(dl4j.params().dup());
        Nd4j.getRandom().setSeed(n * 10L + t);
        INDArray x = Nd4j.randn(DataType.FLOAT, n, IN, t);
        INDArray y = labels(n, t);
        INDArray m = maskKind.equals("none") ? null : mask(n, t, maskKind.equals("ragged"));
        for (ComputationGraph g : java.util.List.of(dl4j, ours)) {
            g.setLayerMaskArrays(m == null ? null : new INDArray[]{m}, m == null ? null : new INDArray[]{m});
        }
        double expected = dl4j.score(new org.nd4j.linalg.dataset.MultiDataSet(new INDArray[]{x}, new INDArray[]{y},
                m == null ? null : new INDArray[]{m}, m == null ? null : new INDArray[]{m}), false);
        SameGradients.assertSame(dl4j, ours, x, y, 1e-5 * Math.max(1, expected));
        assertTrue(((FastLSTMLayer) ours.getLayer("l1")).pathUse().lastFast(), "the fast pass ran");
        assertTrue(SameGradients.relError(dl4j.outputSingle(x), ours.outputSingle(x)) < 1e-5, "forward pass");
    }

    @Test
    void trainsLikeDl4jSurvivesSaveLoadAndStepsAsItRuns() throws Exception {
        ComputationGraph dl4j = graph(false);
        ComputationGraph ours = graph(true);
        ours.setParams(dl4j.params().dup());
        Nd4j.getRandom().setSeed(4);
        for (int step = 0; step < 15; step++) {
            INDArray x = Nd4j.randn(DataType.FLOAT, 6, IN, 5);
            dl4j.fit(new INDArray[]{x}, new INDArray[]{labels(6, 5)});
            ours.fit(new INDArray[]{x}, new INDArray[]{labels(6, 5)});
        }
        assertTrue(SameGradients.relError(dl4j.params(), ours.params()) < 1e-4, "parameters after 15 steps");
        SameGradients.assertFastRan(ours, "l1");
        SameGradients.assertFastRan(ours, "l2");

        ComputationGraph back = SameGradients.roundTrip(ours);
        assertInstanceOf(FastLSTMLayer.class, back.getLayer("l1"));
        INDArray x = Nd4j.randn(DataType.FLOAT, 3, IN, 4);
        INDArray full = back.outputSingle(x);
        // DL4J's own stepping path (rnnTimeStep) gives what the fast full-sequence pass gives
        back.rnnClearPreviousState();
        for (int s = 0; s < 4; s++) {
            INDArray step = back.rnnTimeStep(x.get(NDArrayIndex.all(), NDArrayIndex.all(),
                    NDArrayIndex.interval(s, s + 1)))[0];
            INDArray expected = full.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(s, s + 1));
            assertTrue(SameGradients.relError(expected, step.reshape(expected.shape())) < 1e-5, "step " + s);
        }
        var spec = new ModelSpec(Map.of("x", new ModelSpec.InputSpec(ModelSpec.InputKind.RECURRENT, IN, null, null,
                null, null)), java.util.List.of(Map.of("name", "l", "type", "lstm", "n_out", 3),
                Map.of("name", "out", "type", "rnn_output", "n_out", 2)), java.util.List.of());
        ComputationGraph built = new ComputationGraph(GraphFactory.build(spec, dev.dlp.config.TrainConfig.DEFAULTS, 1));
        built.init();
        assertInstanceOf(FastLSTMLayer.class, built.getLayer("l"));
    }
}
