package dev.dlp.pipelines;

import dev.dlp.config.ConfigException;
import dev.dlp.config.ConfigLoader;
import dev.dlp.config.PipelineConfig;
import dev.dlp.config.TrainConfig;
import dev.dlp.fast.EngineReport;
import dev.dlp.fast.FastPaths;
import dev.dlp.fast.ModelFiles;
import dev.dlp.graph.GraphFactory;
import dev.dlp.graph.ModelSpec;
import dev.dlp.nd4j.Backend;
import dev.dlp.run.Liveness;
import dev.dlp.run.RunRecord;
import dev.dlp.run.RunDir;
import dev.dlp.run.StateConflictException;
import dev.dlp.run.Summary;
import dev.dlp.train.Checkpoints;
import dev.dlp.train.Progress;
import dev.dlp.train.StopSignal;
import dev.dlp.train.Trainer;
import dev.dlp.ui.RunStats;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs one training pipeline end to end, in phases: config (file, overrides, validation, graph), data, run
 * directory, model, training, report. Everything that can be wrong with the input is found before the run
 * directory is created, so a bad input leaves nothing behind.
 */
public final class Launcher {
    private static final Logger LOG = LoggerFactory.getLogger(Launcher.class);

    private Launcher() {
    }

    /**
     * A config that passed every check, with where it came from. {@code graphConf} is null when the network
     * depends on the data (then it is built after {@code prepare}, still before anything is written).
     */
    public record Resolved<C>(ConfigLoader.Loaded<C> loaded, ComputationGraphConfiguration graphConf,
                              String architecture) {
        public C config() {
            return loaded.value();
        }
    }

    /** Loads, overrides and validates a pipeline's config and, when it does not depend on data, builds its graph. */
    public static <C extends PipelineConfig, D> Resolved<C> resolve(Pipeline<C, D> p, ConfigLoader.Source source,
                                                                 List<String> overrides) {
        ConfigLoader.Loaded<C> loaded = ConfigLoader.load(source, overrides, p.configType(), p.defaults());
        C cfg = loaded.value();
        try {
            cfg.validate();
            if (cfg.train() != null && cfg.train().distributed().spark()) {
                dev.dlp.scale.SparkServices.require("train.distributed.engine");   // the Spark build, before any write
            }
            ModelSpec net = cfg.network();
            if (net == null || !net.complete() || p.networkFromData()) {
                return new Resolved<>(loaded, null, null);
            }
            return new Resolved<>(loaded, GraphFactory.build(net, cfg.train(), cfg.seed()),
                    GraphFactory.architectureHash(net));
        } catch (ConfigException e) {
            throw e.in(source.name());
        }
    }

    /**
     * The final graph for the prepared data (the config's, or one whose input sizes come from the data), after the
     * pipeline's own checks of that network.
     */
    static <C extends PipelineConfig, D> Resolved<C> withData(Pipeline<C, D> p, Resolved<C> r, Pipeline.Prepared<D> data,
                                                           String source) {
        C cfg = r.config();
        ModelSpec net = p.network(cfg, data);
        try {
            p.check(cfg, net);
            if (r.graphConf() != null && net == cfg.network()) {
                return r;
            }
            return new Resolved<>(r.loaded(), GraphFactory.build(net, cfg.train(), cfg.seed()),
                    GraphFactory.architectureHash(net));
        } catch (ConfigException e) {
            throw e.in(source);
        }
    }

    /** Where a run starts: a new run, or an existing run directory to continue (from {@code checkpoint} if any). */
    private record Start(RunDir resumeDir, Checkpoints.Readable checkpoint, ConfigLoader.Source source,
                         List<String> overrides) {
        boolean resuming() {
            return resumeDir != null;
        }
    }

    public static <C extends PipelineConfig, D> int train(Pipeline<C, D> p, RunOptions o, Context ctx) {
        long t0 = System.nanoTime();
        // phase 1: config (and, with --resume, the checkpoint to continue from)
        Start start = start(p, o);
        Resolved<C> r = resolve(p, start.source(), start.overrides());
        C cfg = r.config();
        LOG.info("config: {}{}", start.source().name(), start.overrides().isEmpty() ? ""
                : " with " + String.join(" ", start.overrides()));
        // phase 2: data (and the network, where its input sizes come from the data); checks before any write
        Backend.init(cfg.train().threadsHere());
        long td = System.nanoTime();
        Pipeline.Prepared<D> data = p.prepare(cfg, ctx);
        LOG.info("data: {} training examples ({} s)", data.train().size(), secs(td));
        r = withData(p, r, data, start.source().name());
        checkOutputs(r.graphConf(), data, start.source().name());
        Checkpoints.State state = start.checkpoint() == null ? null : checkedState(start, r, cfg);
        // phase 3: run directory
        RunDir run = start.resuming() ? start.resumeDir() : RunDir.create(o.runsRoot(), p.name(), o.runName());
        Summary summary = openRun(p, run, start, r, cfg);
        ctx.out().println("run: " + run);
        ctx.out().flush();
        // phase 4: model
        ComputationGraph g = model(r, cfg, start, state);
        // phase 5: train
        Trainer.Result result = train(p, ctx, run, summary, g, data, cfg, r, state);
        // phase 6: report
        if (result.status().equals(Summary.COMPLETED)) {
            long tr = System.nanoTime();
            p.report(cfg, ctx, g, data, run, summary);
            summary.put("status", Summary.COMPLETED);   // only now: a run killed during its report is not complete
            LOG.info("report: done ({} s)", secs(tr));
        }
        RunRecord.close(summary, t0);
        ctx.out().println("status: " + result.status() + " (" + result.epochsCompleted() + " epochs, "
                + Math.round(result.samplesPerSec()) + " samples/s)");
        ctx.out().flush();
        if (result.message() != null && result.exitCode() == 1) {
            throw new TrainingFailed(result.message());
        } else if (result.message() != null) {
            LOG.warn(result.message());
        }
        return result.exitCode();
    }

    /**
     * Each output layer's size against the data's labels (e.g. {@code n_out: 8} for ten classes): bad input, found
     * before the run directory exists.
     */
    static void checkOutputs(ComputationGraphConfiguration conf, Pipeline.Prepared<?> data, String source) {
        if (data.train().size() == 0) {
            return;
        }
        org.nd4j.linalg.dataset.api.MultiDataSet one = data.train().batch(null, 0, 1);
        List<String> outs = conf.getNetworkOutputs();
        for (int i = 0; i < outs.size() && i < one.numLabelsArrays(); i++) {
            if (conf.getVertices().get(outs.get(i)) instanceof org.deeplearning4j.nn.conf.graph.LayerVertex lv
                    && lv.getLayerConf().getLayer() instanceof org.deeplearning4j.nn.conf.layers.FeedForwardLayer f
                    && f.getNOut() > 0 && one.getLabels(i).rank() >= 2 && one.getLabels(i).size(1) != f.getNOut()) {
                throw new ConfigException("model.layers." + outs.get(i) + ".n_out", "is " + f.getNOut()
                        + " but the data has " + one.getLabels(i).size(1) + " targets per example (classes, "
                        + "columns or vocabulary)").in(source);
            }
        }
    }

    /** The config source and overrides of a new run, or of the run directory {@code --resume} names. */
    private static <C extends PipelineConfig, D> Start start(Pipeline<C, D> p, RunOptions o) {
        List<String> overrides = new ArrayList<>(o.overrides());
        if (o.seed() != null) {
            overrides.add("seed=" + o.seed());
        }
        if (o.resume() == null) {
            RunDir.checkName(o.runName());
            RunDir.checkRoot(o.runsRoot());
            return new Start(null, null, ConfigLoader.resolve(o.config(), p.defaultConfig()), overrides);
        }
        RunDir dir = RunDir.toResume(o.resume());
        ConfigLoader.Source source = o.config() != null ? ConfigLoader.resolve(o.config(), p.defaultConfig())
                : new ConfigLoader.Source(dir.configFile().toString(), dir.configFile(), null);
        Checkpoints.Readable ckpt = new Checkpoints(dir.checkpointsDir(), 1).newestReadable().orElse(null);
        if (ckpt == null) {
            LOG.warn("--resume {}: no checkpoint yet (stopped before the first one): training again from the start "
                    + "with the run's saved config, in the same directory", o.resume());
        } else {
            LOG.info("--resume {}: from {}", o.resume(), ckpt.entry().file().getFileName());
        }
        return new Start(dir, ckpt, source, overrides);
    }

    /** The checkpoint's loop state, after checking that it belongs to this config's network and seed. */
    private static <C extends PipelineConfig, D> Checkpoints.State checkedState(Start start, Resolved<C> r, C cfg) {
        Checkpoints.State state = start.checkpoint().state();
        if (!state.architecture().equals(r.architecture())) {
            throw new StateConflictException("--resume " + start.resumeDir() + ": the config's model section "
                    + "differs from the checkpoint's architecture; resume with the run's own config");
        }
        if (state.seed() != cfg.seed()) {
            throw new StateConflictException("--resume " + start.resumeDir() + ": seed " + cfg.seed()
                    + " differs from the checkpoint's seed " + state.seed());
        }
        return state;
    }

    /** The run's config, overrides and opening summary (status running), with the backend. */
    private static <C extends PipelineConfig, D> Summary openRun(Pipeline<C, D> p, RunDir run, Start start,
                                                                Resolved<C> r, C cfg) {
        Summary summary = RunRecord.open(run, new RunRecord.Origin(p.name(), start.source(), start.overrides(),
                r.loaded(), cfg.seed(), start.resuming()));
        Map<String, Object> backend = Backend.describe();
        summary.put("backend", backend).put("threads", backend.get("threads"));
        if (start.resuming() && start.checkpoint() == null) {
            summary.put("restarted", Instant.now().toString());
        }
        summary.save();
        return summary;
    }

    /** A new network, or the checkpoint's (parameters and updater state), with the engine's fast paths. */
    private static <C extends PipelineConfig, D> ComputationGraph model(Resolved<C> r, C cfg, Start start,
                                                                     Checkpoints.State state) {
        ComputationGraph g;
        if (state != null) {
            g = Checkpoints.readGraph(start.checkpoint().entry().file(), cfg.train().engine());
            LOG.info("model: resumed from {} (epoch {}, iteration {})", start.checkpoint().entry().file()
                    .getFileName(), state.epoch(), state.iteration());
        } else {
            g = new ComputationGraph(r.graphConf());
            g.init();
            LOG.info("model: {} parameters", g.numParams());
        }
        LOG.debug("model summary:\n{}", g.summary());
        return g;
    }

    /** Trains (signals, progress, heartbeat) and records the outcome in summary.json; a failure marks it failed. */
    private static <C extends PipelineConfig, D> Trainer.Result train(Pipeline<C, D> p, Context ctx, RunDir run,
                                                                  Summary summary, ComputationGraph g,
                                                                  Pipeline.Prepared<D> data, C cfg, Resolved<C> r,
                                                                  Checkpoints.State state) {
        Trainer.Result result;
        Map<String, Object> statsInfo = null;
        try (StopSignal stop = StopSignal.install(); Progress progress = Progress.forConsole(ctx.quiet());
             Liveness alive = Liveness.start(run.path());
             RunStats stats = cfg.train().stats() ? RunStats.start(run, g, cfg.train().statsEvery()) : null) {
            if (state == null) {
                new dev.dlp.train.MetricsLog(run.path()).truncateAfter(0);   // a restart after a kill
            }
            result = Trainer.fit(new Trainer.Job(run, summary, g, data.train(), data.validator(), cfg.train(),
                    cfg.checkpoint(), cfg.seed(), r.architecture(), state, progress, stop));
            if (stats != null) {
                statsInfo = stats.describe(result.wallSeconds());
            }
        } catch (RuntimeException e) {
            markFailed(summary, e);
            throw e;
        }
        Map<String, Object> best = new LinkedHashMap<>();
        best.put("metric", cfg.train().earlyStopping().metric());
        best.put("value", Double.isNaN(result.bestMetric()) ? null : result.bestMetric());
        best.put("epoch", result.bestEpoch());
        // (completed is said after the report; until then the run is still running)
        String status = result.status().equals(Summary.COMPLETED) ? Summary.RUNNING : result.status();
        summary.put("status", status).put("epochs_completed", result.epochsCompleted())
                .put("iterations", result.iterations()).put("final", result.lastRow()).put("best", best)
                .put("early_stopped", result.earlyStopped())
                .put("train_samples_per_sec", result.samplesPerSec()).put("train_wall_s", round(result.wallSeconds()))
                .put("engine", EngineReport.describe(g, cfg.train().engine()));
        List<String> nonPortable = FastPaths.nonPortable(FastPaths.stock(g.getConfiguration()));
        summary.put("portable", nonPortable.isEmpty());
        if (!nonPortable.isEmpty()) {
            summary.put("needs_dlp_classes", nonPortable);
        }
        if (statsInfo != null) {
            summary.put("stats", statsInfo);
        }
        if (result.message() != null) {
            summary.put("message", result.message());
        }
        summary.save();
        return result;
    }

    /** summary.json says failed, with the error, if it can still be written (not on a full disk, say). */
    private static void markFailed(Summary summary, RuntimeException e) {
        try {
            summary.put("status", Summary.FAILED).put("error", String.valueOf(e.getMessage())).save();
        } catch (RuntimeException writeFailed) {
            LOG.warn("summary.json not updated: {}", writeFailed.getMessage());
        }
    }

    /** A run that ended without an exception but failed (diverged): exit 1 with its one-line message. */
    public static final class TrainingFailed extends RuntimeException {
        public TrainingFailed(String message) {
            super(message);
        }
    }

    private static double secs(long t) {
        return round((System.nanoTime() - t) / 1e9);
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    /** The resolved config a run directory was trained with ({@code config.yaml}); bad input when it has none. */
    public static <C> C runConfig(Path runDir, Class<C> type, C defaults) {
        Path file = runDir.resolve("config.yaml");
        if (!Files.isDirectory(runDir) || !Files.isRegularFile(file)) {
            throw new ConfigException("--model", "not a run directory (no config.yaml): " + runDir);
        }
        return ConfigLoader.load(new ConfigLoader.Source(file.toString(), file, null), List.of(), type, defaults)
                .value();
    }

    /**
     * Loads the trained model of a run directory (or a model zip) for inference, after setting up the backend
     * with {@code threads} native threads; a missing or unreadable model is an input error.
     */
    public static ComputationGraph loadModel(Path runOrZip, int threads) {
        Path zip = modelFile(runOrZip);
        Backend.init(threads);
        try {
            return ModelFiles.read(zip, false, TrainConfig.Engine.FAST);
        } catch (IOException | RuntimeException e) {
            throw new dev.dlp.data.DataException(zip + ": not a readable DL4J model zip (" + e.getMessage() + ")", e);
        }
    }

    /** The model zip of a run directory, or the zip itself; bad paths are input errors. */
    public static Path modelFile(Path runOrZip) {
        if (Files.isDirectory(runOrZip)) {
            Path z = runOrZip.resolve("model.zip");
            if (!Files.exists(z)) {
                throw new ConfigException("--model", runOrZip + " has no model.zip (did the run finish? an interrupted "
                        + "run continues with --resume)");
            }
            return z;
        }
        if (!Files.isRegularFile(runOrZip)) {
            throw new ConfigException("--model", "no such run directory or model zip: " + runOrZip);
        }
        return runOrZip;
    }
}
