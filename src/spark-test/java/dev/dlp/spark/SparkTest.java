package dev.dlp.spark;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dlp.SyntheticMnist;
import dev.dlp.TestCli;
import dev.dlp.config.ConfigLoader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * dlp's Spark build on {@code local[2]}: a sweep whose points run as Spark tasks, and a lenet run trained by DL4J's
 * parameter averaging, against the same run in one process. (Run by .ci/run's Spark step:
 * {@code mvn -Pspark test -Dtest='Spark*'}.)
 */
class SparkTest {
    @TempDir
    static Path tmp;
    static Path data;

    @BeforeAll
    static void data() throws IOException {
        data = tmp.resolve("data");
        SyntheticMnist.write(data, 1000, 200);
    }

    static List<Path> runs(Path root, String pipeline) throws IOException {
        if (!Files.isDirectory(root.resolve(pipeline))) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(root.resolve(pipeline))) {
            return s.filter(Files::isDirectory).sorted().toList();
        }
    }

    @Test
    void sweepPointsRunAsSparkTasks() throws IOException {
        Path root = tmp.resolve("sweep-models");
        TestCli.Outcome o = TestCli.run("sweep", "lenet", "--config", "mnist-softmax", "--spark", "local[2]",
                "--grid", "train.updater.lr=0.001,0.01", "--set", "train.epochs=1", "--set", "data.val_size=100",
                "--data-dir", data.toString(), "--runs-root", root.toString());
        assertEquals(0, o.exit(), o.toString());
        assertTrue(o.out().contains("one Spark task each on local[2]"), o.out());
        assertTrue(o.out().contains("2 of 2 points completed"), o.out());
        assertEquals(2, o.out().lines().filter(l -> l.startsWith("spark task ")).count(), o.out());
        List<Path> runs = runs(root, "lenet");
        assertEquals(2, runs.size(), "one run directory per point: " + runs);
        List<String> lrs = new ArrayList<>();
        for (Path r : runs) {
            JsonNode summary = ConfigLoader.json().readTree(r.resolve("summary.json").toFile());
            assertEquals("completed", summary.path("status").asText());
            lrs.add(ConfigLoader.yaml().readTree(r.resolve("config.yaml").toFile()).path("train").path("updater")
                    .path("lr").asText());
        }
        assertEquals(List.of("0.001", "0.01"), lrs.stream().sorted().toList());
        Path sweep;
        try (Stream<Path> s = Files.list(root.resolve("sweeps"))) {
            sweep = s.findFirst().orElseThrow();
        }
        assertTrue(Files.isRegularFile(sweep.resolve("sweep.csv")));
    }

    @Test
    void parameterAveragingTrainsWithinTwoPointsOfOneProcess() throws IOException {
        Path root = tmp.resolve("dist-models");
        List<String> common = List.of("lenet", "--config", "mnist-mlp", "--data-dir", data.toString(), "--runs-root",
                root.toString(), "-q", "--set", "train.epochs=3", "--set", "data.val_size=100");
        List<String> single = new ArrayList<>(common);
        single.addAll(List.of("--run-name", "single"));
        TestCli.Outcome one = TestCli.run(single.toArray(String[]::new));
        assertEquals(0, one.exit(), one.toString());
        List<String> dist = new ArrayList<>(common);
        dist.addAll(List.of("--run-name", "spark", "--set", "train.distributed.engine=spark", "--set",
                "train.distributed.master=local[2]", "--set", "train.distributed.averaging_frequency=3"));
        TestCli.Outcome spark = TestCli.run(dist.toArray(String[]::new));
        assertEquals(0, spark.exit(), spark.toString());

        JsonNode s1 = summary(root, "single");
        JsonNode s2 = summary(root, "spark");
        double a1 = s1.path("test").path("accuracy").asDouble();
        double a2 = s2.path("test").path("accuracy").asDouble();
        assertTrue(a1 > 0.9, "single-process accuracy " + a1);
        assertTrue(Math.abs(a1 - a2) <= 0.02, "parameter averaging " + a2 + " vs one process " + a1);
        assertEquals("spark", s2.path("distributed").path("engine").asText(), s2.toString());
        assertEquals(2, s2.path("distributed").path("workers").asInt());
        assertEquals(3, s2.path("epochs_completed").asInt());
        Path run = runs(root, "lenet").stream().filter(p -> p.toString().endsWith("-spark")).findFirst().orElseThrow();
        assertTrue(Files.isRegularFile(run.resolve("model.zip")));
        assertEquals(4, Files.readAllLines(run.resolve("metrics.csv")).size(), "a header and one row per epoch");
    }

    @Test
    void aDistributedRunResumesFromItsEpochCheckpoint() throws IOException {
        Path root = tmp.resolve("resume-models");
        TestCli.Outcome first = TestCli.run("lenet", "--config", "mnist-softmax", "--data-dir", data.toString(),
                "--runs-root", root.toString(), "-q", "--set", "train.epochs=1", "--set", "data.val_size=100",
                "--set", "train.distributed.engine=spark", "--set", "train.distributed.master=local[2]",
                "--run-name", "more");
        assertEquals(0, first.exit(), first.toString());
        Path run = runs(root, "lenet").get(0);
        TestCli.Outcome more = TestCli.run("lenet", "-q", "--resume", run.toString(), "--data-dir", data.toString(),
                "--set", "train.epochs=2");
        assertEquals(0, more.exit(), more.toString());
        JsonNode s = summary(root, "more");
        assertEquals(2, s.path("epochs_completed").asInt(), s.toString());
        assertEquals("spark", s.path("distributed").path("engine").asText());
        List<String> rows = Files.readAllLines(run.resolve("metrics.csv"));
        assertEquals(3, rows.size(), "epoch 1 kept, epoch 2 trained after the resume: " + rows);
        assertTrue(rows.get(2).startsWith("2,"), rows.toString());
    }

    static JsonNode summary(Path root, String name) throws IOException {
        Path run = runs(root, "lenet").stream().filter(p -> p.toString().endsWith("-" + name)).findFirst()
                .orElseThrow();
        return ConfigLoader.json().readTree(run.resolve("summary.json").toFile());
    }
}
