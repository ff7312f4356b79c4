package dev.dlp.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dlp.SyntheticMnist;
import dev.dlp.TestCli;
import dev.dlp.config.ConfigLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A real sweep of tiny lenet runs as child processes, two at a time, with a failing point; then runs and resume. */
class SweepTest {
    @TempDir
    Path tmp;

    @Test
    void sweepRunsPointsInParallelRecordsFailuresAndResumesOnlyUnfinishedOnes() throws IOException {
        Path data = tmp.resolve("data");
        SyntheticMnist.write(data, 400, 50);
        Path root = tmp.resolve("models");
        TestCli.Outcome o = TestCli.run("sweep", "lenet", "--config", "mnist-softmax", "--data-dir", data.toString(),
                "--runs-root", root.toString(), "--grid", "train.batch_size=16,32", "--grid",
                "data.val_size=100,1000", "--set", "train.epochs=1", "--parallel", "2");
        assertEquals(1, o.exit(), "a failed point makes the sweep exit 1: " + o);
        Path sweepDir;
        try (Stream<Path> s = Files.list(root.resolve("sweeps"))) {
            sweepDir = s.findFirst().orElseThrow();
        }
        JsonNode doc = ConfigLoader.json().readTree(sweepDir.resolve("sweep.json").toFile());
        assertEquals(4, doc.path("points").size());
        Set<String> runDirs = new HashSet<>();
        int completed = 0;
        for (JsonNode p : doc.path("points")) {
            // 1000 validation examples of 400: the config is valid, the data refuses it (when the point runs)
            boolean bad = p.path("overrides").path("data.val_size").asText().equals("1000");
            assertEquals(bad ? "failed" : "completed", p.path("status").asText(), p.toString());
            if (bad) {
                assertEquals(2, p.path("exit_code").asInt(), "bad input: exit 2");
                assertTrue(p.path("error").asText().contains("data.val_size"), p.toString());
            } else {
                completed++;
                assertTrue(runDirs.add(p.path("run_dir").asText()), "parallel points never share a run dir");
                JsonNode summary = ConfigLoader.json().readTree(Path.of(p.path("run_dir").asText())
                        .resolve("summary.json").toFile());
                assertEquals(doc.path("id").asText(), summary.path("sweep").path("id").asText());
                assertEquals("test_accuracy", p.path("main_metric").path("name").asText());
                assertEquals(1, summary.path("threads").asInt(), "2 cores / 2 parallel points = 1 thread each");
            }
        }
        assertEquals(2, completed);
        List<String> csv = Files.readAllLines(sweepDir.resolve("sweep.csv"));
        assertEquals(5, csv.size());
        assertTrue(csv.get(1).contains("completed") && csv.get(4).contains("failed"), "sorted: completed first");
        assertTrue(o.out().contains("2 of 4 points completed"), o.out());

        TestCli.Outcome runs = TestCli.run("runs", "lenet", "--runs-root", root.toString(), "--sweep",
                doc.path("id").asText());
        assertEquals(0, runs.exit(), runs.toString());
        String[] lines = runs.out().strip().split("\n");
        assertEquals(3, lines.length, runs.out());
        assertTrue(lines[0].contains("train.batch_size"), "differing keys are columns: " + lines[0]);
        assertTrue(!lines[0].contains("train.epochs"), "keys that agree are not: " + lines[0]);
        // the same runs as curves: one PNG, a curve per run, labelled by the keys that differ
        Path png = tmp.resolve("val_loss.png");
        TestCli.Outcome plot = TestCli.run("runs", "lenet", "--runs-root", root.toString(), "--plot", "val_loss",
                "--out", png.toString());
        assertEquals(0, plot.exit(), plot.toString());
        assertTrue(plot.out().contains("(2 runs)"), plot.out());
        assertTrue(javax.imageio.ImageIO.read(png.toFile()).getWidth() >= 900);
        TestCli.Outcome badMetric = TestCli.run("runs", "lenet", "--runs-root", root.toString(), "--plot", "val_los");
        assertEquals(2, badMetric.exit(), badMetric.toString());
        assertTrue(badMetric.err().contains("did you mean 'val_loss'"), badMetric.err());

        // the driver killed before it recorded a point that went on to complete: sweep.json still says running
        com.fasterxml.jackson.databind.node.ObjectNode edited = (com.fasterxml.jackson.databind.node.ObjectNode) doc
                .deepCopy();
        int adopted = -1;
        for (JsonNode p : edited.path("points")) {
            if (adopted < 0 && p.path("status").asText().equals("completed")) {
                adopted = p.path("index").asInt();
                ((com.fasterxml.jackson.databind.node.ObjectNode) p).put("status", "running");
                ((com.fasterxml.jackson.databind.node.ObjectNode) p).remove("run_dir");
            }
        }
        Files.writeString(sweepDir.resolve("sweep.json"), edited.toPrettyString());
        TestCli.Outcome resumed = TestCli.run("sweep", "--resume", sweepDir.toString());
        assertEquals(1, resumed.exit());
        assertTrue(resumed.out().contains("4 points, 3 to run"), resumed.out());
        JsonNode after = ConfigLoader.json().readTree(sweepDir.resolve("sweep.json").toFile());
        for (int i = 0; i < 4; i++) {
            if (doc.path("points").get(i).path("status").asText().equals("completed")) {
                assertEquals(doc.path("points").get(i).path("run_dir"), after.path("points").get(i).path("run_dir"),
                        "finished points are not rerun");
            }
        }
        try (Stream<Path> s = Files.list(root.resolve("lenet"))) {
            assertEquals(2, s.count(), "no new run directories for finished points");
        }
    }

    @Test
    void aPlannedSweepRunByTwoConcurrentWorkersRunsEachPointOnce() throws Exception {
        Path data = tmp.resolve("data");
        SyntheticMnist.write(data, 300, 50);
        Path root = tmp.resolve("models");
        TestCli.Outcome plan = TestCli.run("sweep", "lenet", "--config", "mnist-softmax", "--data-dir", data.toString(),
                "--runs-root", root.toString(), "--grid", "train.batch_size=16,32", "--grid",
                "train.updater.lr=0.01,0.02", "--set", "train.epochs=1", "--set", "data.val_size=50", "--plan");
        assertEquals(0, plan.exit(), plan.toString());
        assertTrue(plan.out().contains("planned (4 points, none run)"), plan.out());
        Path sweepDir;
        try (Stream<Path> s = Files.list(root.resolve("sweeps"))) {
            sweepDir = s.findFirst().orElseThrow();
        }
        assertTrue(!Files.exists(root.resolve("lenet")), "planning runs nothing");
        // two workers race over the same plan (as two machines sharing the runs root would)
        List<Process> workers = new java.util.ArrayList<>();
        for (int w = 0; w < 2; w++) {
            List<String> cmd = new java.util.ArrayList<>(Sweep.javaCommand());
            cmd.addAll(List.of("sweep", "run", "--sweep", sweepDir.toString()));
            workers.add(new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(tmp.resolve("worker-" + w + ".log").toFile()).start());
        }
        for (Process w : workers) {
            assertTrue(w.waitFor(240, java.util.concurrent.TimeUnit.SECONDS), "worker timed out");
            assertEquals(0, w.exitValue(), Files.readString(tmp.resolve("worker-0.log"))
                    + Files.readString(tmp.resolve("worker-1.log")));
        }
        try (Stream<Path> s = Files.list(root.resolve("lenet"))) {
            assertEquals(4, s.count(), "one run per point, none twice");
        }
        String log = Files.readString(tmp.resolve("worker-0.log")) + Files.readString(tmp.resolve("worker-1.log"));
        for (int i = 0; i < 4; i++) {
            assertTrue(log.contains("point " + i + ": completed"), log);
        }
        TestCli.Outcome status = TestCli.run("sweep", "status", sweepDir.toString());
        assertEquals(0, status.exit(), status.toString());
        assertTrue(status.out().contains("4 of 4 points completed"), status.out());
        // a point that is done is not run again
        TestCli.Outcome again = TestCli.run("sweep", "run", "--sweep", sweepDir.toString(), "--index", "2");
        assertEquals(0, again.exit(), again.toString());
        assertTrue(again.out().contains("point 2: already completed"), again.out());
        assertEquals(2, TestCli.run("sweep", "run", "--sweep", sweepDir.toString(), "--index", "9").exit());
    }

    @Test
    void skipgramSweeps() throws IOException {
        Path corpus = tmp.resolve("topics.txt");
        Files.writeString(corpus, dev.dlp.pipelines.skipgram.TrainerEvalTest.topicCorpus(200, 4));
        Path root = tmp.resolve("models");
        TestCli.Outcome o = TestCli.run("sweep", "skipgram", "--runs-root", root.toString(), "--grid",
                "train.epochs=1,2", "--set", "data.corpus=" + corpus, "--set", "train.dims=8", "--set",
                "vocab.min_count=2", "--set", "tsne.words=0");
        assertEquals(0, o.exit(), o.toString());
        assertTrue(o.out().contains("2 of 2 points completed"), o.out());
        try (Stream<Path> s = Files.list(root.resolve("skipgram"))) {
            assertEquals(2, s.count());
        }
    }

    @Test
    void anUnknownOrBadGridValueIsBadInputBeforeAnyPointStarts() {
        TestCli.Outcome o = TestCli.run("sweep", "lenet", "--grid", "train.epoch=1,2", "--runs-root", tmp.toString());
        assertEquals(2, o.exit(), o.toString());
        assertTrue(o.err().contains("point 0") && o.err().contains("did you mean 'epochs'"), o.err());
        TestCli.Outcome bad = TestCli.run("sweep", "lenet", "--grid", "train.updater.lr=0.01,-1", "--runs-root",
                tmp.toString());
        assertEquals(2, bad.exit(), bad.toString());
        assertTrue(bad.err().contains("point 1") && bad.err().contains("train.updater.lr"), bad.err());
        assertTrue(!Files.exists(tmp.resolve("sweeps")) && !Files.exists(tmp.resolve("lenet")), "nothing started");
    }

    @Test
    void sweepRejectsUnknownPipelinesAndEmptySweeps() {
        TestCli.Outcome o = TestCli.run("sweep", "lenat", "--grid", "seed=1,2", "--runs-root", tmp.toString());
        assertEquals(2, o.exit());
        assertTrue(o.err().contains("did you mean 'lenet'"), o.toString());
        assertEquals(2, TestCli.run("sweep", "lenet", "--runs-root", tmp.toString()).exit());
        assertEquals(2, TestCli.run("sweep", "lenet", "--grid", "seed", "--runs-root", tmp.toString()).exit());
    }

    @Test
    void runsReportsUnreadableDirectoriesAndSkipsThem() throws IOException {
        Path root = tmp.resolve("r");
        Files.createDirectories(root.resolve("lenet/broken"));
        Path ok = Files.createDirectories(root.resolve("lenet/20260101T000000Z-aaaaaa"));
        Files.writeString(ok.resolve("summary.json"), "{\"status\":\"completed\",\"main_metric\":{\"name\":\"acc\","
                + "\"value\":0.5,\"goal\":\"max\"}}");
        TestCli.Outcome o = TestCli.run("runs", "--runs-root", root.toString());
        assertEquals(0, o.exit(), o.toString());
        assertTrue(o.err().contains("skipped") && o.err().contains("broken"), o.toString());
        assertTrue(o.out().contains("20260101T000000Z-aaaaaa") && o.out().contains("0.5"), o.out());
        assertEquals(2, TestCli.run("runs", "--runs-root", root.toString(), "--sort", "nope").exit());
    }
}
