package dev.dlp.cli;

import dev.dlp.config.Suggest;
import dev.dlp.sweep.Points;
import dev.dlp.sweep.Sweep;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code dlp sweep}: a grid or random search as separate runs of one pipeline. */
@Command(name = "sweep", mixinStandardHelpOptions = true,
        description = {"Run a hyperparameter sweep: every point is a normal run of PIPELINE (its own process and run "
                + "directory, tagged with the sweep id), P at a time with the cores divided between them.",
            "Writes <runs-root>/sweeps/<id>/sweep.json (points, status, run dirs), logs/ and sweep.csv, sorted by "
                    + "the pipeline's main metric. Exit 0 when every point completed, 1 otherwise."},
        subcommands = {SweepCommand.Run.class, SweepCommand.Status.class},
        footer = {"", "Examples:",
            "  dlp sweep lenet --config mnist-mlp --grid train.updater.lr=0.001,0.003 --grid train.batch_size=32,64",
            "  dlp sweep regress --random 8 --range train.updater.lr=0.001:0.1:log --parallel 2",
            "  dlp sweep --resume models/sweeps/20261124T101500Z-ab12cd",
            "  dlp sweep lenet --grid seed=1,2,3,4 --plan       # then, on a cluster, one task per point:",
            "  dlp sweep run --sweep models/sweeps/<id> --index $SLURM_ARRAY_TASK_ID",
            "  dlp sweep status models/sweeps/<id>",
            "(scripts/slurm-sweep.sbatch and scripts/k8s-sweep-job.yaml run a planned sweep as a Slurm array or a "
                    + "Kubernetes Indexed Job)"})
public final class SweepCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    LoggingMixin logging;

    @Parameters(arity = "0..1", paramLabel = "PIPELINE", description = "lenet, ae, conv-ae, regress or admit.")
    String pipeline;
    @Option(names = "--config", paramLabel = "FILE", description = "Config file or shipped config name.")
    String config;
    @Option(names = "--grid", paramLabel = "KEY=V1,V2,...", description = "Values of one key; the grid is the "
            + "product of all --grid options (repeatable).")
    List<String> grid = new ArrayList<>();
    @Option(names = "--random", paramLabel = "N", defaultValue = "0", description = "N random draws of the --range "
            + "keys (for each grid point).")
    int random;
    @Option(names = "--range", paramLabel = "KEY=LO:HI[:log]", description = "Uniform (or log-uniform) range of "
            + "one key; integer bounds draw integers (repeatable).")
    List<String> range = new ArrayList<>();
    @Option(names = "--seed", paramLabel = "N", defaultValue = "0", description = "Seed of the random draws "
            + "(default: ${DEFAULT-VALUE}); sweep the runs' own seed with --grid seed=1,2,3.")
    long seed;
    @Option(names = "--parallel", paramLabel = "P", defaultValue = "1", description = "Points run at a time "
            + "(default: ${DEFAULT-VALUE}); each gets cores/P native threads unless train.threads is set.")
    int parallel;
    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override for every point (repeatable).")
    List<String> sets = new ArrayList<>();
    @Option(names = "--runs-root", paramLabel = "DIR", defaultValue = "models", description = "Where run and sweep "
            + "directories go (default: ${DEFAULT-VALUE}).")
    Path runsRoot;
    @Option(names = "--data-dir", paramLabel = "DIR", description = "Data directory passed to every run.")
    String dataDir;
    @Option(names = "--plan", description = "Write the sweep directory (sweep.json with every point) and run "
            + "nothing: run its points with 'dlp sweep run', e.g. as a job array.")
    boolean plan;
    @Option(names = "--resume", paramLabel = "SWEEP_DIR", description = "Rerun the points of an earlier sweep that "
            + "did not complete.")
    Path resume;
    @Option(names = "--spark", paramLabel = "MASTER", description = "Run each point as a Spark task on MASTER "
            + "(local[N], spark://HOST:PORT, yarn): the sweep is planned, then every task runs 'dlp sweep run --index I' "
            + "on an executor, so dlp and the runs root must be at the same paths there (a shared file system). "
            + "Needs dlp's Spark build (mvn -Pspark package).")
    String spark;

    @Override
    public Integer call() {
        if (resume == null) {
            if (pipeline == null) {
                throw new ParameterException(spec.commandLine(), "missing PIPELINE (or --resume SWEEP_DIR)");
            }
            if (!Sweep.sweepable().contains(pipeline)) {
                throw new ParameterException(spec.commandLine(), "unknown pipeline '" + pipeline + "'"
                        + Suggest.hint(pipeline, Sweep.sweepable()) + " (one of: "
                        + String.join(", ", Sweep.sweepable()) + ")");
            }
        }
        if (parallel < 1) {
            throw new ParameterException(spec.commandLine(), "--parallel must be >= 1, got " + parallel);
        }
        List<String> pass = new ArrayList<>();
        if (dataDir != null) {
            pass.addAll(List.of("--data-dir", dataDir));
        }
        return Sweep.run(new Sweep.Options(pipeline, config, sets, grid.stream().map(Points.Grid::parse).toList(),
                range.stream().map(Points.Range::parse).toList(), random, seed, parallel, runsRoot, resume, pass, plan,
                spark),
                spec.commandLine().getOut());
    }

    /** {@code dlp sweep run}: points of a planned sweep, claimed so that concurrent processes never run one twice. */
    @Command(name = "run", mixinStandardHelpOptions = true,
            description = {"Run point I of a planned sweep (dlp sweep ... --plan), or, without an index, every point "
                    + "no other process holds. Safe when several processes or machines share the runs root: a point "
                    + "is claimed atomically, and a claim whose process died is taken over. Results go to "
                    + "<sweep>/points/point-I.json. Exit 0 when every point this process ran completed."})
    static final class Run implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        LoggingMixin logging;
        @Option(names = "--sweep", required = true, paramLabel = "SWEEP_DIR", description = "The planned sweep.")
        Path sweep;
        @Option(names = "--index", paramLabel = "I", description = "The point to run (default: $SLURM_ARRAY_TASK_ID, "
                + "else $JOB_COMPLETION_INDEX, else every unclaimed point).")
        Integer index;

        @Override
        public Integer call() {
            return Sweep.runPlanned(sweep, index, spec.commandLine().getOut());
        }
    }

    /** {@code dlp sweep status}: the table of a sweep as it stands. */
    @Command(name = "status", mixinStandardHelpOptions = true,
            description = {"Print a sweep's table as it stands, also while its points run elsewhere (planned sweeps), "
                    + "and write its sweep.csv."})
    static final class Status implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        LoggingMixin logging;
        @Parameters(paramLabel = "SWEEP_DIR", description = "The sweep directory.")
        Path sweep;

        @Override
        public Integer call() {
            return Sweep.status(sweep, spec.commandLine().getOut());
        }
    }
}
