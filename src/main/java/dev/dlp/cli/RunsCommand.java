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
    @Option(names = "--plot", paramLabel = "METRIC", description = "Instead of the table: one PNG with a curve of "
            + "this metrics.csv column (e.g. val_loss, val_accuracy, train_loss) against epoch for every listed run, "
            + "labelled by the config keys that differ between them.")
    String plot;
    @Option(names = "--out", paramLabel = "FILE", description = "Where --plot writes (default: "
            + "RUNS_ROOT/plots/<pipeline>[-<sweep>]-<metric>.png).")
    Path out;
    @Option(names = "--runs-root", paramLabel = "DIR", defaultValue = "models", description = "Default: "
            + "${DEFAULT-VALUE}.")
    Path runsRoot;

    @Override
    public Integer call() {
        if (plot != null) {
            Path png = out != null ? out : runsRoot.resolve("plots").resolve((pipeline == null ? "all" : pipeline)
                    + (sweep == null ? "" : "-" + sweep) + "-" + plot.replaceAll("[^A-Za-z0-9_.-]", "_") + ".png");
            RunTable.plot(runsRoot, pipeline, sweep, status, plot, png, spec.commandLine().getOut(),
                    spec.commandLine().getErr());
            return 0;
        }
        return RunTable.list(runsRoot, pipeline, sweep, status, sort, csv, spec.commandLine().getOut(),
                spec.commandLine().getErr());
    }
}
