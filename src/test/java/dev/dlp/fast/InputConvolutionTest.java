package dev.dlp.fast;

import dev.dlp.graph.GraphFactory;
import dev.dlp.graph.ModelSpec;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
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
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link InputConvolution} computes the same function and parameter gradients as DL4J's convolution layer. */
@dev.dlp.CpuBackendOnly
class InputConvolutionTest {

    private static ComputationGraph graph(boolean ours, int channels, int kernel, int stride, int pad,
                                          ConvolutionMode mode, Activation act) {
        ConvolutionLayer.Builder b = ours ? new InputConvolution.Builder() : new ConvolutionLayer.Builder();
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(7).dataType(DataType.FLOAT)
                .graphBuilder()
                .addInputs("x")
                .setInputTypes(InputType.convolutional(12, 12, channels))
                .addLayer("conv", b.kernelSize(kernel, kernel).stride(stride, stride).padding(pad, pad)
                        .convolutionMode(mode).nOut(5).activation(act).build(), "x")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build(), "conv")
                .setOutputs("out")
                .build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        return g;
    }

    private static double relError(INDArray a, INDArray b) {
        return SameGradients.relError(a, b);
    }

    @ParameterizedTest(name = "channels {0}, kernel {1}, stride {2}, pad {3}, {4}, {5}")
    @CsvSource({
            "1, 5, 1, 2, Truncate, RELU",
            "3, 3, 1, 0, Truncate, TANH",
            "2, 3, 1, 0, Same, RELU",
            "1, 4, 1, 0, Same, RELU",      // even kernel in same mode: asymmetric padding, DL4J's own backward pass
            "2, 3, 2, 1, Truncate, RELU",  // stride 2: DL4J's own backward pass
    })
    void sameOutputAndParameterGradientsAsDl4j(int channels, int kernel, int stride, int pad, ConvolutionMode mode,
                                              Activation act) {
        ComputationGraph dl4j = graph(false, channels, kernel, stride, pad, mode, act);
        ComputationGraph ours = graph(true, channels, kernel, stride, pad, mode, act);
        assertInstanceOf(InputConvolutionLayer.class, ours.getLayer("conv"));
        ours.setParams(dl4j.params().dup());

        Nd4j.getRandom().setSeed(11);
        INDArray x = Nd4j.randn(DataType.FLOAT, 6, channels, 12, 12);
        INDArray labels = Nd4j.zeros(DataType.FLOAT, 6, 3);
        for (int i = 0; i < 6; i++) {
            labels.putScalar(i, i % 3, 1f);
        }
        assertTrue(relError(dl4j.outputSingle(x), ours.outputSingle(x)) < 1e-6, "forward pass differs");

        SameGradients.assertSame(dl4j, ours, x, labels, 1e-6);
        assertTrue(relError(dl4j.gradient().gradient(), ours.gradient().gradient()) < 1e-4);
        // the fast pass ran where it applies (stride 1, symmetric padding), DL4J's elsewhere, and says so
        PathUse use = ((InputConvolutionLayer) ours.getLayer("conv")).pathUse();
        boolean applies = stride == 1 && !(kernel % 2 == 0 && mode == ConvolutionMode.Same);
        assertEquals(applies, use.fastPasses() > 0);
        assertEquals(applies, use.reasons().isEmpty(), use.reasons().toString());
    }

    @Test
    void survivesASaveLoadRoundTrip() throws Exception {
        ComputationGraph g = graph(true, 1, 3, 1, 0, ConvolutionMode.Same, Activation.RELU);
        ComputationGraph back = SameGradients.roundTrip(g);
        assertInstanceOf(InputConvolutionLayer.class, back.getLayer("conv"));
        INDArray x = Nd4j.rand(DataType.FLOAT, 2, 1, 12, 12);
        assertTrue(relError(g.outputSingle(x), back.outputSingle(x)) < 1e-7);
    }

    @Test
    void graphFactoryUsesItOnlyForLayersFedByAModelInput() {
        ModelSpec spec = new ModelSpec(Map.of("x", new ModelSpec.InputSpec(ModelSpec.InputKind.CONVOLUTIONAL, null, 12,
                12, 1, null)), List.of(
                Map.of("name", "c1", "type", "conv", "kernel", 3, "n_out", 4),
                Map.of("name", "c2", "type", "conv", "kernel", 3, "n_out", 4),
                Map.of("name", "out", "type", "output", "n_out", 3)), List.of());
        ComputationGraphConfiguration conf = GraphFactory.build(spec, dev.dlp.config.TrainConfig.DEFAULTS, 1);
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        assertInstanceOf(InputConvolutionLayer.class, g.getLayer("c1"));
        assertEquals(org.deeplearning4j.nn.layers.convolution.ConvolutionLayer.class, g.getLayer("c2").getClass());
    }
}
