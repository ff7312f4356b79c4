package dev.dlp;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dlp.config.ConfigLoader;
import dev.dlp.train.MetricsLog;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a kill, a crash or a full disk leaves behind, and what {@code --resume} and {@code dlp runs} make of it:
 * the states are made as a SIGKILL at that moment leaves them (a run directory with its config and a summary
 * saying running, the checkpoints so far); {@code scripts/soak.sh} does the same with real SIGKILLs.
 */
class FailuresTest {
    @TempDir
    static Path tmp;
    static Path data;
    /** An uninterrupted 3-epoch run: what every resumed run must end at. */
    static Path straight;

    static List<String> args(String name, String... more) {
        List<String> a = new ArrayList<>(List.of("lenet", "--config", "mnist-mlp", "--data-dir", data.toString(),
                "--runs-root", tmp.resolve("models").toString(), "-q", "--run-name", name, "--set",
                "data.val_size=100", "--set", "model.layers.fc1.n_out=16", "--set", "train.epochs=3", "--set",
                "checkpoint.keep_last=5"));
        a.addAll(List.of(more));
        return a;
    }

    static TestCli.Outcome run(List<String> args) {
        return TestCli.run(args.toArray(String[]::new));
    }

    /** Runs the CLI with the log (which goes to the process's stderr) captured too, in {@code err}. */
    static TestCli.Outcome withLog(String... args) {
        java.io.PrintStream before = System.err;
        java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(log, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            TestCli.Outcome o = TestCli.run(args);
            return new TestCli.Outcome(o.exit(), o.out(), log.toString(java.nio.charset.StandardCharsets.UTF_8)
                    + o.err());
        } finally {
            System.setErr(before);
        }
    }

    static Path runDir(String name) throws IOException {
        try (Stream<Path> s = Files.list(tmp.resolve("models").resolve("lenet"))) {
            return s.filter(p -> p.getFileName().toString().endsWith("-" + name)).findFirst().orElseThrow();
        }
    }

    @BeforeAll
    static void uninterrupted() throws IOException {
        data = tmp.resolve("data");
        SyntheticMnist.write(data, 700, 50);
        TestCli.Outcome o = run(args("straight"));
        assertEquals(0, o.exit(), o.toString());
        straight = runDir("straight");
    }

    private static void assertSameModel(Path expectedRun, Path actualRun) throws IOException {
        ComputationGraph a = ModelSerializer.restoreComputationGraph(expectedRun.resolve("model.zip").toFile(), true);
        ComputationGraph b = ModelSerializer.restoreComputationGraph(actualRun.resolve("model.zip").toFile(), true);
        INDArray d = a.params().sub(b.params());
        assertEquals(0.0, d.amaxNumber().doubleValue(), 1e-6, "parameters differ from the uninterrupted run's");
        assertEquals(0.0, a.getUpdater().getStateViewArray().sub(b.getUpdater().getStateViewArray()).amaxNumber()
                .doubleValue(), 1e-6, "updater state differs");
        assertEquals(new MetricsLog(expectedRun).rows().stream().map(r -> r.get("train_loss")).toList(),
                new MetricsLog(actualRun).rows().stream().map(r -> r.get("train_loss")).toList());
    }

    /** Makes {@code run} look like a process killed with SIGKILL: summary running, its pid gone. */
    private static void killed(Path run) throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        ObjectNode s = (ObjectNode) ConfigLoader.json().readTree(run.resolve("summary.json").toFile());
        s.put("status", "running");
        ((ObjectNode) s.get("process")).put("pid", p.pid());
        Files.writeString(run.resolve("summary.json"), s.toPrettyString());
    }

    @Test
    void killedBeforeTheFirstCheckpointStartsAgainInTheSameDirectory() throws Exception {
        assertEquals(0, run(args("early")).exit());
        Path run = runDir("early");
        // what a kill during epoch 1 leaves: config, summary, maybe a partial metrics file; no checkpoint, no model
        try (Stream<Path> s = Files.list(run.resolve("checkpoints"))) {
            for (Path p : s.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(run.resolve("model.zip"));
        new MetricsLog(run).truncateAfter(0);
        killed(run);
        TestCli.Outcome o = withLog("lenet", "--resume", run.toString(), "--data-dir", data.toString(), "-q");
        assertEquals(0, o.exit(), o.toString());
        assertTrue(o.err().contains("no checkpoint yet"), o.err());
        assertSameModel(straight, run);
        assertTrue(ConfigLoader.json().readTree(run.resolve("summary.json").toFile()).has("restarted"));
    }

    @Test
    void killedDuringTheReportFinishesTheReportOnResume() throws Exception {
        assertEquals(0, run(args("report")).exit());
        Path run = runDir("report");
        // training done (the last checkpoint and model.zip written), killed during the test-set evaluation
        ObjectNode s = (ObjectNode) ConfigLoader.json().readTree(run.resolve("summary.json").toFile());
        s.remove("test");
        s.remove("main_metric");
        Files.writeString(run.resolve("summary.json"), s.toPrettyString());
        killed(run);
        TestCli.Outcome o = TestCli.run("lenet", "--resume", run.toString(), "--data-dir", data.toString(), "-q");
        assertEquals(0, o.exit(), o.toString());
        var after = ConfigLoader.json().readTree(run.resolve("summary.json").toFile());
        var expected = ConfigLoader.json().readTree(straight.resolve("summary.json").toFile());
        assertEquals("completed", after.path("status").asText());
        assertEquals(expected.path("test"), after.path("test"));
        assertEquals(expected.path("final").path("train_loss"), after.path("final").path("train_loss"),
                "the final row comes from metrics when no epoch is left to train");
    }

    @Test
    void aCorruptNewestCheckpointFallsBackToTheOneBefore() throws Exception {
        assertEquals(0, run(args("corrupt", "--set", "train.epochs=2")).exit());
        Path run = runDir("corrupt");
        Path newest = run.resolve("checkpoints").resolve("checkpoint-e0002-b000000.zip");
        byte[] bytes = Files.readAllBytes(newest);
        Files.write(newest, Arrays.copyOf(bytes, bytes.length / 2));   // truncated, as by a crash
        killed(run);
        TestCli.Outcome o = withLog("lenet", "--resume", run.toString(), "--data-dir", data.toString(), "-q",
                "--set", "train.epochs=3");
        assertEquals(0, o.exit(), o.toString());
        assertTrue(o.err().contains("checkpoint-e0002-b000000.zip is unreadable"), o.err());
        assertTrue(Files.exists(newest.resolveSibling("checkpoint-e0002-b000000.zip.corrupt")));
        assertSameModel(straight, run);
    }

    /** The mid-epoch checkpoint of epoch 2 at batch 6 (iteration 16) of a run with one every 4 iterations. */
    private static final String AT_E2_B6 = "checkpoint-e0001-b000006.zip";

    /**
     * Makes {@code run} look killed right after its checkpoint {@code checkpoint} (which must exist): every later
     * checkpoint, the model and the metrics after epoch 1 gone, summary running with a dead pid.
     */
    private static void killedAfter(Path run, String checkpoint) throws Exception {
        assertTrue(Files.exists(run.resolve("checkpoints").resolve(checkpoint)), checkpoint);
        try (Stream<Path> s = Files.list(run.resolve("checkpoints"))) {
            for (Path p : s.toList()) {
                if (p.getFileName().toString().compareTo(checkpoint) > 0) {
                    Files.delete(p);
                }
            }
        }
        Files.delete(run.resolve("model.zip"));
        new MetricsLog(run).truncateAfter(1);
        killed(run);
    }

    @Test
    void midEpochCheckpointsResumeExactly() throws Exception {
        // 600 training examples at batch 64: 10 iterations an epoch; a checkpoint every 4 iterations
        assertEquals(0, run(args("mid", "--set", "checkpoint.every_iterations=4", "--set",
                "checkpoint.keep_last=20")).exit());
        Path run = runDir("mid");
        List<Path> mid;
        try (Stream<Path> s = Files.list(run.resolve("checkpoints"))) {
            mid = s.filter(p -> !p.getFileName().toString().endsWith("-b000000.zip")).sorted().toList();
        }
        assertTrue(mid.size() >= 4, mid.toString());
        // killed in epoch 2 after its checkpoint at batch 6 (iteration 16): everything after it is lost
        assertTrue(Files.exists(run.resolve("checkpoints").resolve(AT_E2_B6)), mid.toString());
        killedAfter(run, AT_E2_B6);
        TestCli.Outcome o = TestCli.run("lenet", "--resume", run.toString(), "--data-dir", data.toString(), "-q");
        assertEquals(0, o.exit(), o.toString());
        assertSameModel(straight, run);
    }

    @Test
    void twoWorkersFollowTheOneWorkerRunAndResumeExactly() throws Exception {
        assertEquals(0, run(args("workers", "--set", "train.workers=2", "--set", "checkpoint.every_iterations=4",
                "--set", "checkpoint.keep_last=20")).exit());
        Path run = runDir("workers");
        com.fasterxml.jackson.databind.JsonNode w = ConfigLoader.json().readTree(run.resolve("summary.json")
                .toFile()).path("workers");
        assertEquals(2, w.path("used").asInt(), w.toString());
        assertEquals("even", w.path("split").asText(), w.toString());
        assertEquals(0.5, w.path("training_thread_share").asDouble(), 0.0, w.toString());
        assertTrue(w.path("split_steps").asLong() >= 30, w.toString());
        // the last epoch's steps (3 epochs of equal length), with their median and 90th percentile
        com.fasterxml.jackson.databind.JsonNode recent = w.path("recent_split_steps");
        assertEquals(3, recent.path("epoch").asInt(), w.toString());
        assertEquals(w.path("split_steps").asLong() / 3, recent.path("steps").asLong(), w.toString());
        assertTrue(recent.path("p90_ms").path("step").asDouble() >= recent.path("median_ms").path("step").asDouble(),
                w.toString());
        // the batches are gathered on a thread of their own only when a core is left free by the workers
        assertEquals(dev.dlp.config.TrainConfig.cores() > 2, ConfigLoader.json().readTree(
                run.resolve("summary.json").toFile()).path("prefetch_thread").asBoolean(true));
        // the same trajectory as one worker, up to float rounding (the gradient is summed in two slices)
        ComputationGraph one = ModelSerializer.restoreComputationGraph(straight.resolve("model.zip").toFile(), true);
        ComputationGraph two = ModelSerializer.restoreComputationGraph(run.resolve("model.zip").toFile(), true);
        assertEquals(0.0, one.params().sub(two.params()).amaxNumber().doubleValue(), 1e-4);
        // killed in epoch 2 after its checkpoint at batch 6, resumed (with 2 workers, from its config): the
        // uninterrupted 2-worker run, exactly
        Path copy = tmp.resolve("workers-straight");
        Files.createDirectories(copy);
        Files.copy(run.resolve("model.zip"), copy.resolve("model.zip"));
        Files.copy(run.resolve("metrics.csv"), copy.resolve("metrics.csv"));
        killedAfter(run, AT_E2_B6);
        TestCli.Outcome o = TestCli.run("lenet", "--resume", run.toString(), "--data-dir", data.toString(), "-q");
        assertEquals(0, o.exit(), o.toString());
        assertSameModel(copy, run);
    }

    @Test
    void aTimedCutTrainsTheOneWorkerTrajectoryToo() throws Exception {
        assertEquals(0, run(args("timed", "--set", "train.workers=2", "--set", "train.split=timed")).exit());
        Path run = runDir("timed");
        com.fasterxml.jackson.databind.JsonNode w = ConfigLoader.json().readTree(run.resolve("summary.json")
                .toFile()).path("workers");
        assertEquals("timed", w.path("split").asText(), w.toString());
        double share = w.path("training_thread_share").asDouble();
        assertTrue(share >= 0.25 && share <= 0.75, w.toString());
        assertTrue(w.path("cut_moves").isNumber(), w.toString());
        ComputationGraph one = ModelSerializer.restoreComputationGraph(straight.resolve("model.zip").toFile(), true);
        ComputationGraph two = ModelSerializer.restoreComputationGraph(run.resolve("model.zip").toFile(), true);
        assertEquals(0.0, one.params().sub(two.params()).amaxNumber().doubleValue(), 1e-4);
    }

    @Test
    void aWriteFailureIsOneLineExitOneAndTheRunSaysFailed() throws Exception {
        assertEquals(0, run(args("nowrite", "--set", "train.epochs=1")).exit());
        Path run = runDir("nowrite");
        // the checkpoint directory cannot be written (as on a full disk: every write fails)
        try (Stream<Path> s = Files.list(run.resolve("checkpoints"))) {
            for (Path p : s.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(run.resolve("checkpoints"));
        Files.writeString(run.resolve("checkpoints"), "not a directory");
        TestCli.Outcome o = TestCli.run("lenet", "--resume", run.toString(), "--data-dir", data.toString(), "-q");
        assertEquals(1, o.exit(), o.toString());
        List<String> lines = o.err().lines().filter(l -> !l.isBlank()).toList();
        String last = lines.get(lines.size() - 1);
        assertTrue(last.startsWith("dlp: error: cannot write " + run.resolve("checkpoints")), o.err());
        assertFalse(o.err().contains("\tat "), "no stack trace: " + o.err());
        assertFalse(o.err().contains("Exception"), o.err());
        assertEquals("failed", ConfigLoader.json().readTree(run.resolve("summary.json").toFile()).path("status")
                .asText());
    }

    @Test
    void aKilledRunShowsAsDead() throws Exception {
        assertEquals(0, run(args("dead", "--set", "train.epochs=1")).exit());
        Path run = runDir("dead");
        killed(run);
        TestCli.Outcome all = TestCli.run("runs", "lenet", "--runs-root", tmp.resolve("models").toString(), "--csv");
        assertEquals(0, all.exit(), all.toString());
        String row = all.out().lines().filter(l -> l.startsWith(run.getFileName() + ",")).findFirst().orElseThrow();
        assertTrue(row.startsWith(run.getFileName() + ",dead,"), row);
        TestCli.Outcome dead = TestCli.run("runs", "lenet", "--runs-root", tmp.resolve("models").toString(), "--csv",
                "--status", "dead");
        assertEquals(2, dead.out().lines().count(), "header and the dead run: " + dead.out());
        // this process is alive: a run recording it is running
        ObjectNode s = (ObjectNode) ConfigLoader.json().readTree(run.resolve("summary.json").toFile());
        s.set("process", ConfigLoader.json().valueToTree(dev.dlp.run.Liveness.thisProcess()));
        Files.writeString(run.resolve("summary.json"), s.toPrettyString());
        TestCli.Outcome alive = TestCli.run("runs", "lenet", "--runs-root", tmp.resolve("models").toString(),
                "--csv", "--status", "running");
        assertTrue(alive.out().contains(run.getFileName() + ",running,"), alive.out());
    }

    @Test
    void badInputIsFoundBeforeTheRunDirectory() throws Exception {
        Path root = tmp.resolve("bad-models");
        TestCli.Outcome classes = TestCli.run("lenet", "--config", "mnist-mlp", "--data-dir", data.toString(),
                "--runs-root", root.toString(), "-q", "--set", "model.layers.out.n_out=8", "--set", "data.val_size=100");
        assertEquals(2, classes.exit(), classes.toString());
        assertTrue(classes.err().contains("model.layers.out.n_out: is 8 but the data has 10"), classes.err());
        Path file = tmp.resolve("a-file");
        Files.writeString(file, "x");
        TestCli.Outcome rootIsFile = TestCli.run("lenet", "--data-dir", data.toString(), "--runs-root",
                file.toString(), "-q", "--set", "data.val_size=100");
        assertEquals(2, rootIsFile.exit(), rootIsFile.toString());
        assertTrue(rootIsFile.err().contains("--runs-root: not a directory"), rootIsFile.err());
        TestCli.Outcome badName = TestCli.run("lenet", "--data-dir", data.toString(), "--runs-root", root.toString(),
                "-q", "--run-name", "a/b");
        assertEquals(2, badName.exit(), badName.toString());
        Path binary = tmp.resolve("binary.csv");
        Files.write(binary, new byte[]{'a', ',', 'b', '\n', 0x1f, (byte) 0x8b, 8, 0, 0, 0, '\n', (byte) 0xff, 1});
        TestCli.Outcome csv = TestCli.run("regress", "--data", binary.toString(), "--runs-root", root.toString(),
                "-q");
        assertEquals(2, csv.exit(), csv.toString());
        assertTrue(csv.err().contains(binary.toString()), csv.err());
        assertFalse(Files.exists(root), "nothing written for bad input");
    }
}
