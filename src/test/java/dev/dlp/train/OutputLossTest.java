package dev.dlp.train;

import dev.dlp.config.TrainConfig;
import dev.dlp.graph.GraphFactory;
import dev.dlp.graph.ModelSpec;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/** {@link Trainer#meanScore} from the inference output ({@link OutputLoss}) against DL4J's own score. */
class OutputLossTest {
    private static final int N = 37;   // batches of 16: the last one short

    private static Map<String, Object> layer(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    private static TrainConfig train(TrainConfig.Engine engine, double l2) {
        TrainConfig d = TrainConfig.DEFAULTS;
        return new TrainConfig(d.epochs(), d.batchSize(), d.updater(), l2, d.weightInit(), d.earlyStopping(),
                d.threads(), d.prefetch(), engine, d.workers(), d.split(), d.stats(), d.statsEvery(), d.distributed());
    }

    private static ComputationGraph graph(ModelSpec spec, TrainConfig.Engine engine, double l2) {
        ComputationGraph g = new ComputationGraph(GraphFactory.build(spec, train(engine, l2), 7));
        g.init();
        return g;
    }

    private static ModelSpec dense(Map<String, Object> out) {
        return new ModelSpec(Map.of("x", new ModelSpec.InputSpec(ModelSpec.InputKind.FEED_FORWARD, 12, null, null,
                null, null)), List.of(layer("name", "h", "type", "dense", "n_out", 9), out), List.of());
    }

    private static float[] uniform(Random r, int n, boolean oneHotRows, int width) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = r.nextFloat();
        }
        if (oneHotRows) {
            java.util.Arrays.fill(a, 0);
            for (int row = 0; row < n / width; row++) {
                a[row * width + r.nextInt(width)] = 1;
            }
        }
        return a;
    }

    /** DL4J's score over the source, batch by batch, weighted by batch size (what meanScore computed before). */
    private static double dl4jMean(ComputationGraph g, BatchSource data, int batch) {
        double sum = 0;
        for (int from = 0; from < data.size(); from += batch) {
            int to = Math.min(data.size(), from + batch);
            sum += g.score(data.batch(null, from, to), false) * (to - from);
        }
        return sum / data.size();
    }

    private static void assertSameScore(ComputationGraph g, BatchSource data) {
        assertNotNull(OutputLoss.of(g), "the output path applies");
        double dl4j = dl4jMean(g, data, 16);
        double ours = Trainer.meanScore(g, data, 16);
        assertEquals(dl4j, ours, 1e-5 * Math.abs(dl4j), "DL4J's score " + dl4j);
    }

    @Test
    void denseOutputsScoreAsDl4jDoes() {
        Random r = new Random(3);
        float[] x = uniform(r, N * 12, false, 12);
        for (TrainConfig.Engine engine : TrainConfig.Engine.values()) {
            ArraySource pixels = new ArraySource(x, new long[]{12}, uniform(r, N * 5, false, 5), new long[]{5});
            ArraySource classes = new ArraySource(x, new long[]{12}, uniform(r, N * 5, true, 5), new long[]{5});
            assertSameScore(graph(dense(layer("name", "out", "type", "output", "n_out", 5, "activation", "sigmoid",
                    "loss", "xent")), engine, 0), pixels);
            assertSameScore(graph(dense(layer("name", "out", "type", "output", "n_out", 5, "activation", "softmax",
                    "loss", "mcxent")), engine, 0), classes);
            assertSameScore(graph(dense(layer("name", "out", "type", "output", "n_out", 5, "activation", "identity",
                    "loss", "mse")), engine, 0), pixels);
            // the regularisation term is part of DL4J's score
            assertSameScore(graph(dense(layer("name", "out", "type", "output", "n_out", 5, "activation", "tanh",
                    "loss", "l1")), engine, 0.05), pixels);
        }
    }

    @Test
    void aSoftmaxSaturatedOutputIsClippedAsDl4jClipsIt() {
        Random r = new Random(4);
        float[] x = uniform(r, N * 12, false, 12);
        for (int i = 0; i < x.length; i++) {
            x[i] *= 400;   // logits far apart: probabilities of 0 and 1 in float
        }
        ComputationGraph g = graph(dense(layer("name", "out", "type", "output", "n_out", 5, "activation", "softmax",
                "loss", "mcxent")), TrainConfig.Engine.FAST, 0);
        ArraySource classes = new ArraySource(x, new long[]{12}, uniform(r, N * 5, true, 5), new long[]{5});
        assertSameScore(g, classes);
    }

    @Test
    void aCnnLossLayerScoresEveryPixelAsDl4jDoes() {
        ModelSpec spec = new ModelSpec(Map.of("x", new ModelSpec.InputSpec(ModelSpec.InputKind.CONVOLUTIONAL_FLAT,
                null, 6, 6, 1, null)), List.of(
                layer("name", "c", "type", "conv", "kernel", 3, "n_out", 4, "padding", "same"),
                layer("name", "px", "type", "conv", "kernel", 3, "n_out", 2, "padding", "same", "activation",
                        "identity"),
                layer("name", "out", "type", "cnn_loss", "activation", "sigmoid", "loss", "xent")), List.of());
        Random r = new Random(5);
        ArraySource data = new ArraySource(uniform(r, N * 36, false, 36), new long[]{36},
                uniform(r, N * 72, false, 72), new long[]{2, 6, 6});
        for (TrainConfig.Engine engine : TrainConfig.Engine.values()) {
            assertSameScore(graph(spec, engine, 0), data);
        }
    }

    @Test
    void anRnnOutputScoresTheUnmaskedStepsAsDl4jDoes() {
        ModelSpec spec = new ModelSpec(Map.of("x", new ModelSpec.InputSpec(ModelSpec.InputKind.RECURRENT, 10,
                null, null, null, null)), List.of(
                layer("name", "e", "type", "embedding_seq", "n_out", 4),
                layer("name", "l", "type", "lstm", "n_out", 6),
                layer("name", "out", "type", "rnn_output", "n_out", 10, "activation", "softmax", "loss", "mcxent")),
                List.of());
        int steps = 5;
        Random r = new Random(6);
        INDArray ids = Nd4j.create(DataType.FLOAT, N, 1, steps);
        INDArray labels = Nd4j.zeros(DataType.FLOAT, N, 10, steps);
        INDArray mask = Nd4j.zeros(DataType.FLOAT, N, steps);
        for (int i = 0; i < N; i++) {
            int len = 1 + r.nextInt(steps);   // sequences of different lengths, padded at the end
            for (int t = 0; t < len; t++) {
                int id = r.nextInt(10);
                ids.putScalar(new int[]{i, 0, t}, id);
                labels.putScalar(new int[]{i, (id + 1) % 10, t}, 1);
                mask.putScalar(new int[]{i, t}, 1);
            }
        }
        BatchSource data = new BatchSource() {
            @Override
            public int size() {
                return N;
            }

            @Override
            public MultiDataSet batch(int[] order, int from, int to) {
                INDArray m = mask.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(from, to)).dup();
                return new org.nd4j.linalg.dataset.MultiDataSet(
                        new INDArray[]{ids.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(from, to)).dup()},
                        new INDArray[]{labels.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(from, to)).dup()},
                        new INDArray[]{m}, new INDArray[]{m});
            }
        };
        for (TrainConfig.Engine engine : TrainConfig.Engine.values()) {
            assertSameScore(graph(spec, engine, 0), data);
        }
    }

    @Test
    void whereTheOutputDoesNotDetermineDl4jsScoreItDeclines() {
        // two outputs: DL4J's score is their sum
        ModelSpec two = new ModelSpec(Map.of("x", new ModelSpec.InputSpec(ModelSpec.InputKind.FEED_FORWARD, 12, null,
                null, null, null)), List.of(layer("name", "h", "type", "dense", "n_out", 9),
                layer("name", "a", "type", "output", "n_out", 5), layer("name", "b", "type", "output", "n_out", 3,
                        "inputs", "h")), List.of("a", "b"));
        assertNull(OutputLoss.of(graph(two, TrainConfig.Engine.FAST, 0)));
        // hinge loss: not one of the losses it knows
        ComputationGraph hinge = graph(dense(layer("name", "out", "type", "output", "n_out", 5, "activation",
                "identity", "loss", "hinge")), TrainConfig.Engine.FAST, 0);
        assertNull(OutputLoss.of(hinge));
        Random r = new Random(7);
        float[] y = uniform(r, N * 5, true, 5);
        for (int i = 0; i < y.length; i++) {
            y[i] = 2 * y[i] - 1;   // hinge labels are -1 / 1
        }
        ArraySource data = new ArraySource(uniform(r, N * 12, false, 12), new long[]{12}, y, new long[]{5});
        assertEquals(dl4jMean(hinge, data, 16), Trainer.meanScore(hinge, data, 16), 0.0, "DL4J's score itself");
    }
}
