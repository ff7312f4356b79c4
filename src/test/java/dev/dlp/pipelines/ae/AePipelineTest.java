package dev.dlp.pipelines.ae;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dlp.SyntheticMnist;
import dev.dlp.TestCli;
import dev.dlp.config.ConfigLoader;
import dev.dlp.data.Mnist;
import dev.dlp.train.ArraySource;
import dev.dlp.train.MetricsLog;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.dataset.api.MultiDataSet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AePipelineTest {
    @TempDir
    static Path tmp;
    static Path data;

    @BeforeAll
    static void data() throws IOException {
        data = tmp.resolve("data");
        SyntheticMnist.write(data, 1100, 120);
    }

    private static AeConfig shipped(String name, String... overrides) {
        return ConfigLoader.load(ConfigLoader.resolve(name, name), List.of(overrides), AeConfig.class,
                AeConfig.DEFAULTS).value();
    }

    @Test
    void shippedConfigsOutputWholeImages() {
        assertArrayEquals(new long[]{784}, AePipeline.targetShape(shipped("ae")));
        assertArrayEquals(new long[]{1, 28, 28}, AePipeline.targetShape(shipped("conv-ae")));
    }

    @Test
    void denoisingInputsAreNoisyAndTargetsClean() {
        AeConfig cfg = shipped("conv-ae", "data.noise=0.5");
        int[] labels = new int[20];
        byte[] raw = SyntheticMnist.images(20, 5, labels);
        float[] px = new float[raw.length];
        for (int i = 0; i < raw.length; i++) {
            px[i] = (raw[i] & 0xff) / 255f;
        }
        AePipeline.Split s = AePipeline.split(cfg, new Mnist.Images(px, labels), 1);
        MultiDataSet b = new ArraySource(s.inputs(), new long[]{784}, s.clean().pixels(), new long[]{1, 28, 28})
                .batch(null, 0, 20);
        float[] in = b.getFeatures(0).data().asFloat();
        float[] target = b.getLabels(0).data().asFloat();
        assertArrayEquals(px, target, "the target is the clean image");
        double diff = 0;
        for (int i = 0; i < in.length; i++) {
            assertTrue(in[i] >= 0f && in[i] <= 1f, "noisy pixels are clipped to [0, 1]");
            diff += Math.abs(in[i] - px[i]);
        }
        assertTrue(diff / in.length > 0.1, "inputs carry noise: mean |noisy - clean| = " + diff / in.length);
        assertArrayEquals(s.inputs(), AePipeline.split(cfg, new Mnist.Images(px, labels), 1).inputs(),
                "the noise is a function of the seed");
    }

    static Path trainTiny(String cmd, String runName, String... more) throws IOException {
        Path root = tmp.resolve("models");
        String[] args = Stream.concat(Stream.of(cmd, "--data-dir", data.toString(), "--runs-root", root.toString(),
                "-q", "--run-name", runName, "--set", "data.val_size=100", "--set", "train.epochs=2", "--set",
                "data.test_limit=60"), Stream.of(more)).toArray(String[]::new);
        TestCli.Outcome o = TestCli.run(args);
        assertEquals(0, o.exit(), o.toString());
        assertTrue(o.out().contains("test reconstruction"), o.out());
        try (Stream<Path> s = Files.list(root.resolve(cmd))) {
            return s.filter(p -> p.getFileName().toString().endsWith("-" + runName)).findFirst().orElseThrow();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ae", "conv-ae"})
    void tinyRunsWriteArtifactsAndLearn(String cmd) throws IOException {
        Path run = trainTiny(cmd, "tiny", cmd.equals("ae") ? new String[0]
                : new String[]{"--set", "data.noise=0.3"});
        for (String f : List.of("config.yaml", "metrics.csv", "model.zip", "summary.json", "curves.png",
                "reconstructions.png", "codes.png")) {
            assertTrue(Files.isRegularFile(run.resolve(f)), "missing " + f);
        }
        List<Map<String, String>> rows = new MetricsLog(run).rows();
        assertTrue(Double.parseDouble(rows.get(1).get("train_loss")) < Double.parseDouble(rows.get(0)
                .get("train_loss")), rows.toString());
        assertTrue(rows.get(0).containsKey("val_mse") && rows.get(0).containsKey("val_bce"));
        JsonNode s = ConfigLoader.json().readTree(run.resolve("summary.json").toFile());
        assertEquals("completed", s.path("status").asText());
        double mse = s.path("test").path("mse").asDouble();
        assertTrue(mse > 0 && mse < 0.25, "test mse " + mse);
        assertTrue(s.path("test").path("bce").asDouble() > 0);
    }

    /**
     * The code layer's activations, taken from the report's one inference pass (DL4J's {@code output} of the code
     * layer and the network's output), are DL4J's {@code feedForward} activations of that layer, for the dense and
     * the convolutional autoencoder; the pass's reconstruction errors are those of a pass without codes.
     */
    @ParameterizedTest
    @ValueSource(strings = {"ae", "conv-ae"})
    void codesFromTheOutputPassAreFeedForwardsActivations(String name) {
        AeConfig cfg = shipped(name);
        org.deeplearning4j.nn.graph.ComputationGraph g = new org.deeplearning4j.nn.graph.ComputationGraph(
                dev.dlp.graph.GraphFactory.build(cfg.network(), cfg.train(), cfg.seed()));
        g.init();
        int n = 37;
        int[] labels = new int[n];
        byte[] raw = SyntheticMnist.images(n, 9, labels);
        float[] px = new float[raw.length];
        for (int i = 0; i < raw.length; i++) {
            px[i] = (raw[i] & 0xff) / 255f;
        }
        Codes codes = Codes.compute(g, cfg.codeLayer(), px, labels);
        org.nd4j.linalg.api.ndarray.INDArray x = dev.dlp.nd4j.HostArrays.floats(px, 0, n, Mnist.PIXELS);
        Map<String, org.nd4j.linalg.api.ndarray.INDArray> acts = g.feedForward(x, false);
        float[] expected = acts.get(cfg.codeLayer()).dup('c').data().asFloat();
        assertEquals(expected.length / n, codes.width());
        assertEquals(n, codes.count());
        float worst = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(expected[i] - codes.values()[i]));
        }
        assertTrue(worst < 1e-5f, "codes differ from feedForward's by " + worst);
        Codes.Collector c = new Codes.Collector(cfg.codeLayer(), labels);
        Reconstruction.Result with = Reconstruction.evaluate(g, px, px, 2, null, c);
        Reconstruction.Result without = Reconstruction.evaluate(g, px, px, 2, null, null);
        assertArrayEquals(codes.values(), c.codes().values());
        assertEquals(without.mse(), with.mse(), 1e-9);
        assertEquals(without.bce(), with.bce(), 1e-9);
    }

    @Test
    void encodeWritesOneRowPerExampleWithTheCodeWidth() throws IOException {
        Path run = trainTiny("ae", "enc", "--set", "model.layers.code.n_out=12", "--set", "train.epochs=1");
        Path csv = tmp.resolve("codes.csv");
        TestCli.Outcome o = TestCli.run("ae", "encode", "--model", run.toString(), "--data-dir", data.toString(),
                "--out", csv.toString());
        assertEquals(0, o.exit(), o.toString());
        List<String> lines = Files.readAllLines(csv);
        assertEquals(1 + 60, lines.size(), "header + one row per test example (data.test_limit=60)");
        assertEquals(1 + 12, lines.get(0).split(",").length);
        assertEquals("label", lines.get(0).split(",")[0]);
        assertEquals(13, lines.get(1).split(",").length);
        assertFalse(Files.exists(tmp.resolve("nope.csv")));
        assertEquals(2, TestCli.run("ae", "encode", "--model", tmp.resolve("nope").toString(), "--out",
                tmp.resolve("nope.csv").toString()).exit());
    }

    @Test
    void noiseIsRejectedByLenetAndCodeLayerMustExist() {
        assertEquals(2, TestCli.run("lenet", "--set", "data.noise=0.5").exit());
        TestCli.Outcome o = TestCli.run("ae", "--set", "code_layer=bottleneck");
        assertEquals(2, o.exit());
        assertTrue(o.err().contains("code_layer"), o.toString());
    }
}
