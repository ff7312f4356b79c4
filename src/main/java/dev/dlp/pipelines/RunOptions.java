package dev.dlp.pipelines;

import java.nio.file.Path;
import java.util.List;

/**
 * The shared training options of every subcommand, as parsed by the CLI.
 *
 * @param config    {@code --config}: a file or a shipped config name; null for the pipeline's default
 * @param overrides {@code --set key.path=value}, in order
 * @param runsRoot  {@code --runs-root}
 * @param runName   {@code --run-name}, or null
 * @param seed      {@code --seed}, or null for the config's
 * @param resume    {@code --resume RUN_DIR}, or null
 */
public record RunOptions(String config, List<String> overrides, Path runsRoot, String runName, Long seed,
                         Path resume) {
}
