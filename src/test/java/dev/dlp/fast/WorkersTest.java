package dev.dlp.fast;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Workers} computes the whole batch's gradient: training with 2 or 3 workers follows DL4J's own one-thread
 * {@code fit} (same parameters, updater state and scores up to float rounding), for dense, convolutional and
 * masked recurrent networks, and the split path is the one that ran.
 */
@dev.dlp.CpuBackendOnly
class WorkersTest {

    private static ComputationGraph dense(IUpdater u) {
        return dense(u, 1e-3);
    }

    private static ComputationGraph dense(IUpdater u, double l2) {
        return init(new NeuralNetConfiguration.Builder().seed(3).dataType(DataType.FLOAT).updater(u).graphBuilder()
                .addInputs("x").setInputTypes(InputType.feedForward(12))
                .addLayer("h", new DenseLayer.Builder().nOut(16).activation(Activation.RELU).build(), "x")
                .addLayer("h2", new DenseLayer.Builder().nOut(8).activation(Activation.TANH).l2(l2).build(), "h")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(4)
                        .activation(Activation.SOFTMAX).build(), "h2")
                .setOutputs("out").build());
    }

    private static ComputationGraph conv(IUpdater u) {
        return init(new NeuralNetConfiguration.Builder().seed(5).dataType(DataType.FLOAT).updater(u).graphBuilder()
                .addInputs("x").setInputTypes(InputType.convolutional(10, 10, 1))
                .addLayer("c1", new ConvolutionLayer.Builder(3, 3).nOut(4).activation(Activation.RELU).build(), "x")
                .addLayer("p1", new SubsamplingLayer.Builder(2, 2).stride(2, 2).build(), "c1")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build(), "p1")
                .setOutputs("out").build());
    }

    private static ComputationGraph recurrent(IUpdater u) {
        return init(new NeuralNetConfiguration.Builder().seed(7).dataType(DataType.FLOAT).updater(u).graphBuilder()
                .addInputs("x").setInputTypes(InputType.recurrent(5))
                .addLayer("lstm", new LSTM.Builder().nOut(6).activation(Activation.TANH).build(), "x")
                .addLayer("out", new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build(), "lstm")
                .setOutputs("out").build());
    }

    private static ComputationGraph init(ComputationGraphConfiguration conf) {
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        return g;
    }

    /** {@code steps} batches of {@code n} examples for {@code g}'s input (labels one-hot, masks for sequences). */
    private static List<MultiDataSet> batches(ComputationGraph g, int steps, int n) {
        Nd4j.getRandom().setSeed(11);
        List<MultiDataSet> out = new ArrayList<>();
        InputType in = inputType(g);
        for (int s = 0; s < steps; s++) {
            if (in instanceof InputType.InputTypeRecurrent r) {
                int t = 7;
                INDArray x = Nd4j.randn(DataType.FLOAT, n, r.getSize(), t);
                INDArray y = Nd4j.zeros(DataType.FLOAT, n, 3, t);
                INDArray mask = Nd4j.ones(DataType.FLOAT, n, t);
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < t; j++) {
                        y.putScalar(new int[]{i, (i + j + s) % 3, j}, 1f);
                    }
                    for (int j = t - 1 - (i % 4); j < t; j++) {
                        mask.putScalar(i, j, 0f);   // sequences of different lengths
                    }
                }
                out.add(new org.nd4j.linalg.dataset.MultiDataSet(new INDArray[]{x}, new INDArray[]{y},
                        new INDArray[]{mask}, new INDArray[]{mask.dup()}));
            } else {
                long[] shape = in instanceof InputType.InputTypeConvolutional c
                        ? new long[]{n, c.getChannels(), c.getHeight(), c.getWidth()}
                        : new long[]{n, in.arrayElementsPerExample()};
                int classes = (int) g.getOutputLayer(0).getParam("b").length();
                INDArray x = Nd4j.rand(DataType.FLOAT, shape);
                INDArray y = Nd4j.zeros(DataType.FLOAT, n, classes);
                for (int i = 0; i < n; i++) {
                    y.putScalar(i, (i * 7 + s) % classes, 1f);
                }
                out.add(new org.nd4j.linalg.dataset.MultiDataSet(x, y));
            }
        }
        return out;
    }

    /** The input type each of the networks above was built for. */
    private static InputType inputType(ComputationGraph g) {
        var vertices = g.getConfiguration().getVertices();
        if (vertices.containsKey("lstm")) {
            return InputType.recurrent(5);
        }
        return vertices.containsKey("c1") ? InputType.convolutional(10, 10, 1) : InputType.feedForward(12);
    }

    private static double relError(INDArray a, INDArray b) {
        return a.sub(b).norm2Number().doubleValue() / Math.max(1e-12, b.norm2Number().doubleValue());
    }

    /**
     * Trains a copy of {@code make}'s network with DL4J's {@code fit} and another with {@code workers} workers on the
     * same batches; their parameters, updater state and per-step scores must agree.
     */
    private static void sameAsOneThread(Function<IUpdater, ComputationGraph> make, IUpdater u, int workers,
                                        int batch) {
        ComputationGraph dl4j = make.apply(u);
        ComputationGraph split = make.apply(u);
        split.setParams(dl4j.params().dup());
        List<MultiDataSet> data = batches(dl4j, 6, batch);
        INDArray before = dl4j.params().dup();
        try (Workers w = Workers.install(split, workers, false)) {
            assertNull(w.reason(), "declined: " + w.reason());
            assertEquals(workers, w.count());
            for (MultiDataSet b : data) {
                dl4j.fit(b);
                w.fit(b);
                assertEquals(dl4j.score(), split.score(), 1e-5 * Math.max(1, Math.abs(dl4j.score())), "score");
            }
            assertEquals(data.size(), w.splitSteps(), "every step was split");
            assertEquals(0, w.wholeSteps());
            stepTimesReported(w);
        }
        assertTrue(relError(dl4j.params(), before) > 1e-3, "training moved the parameters");
        double err = relError(split.params(), dl4j.params());
        assertTrue(err < 1e-5, workers + " workers: parameters differ by " + err);
        INDArray state = dl4j.getUpdater().getStateViewArray();   // none for plain SGD
        if (state != null) {
            double stateErr = relError(split.getUpdater().getStateViewArray(), state);
            assertTrue(stateErr < 1e-4, "updater state differs by " + stateErr);
        }
        assertEquals(dl4j.getConfiguration().getIterationCount(), split.getConfiguration().getIterationCount());
    }

    /** summary.json's per-step times of split steps: both passes ran and took time; the hand-off and wait are times. */
    @SuppressWarnings("unchecked")
    private static void stepTimesReported(Workers w) {
        Map<String, Object> t = (Map<String, Object>) w.describe().get("ms_per_split_step");
        assertNotNull(t, "no per-step times in " + w.describe());
        assertEquals(List.of("main_pass", "worker_pass", "handoff", "wait"), List.copyOf(t.keySet()));
        assertTrue((Double) t.get("main_pass") > 0, "main pass " + t);
        assertTrue((Double) t.get("worker_pass") > 0, "worker pass " + t);
        assertTrue((Double) t.get("handoff") >= 0 && (Double) t.get("wait") >= 0, "hand-off and wait " + t);
        Map<String, Object> recent = (Map<String, Object>) w.describe().get("recent_split_steps");
        // these tests train in one epoch (0): every split step is in it
        assertEquals(1, recent.get("epoch"), recent.toString());
        assertEquals((int) Math.min(w.splitSteps(), Workers.RECENT), recent.get("steps"), recent.toString());
        Map<String, Object> median = (Map<String, Object>) recent.get("median_ms");
        Map<String, Object> p90 = (Map<String, Object>) recent.get("p90_ms");
        assertEquals(List.of(Workers.RECENT_PARTS), List.copyOf(median.keySet()), recent.toString());
        for (String part : Workers.RECENT_PARTS) {
            assertTrue((Double) median.get(part) >= 0 && (Double) p90.get(part) >= (Double) median.get(part),
                    part + ": " + recent);
        }
        assertTrue((Double) median.get("step") > 0 && (Double) median.get("main_pass") > 0
                && (Double) median.get("worker_pass") > 0, recent.toString());
    }

    @Test
    void aTimedCutTrainsAsOneThreadDoes() {
        ComputationGraph dl4j = dense(new Adam(0.01), 0);
        ComputationGraph split = dense(new Adam(0.01), 0);
        split.setParams(dl4j.params().dup());
        List<MultiDataSet> data = batches(dl4j, 6, 16);
        try (Workers w = Workers.install(split, 2, false, true)) {
            // as after a window in which the worker's core ran 3x slower: the training thread takes 12 of 16 rows
            w.cut().record(new int[]{0, 8, 16}, new long[]{8_000, 24_000});
            for (int i = 1; i < Cut.WINDOW; i++) {
                w.cut().record(new int[]{0, 8, 16}, new long[]{8_000, 24_000});
            }
            assertEquals(0.75, w.cut().first(), 1e-12);
            for (MultiDataSet b : data) {
                dl4j.fit(b);
                w.fit(b);
                assertEquals(dl4j.score(), split.score(), 1e-5 * Math.max(1, Math.abs(dl4j.score())), "score");
            }
            assertEquals(data.size(), w.splitSteps());
            assertEquals("timed", w.describe().get("split"));
            assertEquals(0.75, (Double) w.describe().get("training_thread_share"), 0.07, w.describe().toString());
        }
        double err = relError(split.params(), dl4j.params());
        assertTrue(err < 1e-5, "parameters differ by " + err);
    }

    /**
     * Validation between epochs: {@link Workers#output} cuts the batch between the open workers (the split path ran)
     * and gives the whole batch's outputs, for convolutional and masked recurrent networks, even and uneven slices;
     * with no workers open it is DL4J's own call.
     */
    @Test
    void inferenceInSlicesIsTheWholeBatchs() {
        for (Function<IUpdater, ComputationGraph> net : List.<Function<IUpdater, ComputationGraph>>of(
                WorkersTest::conv, WorkersTest::recurrent)) {
            ComputationGraph g = net.apply(new Adam(0.01));
            for (int rows : new int[]{64, 37}) {
                MultiDataSet b = batches(g, 1, rows).get(0);
                INDArray[] x = b.getFeatures();
                INDArray[] xm = b.getFeaturesMaskArrays();
                INDArray[] ym = b.getLabelsMaskArrays();
                long before = Workers.SPLIT_INFERENCES.sum();
                INDArray whole = g.output(false, x, xm, ym)[0];
                assertEquals(whole, Workers.output(g, x, xm, ym), "no workers open: DL4J's output");
                assertEquals(before, Workers.SPLIT_INFERENCES.sum());
                try (Workers w = Workers.install(g, 2, false)) {
                    assertEquals(2, w.count());
                    INDArray split = Workers.output(g, x, xm, ym);
                    assertArrayEquals(whole.shape(), split.shape());
                    assertTrue(relError(split, whole) < 1e-5, "outputs differ by " + relError(split, whole));
                    assertEquals(before + 1, Workers.SPLIT_INFERENCES.sum(), "the split path ran");
                    // fewer than two slices of 16 rows: whole, on this thread
                    INDArray[] small = batches(g, 1, 20).get(0).getFeatures();
                    assertEquals(g.output(false, small)[0], Workers.output(g, small, null, null));
                    assertEquals(before + 1, Workers.SPLIT_INFERENCES.sum());
                }
                Workers.output(g, x, xm, ym);   // closed: no longer open on g
                assertEquals(before + 1, Workers.SPLIT_INFERENCES.sum());
            }
        }
    }

    @Test
    void stepTimesAreTheGapsBetweenPostsOldestFirst() {
        // a ring of 4 posting times; 3 posts recorded: slots 0-2, two gaps
        assertArrayEquals(new long[]{10, 30}, Workers.stepTimes(new long[]{100, 110, 140, 0}, 3));
        // 6 posts at 0, 5, 15, 30, 50, 75 into 4 slots: the ring holds 15, 30 (slots 2, 3) and 50, 75 (0, 1)
        assertArrayEquals(new long[]{15, 20, 25}, Workers.stepTimes(new long[]{50, 75, 15, 30}, 6));
        assertArrayEquals(new long[]{5, 10, 15}, Workers.stepTimes(new long[]{0, 5, 15, 30}, 4));   // full, unwrapped
        assertArrayEquals(new long[0], Workers.stepTimes(new long[]{7, 0, 0, 0}, 1));
        assertArrayEquals(new long[0], Workers.stepTimes(new long[4], 0));
    }

    @Test
    void denseNetworkTrainsAsOneThreadDoes() {
        // plain SGD: the parameter change is the gradient itself, so this compares gradients directly
        sameAsOneThread(WorkersTest::dense, new Sgd(0.1), 2, 16);
        sameAsOneThread(WorkersTest::dense, new Adam(0.01), 3, 17);   // uneven slices
    }

    @Test
    void convolutionalNetworkTrainsAsOneThreadDoes() {
        sameAsOneThread(WorkersTest::conv, new Sgd(0.1), 2, 12);
        sameAsOneThread(WorkersTest::conv, new Adam(0.01), 2, 9);
    }

    @Test
    void maskedSequencesTrainAsOneThreadDoes() {
        sameAsOneThread(WorkersTest::recurrent, new Sgd(0.1), 2, 8);
        sameAsOneThread(WorkersTest::recurrent, new Adam(0.01), 3, 10);
    }

    @Test
    void fastPathsAndFusedUpdaterTrainAsDl4jDoes() {
        // the configuration dlp trains with by default: our layers, FastAdam, GraphUpdater + JavaStep
        ComputationGraph dl4j = dense(new Adam(0.01), 0);   // no L2: the fused Adam pass applies
        ComputationGraph ours = new ComputationGraph(FastPaths.install(dense(new Adam(0.01), 0).getConfiguration()
                .clone(), dev.dlp.config.TrainConfig.Engine.FAST));
        ours.init();
        ours.setParams(dl4j.params().dup());
        List<MultiDataSet> data = batches(dl4j, 6, 32);
        try (Workers w = Workers.install(ours, 2, false)) {
            FastPaths.installTraining(ours, dev.dlp.config.TrainConfig.Engine.FAST);
            for (MultiDataSet b : data) {
                dl4j.fit(b);
                w.fit(b);
            }
            assertEquals(data.size(), w.splitSteps());
            assertTrue(((GraphUpdater) ours.getUpdater()).fusedSteps() > 0, "the fused Adam pass ran");
            SameGradients.assertFastRan(ours, "h");     // on this thread's slice (the replicas have their own)
            SameGradients.assertFastRan(ours, "out");
        }
        double err = relError(ours.params(), dl4j.params());
        assertTrue(err < 1e-5, "parameters differ by " + err);
    }

    @Test
    void batchNormalisationIsDeclinedAndTrainsWhole() {
        ComputationGraph g = init(new NeuralNetConfiguration.Builder().seed(3).dataType(DataType.FLOAT)
                .updater(new Sgd(0.1)).graphBuilder()
                .addInputs("x").setInputTypes(InputType.feedForward(12))
                .addLayer("h", new DenseLayer.Builder().nOut(8).activation(Activation.RELU).build(), "x")
                .addLayer("bn", new BatchNormalization.Builder().build(), "h")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(4)
                        .activation(Activation.SOFTMAX).build(), "bn")
                .setOutputs("out").build());
        try (Workers w = Workers.install(g, 2, false)) {
            assertNotNull(w.reason());
            assertTrue(w.reason().contains("bn"), w.reason());
            assertEquals(1, w.count());
            for (MultiDataSet b : batches(g, 2, 8)) {
                w.fit(b);
            }
            assertEquals(0, w.splitSteps());
            assertEquals(w.reason(), w.describe().get("declined"));
            assertNull(w.describe().get("ms_per_split_step"), "no split step, no step times");
        }
    }

    @Test
    void aBatchSmallerThanTheWorkersTrainsWhole() {
        ComputationGraph dl4j = dense(new Sgd(0.1));
        ComputationGraph split = dense(new Sgd(0.1));
        split.setParams(dl4j.params().dup());
        MultiDataSet one = batches(dl4j, 1, 1).get(0);
        try (Workers w = Workers.install(split, 2, false)) {
            dl4j.fit(one);
            w.fit(one);
            assertEquals(1, w.wholeSteps());
            assertEquals(0, w.splitSteps());
        }
        assertTrue(relError(split.params(), dl4j.params()) < 1e-6);
    }

    @Test
    void aFailingWorkerFailsTheStep() {
        ComputationGraph g = dense(new Sgd(0.1));
        MultiDataSet good = batches(g, 1, 8).get(0);
        // labels of the wrong width: the worker's slice fails inside DL4J, and the caller sees that exception
        MultiDataSet bad = new org.nd4j.linalg.dataset.MultiDataSet(good.getFeatures(0),
                Nd4j.zeros(DataType.FLOAT, 8, 9));
        try (Workers w = Workers.install(g, 2, false)) {
            assertThrows(RuntimeException.class, () -> w.fit(bad));
            w.fit(good);   // the lanes still work after a failed step
            assertEquals(1, w.splitSteps());
        }
    }
}
