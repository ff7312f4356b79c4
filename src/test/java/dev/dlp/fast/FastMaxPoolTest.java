package dev.dlp.fast;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link FastMaxPool}'s layer computes what DL4J's max pooling computes, forward and backward, to the bit: its
 * kernels against libnd4j's ops on arrays full of ties, and whole graphs against DL4J's.
 */
@dev.dlp.CpuBackendOnly
class FastMaxPoolTest {

    /** Values from {0, 1, 2} (half of them 0, as after a ReLU): most windows have a tie for their maximum. */
    private static INDArray ties(long seed, long... shape) {
        Nd4j.getRandom().setSeed(seed);
        INDArray r = org.nd4j.linalg.ops.transforms.Transforms.floor(Nd4j.rand(DataType.FLOAT, shape).muli(4), false);
        return org.nd4j.linalg.ops.transforms.Transforms.relu(r.subi(1), false);
    }

    private static DynamicCustomOp op(String name, INDArray... inputs) {
        return DynamicCustomOp.builder(name).addInputs(inputs)
                .addIntegerArguments(2, 2, 2, 2, 0, 0, 1, 1, 0, 0, 0).build();
    }

    @ParameterizedTest(name = "{0} planes of {1}x{2}")
    @CsvSource({"1, 2, 2", "3, 4, 6", "7, 10, 10", "12, 14, 14", "5, 28, 28", "2, 32, 34", "40, 6, 18", "1, 28, 2"})
    void kernelsEqualLibnd4jsOpsOnTies(int planes, int h, int w) {
        INDArray in = ties(planes * 100L + h, planes, 1, h, w);
        in.putScalar(new long[]{0, 0, 0, 0}, -0.0f);   // -0 and +0 tie too
        INDArray out = Nd4j.create(DataType.FLOAT, planes, 1, h / 2, w / 2);
        DynamicCustomOp fwd = op("maxpool2d", in);
        fwd.addOutputArgument(out);
        Nd4j.exec(fwd);
        INDArray eps = Nd4j.randn(DataType.FLOAT, planes, 1, h / 2, w / 2);
        INDArray grad = Nd4j.create(DataType.FLOAT, planes, 1, h, w);
        DynamicCustomOp bwd = op("maxpool2d_bp", in, eps);
        bwd.addOutputArgument(grad);
        Nd4j.exec(bwd);

        INDArray ours = Nd4j.createUninitialized(DataType.FLOAT, planes, 1, h / 2, w / 2);
        Resample2x2.maxPool(dev.dlp.nd4j.HostArrays.bytes(in), dev.dlp.nd4j.HostArrays.bytes(ours), planes * h / 2, w);
        assertEquals(out, ours, "forward");
        INDArray oursGrad = Nd4j.createUninitialized(DataType.FLOAT, planes, 1, h, w);
        Resample2x2.maxPoolBackward(dev.dlp.nd4j.HostArrays.bytes(in), dev.dlp.nd4j.HostArrays.bytes(eps),
                dev.dlp.nd4j.HostArrays.bytes(oursGrad), planes * h / 2, w);
        assertEquals(grad, oursGrad, "backward");
        assertEquals(eps.sumNumber().doubleValue(), oursGrad.sumNumber().doubleValue(), 1e-3,
                "every window's gradient went to exactly one input");
    }

    /** {@code x -> conv (4, relu) -> pool -> softmax output}, all DL4J's but the pooling when {@code fast}. */
    private static ComputationGraph graph(int h, int w, ConvolutionMode mode, boolean fast) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(5).dataType(DataType.FLOAT)
                .graphBuilder().addInputs("x").setInputTypes(InputType.convolutional(h, w, 2))
                .addLayer("c", new ConvolutionLayer.Builder().kernelSize(3, 3).nOut(4).activation(Activation.RELU)
                        .convolutionMode(ConvolutionMode.Same).build(), "x")
                .addLayer("p", new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2)
                        .convolutionMode(mode).build(), "c")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build(), "p")
                .setOutputs("out").build();
        if (fast) {
            var vertex = (org.deeplearning4j.nn.conf.graph.LayerVertex) conf.getVertices().get("p");
            vertex.getLayerConf().setLayer(FastPaths.choose(vertex.getLayerConf().getLayer(), false, false)
                    .replacement());
        }
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        return g;
    }

    @ParameterizedTest(name = "{0}x{1}, {2}")
    @CsvSource({"28, 28, Truncate", "10, 10, Same", "4, 6, Strict", "2, 2, Truncate"})
    void aGraphTrainsExactlyAsWithDl4jsPooling(int h, int w, ConvolutionMode mode) {
        ComputationGraph dl4j = graph(h, w, mode, false);
        ComputationGraph ours = graph(h, w, mode, true);
        assertInstanceOf(FastMaxPoolLayer.class, ours.getLayer("p"));
        ours.setParams(dl4j.params().dup());
        Nd4j.getRandom().setSeed(h * 31L + w);
        INDArray x = Nd4j.randn(DataType.FLOAT, 5, 2, h, w);
        INDArray y = Nd4j.zeros(DataType.FLOAT, 5, 3);
        for (int i = 0; i < 5; i++) {
            y.putScalar(i, i % 3, 1f);
        }
        SameGradients.assertSameBits(dl4j, ours, x, y, "p");
    }

    @Test
    void oddSizesRunDl4jsPassAndSayWhy() {
        ComputationGraph dl4j = graph(7, 7, ConvolutionMode.Same, false);
        ComputationGraph ours = graph(7, 7, ConvolutionMode.Same, true);
        ours.setParams(dl4j.params().dup());
        INDArray x = Nd4j.randn(DataType.FLOAT, 3, 2, 7, 7);
        INDArray y = Nd4j.zeros(DataType.FLOAT, 3, 3).putScalar(0, 1, 1f);
        for (ComputationGraph g : new ComputationGraph[]{dl4j, ours}) {
            g.setInputs(x);
            g.setLabels(y);
            g.computeGradientAndScore();
        }
        assertEquals(dl4j.gradient().gradient(), ours.gradient().gradient());
        PathUse u = ((FastMaxPoolLayer) ours.getLayer("p")).pathUse();
        assertEquals(0, u.fastPasses());
        assertTrue(u.reasons().get(0).startsWith("odd height or width 7x7"), u.reasons().toString());
    }

    @Test
    void onlyTwoByTwoMaxPoolingWithStrideTwoIsReplaced() {
        SubsamplingLayer max = new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build();
        assertInstanceOf(FastMaxPool.class, FastPaths.choose(max, false, false).replacement());
        assertNull(FastPaths.choose(max, false, false).reason());
        SubsamplingLayer avg = new SubsamplingLayer.Builder(PoolingType.AVG).kernelSize(2, 2).stride(2, 2).build();
        assertEquals("pooling AVG (fast: max)", FastPaths.choose(avg, false, false).reason());
        SubsamplingLayer overlapping = new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(3, 3).stride(2, 2)
                .build();
        assertEquals("kernel [3, 3], stride [2, 2] (fast: 2x2, stride 2)",
                FastPaths.choose(overlapping, false, false).reason());
        assertEquals(SubsamplingLayer.class, FastPaths.stockOf(FastPaths.choose(max, false, false).replacement())
                .getClass(), "saved as DL4J's class");
    }
}
