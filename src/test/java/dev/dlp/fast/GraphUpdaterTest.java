package dev.dlp.fast;

import dev.dlp.fast.FastAdam;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link GraphUpdater} (and {@link FastAdam}) train exactly as DL4J's own updater does. */
@dev.dlp.CpuBackendOnly
class GraphUpdaterTest {

    /** Two dense layers, batch norm (its mean/variance are not divided by the batch size), L2 on one layer. */
    private static ComputationGraph graph(IUpdater updater) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(21).dataType(DataType.FLOAT)
                .updater(updater).graphBuilder()
                .addInputs("x").setInputTypes(InputType.feedForward(6))
                .addLayer("h", new DenseLayer.Builder().nOut(8).activation(Activation.RELU).l2(1e-2).build(), "x")
                .addLayer("bn", new BatchNormalization.Builder().build(), "h")
                .addLayer("h2", new DenseLayer.Builder().nOut(5).activation(Activation.TANH)
                        .updater(new Nesterovs(0.05, 0.9)).build(), "bn")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build(), "h2")
                .setOutputs("out").build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        return g;
    }

    private static double relError(INDArray a, INDArray b) {
        return a.sub(b).norm2Number().doubleValue() / Math.max(1e-12, b.norm2Number().doubleValue());
    }

    private static void train(ComputationGraph g, int steps, long seed) {
        Nd4j.getRandom().setSeed(seed);
        for (int s = 0; s < steps; s++) {
            INDArray x = Nd4j.randn(DataType.FLOAT, 10, 6);
            INDArray y = Nd4j.zeros(DataType.FLOAT, 10, 3);
            for (int i = 0; i < 10; i++) {
                y.putScalar(i, (i + s) % 3, 1f);
            }
            g.fit(new INDArray[]{x}, new INDArray[]{y});
        }
    }

    @Test
    void trainsExactlyAsDl4jsUpdater() {
        ComputationGraph dl4j = graph(new Adam(0.01));
        ComputationGraph ours = graph(new FastAdam(0.01, null, 0.9, 0.999, 1e-8));
        ours.setParams(dl4j.params().dup());
        GraphUpdater.install(ours);
        assertInstanceOf(GraphUpdater.class, ours.getUpdater());
        INDArray before = dl4j.params().dup();
        train(dl4j, 25, 4);
        train(ours, 25, 4);
        assertTrue(relError(dl4j.params(), before) > 1e-2, "training moved the parameters");
        double err = relError(ours.params(), dl4j.params());
        assertTrue(err < 1e-5, "parameters after 25 steps differ by " + err);
        double stateErr = relError(ours.getUpdater().getStateViewArray(), dl4j.getUpdater().getStateViewArray());
        assertTrue(stateErr < 1e-5, "updater state differs by " + stateErr);
    }

    @Test
    void installKeepsTheUpdaterStateAndIsIdempotent() {
        ComputationGraph g = graph(new FastAdam(0.01, null, 0.9, 0.999, 1e-8));
        train(g, 3, 1);
        INDArray state = g.getUpdater().getStateViewArray();
        INDArray copy = state.dup();
        GraphUpdater.install(g);
        assertSame(state, g.getUpdater().getStateViewArray());
        GraphUpdater first = (GraphUpdater) g.getUpdater();
        GraphUpdater.install(g);
        assertSame(first, g.getUpdater());
        assertTrue(relError(g.getUpdater().getStateViewArray(), copy) == 0);
        train(g, 2, 2);   // and it still trains
        assertTrue(relError(g.getUpdater().getStateViewArray(), copy) > 0);
    }

    /** Dense layers and a softmax output, all Adam with a learning-rate schedule: the fused pass applies. */
    static ComputationGraph plain(IUpdater updater) {
        return plain(updater, 8);
    }

    /** {@link #plain(IUpdater)} with {@code hidden} units in the dense layer. */
    static ComputationGraph plain(IUpdater updater, int hidden) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(5).dataType(DataType.FLOAT)
                .updater(updater).graphBuilder()
                .addInputs("x").setInputTypes(InputType.feedForward(6))
                .addLayer("h", new DenseLayer.Builder().nOut(hidden).activation(Activation.RELU).build(), "x")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build(), "h")
                .setOutputs("out").build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        return g;
    }

    @Test
    void fusedAdamPassAndJavaStepTrainAsDl4jDoes() {
        var schedule = new org.nd4j.linalg.schedule.StepSchedule(org.nd4j.linalg.schedule.ScheduleType.ITERATION,
                0.02, 0.5, 10);
        ComputationGraph dl4j = plain(new Adam(schedule));
        ComputationGraph ours = plain(new FastAdam(Double.NaN, schedule, 0.9, 0.999, 1e-8));
        ours.setParams(dl4j.params().dup());
        GraphUpdater.install(ours);
        assertInstanceOf(JavaStep.class, stepFunction(ours));
        INDArray before = dl4j.params().dup();
        train(dl4j, 30, 8);   // batch 10: the minibatch division is not a power of two
        train(ours, 30, 8);
        assertEquals(Boolean.TRUE, ((GraphUpdater) ours.getUpdater()).fusedDecision());
        assertTrue(relError(dl4j.params(), before) > 1e-2, "training moved the parameters");
        double err = relError(ours.params(), dl4j.params());
        assertTrue(err < 1e-5, "parameters after 30 steps differ by " + err);
        double stateErr = relError(ours.getUpdater().getStateViewArray(), dl4j.getUpdater().getStateViewArray());
        assertTrue(stateErr < 1e-5, "updater state differs by " + stateErr);
    }

    @Test
    void regularisationOrOtherUpdatersKeepDl4jsPath() {
        ComputationGraph g = graph(new FastAdam(0.01, null, 0.9, 0.999, 1e-8));   // L2, batch norm, Nesterovs
        GraphUpdater.install(g);
        train(g, 2, 3);
        assertEquals(Boolean.FALSE, ((GraphUpdater) g.getUpdater()).fusedDecision());
    }

    private static Object stepFunction(ComputationGraph g) {
        try {
            var f = org.deeplearning4j.optimize.solvers.BaseOptimizer.class.getDeclaredField("stepFunction");
            f.setAccessible(true);
            return f.get(g.getOptimizer());
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }
}
