package dev.dlp;

import dev.dlp.config.TrainConfig.Engine;
import dev.dlp.fast.FastDenseLayer;
import dev.dlp.fast.InputConvolutionLayer;
import dev.dlp.fast.ModelFiles;
import dev.dlp.train.Checkpoints;
import dev.dlp.train.MetricsLog;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs written by dlp 0.1 (src/test/resources/legacy-0.1: tiny mnist-mlp and conv-ae runs whose model.zip and
 * checkpoint name {@code dev.dlp.graph.*} and {@code dev.dlp.nd4j.FastAdam}) still load with the outputs they
 * had, resume, predict and encode.
 */
class LegacyModelsTest {
    static final Path FIXTURES = Path.of("src", "test", "resources", "legacy-0.1");

    @TempDir
    Path tmp;

    /** The 8 synthetic digits the fixtures' expected outputs were computed on (when the fixtures were made). */
    private static INDArray digits() {
        byte[] px = SyntheticMnist.images(8, 7, new int[8]);
        float[] f = new float[px.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (px[i] & 0xff) / 255f;
        }
        return Nd4j.create(f, new long[]{8, 784}, 'c');
    }

    private static INDArray expected(String run) throws IOException {
        try (DataInputStream d = new DataInputStream(Files.newInputStream(FIXTURES.resolve(run)
                .resolve("expected-output.bin")))) {
            return Nd4j.read(d);
        }
    }

    @Test
    void oldModelsLoadWithTheirOutputsAndOurFastPaths() throws IOException {
        for (String run : new String[]{"mnist-mlp", "conv-ae"}) {
            Path zip = FIXTURES.resolve(run).resolve("model.zip");
            String json = new String(ModelFiles.entry(zip, ModelFiles.CONFIGURATION), StandardCharsets.UTF_8);
            assertTrue(json.contains("dev.dlp.graph."), "the fixture is in the old format");
            ComputationGraph g = ModelFiles.read(zip, false, Engine.FAST);
            double diff = g.outputSingle(digits()).sub(expected(run)).amaxNumber().doubleValue();
            assertTrue(diff < 1e-6, run + ": max abs difference " + diff);
            Class<?> fast = run.equals("mnist-mlp") ? FastDenseLayer.class : InputConvolutionLayer.class;
            assertTrue(fast.isInstance(g.getLayers()[0]), run + ": " + g.getLayers()[0].getClass());
            ComputationGraph dl4j = ModelFiles.read(zip, false, Engine.DL4J);
            assertFalse(dl4j.getLayers()[0].getClass().getName().startsWith("dev.dlp"), run);
            assertTrue(dl4j.outputSingle(digits()).sub(expected(run)).amaxNumber().doubleValue() < 1e-5, run);
        }
    }

    @Test
    void anOldRunResumesPredictsAndEvaluates() throws IOException {
        Path data = tmp.resolve("data");
        SyntheticMnist.write(data, 700, 100);   // the data the fixture was trained on
        Path run = copy(FIXTURES.resolve("mnist-mlp"), tmp.resolve("run"));
        Path oldCheckpoint = new Checkpoints(run.resolve("checkpoints"), 1).latest().orElseThrow().file();
        assertTrue(Checkpoints.readGraph(oldCheckpoint, Engine.FAST).getUpdater().getStateViewArray().length() > 0);

        TestCli.Outcome resumed = TestCli.run("lenet", "--resume", run.toString(), "--data-dir", data.toString(), "-q",
                "--set", "train.epochs=3");
        assertEquals(0, resumed.exit(), resumed.toString());
        assertEquals(3, new MetricsLog(run).rows().size());
        String json = new String(ModelFiles.entry(run.resolve("model.zip"), ModelFiles.CONFIGURATION),
                StandardCharsets.UTF_8);
        assertFalse(json.contains("dev.dlp"), "the resumed run's model is written with DL4J's classes");

        BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
        Path png = tmp.resolve("digit.png");
        ImageIO.write(img, "png", png.toFile());
        TestCli.Outcome p = TestCli.run("lenet", "predict", "--model", FIXTURES.resolve("mnist-mlp").resolve("model.zip")
                .toString(), png.toString());
        assertEquals(0, p.exit(), p.toString());
        assertTrue(p.out().startsWith(png + ": "), p.out());
        // (eval writes eval.json into the run directory: the copy's)
        TestCli.Outcome e = TestCli.run("lenet", "eval", "--model", copy(FIXTURES.resolve("mnist-mlp"),
                        tmp.resolve("run2")).toString(),
                "--data-dir", data.toString());
        assertEquals(0, e.exit(), e.toString());
        assertTrue(e.out().contains("test accuracy:"), e.out());
    }

    @Test
    void anOldAutoencoderEncodes() {
        Path data = tmp.resolve("data");
        try {
            SyntheticMnist.write(data, 700, 100);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Path out = tmp.resolve("codes.csv");
        TestCli.Outcome o = TestCli.run("conv-ae", "encode", "--model", FIXTURES.resolve("conv-ae").toString(),
                "--data-dir", data.toString(), "--out", out.toString(), "--split", "test");
        assertEquals(0, o.exit(), o.toString());
        assertTrue(Files.exists(out));
    }

    private static Path copy(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
        return to;
    }
}
