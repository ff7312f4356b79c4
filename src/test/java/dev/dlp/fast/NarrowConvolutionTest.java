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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link NarrowConvolution} computes the same function and gradients as DL4J's convolution layer. */
@dev.dlp.CpuBackendOnly
class NarrowConvolutionTest {

    /**
     * {@code x -> conv (in channels, relu) -> narrow conv (out, activation) -> per-pixel MSE}: the first layer's
     * gradient needs ours' dx.
     */
    private static ComputationGraph graph(boolean ours, int in, int out, int kh, int kw, ConvolutionMode mode, int pad,
                                          Activation activation) {
        ConvolutionLayer.Builder b = ours ? new NarrowConvolution.Builder() : new ConvolutionLayer.Builder();
        b.kernelSize(kh, kw).nOut(out).activation(activation).convolutionMode(mode).padding(pad, pad);
        var conf = new NeuralNetConfiguration.Builder().seed(9).dataType(DataType.FLOAT).graphBuilder()
                .addInputs("x").setInputTypes(InputType.convolutional(7, 6, 3))
                .addLayer("c1", new ConvolutionLayer.Builder().kernelSize(3, 3).nOut(in).activation(Activation.RELU)
                        .convolutionMode(ConvolutionMode.Same).build(), "x")
                .addLayer("c2", b.build(), "c1")
                .addLayer("out", new CnnLossLayer.Builder(LossFunctions.LossFunction.MSE)
                        .activation(Activation.IDENTITY).build(), "c2")
                .setOutputs("out").build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        return g;
    }

    @ParameterizedTest(name = "in {0}, out {1}, kernel {2}x{3}, {4}, padding {5}, {6}")
    @CsvSource({
            "4, 1, 3, 3, Same, 0, IDENTITY",
            "4, 2, 3, 3, Truncate, 0, IDENTITY",    // valid
            "4, 1, 3, 2, Truncate, 1, IDENTITY",    // explicit padding, a non-square kernel
            "4, 2, 5, 5, Same, 0, IDENTITY",
            "8, 8, 3, 3, Same, 0, RELU",            // conv-ae's middle layers: four output rows at a time
            "8, 16, 3, 3, Truncate, 0, RELU",       // conv-ae's dec3
            "16, 8, 3, 3, Same, 0, RELU",
            "6, 5, 3, 3, Same, 0, RELU",            // rows and channels that the vector kernels' blocks leave over
            "16, 1, 3, 3, Same, 0, IDENTITY",       // conv-ae's output layer
    })
    void sameOutputsAndGradientsAsDl4j(int in, int out, int kh, int kw, ConvolutionMode mode, int pad,
                                       Activation activation) {
        ComputationGraph dl4j = graph(false, in, out, kh, kw, mode, pad, activation);
        ComputationGraph ours = graph(true, in, out, kh, kw, mode, pad, activation);
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

    /** Ten training steps of each: the parameters stay together (ours keeps no stale state between steps). */
    @Test
    void trainsAsDl4jDoes() {
        ComputationGraph dl4j = graph(false, 8, 8, 3, 3, ConvolutionMode.Same, 0, Activation.RELU);
        ComputationGraph ours = graph(true, 8, 8, 3, 3, ConvolutionMode.Same, 0, Activation.RELU);
        ours.setParams(dl4j.params().dup());
        Nd4j.getRandom().setSeed(5);
        for (int step = 0; step < 10; step++) {
            int n = step % 2 == 0 ? 4 : 3;   // a batch size that changes moves the layout
            INDArray x = Nd4j.randn(DataType.FLOAT, n, 3, 7, 6);
            INDArray y = Nd4j.randn(DataType.FLOAT, n, 8, 7, 6);
            dl4j.fit(new org.nd4j.linalg.dataset.DataSet(x, y));
            ours.fit(new org.nd4j.linalg.dataset.DataSet(x, y));
        }
        assertTrue(SameGradients.relError(dl4j.params(), ours.params()) < 1e-4, "parameters after 10 steps");
        assertTrue(((NarrowConvolutionLayer) ours.getLayer("c2")).pathUse().lastFast(), "the fast pass ran");
    }

    /** The Vector API kernels compute the plain loops' sums (up to float rounding), blocks and remainders alike. */
    @ParameterizedTest(name = "{0} out, {1} in")
    @CsvSource({"8, 16", "5, 6", "1, 16", "2, 4"})
    void vectorKernelsMatchThePlainLoops(int outs, int ins) {
        org.junit.jupiter.api.Assumptions.assumeTrue(Simd.AVAILABLE, "the Vector API is not loaded");
        java.util.Random rnd = new java.util.Random(outs * 31 + ins);
        int[] off = {0, 1, 2, 9, 10, 11, 18, 19, 20};
        int len = 4 * Taps.BLOCK;
        int stride = len + 20 + Taps.BLOCK;
        float[] a = new float[off.length * outs * ins];
        float[] src = new float[Math.max(ins, outs) * stride];
        float[] g = new float[outs * stride];
        for (float[] v : new float[][]{a, src, g}) {
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) rnd.nextGaussian();
            }
        }
        float[] plain = new float[outs * stride];
        float[] vector = new float[outs * stride];
        float[] dwPlain = new float[a.length];
        float[] dwVector = new float[a.length];
        for (int i = 0; i < len; i++) {   // the plain loops' reference, with the Vector API bypassed
            for (int o = 0; o < outs; o++) {
                float sum = 0f;
                for (int t = 0; t < off.length; t++) {
                    for (int c = 0; c < ins; c++) {
                        sum += a[(t * outs + o) * ins + c] * src[c * stride + i + off[t]];
                    }
                }
                plain[o * stride + i] = sum;
            }
        }
        for (int t = 0; t < off.length; t++) {
            for (int o = 0; o < outs; o++) {
                for (int c = 0; c < ins; c++) {
                    double sum = 0;
                    for (int j = 0; j < len; j++) {
                        sum += g[o * stride + j] * src[c * stride + j + off[t]];
                    }
                    dwPlain[(t * outs + o) * ins + c] = (float) sum;
                }
            }
        }
        VectorTaps.correlate(a, outs, ins, src, stride, off, vector, len);
        VectorTaps.weights(g, 0, outs, src, ins, stride, off, dwVector, len);
        for (int o = 0; o < outs; o++) {
            for (int i = 0; i < len; i++) {
                assertEquals(plain[o * stride + i], vector[o * stride + i], 1e-4f, "correlate " + o + ", " + i);
            }
        }
        for (int i = 0; i < a.length; i++) {
            assertEquals(dwPlain[i], dwVector[i], 1e-3f, "weights " + i);
        }
    }

    @Test
    void theBuilderUsesItForTheShapesItCovers() {
        var input = Map.of("x", new ModelSpec.InputSpec(ModelSpec.InputKind.CONVOLUTIONAL, null, 6, 6, 1, null));
        // n_out, kernel, activation -> ours?
        Object[][] cases = {
                {1, 5, "identity", true},    // one or two outputs: any kernel
                {3, 3, "relu", true},        // few channels, 3x3
                {16, 3, "relu", true},
                {17, 3, "relu", false},      // too many outputs
                {16, 5, "relu", false},      // a 5x5 kernel (LeNet-5's conv2: oneDNN is faster there)
                {8, 3, "tanh", false},       // an activation ours does not apply
        };
        for (Object[] c : cases) {
            ModelSpec spec = new ModelSpec(input, List.of(
                    Map.of("name", "c1", "type", "conv", "kernel", 3, "n_out", 4, "padding", "same"),
                    Map.of("name", "c2", "type", "conv", "kernel", c[1], "n_out", c[0], "padding", "same",
                            "activation", c[2]),
                    Map.of("name", "out", "type", "cnn_loss", "loss", "mse", "activation", "identity")), List.of());
            ComputationGraph g = new ComputationGraph(GraphFactory.build(spec, dev.dlp.config.TrainConfig.DEFAULTS,
                    1));
            g.init();
            assertEquals(c[3], g.getLayer("c2") instanceof NarrowConvolutionLayer, java.util.Arrays.toString(c));
        }
    }
}
