package dev.dlp.fast;

import dev.dlp.nd4j.HostArrays;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Upsampling2D;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/**
 * {@link FastUpsampling}'s layer computes what DL4J's 2-D upsampling computes, forward and backward, to the bit: its
 * kernels against libnd4j's ops, and whole graphs against DL4J's.
 */
@dev.dlp.CpuBackendOnly
class FastUpsamplingTest {

    private static void assertSameBits(INDArray expected, INDArray actual, String what) {
        assertEquals(expected.length(), actual.length());
        for (long i = 0; i < expected.length(); i++) {
            assertEquals(Float.floatToRawIntBits(expected.getFloat(i)), Float.floatToRawIntBits(actual.getFloat(i)),
                    what + ", element " + i + ": " + expected.getFloat(i) + " vs " + actual.getFloat(i));
        }
    }

    @ParameterizedTest(name = "{0} planes of {1}x{2}")
    @CsvSource({"1, 1, 1", "3, 4, 4", "5, 7, 7", "2, 14, 14", "4, 3, 9", "9, 8, 12", "1, 16, 2"})
    void kernelsEqualLibnd4jsOps(int planes, int h, int w) {
        Nd4j.getRandom().setSeed(planes * 1000L + h * 10L + w);
        INDArray in = Nd4j.randn(DataType.FLOAT, planes, 1, h, w);
        INDArray out = Nd4j.create(DataType.FLOAT, planes, 1, 2 * h, 2 * w);
        Nd4j.exec(DynamicCustomOp.builder("upsampling2d").addIntegerArguments(2, 2, 1).addInputs(in)
                .addOutputs(out).build());
        INDArray ours = Nd4j.createUninitialized(DataType.FLOAT, planes, 1, 2 * h, 2 * w);
        Resample2x2.upsample(HostArrays.bytes(in), HostArrays.bytes(ours), planes * h, w);
        assertSameBits(out, ours, "forward");

        // gradients of mixed signs and sizes (so the order of the four additions shows), and blocks of -0
        INDArray eps = Nd4j.randn(DataType.FLOAT, planes, 1, 2 * h, 2 * w).muli(
                Nd4j.rand(DataType.FLOAT, planes, 1, 2 * h, 2 * w).muli(8).subi(4).muli(2.3f));
        eps.get(NDArrayIndex.point(0), NDArrayIndex.point(0), NDArrayIndex.interval(0, 2), NDArrayIndex.interval(0, 2))
                .assign(-0.0f);
        INDArray grad = Nd4j.create(DataType.FLOAT, planes, 1, h, w);
        Nd4j.exec(DynamicCustomOp.builder("upsampling_bp").addIntegerArguments(1).addInputs(in, eps)
                .addOutputs(grad).build());
        INDArray oursGrad = Nd4j.createUninitialized(DataType.FLOAT, planes, 1, h, w);
        Resample2x2.upsampleBackward(HostArrays.bytes(eps), HostArrays.bytes(oursGrad), planes * h, w);
        assertSameBits(grad, oursGrad, "backward");
    }

    /** {@code x -> conv (3, relu) -> upsampling by 2 -> conv (2) -> per-pixel MSE}, ours only for the upsampling. */
    private static ComputationGraph graph(int h, int w, boolean fast) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(6).dataType(DataType.FLOAT)
                .graphBuilder().addInputs("x").setInputTypes(InputType.convolutional(h, w, 2))
                .addLayer("c1", new ConvolutionLayer.Builder().kernelSize(3, 3).nOut(3).activation(Activation.RELU)
                        .convolutionMode(ConvolutionMode.Same).build(), "x")
                .addLayer("up", new Upsampling2D.Builder(2).build(), "c1")
                .addLayer("c2", new ConvolutionLayer.Builder().kernelSize(3, 3).nOut(2)
                        .activation(Activation.IDENTITY).convolutionMode(ConvolutionMode.Same).build(), "up")
                .addLayer("out", new CnnLossLayer.Builder(LossFunctions.LossFunction.MSE)
                        .activation(Activation.IDENTITY).build(), "c2")
                .setOutputs("out").build();
        if (fast) {
            LayerVertex v = (LayerVertex) conf.getVertices().get("up");
            v.getLayerConf().setLayer(FastPaths.choose(v.getLayerConf().getLayer(), false, false).replacement());
        }
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        return g;
    }

    @ParameterizedTest(name = "{0}x{1}")
    @CsvSource({"7, 7", "4, 6", "14, 14", "1, 1"})
    void aGraphTrainsExactlyAsWithDl4jsUpsampling(int h, int w) {
        ComputationGraph dl4j = graph(h, w, false);
        ComputationGraph ours = graph(h, w, true);
        assertInstanceOf(FastUpsamplingLayer.class, ours.getLayer("up"));
        ours.setParams(dl4j.params().dup());
        Nd4j.getRandom().setSeed(h * 17L + w);
        INDArray x = Nd4j.randn(DataType.FLOAT, 4, 2, h, w);
        INDArray y = Nd4j.randn(DataType.FLOAT, 4, 2, 2 * h, 2 * w);
        SameGradients.assertSameBits(dl4j, ours, x, y, "up");
    }

    @Test
    void onlyUpsamplingByTwoIsReplacedAndItSavesAsDl4jsClass() {
        Upsampling2D two = new Upsampling2D.Builder(2).build();
        assertInstanceOf(FastUpsampling.class, FastPaths.choose(two, false, false).replacement());
        assertEquals("size [3, 3] (fast: 2)", FastPaths.choose(new Upsampling2D.Builder(3).build(), false, false)
                .reason());
        assertEquals(Upsampling2D.class, FastPaths.stockOf(FastPaths.choose(two, false, false).replacement())
                .getClass());
    }
}
