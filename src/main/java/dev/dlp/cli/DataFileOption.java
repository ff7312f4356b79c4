package dev.dlp.cli;

import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;

/** {@code --data FILE} of the tabular subcommands: shorthand for {@code --set data.file=FILE}. */
public final class DataFileOption {
    @Option(names = "--data", paramLabel = "FILE", description = "CSV file with a header row (default: the "
            + "subcommand's own data set); same as --set data.file=FILE.")
    String file;

    /** The overrides with {@code data.file} added when {@code --data} was given. */
    List<String> addTo(List<String> overrides) {
        List<String> out = new ArrayList<>(overrides);
        if (file != null) {
            out.add(0, "data.file=\"" + file.replace("\\", "\\\\").replace("\"", "\\\"") + "\"");
        }
        return out;
    }
}
