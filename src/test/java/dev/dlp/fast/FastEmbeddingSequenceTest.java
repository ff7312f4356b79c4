package dev.dlp.fast;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link FastEmbeddingSequence} computes DL4J's embedding lookup and its gradient, masks and bias included. */
@dev.dlp.CpuBackendOnly
class FastEmbeddingSequenceTest {
    private static final int VOCAB = 7;
    private static final int CLASSES = 3;

    private static ComputationGraph graph(boolean ours, boolean bias) {
        EmbeddingSequenceLayer e = new EmbeddingSequenceLayer.Builder().nOut(5).hasBias(bias).build();
        var conf = new NeuralNetConfiguration.Builder().seed(12).dataType(DataType.FLOAT).graphBuilder()
                .addInputs("ids").setInputTypes(InputType.recurrent(VOCAB))
                .addLayer("embed", ours ? ConfigCopy.fields(EmbeddingSequenceLayer.class, e,
                        new FastEmbeddingSequence()) : e, "ids")
                .addLayer("lstm", new LSTM.Builder().nOut(4).activation(Activation.TANH).build(), "embed")
                .addLayer("out", new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(CLASSES)
                        .activation(Activation.SOFTMAX).build(), "lstm")
                .setOutputs("out").build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        return g;
    }

    @ParameterizedTest(name = "bias {0}, masked {1}")
    @CsvSource({"false, false", "false, true", "true, true"})
    void sameScoreAndGradientsAsDl4j(boolean bias, boolean masked) {
        ComputationGraph dl4j = graph(false, bias);
        ComputationGraph ours = graph(true, bias);
        assertInstanceOf(FastEmbeddingSequenceLayer.class, ours.getLayer("embed"));
        ours.setParams(dl4j.params().dup());
        int n = 4;
        int t = 6;
        java.util.Random r = new java.util.Random(bias ? 1 : 2);
        INDArray ids = Nd4j.zeros(DataType.FLOAT, n, 1, t);
        INDArray y = Nd4j.zeros(DataType.FLOAT, n, CLASSES, t);
        INDArray m = Nd4j.ones(DataType.FLOAT, n, t);
        for (int i = 0; i < n; i++) {
            for (int s = 0; s < t; s++) {
                ids.putScalar(new long[]{i, 0, s}, r.nextInt(VOCAB));
                y.putScalar(new long[]{i, r.nextInt(CLASSES), s}, 1f);
                if (masked && s >= t - i) {
                    m.putScalar(i, s, 0f);
                }
            }
        }
        for (ComputationGraph g : java.util.List.of(dl4j, ours)) {
            g.setLayerMaskArrays(masked ? new INDArray[]{m} : null, masked ? new INDArray[]{m} : null);
        }
        SameGradients.assertSame(dl4j, ours, ids, y, 1e-5);
        SameGradients.assertFastRan(ours, "embed");
        assertTrue(SameGradients.relError(dl4j.outputSingle(ids), ours.outputSingle(ids)) < 1e-6, "forward");
        INDArray bad = ids.dup();
        bad.putScalar(new long[]{0, 0, 0}, VOCAB);
        for (ComputationGraph g : java.util.List.of(dl4j, ours)) {
            g.clearLayerMaskArrays();
        }
        assertThrows(Exception.class, () -> ours.outputSingle(bad), "an id outside the vocabulary");
    }
}
