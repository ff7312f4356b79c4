package dev.dlp.pipelines;

import dev.dlp.config.ConfigException;
import dev.dlp.config.ConfigLoader;
import dev.dlp.run.Liveness;
import dev.dlp.run.RunDir;
import dev.dlp.run.RunRecord;
import dev.dlp.run.Summary;
import dev.dlp.train.StopSignal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * The one lifecycle of every subcommand that writes a run directory: resolve → prepare → run directory → train (or
 * compute) → report → summary. A subcommand supplies a {@link Job}; this class owns the order, the checks before
 * anything is written, the run record, the stop signal and heartbeat, and what summary.json says when the work ends,
 * is stopped or fails. Everything that can be wrong with the input surfaces in phases 1-2, so bad input (exit 2)
 * leaves nothing behind.
 */
public final class RunLifecycle {
    private static final Logger LOG = LoggerFactory.getLogger(RunLifecycle.class);

    private RunLifecycle() {
    }

    /**
     * Where a run starts: its config source and overrides, and, for {@code --resume}, the run directory it continues.
     */
    public record Start(ConfigLoader.Source source, List<String> overrides, RunDir resumeDir) {
        public boolean resuming() {
            return resumeDir != null;
        }
    }

    /** A config that passed every check (phase 1): what the run record writes. */
    public interface Resolution {
        ConfigLoader.Loaded<?> loaded();

        long seed();
    }

    /** A run in progress: what phases 4 and 5 work with. */
    public record Running<R, P>(R resolved, P prepared, Start start, RunDir dir, Summary summary, Context ctx,
                                StopSignal stop) {
    }

    /**
     * How the training (or computing) ended: {@code message} (or null) is said to the user and kept in summary.json,
     * {@code detail} (or null) follows the status on the console (e.g. epochs and speed).
     */
    public record Outcome(String status, int exitCode, String message, String detail) {
        public static Outcome completed(String detail) {
            return new Outcome(Summary.COMPLETED, 0, null, detail);
        }

        public boolean isCompleted() {
            return status.equals(Summary.COMPLETED);
        }
    }

    /** What one subcommand does in each phase. */
    public interface Job<R extends Resolution, P> {
        /** The subcommand: the runs folder name and summary.json's {@code pipeline}. */
        String pipeline();

        /** The shipped config used without {@code --config}. */
        default String defaultConfig() {
            return pipeline();
        }

        /** Phase 1: config file + overrides → a validated config (a {@link ConfigException} names the key). */
        R resolve(Start start);

        /** Phase 2: data read and checked, and, when resuming, the state to continue from; nothing is written. */
        P prepare(R resolved, Start start, Context ctx);

        /** Phase 3: a new run's directory (by default a new one under the runs root). */
        default RunDir newRunDir(RunOptions o) {
            return RunDir.create(o.runsRoot(), pipeline(), o.runName());
        }

        /** Phase 3: summary.json's opening fields beyond the run record's (saved by the caller). */
        default void opened(Summary summary, R resolved, P prepared) {
        }

        /** Phase 4: train or compute; writes its own summary fields; a stop request may end it early. */
        Outcome train(Running<R, P> run) throws InterruptedException;

        /** Phase 5, after a completed phase 4: the results (test set, pictures, files, the main metric). */
        void report(Running<R, P> run);
    }

    /** Runs {@code job} with the command line's options; returns the exit code. */
    public static <R extends Resolution, P> int run(Job<R, P> job, RunOptions o, Context ctx) {
        long t0 = System.nanoTime();
        // phase 1: config (for --resume, the run's own)
        Start start = start(job, o);
        R resolved = job.resolve(start);
        LOG.info("config: {}{}", start.source().name(), start.overrides().isEmpty() ? ""
                : " with " + String.join(" ", start.overrides()));
        // phase 2: data and state, every check before anything is written
        P prepared = job.prepare(resolved, start, ctx);
        // phase 3: run directory and its record
        RunDir dir = start.resuming() ? start.resumeDir() : job.newRunDir(o);
        Summary summary = RunRecord.open(dir, new RunRecord.Origin(job.pipeline(), start.source(), start.overrides(),
                resolved.loaded(), resolved.seed(), start.resuming()));
        job.opened(summary, resolved, prepared);
        summary.save();
        ctx.out().println("run: " + dir);
        ctx.out().flush();
        // phases 4 and 5
        Outcome outcome;
        try (Liveness alive = Liveness.start(dir.path())) {
            outcome = trainAndReport(job, resolved, prepared, start, dir, summary, ctx);
            // phase 6: summary (saved before the heartbeat goes: a running run never lacks one)
            RunRecord.close(summary, t0);
        }
        ctx.out().println("status: " + outcome.status() + (outcome.detail() == null ? "" : " (" + outcome.detail()
                + ")"));
        ctx.out().flush();
        if (outcome.message() != null && outcome.exitCode() == 1) {
            throw new Launcher.TrainingFailed(outcome.message());
        } else if (outcome.message() != null) {
            LOG.warn(outcome.message());
        }
        return outcome.exitCode();
    }

    /**
     * Phases 4 and 5; summary.json says how they ended: completed only after the report. Ctrl-C / SIGTERM are a stop
     * request during phase 4 only: during the report they end the process (the run is then not complete).
     */
    private static <R extends Resolution, P> Outcome trainAndReport(Job<R, P> job, R resolved, P prepared,
                                                                    Start start, RunDir dir, Summary summary,
                                                                    Context ctx) {
        try {
            Running<R, P> run;
            Outcome outcome;
            try (StopSignal stop = StopSignal.install()) {
                run = new Running<>(resolved, prepared, start, dir, summary, ctx, stop);
                outcome = train(job, run);
            }
            if (outcome.isCompleted()) {
                long tr = System.nanoTime();
                job.report(run);
                summary.put("status", Summary.COMPLETED);
                LOG.info("report: done ({} s)", Math.round((System.nanoTime() - tr) / 1e6) / 1000.0);
            }
            return outcome;
        } catch (RuntimeException | Error e) {
            markFailed(summary, e);
            throw e;
        }
    }

    /** Phase 4, with summary.json's status after it (running until the report is done). */
    private static <R extends Resolution, P> Outcome train(Job<R, P> job, Running<R, P> run) {
        Summary summary = run.summary();
        Outcome outcome;
        try {
            outcome = job.train(run);
        } catch (InterruptedException e) {
            // a job that cannot stop at a checkpoint (skipgram mid-epoch): the last checkpoint stays
            String msg = e.getMessage() + "; continue with --resume " + run.dir();
            outcome = new Outcome(Summary.INTERRUPTED, run.stop().requested() ? run.stop().exitCode() : 130, msg,
                    null);
        }
        summary.put("status", outcome.isCompleted() ? Summary.RUNNING : outcome.status());
        if (outcome.message() != null) {
            summary.put("message", outcome.message());
        }
        summary.save();
        return outcome;
    }

    /** The config source and overrides of a new run (after checking its name and root), or of the resumed run. */
    private static Start start(Job<?, ?> job, RunOptions o) {
        List<String> overrides = new ArrayList<>(o.overrides());
        if (o.seed() != null) {
            overrides.add("seed=" + o.seed());
        }
        if (o.resume() == null) {
            RunDir.checkName(o.runName());
            RunDir.checkRoot(o.runsRoot());
            return new Start(ConfigLoader.resolve(o.config(), job.defaultConfig()), overrides, null);
        }
        RunDir dir = RunDir.toResume(o.resume());
        ConfigLoader.Source source = o.config() != null ? ConfigLoader.resolve(o.config(), job.defaultConfig())
                : new ConfigLoader.Source(dir.configFile().toString(), dir.configFile(), null);
        return new Start(source, overrides, dir);
    }

    /** Loads, overrides and validates a config record; a bad key names the config file. */
    public static <C> ConfigLoader.Loaded<C> load(Start start, Class<C> type, C defaults,
                                                  java.util.function.Consumer<C> validate) {
        ConfigLoader.Loaded<C> loaded = ConfigLoader.load(start.source(), start.overrides(), type, defaults);
        checked(start, () -> {
            validate.accept(loaded.value());
            return null;
        });
        return loaded;
    }

    /** {@code check}'s result; a bad key it reports names the config file. */
    public static <T> T checked(Start start, java.util.function.Supplier<T> check) {
        try {
            return check.get();
        } catch (ConfigException e) {
            throw e.in(start.source().name());
        }
    }

    /** summary.json says failed, with the error, if it can still be written (not on a full disk, say). */
    private static void markFailed(Summary summary, Throwable e) {
        try {
            summary.put("status", Summary.FAILED).put("error", String.valueOf(e.getMessage())).save();
        } catch (RuntimeException writeFailed) {
            LOG.warn("summary.json not updated: {}", writeFailed.getMessage());
        }
    }
}
