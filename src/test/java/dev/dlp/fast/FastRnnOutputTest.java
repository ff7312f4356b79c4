package dev.dlp.fast;

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
import org.nd4j.linalg.lossfunctions.LossFunctions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link FastRnnOutput}: DL4J's softmax + mcxent output at every step, its score and gradients, masks included. */
@dev.dlp.CpuBackendOnly
class FastRnnOutputTest {
    private static final int IN = 5;
    private static final int CLASSES = 6;

    private static ComputationGraph graph(boolean ours) {
        return graph(ours, new org.nd4j.linalg.lossfunctions.impl.LossMCXENT());
    }

    private static ComputationGraph graph(boolean ours, org.nd4j.linalg.lossfunctions.ILossFunction loss) {
        RnnOutputLayer out = new RnnOutputLayer.Builder(loss).nOut(CLASSES).activation(Activation.SOFTMAX).build();
        var conf = new NeuralNetConfiguration.Builder().seed(21).dataType(DataType.FLOAT).graphBuilder()
                .addInputs("x").setInputTypes(InputType.recurrent(IN))
                .addLayer("lstm", new LSTM.Builder().nOut(4).activation(Activation.TANH).build(), "x")
                .addLayer("out", ours ? ConfigCopy.fields(RnnOutputLayer.class, out, new FastRnnOutput()) : out,
                        "lstm")
                .setOutputs("out").build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        return g;
    }

    @ParameterizedTest(name = "batch {0}, steps {1}, masked {2}")
    @CsvSource({"3, 5, false", "4, 6, true", "1, 2, false"})
    void sameScoreAndGradientsAsDl4j(int n, int t, boolean masked) {
        ComputationGraph dl4j = graph(false);
        ComputationGraph ours = graph(true);
        assertInstanceOf(FastRnnOutputLayer.class, ours.getLayer("out"));
        ours.setParams(dl4j.params().dup());
        Nd4j.getRandom().setSeed(n * 7L + t);
        INDArray x = Nd4j.randn(DataType.FLOAT, n, IN, t);
        INDArray y = Nd4j.zeros(DataType.FLOAT, n, CLASSES, t);
        INDArray m = Nd4j.ones(DataType.FLOAT, n, t);
        java.util.Random r = new java.util.Random(n + t);
        for (int i = 0; i < n; i++) {
            for (int s = 0; s < t; s++) {
                boolean pad = masked && s >= t - i;
                if (pad) {
                    m.putScalar(i, s, 0f);   // padding: no label, as seq2seq's batches have
                } else {
                    y.putScalar(new long[]{i, r.nextInt(CLASSES), s}, 1f);
                }
            }
        }
        for (ComputationGraph g : java.util.List.of(dl4j, ours)) {
            g.setLayerMaskArrays(masked ? new INDArray[]{m} : null, masked ? new INDArray[]{m} : null);
        }
        SameGradients.assertSame(dl4j, ours, x, y, 1e-5 * Math.max(1, dl4j.score()));
        SameGradients.assertFastRan(ours, "out");
        assertTrue(((FastRnnOutputLayer) ours.getLayer("out")).keptScoresUsed() > 0,
                "the graph's score is the fused backward pass's, not a second forward pass and loss");
        // the input gradient reaches the LSTM: its gradients matched above; and the score is DL4J's definition
        assertTrue(ours.score() > 0);
        assertTrue(SameGradients.relError(dl4j.outputSingle(x), ours.outputSingle(x)) < 1e-6, "forward is DL4J's");
    }

    @Test
    void lossWeightsAreLeftToDl4jsPass() {
        var weighted = new org.nd4j.linalg.lossfunctions.impl.LossMCXENT(Nd4j.createFromArray(1f, 2f, 1f, 1f, 1f, 1f));
        ComputationGraph dl4j = graph(false, weighted);
        ComputationGraph ours = graph(true, weighted);
        ours.setParams(dl4j.params().dup());
        Nd4j.getRandom().setSeed(5);
        INDArray x = Nd4j.randn(DataType.FLOAT, 2, IN, 3);
        INDArray y = Nd4j.zeros(DataType.FLOAT, 2, CLASSES, 3);
        for (int i = 0; i < 2; i++) {
            for (int s = 0; s < 3; s++) {
                y.putScalar(new long[]{i, (i + s) % CLASSES, s}, 1f);
            }
        }
        SameGradients.assertSame(dl4j, ours, x, y, 1e-5);
        PathUse u = ((FastRnnOutputLayer) ours.getLayer("out")).pathUse();
        assertEquals(0, u.fastPasses());
        assertTrue(u.declinedPasses() > 0, "declined, with DL4J's pass instead");
    }
}
