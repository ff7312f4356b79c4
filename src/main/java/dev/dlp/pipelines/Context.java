package dev.dlp.pipelines;

import java.io.PrintWriter;
import java.nio.file.Path;

/**
 * What a pipeline gets from the command line besides its config.
 *
 * @param dataDirOption {@code --data-dir}, or null
 * @param out           where results go (stdout); logs go through SLF4J
 * @param quiet         no progress output
 */
public record Context(String dataDirOption, PrintWriter out, boolean quiet) {
    public Path dataDir(String configValue) {
        return dev.dlp.data.DataDir.resolve(dataDirOption, configValue);
    }
}
