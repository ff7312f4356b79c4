package dev.dlp.pipelines;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dlp.config.ConfigException;
import dev.dlp.config.ConfigLoader;
import dev.dlp.pipelines.convbasics.ConvBasicsConfig;
import dev.dlp.run.Summary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The order of a run's phases, and what summary.json says however phase 4 or 5 ends. */
class RunLifecycleTest {
    @TempDir
    Path root;

    private final StringWriter console = new StringWriter();
    private final Context ctx = new Context(null, new PrintWriter(console), true);

    /** A job that records its phases and fails or stops where told. */
    private static final class Recording implements RunLifecycle.Job<Recording.Resolved, String> {
        record Resolved(ConfigLoader.Loaded<ConvBasicsConfig> loaded) implements RunLifecycle.Resolution {
            @Override
            public long seed() {
                return loaded.value().seed();
            }
        }

        final List<String> phases = new ArrayList<>();
        boolean heartbeatWhileTraining;
        final String failAt;

        Recording(String failAt) {
            this.failAt = failAt;
        }

        @Override
        public String pipeline() {
            return "conv-basics";
        }

        @Override
        public Resolved resolve(RunLifecycle.Start start) {
            phases.add("resolve");
            return new Resolved(RunLifecycle.load(start, ConvBasicsConfig.class, ConvBasicsConfig.DEFAULTS,
                    c -> { }));
        }

        @Override
        public String prepare(Resolved resolved, RunLifecycle.Start start, Context ctx) {
            phases.add("prepare");
            if (failAt.equals("prepare")) {
                throw new ConfigException("data.x", "bad");
            }
            return "data";
        }

        @Override
        public void opened(Summary summary, Resolved resolved, String prepared) {
            phases.add("opened");
            summary.put("prepared", prepared);
        }

        @Override
        public RunLifecycle.Outcome train(RunLifecycle.Running<Resolved, String> run) throws InterruptedException {
            phases.add("train:" + run.summary().status());
            heartbeatWhileTraining = Files.isRegularFile(run.dir().path().resolve("heartbeat"));
            if (failAt.equals("train")) {
                throw new IllegalStateException("broken in train");
            }
            if (failAt.equals("oom")) {
                throw new OutOfMemoryError("no native memory");
            }
            if (failAt.equals("interrupt")) {
                throw new InterruptedException("stopped in epoch 2");
            }
            return RunLifecycle.Outcome.completed("3 things");
        }

        @Override
        public void report(RunLifecycle.Running<Resolved, String> run) {
            phases.add("report:" + run.summary().status());
            if (failAt.equals("report")) {
                throw new IllegalStateException("broken in report");
            }
        }
    }

    private RunOptions options(String runName) {
        return new RunOptions(null, List.of(), root, runName, 7L, null);
    }

    private JsonNode onlySummary() throws IOException {
        try (Stream<Path> runs = Files.list(root.resolve("conv-basics"))) {
            List<Path> dirs = runs.toList();
            assertEquals(1, dirs.size());
            return new ObjectMapper().readTree(dirs.get(0).resolve("summary.json").toFile());
        }
    }

    @Test
    void phasesRunInOrderAndCompletedIsSaidAfterTheReport() throws IOException {
        Recording job = new Recording("none");
        assertEquals(0, RunLifecycle.run(job, options("ok"), ctx));
        assertEquals(List.of("resolve", "prepare", "opened", "train:running", "report:running"), job.phases);
        JsonNode s = onlySummary();
        assertEquals("completed", s.get("status").asText());
        assertEquals("data", s.get("prepared").asText());
        assertEquals(7, s.get("seed").asLong());
        assertTrue(s.has("finished") && s.has("wall_s"));
        assertTrue(console.toString().contains("status: completed (3 things)"), console.toString());
        assertTrue(job.heartbeatWhileTraining, "the heartbeat is touched while the run trains");
        try (Stream<Path> runs = Files.list(root.resolve("conv-basics"))) {
            assertFalse(Files.exists(runs.toList().get(0).resolve("heartbeat")), "and removed when it ends");
        }
    }

    @Test
    void badInputInPhasesOneAndTwoWritesNothing() {
        Recording job = new Recording("prepare");
        assertThrows(ConfigException.class, () -> RunLifecycle.run(job, options("x"), ctx));
        assertEquals(List.of("resolve", "prepare"), job.phases);
        assertFalse(Files.exists(root.resolve("conv-basics")));
        Recording named = new Recording("none");
        assertThrows(ConfigException.class, () -> RunLifecycle.run(named, options("bad/name"), ctx));
        assertEquals(List.of(), named.phases, "the run name is checked before the config is even read");
    }

    @Test
    void aStopMarksTheRunInterruptedWithTheResumeCommand() throws IOException {
        Recording job = new Recording("interrupt");
        assertEquals(130, RunLifecycle.run(job, options(null), ctx));
        assertFalse(job.phases.stream().anyMatch(p -> p.startsWith("report")));
        JsonNode s = onlySummary();
        assertEquals("interrupted", s.get("status").asText());
        assertTrue(s.get("message").asText().contains("stopped in epoch 2; continue with --resume "), s.toString());
    }

    @Test
    void aFailureOrAnErrorInTrainOrReportMarksTheRunFailed() throws IOException {
        for (String where : List.of("train", "report")) {
            Recording job = new Recording(where);
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> RunLifecycle.run(job, options(where), ctx));
            assertEquals("broken in " + where, e.getMessage());
        }
        Recording oom = new Recording("oom");
        assertThrows(OutOfMemoryError.class, () -> RunLifecycle.run(oom, options("oom"), ctx));
        try (Stream<Path> runs = Files.list(root.resolve("conv-basics"))) {
            for (Path dir : runs.toList()) {
                JsonNode s = new ObjectMapper().readTree(dir.resolve("summary.json").toFile());
                assertEquals("failed", s.get("status").asText());
                assertTrue(s.get("error").asText().matches("broken in .*|no native memory"), s.toString());
            }
        }
    }
}
