package dev.dlp.fast;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link LeanDescent}'s step trains exactly as DL4J's {@code StochasticGradientDescent.optimize}, and runs. */
@dev.dlp.CpuBackendOnly
class LeanDescentTest {

    /** GraphUpdaterTest's two dense layers (6 inputs, 3 classes) with Adam. */
    private static ComputationGraph graph() {
        return graph(8);
    }

    private static ComputationGraph graph(int hidden) {
        return GraphUpdaterTest.plain(new FastAdam(0.01, null, 0.9, 0.999, 1e-8), hidden);
    }

    /** Records what each iterationDone saw: the iteration and the sum of the parameters at that moment. */
    private static final class Seen extends BaseTrainingListener {
        final List<String> calls = new ArrayList<>();

        @Override
        public void iterationDone(Model model, int iteration, int epoch) {
            calls.add(iteration + ":" + epoch + ":" + model.params().sumNumber().floatValue());
        }
    }

    private static void train(ComputationGraph g, int steps) {
        Nd4j.getRandom().setSeed(17);
        for (int s = 0; s < steps; s++) {
            INDArray x = Nd4j.randn(DataType.FLOAT, 12, 6);
            g.fit(new INDArray[]{x}, new INDArray[]{labels(s)});
        }
    }

    /** {@link #train(ComputationGraph, int)}'s batches through {@code w} (which cuts them between its workers). */
    private static void train(Workers w, int steps) {
        Nd4j.getRandom().setSeed(17);
        for (int s = 0; s < steps; s++) {
            w.fit(new org.nd4j.linalg.dataset.MultiDataSet(Nd4j.randn(DataType.FLOAT, 12, 6), labels(s)));
        }
    }

    private static INDArray labels(int step) {
        INDArray y = Nd4j.zeros(DataType.FLOAT, 12, 3);
        for (int i = 0; i < 12; i++) {
            y.putScalar(i, (i * 7 + step) % 3, 1f);
        }
        return y;
    }

    @ParameterizedTest(name = "{0} worker(s)")
    @ValueSource(ints = {1, 2})
    void stepsExactlyAsDl4jsOptimize(int workers) {
        ComputationGraph lean = graph();
        ComputationGraph plain = graph();
        plain.setParams(lean.params().dup());
        try (Workers wl = Workers.install(lean, workers, false); Workers wp = Workers.install(plain, workers, false)) {
            GraphUpdater.install(lean);
            GraphUpdater.install(plain);
            LeanDescent l = LeanDescent.on(lean);
            LeanDescent p = LeanDescent.on(plain);
            assertNotNull(l, "the fast engine's optimizer is a LeanDescent");
            assertNotNull(p);
            assertTrue(l.lean());
            p.lean(false);   // DL4J's own optimize, with the same updater and step function
            Seen seenLean = new Seen();
            Seen seenPlain = new Seen();
            lean.setListeners(seenLean);
            plain.setListeners(seenPlain);
            INDArray before = lean.params().dup();
            train(lean, 20);
            train(plain, 20);

            assertEquals(20, l.leanSteps(), "every step took the lean path");
            assertEquals(0, p.leanSteps());
            assertTrue(lean.params().sub(before).norm2Number().doubleValue() > 1e-3, "training moved the parameters");
            assertArrayEquals(plain.params().toFloatVector(), lean.params().toFloatVector(), "parameters");
            assertArrayEquals(plain.getUpdater().getStateViewArray().toFloatVector(),
                    lean.getUpdater().getStateViewArray().toFloatVector(), "Adam's state");
            assertEquals(plain.getIterationCount(), lean.getIterationCount());
            assertEquals(seenPlain.calls, seenLean.calls, "listeners saw the same iterations and parameters");
            assertEquals(20, seenLean.calls.size());
        }
    }

    /**
     * Without listeners the lean step's update takes the step with it ({@link GraphUpdater#updateAndStep}), and with
     * two workers the slices' gradients are summed inside the update's ranges, cut between the threads (this graph has
     * 20,483 parameters: two ranges): the same parameters, Adam state and gradient (which holds the update afterwards),
     * bit for bit, as DL4J's optimize with the same updater and step function, which sums, updates and steps in turn.
     */
    @ParameterizedTest(name = "{0} worker(s)")
    @ValueSource(ints = {1, 2})
    void updateAndStepInOnePassTrainExactlyAsTheTwoPasses(int workers) {
        assertTrue(LeanDescent.FUSED_STEP);
        ComputationGraph lean = graph(2048);
        ComputationGraph plain = graph(2048);
        plain.setParams(lean.params().dup());
        try (Workers wl = Workers.install(lean, workers, false); Workers wp = Workers.install(plain, workers, false)) {
            GraphUpdater.install(lean);
            GraphUpdater.install(plain);
            LeanDescent.on(plain).lean(false);
            long cut = Workers.SPLIT_UPDATES.sum();
            INDArray before = lean.params().dup();
            train(wl, 20);
            long cutSteps = Workers.SPLIT_UPDATES.sum() - cut;
            train(wp, 20);
            assertEquals(workers == 2 ? 20 : 0, wl.splitSteps(), "batches cut between the workers");

            GraphUpdater u = (GraphUpdater) lean.getUpdater();
            assertTrue(u.steppedSteps() >= 17, "the update took the step once the fused pass was decided: "
                    + u.steppedSteps());
            assertEquals(0, ((GraphUpdater) plain.getUpdater()).steppedSteps());
            assertEquals(workers == 2 ? u.steppedSteps() : 0, cutSteps, "updates cut between the workers");
            assertTrue(lean.params().sub(before).norm2Number().doubleValue() > 1e-3, "training moved the parameters");
            assertArrayEquals(plain.params().toFloatVector(), lean.params().toFloatVector(), "parameters");
            assertArrayEquals(plain.getUpdater().getStateViewArray().toFloatVector(),
                    lean.getUpdater().getStateViewArray().toFloatVector(), "Adam's state");
            assertArrayEquals(plain.getGradientsViewArray().toFloatVector(),
                    lean.getGradientsViewArray().toFloatVector(), "the last update");
            assertEquals(plain.getIterationCount(), lean.getIterationCount());
        }
    }
}
