package dev.dlp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dlp.config.ConfigLoader;
import dev.dlp.config.TrainConfig.Engine;
import dev.dlp.fast.ModelFiles;
import dev.dlp.nd4j.Backend;
import dev.dlp.train.Checkpoints;
import dev.dlp.train.MetricsLog;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.DataOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every DL4J pipeline, trained tiny with {@code train.engine: fast} and {@code dl4j}: the first epoch's training
 * loss agrees, summary.json says which code trained each layer, and each model.zip and newest checkpoint loads
 * in a JVM that has DL4J but not dlp, giving dlp's outputs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EnginesTest {
    /** First-epoch mean training loss, fast vs dl4j: relative difference allowed (float summation order, Adam in
     * Java vs libnd4j's op); measured: identical to the 6 significant digits metrics.csv keeps, every pipeline. */
    static final double LOSS_TOLERANCE = 1e-4;

    @TempDir
    static Path tmp;
    Path data;
    Path csv;
    /** case -> engine -> run directory */
    final Map<String, Map<Engine, Path>> runs = new LinkedHashMap<>();

    Map<String, List<String>> cases() {
        List<String> mnist = List.of("--data-dir", data.toString(), "--set", "data.val_size=100");
        Map<String, List<String>> c = new LinkedHashMap<>();
        c.put("mnist-softmax", concat(List.of("lenet", "--config", "mnist-softmax"), mnist));
        c.put("mnist-mlp", concat(List.of("lenet", "--config", "mnist-mlp", "--set", "model.layers.fc1.n_out=16"),
                mnist));
        c.put("lenet5", concat(List.of("lenet"), mnist));
        c.put("ae", concat(List.of("ae", "--set", "model.layers.code.n_out=12"), mnist));
        c.put("conv-ae", concat(List.of("conv-ae"), mnist));
        c.put("regress", List.of("regress", "--data", csv.toString(), "--set", "data.target=y"));
        c.put("admit", List.of("admit"));
        // (the duplicate bridge, DL4J's layers only; the default state bridge needs dlp's classes: Seq2SeqTest)
        c.put("seq2seq", List.of("seq2seq", "--set", "model.bridge=duplicate", "--set", "data.alphabet=abc",
                "--set", "data.max_length=5",
                "--set", "data.train_pairs=200", "--set", "data.heldout_pairs=20", "--set",
                "model.layers.encoder.n_out=16", "--set", "model.layers.decoder.n_out=16"));
        return c;
    }

    @BeforeAll
    void trainEveryPipelineWithBothEngines() throws IOException {
        data = tmp.resolve("data");
        SyntheticMnist.write(data, 600, 60);
        csv = tmp.resolve("linear.csv");
        StringBuilder sb = new StringBuilder("x1,x2,y\n");
        Random r = new Random(3);
        for (int i = 0; i < 120; i++) {
            double x1 = r.nextGaussian();
            double x2 = r.nextGaussian();
            sb.append(String.format(Locale.ROOT, "%.5f,%.5f,%.5f%n", x1, x2, 1 + 2 * x1 - x2 + 0.1 * r.nextGaussian()));
        }
        Files.writeString(csv, sb);
        for (Map.Entry<String, List<String>> c : cases().entrySet()) {
            for (Engine e : Engine.values()) {
                String name = c.getKey() + "-" + e;
                List<String> args = concat(c.getValue(), List.of("-q", "--runs-root", tmp.resolve("models").toString(),
                        "--run-name", name, "--set", "train.epochs=1", "--set", "train.engine=" + e));
                TestCli.Outcome o = TestCli.run(args.toArray(String[]::new));
                assertEquals(0, o.exit(), name + ": " + o);
                runs.computeIfAbsent(c.getKey(), k -> new LinkedHashMap<>()).put(e, runDir(name));
            }
        }
    }

    private Path runDir(String name) throws IOException {
        try (Stream<Path> s = Files.walk(tmp.resolve("models"), 2)) {
            return s.filter(p -> p.getFileName().toString().endsWith("-" + name)).findFirst().orElseThrow();
        }
    }

    private static JsonNode summary(Path run) throws IOException {
        return ConfigLoader.json().readTree(run.resolve("summary.json").toFile());
    }

    @Test
    void firstEpochLossIsTheSameWithBothEngines() throws IOException {
        for (var c : runs.entrySet()) {
            double fast = firstLoss(c.getValue().get(Engine.FAST));
            double dl4j = firstLoss(c.getValue().get(Engine.DL4J));
            double rel = Math.abs(fast - dl4j) / Math.max(Math.abs(dl4j), 1e-12);
            System.out.printf(Locale.ROOT, "first-epoch loss %s: fast %s, dl4j %s (relative difference %.2e)%n",
                    c.getKey(), fast, dl4j, rel);
            assertTrue(rel <= LOSS_TOLERANCE, c.getKey() + ": first-epoch loss fast " + fast + " vs dl4j " + dl4j);
        }
    }

    private static double firstLoss(Path run) throws IOException {
        return Double.parseDouble(new MetricsLog(run).rows().get(0).get("train_loss"));
    }

    @Test
    void summaryTellsWhichCodeTrainedEachLayer() throws IOException {
        for (var c : runs.entrySet()) {
            JsonNode dl4j = summary(c.getValue().get(Engine.DL4J)).path("engine");
            assertEquals("dl4j", dl4j.path("mode").asText(), c.getKey());
            assertTrue(dl4j.path("layers").size() > 0, c.getKey());
            for (JsonNode l : dl4j.path("layers")) {
                assertTrue(l.path("implementation").asText().startsWith("DL4J "), c.getKey() + ": " + l);
                assertFalse(l.path("activation").asText().startsWith("dlp"), c.getKey() + ": " + l);
            }
            assertTrue(dl4j.path("updater").path("implementation").asText().startsWith("DL4J "), c.getKey());

            JsonNode fast = summary(c.getValue().get(Engine.FAST)).path("engine");
            assertEquals("fast", fast.path("mode").asText(), c.getKey());
            for (JsonNode l : fast.path("layers")) {
                String impl = l.path("implementation").asText();
                // every layer is either ours (and its fast pass ran every time) or DL4J's with the reason
                if (impl.startsWith("dlp ")) {
                    assertTrue(l.path("fast_passes").asLong() > 0 && l.path("declined_passes").asLong() == 0,
                            c.getKey() + ": " + l);
                } else {
                    assertTrue(impl.startsWith("DL4J "), c.getKey() + ": " + l);
                }
            }
        }
        // what each pipeline's default layers run on (the fast paths of dev.dlp.fast)
        assertEquals(List.of("dlp InputConvolutionLayer", "dlp FastMaxPoolLayer",
                        "DL4J ConvolutionLayer + MKLDNNConvHelper", "dlp FastMaxPoolLayer",
                        "dlp FastDenseLayer", "dlp FastDenseLayer",
                        "dlp SoftmaxOutputLayer"),
                implementations("lenet5"));
        assertEquals(List.of("dlp FastDenseLayer", "dlp SigmoidXentOutputLayer"), implementations("ae"));
        assertEquals("DL4J OutputLayer", implementations("regress").get(0));
        assertTrue(implementations("seq2seq").contains("dlp FastLSTMLayer"), implementations("seq2seq").toString());
        JsonNode admitHidden = summary(runs.get("admit").get(Engine.FAST)).path("engine").path("layers").get(0);
        assertTrue(admitHidden.path("why_not_fast").asText().contains("activation sigmoid"), admitHidden.toString());
        JsonNode lenetUpdater = summary(runs.get("lenet5").get(Engine.FAST)).path("engine").path("updater");
        assertTrue(lenetUpdater.path("fused_steps").asLong() > 0, lenetUpdater.toString());
        assertTrue(summary(runs.get("lenet5").get(Engine.FAST)).path("portable").asBoolean());
    }

    private List<String> implementations(String c) throws IOException {
        List<String> out = new ArrayList<>();
        summary(runs.get(c).get(Engine.FAST)).path("engine").path("layers")
                .forEach(l -> out.add(l.path("implementation").asText()));
        return out;
    }

    /**
     * Every pipeline's model.zip and newest checkpoint (fast engine: the one that uses classes of ours) restored by
     * DL4J's ModelSerializer in a child JVM whose class path lacks dlp's classes, on random inputs of the model's
     * shape: the same outputs as dlp's (max abs difference < 1e-5).
     */
    @Test
    void modelsLoadInAPlainDl4jProgram() throws Exception {
        Assumptions.assumeTrue(Backend.hostArrays(), "CPU backend only (the child JVM uses nd4j-native)");
        List<String> args = new ArrayList<>();
        List<String> zips = new ArrayList<>();
        for (var c : runs.entrySet()) {
            Path run = c.getValue().get(Engine.FAST);
            Path ckpt = new Checkpoints(run.resolve("checkpoints"), 1).latest().orElseThrow().file();
            for (Path zip : List.of(run.resolve("model.zip"), ckpt)) {
                String json = new String(ModelFiles.entry(zip, ModelFiles.CONFIGURATION), StandardCharsets.UTF_8);
                assertFalse(json.contains("dev.dlp"), zip + " names a class of dlp");
                ComputationGraph ours = ModelFiles.read(zip, false, Engine.FAST);
                INDArray[] in = sampleInputs(ours.getConfiguration(), 5, new Random(zip.hashCode()));
                INDArray expected = ours.output(false, in)[0];
                args.add(zip.toString());
                args.add(String.valueOf(in.length));
                for (int i = 0; i < in.length; i++) {
                    args.add(write(in[i], zip + ".in" + i).toString());
                }
                args.add(write(expected, zip + ".expected").toString());
                zips.add(zip.toString());
            }
        }
        Map<String, Double> diffs = runPlainDl4j(args);
        assertEquals(zips.size(), diffs.size(), diffs.toString());
        for (String z : zips) {
            assertTrue(diffs.get(z) < 1e-5, z + ": max abs difference " + diffs.get(z));
        }
    }

    /** Runs src/test/plain-dl4j/PlainDl4jLoad.java on DL4J's class path without dlp's; its "diff" lines. */
    static Map<String, Double> runPlainDl4j(List<String> args) throws Exception {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> deps = new ArrayList<>();
        for (String e : cp.split(File.pathSeparator)) {
            // dlp's own classes (target/classes, target/test-classes) stay out
            if (!e.isEmpty() && !Files.isDirectory(Path.of(e)) && !e.contains("surefire")) {
                deps.add(e);
            }
        }
        assertTrue(deps.stream().anyMatch(d -> d.contains("deeplearning4j-nn")), cp);
        assertTrue(deps.stream().noneMatch(d -> d.contains("dlp")), deps.toString());
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-cp", String.join(File.pathSeparator, deps),
                Path.of("src", "test", "plain-dl4j", "PlainDl4jLoad.java").toString()));
        cmd.addAll(args);
        Path log = Files.createTempFile("plain-dl4j", ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "plain DL4J program timed out");
        String out = Files.readString(log);
        assertEquals(0, p.exitValue(), out);
        Map<String, Double> diffs = new LinkedHashMap<>();
        for (String line : out.split("\n")) {
            String[] f = line.trim().split(" ");
            if (f.length >= 3 && f[0].equals("diff")) {
                diffs.put(f[1], Double.parseDouble(f[2]));
            }
        }
        return diffs;
    }

    /** Random inputs of the shape each model input's first consumer takes (token ids for embeddings). */
    static INDArray[] sampleInputs(ComputationGraphConfiguration conf, int n, Random r) {
        List<String> names = conf.getNetworkInputs();
        INDArray[] out = new INDArray[names.size()];
        for (int i = 0; i < out.length; i++) {
            String input = names.get(i);
            LayerVertex consumer = conf.getVertexInputs().entrySet().stream()
                    .filter(e -> e.getValue().contains(input) && conf.getVertices().get(e.getKey()) instanceof LayerVertex)
                    .map(e -> (LayerVertex) conf.getVertices().get(e.getKey())).findFirst().orElseThrow();
            var layer = consumer.getLayerConf().getLayer();
            if (layer instanceof EmbeddingSequenceLayer emb) {
                float[] ids = new float[n * 4];
                for (int k = 0; k < ids.length; k++) {
                    ids[k] = r.nextInt((int) emb.getNIn());
                }
                out[i] = Nd4j.create(ids, new long[]{n, 1, 4}, 'c');
            } else if (consumer.getPreProcessor() instanceof FeedForwardToCnnPreProcessor pp) {
                out[i] = Nd4j.rand(DataType.FLOAT, n, pp.getInputHeight() * pp.getInputWidth() * pp.getNumChannels());
            } else {
                out[i] = Nd4j.rand(DataType.FLOAT, n, ((FeedForwardLayer) layer).getNIn());
            }
        }
        return out;
    }

    private static Path write(INDArray a, String file) throws IOException {
        Path p = Path.of(file);
        try (DataOutputStream d = new DataOutputStream(Files.newOutputStream(p))) {
            Nd4j.write(a, d);
        }
        return p;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
