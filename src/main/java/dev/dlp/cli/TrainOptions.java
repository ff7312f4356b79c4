package dev.dlp.cli;

import dev.dlp.pipelines.RunOptions;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The options every training subcommand shares. */
public final class TrainOptions {
    @Option(names = "--config", paramLabel = "FILE",
            description = "Config file, or the name of a shipped config (default: ${COMMAND-NAME}'s own; "
                    + "see 'dlp configs').")
    String config;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Override a config value by its dotted path, e.g. train.epochs=3, "
                    + "model.layers.conv1.n_out=8. Repeatable.")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--runs-root", paramLabel = "DIR", defaultValue = "models",
            description = "Where run directories go (default: ${DEFAULT-VALUE}).")
    Path runsRoot;

    @Option(names = "--run-name", paramLabel = "NAME", description = "Suffix for the run directory name.")
    String runName;

    @Option(names = "--seed", paramLabel = "N", description = "Seed (overrides the config's seed).")
    Long seed;

    @Option(names = "--resume", paramLabel = "RUN_DIR",
            description = "Continue the run in RUN_DIR from its newest checkpoint (its config, plus any --set).")
    Path resume;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Data directory (default: $DLP_DATA, else the config's data.dir, 'data').")
    String dataDir;

    @Option(names = "--stats", description = "Record DL4J's training statistics into the run directory "
            + "(stats.dl4j; same as --set train.stats=true, every train.stats_every iterations) to watch with 'dlp ui'.")
    boolean stats;

    /** What the pipeline gets besides its config: data directory, stdout, quiet. */
    dev.dlp.pipelines.Context context(picocli.CommandLine.Model.CommandSpec spec, LoggingMixin logging) {
        return new dev.dlp.pipelines.Context(dataDir, spec.commandLine().getOut(), logging.quiet());
    }

    RunOptions toRunOptions() {
        return toRunOptions(overrides);
    }

    RunOptions toRunOptions(List<String> withOverrides) {
        List<String> all = new ArrayList<>(withOverrides);
        if (stats) {
            all.add("train.stats=true");
        }
        return new RunOptions(config, List.copyOf(all), runsRoot, runName, seed, resume);
    }
}
