package dev.dlp.scale;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dlp.SyntheticMnist;
import dev.dlp.TestCli;
import dev.dlp.config.ConfigLoader;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code train.distributed: {engine: parallel_wrapper}} (DL4J's ParallelWrapper, 2 workers on the CPU) against the
 * same run in dlp's own loop, its resume from an epoch checkpoint, and its config errors.
 */
class ParallelWrapperTest {
    @TempDir
    static Path tmp;
    static Path data;

    @BeforeAll
    static void data() throws IOException {
        data = tmp.resolve("data");
        SyntheticMnist.write(data, 1000, 200);
    }

    private static TestCli.Outcome lenet(Path root, String name, String... more) {
        List<String> args = new ArrayList<>(List.of("lenet", "--config", "mnist-mlp", "--data-dir", data.toString(),
                "--runs-root", root.toString(), "-q", "--run-name", name, "--set", "data.val_size=100"));
        args.addAll(Arrays.asList(more));
        return TestCli.run(args.toArray(String[]::new));
    }

    private static Path run(Path root, String name) throws IOException {
        try (Stream<Path> s = Files.list(root.resolve("lenet"))) {
            return s.filter(p -> p.getFileName().toString().endsWith("-" + name)).findFirst().orElseThrow();
        }
    }

    private static JsonNode summary(Path run) throws IOException {
        return ConfigLoader.json().readTree(run.resolve("summary.json").toFile());
    }

    /** metrics.csv without its timing columns (samples_per_sec, elapsed_s). */
    private static List<String> results(Path run) throws IOException {
        return Files.readAllLines(run.resolve("metrics.csv")).stream()
                .map(l -> String.join(",", Arrays.asList(l.split(",")).subList(0, 6))).toList();
    }

    @Test
    void twoWorkersTrainWithinTwoPointsOfOneProcessAndSavePlainDl4jModels() throws IOException {
        Path root = tmp.resolve("compare");
        TestCli.Outcome one = lenet(root, "single", "--set", "train.epochs=3");
        assertEquals(0, one.exit(), one.toString());
        TestCli.Outcome pw = lenet(root, "pw", "--set", "train.epochs=3",
                "--set", "train.distributed.engine=parallel_wrapper", "--set", "train.distributed.workers=2",
                "--set", "train.distributed.averaging_frequency=2");
        assertEquals(0, pw.exit(), pw.toString());

        double a1 = summary(run(root, "single")).path("test").path("accuracy").asDouble();
        Path dir = run(root, "pw");
        JsonNode s = summary(dir);
        double a2 = s.path("test").path("accuracy").asDouble();
        assertTrue(a1 > 0.9, "one process " + a1);
        assertTrue(Math.abs(a1 - a2) <= 0.02, "ParallelWrapper " + a2 + " vs one process " + a1);
        JsonNode d = s.path("distributed");
        assertEquals("parallel_wrapper", d.path("engine").asText(), s.toString());
        assertEquals(2, d.path("workers").asInt());
        assertEquals(2, d.path("averaging_frequency").asInt());
        assertEquals(3, s.path("epochs_completed").asInt());
        List<String> rows = results(dir);
        assertEquals(4, rows.size(), "a header and one row per epoch: " + rows);
        double firstLoss = Double.parseDouble(rows.get(1).split(",")[2]);
        double lastLoss = Double.parseDouble(rows.get(3).split(",")[2]);
        assertTrue(lastLoss < firstLoss, "train_loss falls over the epochs: " + rows);
        ComputationGraph plain = ModelSerializer.restoreComputationGraph(dir.resolve("model.zip").toFile(), false);
        assertTrue(s.path("portable").asBoolean(), s.toString());
        for (org.deeplearning4j.nn.api.Layer l : plain.getLayers()) {
            assertTrue(l.conf().getLayer().getClass().getName().startsWith("org.deeplearning4j."),
                    "DL4J's own layer classes in model.zip: " + l.conf().getLayer().getClass());
        }
    }

    @Test
    void aResumedRunEqualsOneThatWasNotStopped() throws IOException {
        Path root = tmp.resolve("resume");
        String[] pw = {"--set", "train.distributed.engine=parallel_wrapper", "--set", "train.distributed.workers=2"};
        TestCli.Outcome straight = lenet(root, "straight", concat(pw, "--set", "train.epochs=2"));
        assertEquals(0, straight.exit(), straight.toString());
        TestCli.Outcome first = lenet(root, "stopped", concat(pw, "--set", "train.epochs=1"));
        assertEquals(0, first.exit(), first.toString());
        TestCli.Outcome more = TestCli.run("lenet", "-q", "--resume", run(root, "stopped").toString(),
                "--data-dir", data.toString(), "--set", "train.epochs=2");
        assertEquals(0, more.exit(), more.toString());
        // the workers' replicas start from the parameters of the epoch's start (no race with worker 0), and the
        // averaging clock restarts every epoch: the resumed epoch 2 is the uninterrupted one's, digit for digit
        assertEquals(results(run(root, "straight")), results(run(root, "stopped")));
    }

    @Test
    void theMinibatchesAfterTheLastAveragingAreCounted() {
        assertEquals(0, ParallelWrapperTrainer.unaveragedBatches(100, 2, 5), "50 rounds, averaged at 50");
        assertEquals(4, ParallelWrapperTrainer.unaveragedBatches(28, 2, 5), "14 rounds: worker 1's last 4");
        assertEquals(2, ParallelWrapperTrainer.unaveragedBatches(15, 2, 5), "8 rounds, the last with worker 0 only");
        assertEquals(0, ParallelWrapperTrainer.unaveragedBatches(7, 3, 1));
    }

    @Test
    void oneWorkerOrAnUnknownEngineIsBadInputNamingTheKey() {
        Path root = tmp.resolve("bad");
        TestCli.Outcome one = lenet(root, "one", "--set", "train.distributed.engine=parallel_wrapper",
                "--set", "train.distributed.workers=1");
        assertEquals(2, one.exit(), one.toString());
        assertTrue(one.err().contains("train.distributed.workers"), one.err());
        TestCli.Outcome typo = lenet(root, "typo", "--set", "train.distributed.engine=parallel_wraper");
        assertEquals(2, typo.exit(), typo.toString());
        assertTrue(typo.err().contains("parallel_wrapper"), "suggests the nearest engine: " + typo.err());
        TestCli.Outcome stats = lenet(root, "stats", "--set", "train.distributed.engine=parallel_wrapper", "--stats");
        assertEquals(2, stats.exit(), stats.toString());
        assertTrue(stats.err().contains("train.stats"), stats.err());
        assertTrue(!Files.exists(root.resolve("lenet")) || root.resolve("lenet").toFile().list().length == 0,
                "nothing written");
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
