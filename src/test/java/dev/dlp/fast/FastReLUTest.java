package dev.dlp.fast;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/** {@link FastReLU} computes exactly what DL4J's ReLU computes, forward and backward, alone and inside a graph. */
@dev.dlp.CpuBackendOnly
class FastReLUTest {

    @Test
    void backwardPassEqualsDl4jsToTheBitAndLeavesItsInputAlone() {
        Nd4j.getRandom().setSeed(3);
        INDArray in = Nd4j.randn(DataType.FLOAT, 4, 3, 5, 5);
        in.putScalar(new long[]{0, 0, 0, 0}, 0f);   // the kink: DL4J's derivative there is 0
        INDArray eps = Nd4j.randn(DataType.FLOAT, 4, 3, 5, 5);
        INDArray before = in.dup();
        INDArray expected = new ActivationReLU().backprop(in.dup(), eps.dup()).getFirst();
        INDArray actual = new FastReLU().backprop(in, eps).getFirst();
        assertEquals(expected, actual);
        assertEquals(before, in);
        assertEquals(0.0, actual.getDouble(0, 0, 0, 0));
        assertEquals(new ActivationReLU().getActivation(before.dup(), true),
                new FastReLU().getActivation(before.dup(), true));
    }

    @Test
    void theVectorPassEqualsLibnd4jsStepAndProductToTheBit() {
        Nd4j.getRandom().setSeed(4);
        INDArray in = Nd4j.randn(DataType.FLOAT, 3, 37);     // 111 floats: vector lanes and a scalar tail
        INDArray eps = Nd4j.randn(DataType.FLOAT, 3, 37);
        float[][] special = {{0f, -2f}, {-0f, 3f}, {Float.NaN, 1f}, {1f, Float.NaN}, {-1f, Float.POSITIVE_INFINITY},
                {2f, Float.NEGATIVE_INFINITY}, {-3f, -5f}, {Float.MIN_VALUE, 7f}};
        for (int i = 0; i < special.length; i++) {
            in.putScalar(0, i * 2, special[i][0]);
            eps.putScalar(0, i * 2, special[i][1]);
            in.putScalar(2, 30 + i % 7, special[i][0]);   // the tail
            eps.putScalar(2, 30 + i % 7, special[i][1]);
        }
        INDArray expected = in.ulike();
        Nd4j.exec(new org.nd4j.linalg.api.ops.impl.scalar.Step(in, expected, 0.0));
        expected.muli(eps);
        long before = FastReLU.VECTOR_PASSES.sum();
        INDArray actual = new FastReLU().backprop(in, eps).getFirst();
        assertEquals(FastReLU.VECTOR_PASSES.sum(), before + 1, "the vector pass ran");
        assertSameBits(expected, actual, in, eps);
        INDArray fOrder = eps.dup('f');   // not c-order: libnd4j's ops, the same values
        assertSameBits(expected, new FastReLU().backprop(in, fOrder).getFirst(), in, eps);
        assertEquals(FastReLU.VECTOR_PASSES.sum(), before + 1, "a strided gradient takes libnd4j's ops");
    }

    private static void assertSameBits(INDArray expected, INDArray actual, INDArray in, INDArray eps) {
        for (long i = 0; i < in.length(); i++) {
            assertEquals(Float.floatToRawIntBits(expected.getFloat(i)), Float.floatToRawIntBits(actual.getFloat(i)),
                    "element " + i + ": in " + in.getFloat(i) + ", eps " + eps.getFloat(i));
        }
    }

    @Test
    void onlyReluIsReplaced() {
        assertInstanceOf(FastReLU.class, FastReLU.of(Activation.RELU));
        assertInstanceOf(ActivationTanH.class, FastReLU.of(Activation.TANH));
    }

    private static ComputationGraph graph(IActivation act) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(4).dataType(DataType.FLOAT)
                .graphBuilder().addInputs("x").setInputTypes(InputType.convolutional(6, 6, 2))
                .addLayer("c", new ConvolutionLayer.Builder().kernelSize(3, 3).nOut(3).activation(act).build(), "x")
                .addLayer("d", new DenseLayer.Builder().nOut(5).activation(act).build(), "c")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(2)
                        .activation(Activation.IDENTITY).build(), "d")
                .setOutputs("out").build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        return g;
    }

    @Test
    void graphGradientsMatchAndTheConfigurationRoundTrips() {
        ComputationGraph dl4j = graph(new ActivationReLU());
        ComputationGraph ours = graph(new FastReLU());
        ours.setParams(dl4j.params().dup());
        INDArray x = Nd4j.randn(DataType.FLOAT, 7, 2, 6, 6);
        INDArray y = Nd4j.randn(DataType.FLOAT, 7, 2);
        SameGradients.assertSame(dl4j, ours, x, y, 1e-6);
        ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(
                ours.getConfiguration().toJson());
        var layer = (org.deeplearning4j.nn.conf.layers.BaseLayer) ((org.deeplearning4j.nn.conf.graph.LayerVertex)
                back.getVertices().get("d")).getLayerConf().getLayer();
        assertInstanceOf(FastReLU.class, layer.getActivationFn());
    }
}
