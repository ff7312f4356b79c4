package dev.dlp.cli;

import dev.dlp.sweep.RunTable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code dlp runs}: the run table. */
@Command(name = "runs", mixinStandardHelpOptions = true,
        description = {"List run directories: status, start, epochs, main metric, best metric, wall time, samples/s "
                + "and the config keys that differ between the listed runs.",
            "Unreadable run directories are reported on stderr and skipped."})
public final class RunsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    LoggingMixin logging;
    @Parameters(arity = "0..1", paramLabel = "PIPELINE", description = "Only this pipeline's runs.")
    String pipeline;
    @Option(names = "--sweep", paramLabel = "ID", description = "Only the runs of this sweep (its directory name).")
    String sweep;
    @Option(names = "--status", paramLabel = "STATUS", description = "Only runs with this status: running, "
            + "completed, interrupted, diverged, failed, or dead (says running but its process is gone: killed, or its "
            + "machine went down; on another host, no heartbeat for 5 minutes). E.g. resume every dead lenet run: "
            + "dlp runs lenet --status dead --csv | tail -n +2 | cut -d, -f1 | xargs -I{} dlp lenet --resume "
            + "models/lenet/{}")
    String status;
    @Option(names = "--sort", paramLabel = "COLUMN", description = "Sort by this column (default: the main metric, "
            + "best first).")
    String sort;
    @Option(names = "--csv", description = "Print CSV instead of a table.")
    boolean csv;
    @Option(names = "--runs-root", paramLabel = "DIR", defaultValue = "models", description = "Default: "
            + "${DEFAULT-VALUE}.")
    Path runsRoot;

    @Override
    public Integer call() {
        return RunTable.list(runsRoot, pipeline, sweep, status, sort, csv, spec.commandLine().getOut(),
                spec.commandLine().getErr());
    }
}
