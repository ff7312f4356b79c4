package dev.dlp.fast;

import dev.dlp.graph.GraphFactory;
import dev.dlp.graph.ModelSpec;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
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

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link NarrowConvolution} computes the same function and gradients as DL4J's convolution layer. */
@dev.dlp.CpuBackendOnly
class NarrowConvolutionTest {

    /** {@code x -> conv (4, relu) -> narrow conv -> per-pixel MSE}: the first layer's gradient needs ours' dx. */
    private static ComputationGraph graph(boolean ours, int out, int kh, int kw, ConvolutionMode mode, int pad) {
        ConvolutionLayer.Builder b = ours ? new NarrowConvolution.Builder() : new ConvolutionLayer.Builder();
        b.kernelSize(kh, kw).nOut(out).activation(Activation.IDENTITY).convolutionMode(mode).padding(pad, pad);
        var conf = new NeuralNetConfiguration.Builder().seed(9).dataType(DataType.FLOAT).graphBuilder()
                .addInputs("x").setInputTypes(InputType.convolutional(7, 6, 3))
                .addLayer("c1", new ConvolutionLayer.Builder().kernelSize(3, 3).nOut(4).activation(Activation.RELU)
                        .convolutionMode(ConvolutionMode.Same).build(), "x")
                .addLayer("c2", b.build(), "c1")
                .addLayer("out", new CnnLossLayer.Builder(LossFunctions.LossFunction.MSE)
                        .activation(Activation.IDENTITY).build(), "c2")
                .setOutputs("out").build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        return g;
    }

    @ParameterizedTest(name = "out {0}, kernel {1}x{2}, {3}, padding {4}")
    @CsvSource({
            "1, 3, 3, Same, 0",
            "2, 3, 3, Truncate, 0",    // valid
            "1, 3, 2, Truncate, 1",    // explicit padding, a non-square kernel
            "2, 5, 5, Same, 0",
    })
    void sameOutputsAndGradientsAsDl4j(int out, int kh, int kw, ConvolutionMode mode, int pad) {
        ComputationGraph dl4j = graph(false, out, kh, kw, mode, pad);
        ComputationGraph ours = graph(true, out, kh, kw, mode, pad);
        assertInstanceOf(NarrowConvolutionLayer.class, ours.getLayer("c2"));
        ours.setParams(dl4j.params().dup());
        Nd4j.getRandom().setSeed(out * 100L + kh * 10L + pad);
        INDArray x = Nd4j.randn(DataType.FLOAT, 3, 3, 7, 6);
        INDArray c2 = dl4j.feedForward(x, false).get("c2");
        assertTrue(SameGradients.relError(c2, ours.feedForward(x, false).get("c2")) < 1e-5, "forward pass");
        INDArray y = Nd4j.randn(DataType.FLOAT, c2.shape());
        SameGradients.assertSame(dl4j, ours, x, y, 1e-4);   // a float sum of ~70: 1e-4 is ~1e-6 relative
        assertTrue(((NarrowConvolutionLayer) ours.getLayer("c2")).pathUse().lastFast(), "the fast pass ran");
    }

    @Test
    void theBuilderUsesItForOneOrTwoOutputChannelsOnly() {
        var input = Map.of("x", new ModelSpec.InputSpec(ModelSpec.InputKind.CONVOLUTIONAL, null, 6, 6, 1, null));
        for (int out : new int[]{1, 3}) {
            ModelSpec spec = new ModelSpec(input, List.of(
                    Map.of("name", "c1", "type", "conv", "kernel", 3, "n_out", 4, "padding", "same"),
                    Map.of("name", "c2", "type", "conv", "kernel", 3, "n_out", out, "padding", "same",
                            "activation", "identity"),
                    Map.of("name", "out", "type", "cnn_loss", "loss", "mse", "activation", "identity")), List.of());
            ComputationGraph g = new ComputationGraph(GraphFactory.build(spec, dev.dlp.config.TrainConfig.DEFAULTS,
                    1));
            g.init();
            assertTrue((g.getLayer("c2") instanceof NarrowConvolutionLayer) == (out == 1), "n_out " + out);
        }
    }
}
