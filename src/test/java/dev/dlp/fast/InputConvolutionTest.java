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
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link InputConvolution} computes the same function and parameter gradients as DL4J's convolution layer. */
@dev.dlp.CpuBackendOnly
class InputConvolutionTest {
    /** The Vector API kernel is opt-in ({@code -Ddlp.vectorConvGradient=true}); these tests check it switched on. */
    @org.junit.jupiter.api.BeforeAll
    static void vectorKernelOn() {
        InputConvolutionLayer.vectorKernel = true;
    }

    @org.junit.jupiter.api.AfterAll
    static void vectorKernelAsConfigured() {
        InputConvolutionLayer.vectorKernel = Boolean.getBoolean("dlp.vectorConvGradient");
    }

    private static ComputationGraph graph(boolean ours, int channels, int kernel, int stride, int pad,
                                          ConvolutionMode mode, Activation act) {
        return graph(ours, 12, channels, kernel, stride, pad, mode, act);
    }

    private static ComputationGraph graph(boolean ours, int size, int channels, int kernel, int stride, int pad,
                                          ConvolutionMode mode, Activation act) {
        ConvolutionLayer.Builder b = ours ? new InputConvolution.Builder() : new ConvolutionLayer.Builder();
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(7).dataType(DataType.FLOAT)
                .graphBuilder()
                .addInputs("x")
                .setInputTypes(InputType.convolutional(size, size, channels))
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
        // one input channel and 5-wide kernels: the parameter gradients came from the Vector API kernel
        assertEquals(applies && channels == 1 && kernel == 5,
                ((InputConvolutionLayer) ours.getLayer("conv")).vectorPasses() > 0);
    }

    /**
     * The Vector API kernel ({@link SingleChannelConvGradient}) against DL4J's backward pass: LeNet-5's first layer
     * (28x28, padding 2), output rows of one and of two vectors' width, other paddings, a second pass on the same
     * buffers with other data.
     */
    @ParameterizedTest(name = "{0}x{0}, pad {1}, {2}, batch {3}")
    @CsvSource({
            "28, 2, Truncate, 7",
            "28, 0, Same, 3",
            "9, 0, Truncate, 5",
            "20, 1, Truncate, 2",
            "36, 0, Truncate, 2",
            "40, 0, Truncate, 2",   // output rows wider than two vectors on AVX-512: oneDNN's path
    })
    @SuppressWarnings("unchecked")
    void oneChannelParameterGradientsOnTheVectorApiAreDl4js(int size, int pad, ConvolutionMode mode, int batch) {
        assertTrue(Simd.AVAILABLE, "the test JVM loads the Vector API (pom.xml's argLine)");
        ComputationGraph dl4j = graph(false, size, 1, 5, 1, pad, mode, Activation.RELU);
        ComputationGraph ours = graph(true, size, 1, 5, 1, pad, mode, Activation.RELU);
        ours.setParams(dl4j.params().dup());
        Nd4j.getRandom().setSeed(5);
        INDArray x = Nd4j.rand(DataType.FLOAT, batch, 1, size, size).subi(0.3);
        INDArray labels = Nd4j.zeros(DataType.FLOAT, batch, 3);
        for (int i = 0; i < batch; i++) {
            labels.putScalar(i, (i * 7) % 3, 1f);
        }
        for (int pass = 0; pass < 2; pass++) {
            SameGradients.assertSame(dl4j, ours, x, labels, 1e-6);
            INDArray expected = dl4j.getLayer("conv").getGradientsViewArray();
            INDArray actual = ours.getLayer("conv").getGradientsViewArray();
            double err = relError(expected, actual);
            assertTrue(err < 1e-5, "conv gradients: relative error " + err);
            x = x.mul(-1);
        }
        SameGradients.assertFastRan(ours, "conv");
        Map<String, Object> report = ((List<Map<String, Object>>) EngineReport.describe(ours,
                dev.dlp.config.TrainConfig.Engine.FAST).get("layers")).get(0);
        long outputWidth = size + 2L * (mode == ConvolutionMode.Same ? 2 : pad) - 4;
        boolean handled = SingleChannelConvGradient.handles(5, (int) outputWidth);
        assertEquals(handled ? 2 : 0, ((InputConvolutionLayer) ours.getLayer("conv")).vectorPasses());
        assertEquals(handled ? 2L : null, report.get("vector_kernel_passes"), report.toString());   // summary.json
    }

    /** Off, the layer takes oneDNN's path (the default: the shipped LeNet-5's results depend on its sums' order). */
    @Test
    void theVectorKernelIsOptIn() {
        InputConvolutionLayer.vectorKernel = false;
        try {
            ComputationGraph g = graph(true, 28, 1, 5, 1, 2, ConvolutionMode.Truncate, Activation.RELU);
            g.setInputs(Nd4j.rand(DataType.FLOAT, 2, 1, 28, 28));
            g.setLabels(Nd4j.create(new float[][]{{1, 0, 0}, {0, 1, 0}}));
            g.computeGradientAndScore();
            assertEquals(0, ((InputConvolutionLayer) g.getLayer("conv")).vectorPasses());
            SameGradients.assertFastRan(g, "conv");
        } finally {
            InputConvolutionLayer.vectorKernel = true;
        }
        assertEquals(false, Boolean.getBoolean("dlp.vectorConvGradient"), "the test JVM runs the default");
    }

    /** In a 2-worker step the kernel gets row slices of the batch (views at an offset): same gradients as a copy. */
    @Test
    void oneChannelKernelOnBatchSlices() {
        ComputationGraph whole = graph(true, 28, 1, 5, 1, 2, ConvolutionMode.Truncate, Activation.RELU);
        ComputationGraph sliced = graph(true, 28, 1, 5, 1, 2, ConvolutionMode.Truncate, Activation.RELU);
        sliced.setParams(whole.params().dup());
        Nd4j.getRandom().setSeed(9);
        INDArray x = Nd4j.rand(DataType.FLOAT, 8, 1, 28, 28);
        INDArray labels = Nd4j.zeros(DataType.FLOAT, 8, 3);
        for (int i = 0; i < 8; i++) {
            labels.putScalar(i, i % 3, 1f);
        }
        INDArray rows = x.get(NDArrayIndex.interval(3, 8));
        INDArray rowLabels = labels.get(NDArrayIndex.interval(3, 8));
        whole.setInputs(rows.dup());
        whole.setLabels(rowLabels.dup());
        whole.computeGradientAndScore();
        sliced.setInputs(rows);
        sliced.setLabels(rowLabels);
        sliced.computeGradientAndScore();
        assertEquals(whole.gradient().gradient(), sliced.gradient().gradient());
        assertEquals(1, ((InputConvolutionLayer) sliced.getLayer("conv")).vectorPasses());
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
                Map.of("name", "c2", "type", "conv", "kernel", 5, "n_out", 4),   // 5x5, 4 outputs: not NarrowConvolution's
                Map.of("name", "out", "type", "output", "n_out", 3)), List.of());
        ComputationGraphConfiguration conf = GraphFactory.build(spec, dev.dlp.config.TrainConfig.DEFAULTS, 1);
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        assertInstanceOf(InputConvolutionLayer.class, g.getLayer("c1"));
        assertEquals(org.deeplearning4j.nn.layers.convolution.ConvolutionLayer.class, g.getLayer("c2").getClass());
    }
}
