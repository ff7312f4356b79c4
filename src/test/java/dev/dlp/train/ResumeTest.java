package dev.dlp.train;

import dev.dlp.SyntheticMnist;
import dev.dlp.TestCli;
import dev.dlp.config.CheckpointConfig;
import dev.dlp.config.ConfigLoader;
import dev.dlp.graph.GraphFactory;
import dev.dlp.pipelines.lenet.LenetConfig;
import dev.dlp.run.RunDir;
import dev.dlp.run.Summary;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Resuming gives the parameters of an uninterrupted run; checkpoints and model zips round-trip. */
class ResumeTest {
    @TempDir
    Path tmp;

    private static void assertSameParams(INDArray expected, INDArray actual) {
        assertEquals(expected.length(), actual.length());
        double maxDiff = expected.sub(actual).amaxNumber().doubleValue();
        assertTrue(maxDiff <= 1e-6, "max parameter difference " + maxDiff);
    }

    private static Path onlyRun(Path root, String suffix) throws IOException {
        try (Stream<Path> s = Files.list(root.resolve("lenet"))) {
            return s.filter(p -> p.getFileName().toString().endsWith(suffix)).findFirst().orElseThrow();
        }
    }

    @Test
    void resumeAfterAnEpochEqualsAnUninterruptedRun() throws IOException {
        Path data = tmp.resolve("data");
        SyntheticMnist.write(data, 700, 50);
        Path root = tmp.resolve("models");
        String[] common = {"lenet", "--config", "mnist-mlp", "--data-dir", data.toString(), "--runs-root",
            root.toString(), "-q", "--set", "data.val_size=100", "--set", "model.layers.fc1.n_out=32"};
        TestCli.Outcome full = TestCli.run(concat(common, "--run-name", "full", "--set", "train.epochs=2"));
        assertEquals(0, full.exit(), full.toString());
        TestCli.Outcome half = TestCli.run(concat(common, "--run-name", "half", "--set", "train.epochs=1"));
        assertEquals(0, half.exit(), half.toString());
        Path halfRun = onlyRun(root, "-half");
        TestCli.Outcome resumed = TestCli.run("lenet", "--resume", halfRun.toString(), "--data-dir", data.toString(),
                "-q", "--set", "train.epochs=2");
        assertEquals(0, resumed.exit(), resumed.toString());

        ComputationGraph a = ModelSerializer.restoreComputationGraph(onlyRun(root, "-full").resolve("model.zip")
                .toFile(), true);
        ComputationGraph b = ModelSerializer.restoreComputationGraph(halfRun.resolve("model.zip").toFile(), true);
        assertSameParams(a.params(), b.params());
        assertSameParams(a.getUpdater().getStateViewArray(), b.getUpdater().getStateViewArray());
        List<Map<String, String>> rows = new MetricsLog(halfRun).rows();
        assertEquals(List.of("1", "2"), rows.stream().map(r -> r.get("epoch")).toList());
        assertTrue(Files.readString(halfRun.resolve("overrides.txt")).contains("# resumed"));

        // a different architecture is a state conflict (exit 3)
        TestCli.Outcome conflict = TestCli.run("lenet", "--resume", halfRun.toString(), "--data-dir",
                data.toString(), "-q", "--set", "model.layers.fc1.n_out=16");
        assertEquals(3, conflict.exit(), conflict.toString());
        assertTrue(conflict.err().contains("architecture"), conflict.toString());
    }

    private static String[] concat(String[] a, String... b) {
        return Stream.concat(Stream.of(a), Stream.of(b)).toArray(String[]::new);
    }

    /** A batch source that asks the trainer to stop (as SIGTERM would) once it has served {@code after} batches. */
    private record StoppingSource(BatchSource inner, StopSignal stop, int after, AtomicInteger served)
            implements BatchSource {
        @Override
        public int size() {
            return inner.size();
        }

        @Override
        public MultiDataSet batch(int[] order, int from, int to) {
            if (served.incrementAndGet() == after) {
                stop.request(15);
            }
            return inner.batch(order, from, to);
        }
    }

    @Test
    void interruptedMidEpochResumesExactly() throws IOException {
        LenetConfig cfg = ConfigLoader.load(ConfigLoader.resolve("mnist-mlp", "lenet5"),
                List.of("train.epochs=2", "train.batch_size=32", "model.layers.fc1.n_out=16"), LenetConfig.class,
                LenetConfig.DEFAULTS).value();
        int[] labels = new int[320];
        byte[] px = SyntheticMnist.images(320, 3, labels);
        float[] x = new float[px.length];
        for (int i = 0; i < px.length; i++) {
            x[i] = (px[i] & 0xff) / 255f;
        }
        float[] y = new float[320 * 10];
        for (int i = 0; i < 320; i++) {
            y[i * 10 + labels[i]] = 1;
        }
        BatchSource source = new ArraySource(x, new long[]{784}, y, new long[]{10});
        String arch = GraphFactory.architectureHash(cfg.model());

        // a graph counts its iterations in its configuration: each graph gets its own
        ComputationGraph straight = new ComputationGraph(GraphFactory.build(cfg.model(), cfg.train(), cfg.seed()));
        straight.init();
        RunDir r1 = RunDir.create(tmp, "straight", null);
        Trainer.Result done = Trainer.fit(new Trainer.Job(r1, Summary.create(r1.summaryFile()), straight, source, null,
                cfg.train(), CheckpointConfig.DEFAULTS, cfg.seed(), arch, null, new Progress.None(),
                StopSignal.none()));
        assertEquals("completed", done.status());

        ComputationGraph first = new ComputationGraph(GraphFactory.build(cfg.model(), cfg.train(), cfg.seed()));
        first.init();
        RunDir r2 = RunDir.create(tmp, "stopped", null);
        StopSignal stop = StopSignal.none();
        Trainer.Result stopped = Trainer.fit(new Trainer.Job(r2, Summary.create(r2.summaryFile()), first,
                // 10 batches an epoch; gathering runs up to a prefetch chunk ahead of training: asked for while
                // gathering the 6th batch of epoch 2, the stop lands after batch 1 to 5 of that epoch has trained
                new StoppingSource(source, stop, 16, new AtomicInteger()), null, cfg.train(), CheckpointConfig.DEFAULTS,
                cfg.seed(), arch, null, new Progress.None(), stop));
        assertEquals("interrupted", stopped.status());
        assertEquals(143, stopped.exitCode());
        Checkpoints.Entry ckpt = new Checkpoints(r2.checkpointsDir(), 2).latest().orElseThrow();
        assertTrue(ckpt.epoch() == 1 && ckpt.batch() > 0, "stopped inside the second epoch: " + ckpt);

        Checkpoints.State state = Checkpoints.readState(ckpt.file());
        ComputationGraph resumed = Checkpoints.readGraph(ckpt.file(), cfg.train().engine());
        Trainer.Result finished = Trainer.fit(new Trainer.Job(r2, Summary.create(r2.summaryFile()), resumed, source,
                null, cfg.train(), CheckpointConfig.DEFAULTS, cfg.seed(), arch, state, new Progress.None(),
                StopSignal.none()));
        assertEquals("completed", finished.status());
        assertEquals(done.iterations(), finished.iterations());
        assertSameParams(straight.params(), resumed.params());
    }

    @Test
    void savedModelRoundTripsParametersAndUpdaterState() throws IOException {
        LenetConfig cfg = ConfigLoader.load(ConfigLoader.resolve("lenet5", "lenet5"), List.of(), LenetConfig.class,
                LenetConfig.DEFAULTS).value();
        ComputationGraph g = new ComputationGraph(GraphFactory.build(cfg.model(), cfg.train(), cfg.seed()));
        g.init();
        float[] x = new float[8 * 784];
        float[] y = new float[8 * 10];
        for (int i = 0; i < 8; i++) {
            x[i * 784 + i * 50] = 1f;
            y[i * 10 + i % 10] = 1f;
        }
        g.fit(new ArraySource(x, new long[]{784}, y, new long[]{10}).batch(null, 0, 8));
        Path zip = tmp.resolve("m.zip");
        Trainer.saveModel(g, zip);
        ComputationGraph back = ModelSerializer.restoreComputationGraph(zip.toFile(), true);
        assertSameParams(g.params(), back.params());
        assertSameParams(g.getUpdater().getStateViewArray(), back.getUpdater().getStateViewArray());
        // saved with DL4J's own classes (the fast paths stripped), counters included
        assertEquals(dev.dlp.fast.FastPaths.stock(g.getConfiguration()).toJson(), back.getConfiguration().toJson());
        assertEquals(1, back.getConfiguration().getIterationCount());
        assertTrue(!back.getConfiguration().toJson().contains("dev.dlp"), "no class of ours in the saved model");
    }
}
