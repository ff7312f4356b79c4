package dev.dlp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dlp.config.ConfigLoader;
import dev.dlp.train.MetricsLog;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A tiny real run of {@code dlp lenet} through the CLI, then eval and predict on its run directory. */
class LenetPipelineTest {
    @TempDir
    static Path tmp;
    static Path data;
    static Path run;
    static TestCli.Outcome trained;

    static String[] tiny(String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("--data-dir", data.toString(), "--runs-root",
                tmp.resolve("models").toString(), "-q", "--set", "data.val_size=200", "--set", "train.epochs=2"));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    @BeforeAll
    static void train() throws IOException {
        data = tmp.resolve("data");
        SyntheticMnist.write(data, 1200, 300);
        String[] args = Stream.concat(Stream.of("lenet"), Stream.of(tiny("--run-name", "smoke")))
                .toArray(String[]::new);
        trained = TestCli.run(args);
        assertEquals(0, trained.exit(), trained.toString());
        try (Stream<Path> s = Files.list(tmp.resolve("models/lenet"))) {
            run = s.filter(p -> p.getFileName().toString().endsWith("-smoke")).findFirst().orElseThrow();
        }
    }

    @Test
    void writesEveryArtifact() {
        for (String f : List.of("config.yaml", "overrides.txt", "metrics.csv", "metrics.jsonl", "model.zip",
                "summary.json", "eval.json", "eval.txt", "curves.png", "conv1-filters.png", "feature-maps.png",
                "predictions.png")) {
            assertTrue(Files.isRegularFile(run.resolve(f)), "missing " + f);
        }
        assertTrue(Files.isDirectory(run.resolve("checkpoints")));
        assertTrue(trained.out().contains("run: " + run), trained.out());
        assertTrue(trained.out().contains("test accuracy:"), trained.out());
    }

    @Test
    void lossFallsAndTheTaskIsLearned() throws IOException {
        List<Map<String, String>> rows = new MetricsLog(run).rows();
        assertEquals(2, rows.size());
        double first = Double.parseDouble(rows.get(0).get("train_loss"));
        double second = Double.parseDouble(rows.get(1).get("train_loss"));
        assertTrue(second < first, "train loss " + first + " -> " + second);
        assertTrue(Double.parseDouble(rows.get(1).get("val_accuracy")) > 0.8, rows.toString());
        for (String col : List.of("epoch", "iterations", "train_loss", "val_loss", "val_accuracy", "lr",
                "samples_per_sec", "elapsed_s")) {
            assertTrue(rows.get(0).containsKey(col), "metrics.csv lacks " + col);
        }
    }

    @Test
    void summaryDescribesTheRun() throws IOException {
        JsonNode s = ConfigLoader.json().readTree(run.resolve("summary.json").toFile());
        assertEquals("completed", s.path("status").asText());
        assertEquals(2, s.path("epochs_completed").asInt());
        assertTrue(s.path("train_samples_per_sec").asDouble() > 0);
        assertTrue(s.path("test").path("accuracy").asDouble() > 0.8, s.toString());
        assertEquals("CpuBackend", s.path("backend").path("name").asText());
        // the default build loads the oneDNN libnd4j, and the compatibility shim revives DL4J's layer helpers
        assertTrue(s.path("backend").path("onednn").asBoolean(), s.path("backend").toString());
        assertEquals("[\"conv1\",\"conv2\"]", s.path("onednn_helper_layers").toString());   // pooling: ours
        assertTrue(s.has("git_commit") && s.has("versions") && s.has("wall_s") && s.has("threads"));
        String overrides = Files.readString(run.resolve("overrides.txt"));
        assertTrue(overrides.contains("train.epochs=2"), overrides);
        assertTrue(Files.readString(run.resolve("config.yaml")).contains("val_size: 200"));
    }

    @Test
    void checkpointsAreRotated() throws IOException {
        try (Stream<Path> s = Files.list(run.resolve("checkpoints"))) {
            List<String> names = s.map(p -> p.getFileName().toString()).sorted().toList();
            assertEquals(List.of("checkpoint-e0001-b000000.zip", "checkpoint-e0002-b000000.zip"), names);
        }
    }

    @Test
    void evalWritesReportsForARunDirectory() throws IOException {
        Files.delete(run.resolve("eval.json"));
        TestCli.Outcome o = TestCli.run("lenet", "eval", "--model", run.toString(), "--data-dir", data.toString());
        assertEquals(0, o.exit(), o.toString());
        assertTrue(o.out().contains("test accuracy:"), o.out());
        JsonNode ev = ConfigLoader.json().readTree(run.resolve("eval.json").toFile());
        assertEquals(300, ev.path("examples").asInt());
        assertEquals(10, ev.path("confusion_matrix").size());
        assertEquals(10, ev.path("per_class").size());
        long total = 0;
        for (JsonNode row : ev.path("confusion_matrix")) {
            for (JsonNode c : row) {
                total += c.asLong();
            }
        }
        assertEquals(300, total);
    }

    @Test
    void predictReadsPngsOfAnySizeAndPolarity() throws IOException {
        // class 7: block at rows 12..15, columns 14..25 (see SyntheticMnist), drawn dark on light at 56x56
        BufferedImage img = new BufferedImage(56, 56, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 56; y++) {
            for (int x = 0; x < 56; x++) {
                boolean on = y / 2 >= 12 && y / 2 < 16 && x / 2 >= 14 && x / 2 < 26;
                img.getRaster().setSample(x, y, 0, on ? 0 : 255);
            }
        }
        Path png = tmp.resolve("seven.png");
        ImageIO.write(img, "png", png.toFile());
        TestCli.Outcome o = TestCli.run("lenet", "predict", "--model", run.resolve("model.zip").toString(),
                png.toString());
        assertEquals(0, o.exit(), o.toString());
        assertTrue(o.out().startsWith(png + ": 7 "), o.out());
        assertTrue(o.out().contains("probabilities: 0="), o.out());
    }

    @Test
    void predictRejectsUnreadableImagesAndMissingModels() throws IOException {
        Path junk = tmp.resolve("junk.png");
        Files.writeString(junk, "not an image");
        TestCli.Outcome o = TestCli.run("lenet", "predict", "--model", run.toString(), junk.toString());
        assertEquals(2, o.exit(), o.toString());
        assertTrue(o.err().contains("junk.png"), o.toString());
        TestCli.Outcome m = TestCli.run("lenet", "eval", "--model", tmp.resolve("no-such-run").toString());
        assertEquals(2, m.exit(), m.toString());
    }

    @Test
    void corruptDataExits2NamingTheFileAndWritesNothing() throws IOException {
        Path bad = tmp.resolve("bad-data");
        SyntheticMnist.write(bad, 300, 50);
        byte[] b = Files.readAllBytes(bad.resolve("train-images-idx3-ubyte"));
        Files.write(bad.resolve("train-images-idx3-ubyte"), Arrays.copyOf(b, b.length / 2));
        Path root = tmp.resolve("bad-models");
        TestCli.Outcome o = TestCli.run("lenet", "--data-dir", bad.toString(), "--runs-root", root.toString());
        assertEquals(2, o.exit(), o.toString());
        assertTrue(o.err().contains("train-images-idx3-ubyte") && o.err().contains("truncated"), o.toString());
        assertFalse(Files.exists(root), "no run directory for bad data");
        TestCli.Outcome missing = TestCli.run("lenet", "--data-dir", tmp.resolve("empty").toString(), "--runs-root",
                root.toString());
        assertEquals(2, missing.exit());
        assertTrue(missing.err().contains("fetch-data.sh"), missing.toString());
    }

    @Test
    void divergenceStopsWithExit1AndKeepsTheSummary() throws IOException {
        String[] args = Stream.concat(Stream.of("lenet", "--config", "mnist-mlp"), Stream.of(tiny(
                "--run-name", "diverge", "--set", "train.updater.type=sgd", "--set", "train.updater.lr=1e10",
                "--set", "train.updater.schedule.type=none"))).toArray(String[]::new);
        TestCli.Outcome o = TestCli.run(args);
        assertEquals(1, o.exit(), o.toString());
        assertTrue(o.err().contains("diverged"), o.toString());
        assertEquals(1, o.err().strip().lines().count(), o.err());
        try (Stream<Path> s = Files.list(tmp.resolve("models/lenet"))) {
            Path d = s.filter(p -> p.getFileName().toString().endsWith("-diverge")).findFirst().orElseThrow();
            assertEquals("diverged", ConfigLoader.json().readTree(d.resolve("summary.json").toFile())
                    .path("status").asText());
            assertFalse(Files.exists(d.resolve("model.zip")));
        }
    }
}
