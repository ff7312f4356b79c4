package dev.dlp.run;

import dev.dlp.config.ConfigLoader;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What every subcommand that writes a run directory records, the same way: the resolved config (with how to rerun
 * it), the overrides, and summary.json's opening fields (status {@code running}, seed, start, the process and its
 * heartbeat for {@code dlp runs}, versions, git commit, sweep point) and closing fields (finished, wall time).
 */
public final class RunRecord {
    private RunRecord() {
    }

    /** Where a run's config came from. */
    public record Origin(String pipeline, ConfigLoader.Source source, List<String> overrides,
                         ConfigLoader.Loaded<?> loaded, long seed, boolean resumed) {
    }

    /** Writes config.yaml and overrides.txt and opens summary.json (read back when resumed). */
    public static Summary open(RunDir run, Origin o) {
        String name = o.source().name();
        AtomicFiles.writeString(run.configFile(), "# resolved config of this run (" + name
                + (o.overrides().isEmpty() ? "" : " + " + String.join(" ", o.overrides())) + "); rerun: dlp "
                + o.pipeline() + " --config " + run.configFile() + "\n" + o.loaded().toYaml());
        appendOverrides(run, o.overrides(), o.resumed());
        Summary summary = o.resumed() ? Summary.read(run.summaryFile()) : Summary.create(run.summaryFile());
        summary.root().remove(List.of("message", "error"));   // the previous attempt's ending
        summary.put("pipeline", o.pipeline()).put("run_dir", run.path().toString()).put("config", name)
                .put("status", Summary.RUNNING).put("seed", o.seed())
                .put(o.resumed() ? "resumed" : "started", Instant.now().toString())
                .put("process", Liveness.thisProcess())
                .put("versions", Map.of("dlp", BuildInfo.version(), "dl4j", BuildInfo.DL4J_VERSION,
                        "java", System.getProperty("java.version")))
                .put("git_commit", BuildInfo.gitCommit());
        String sweep = System.getenv("DLP_SWEEP"); // set by dlp sweep for its child runs: "<sweep id>:<point>"
        if (sweep != null && sweep.contains(":")) {
            summary.put("sweep", Map.of("id", sweep.substring(0, sweep.lastIndexOf(':')),
                    "point", sweep.substring(sweep.lastIndexOf(':') + 1)));
        }
        summary.save();
        return summary;
    }

    /** summary.json's closing fields: finished now, wall time since {@code startNanos}. */
    public static void close(Summary summary, long startNanos) {
        summary.put("finished", Instant.now().toString())
                .put("wall_s", Math.round((System.nanoTime() - startNanos) / 1e6) / 1000.0).save();
    }

    private static void appendOverrides(RunDir run, List<String> overrides, boolean resumed) {
        StringBuilder sb = new StringBuilder();
        if (resumed) {
            sb.append("# resumed ").append(Instant.now()).append('\n');
        }
        overrides.forEach(s -> sb.append(s).append('\n'));
        try {
            Files.writeString(run.resolve("overrides.txt"), sb.toString(), StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new AtomicFiles.WriteFailed(run.resolve("overrides.txt"), e);
        }
    }
}
