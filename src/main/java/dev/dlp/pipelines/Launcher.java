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
import dev.dlp.run.RunDir;
import dev.dlp.run.StateConflictException;
import dev.dlp.run.Summary;
import dev.dlp.train.Checkpoints;
import dev.dlp.train.Progress;
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
    public record Resolved<C extends PipelineConfig>(ConfigLoader.Loaded<C> loaded,
                                                     ComputationGraphConfiguration graphConf, String architecture)
            implements RunLifecycle.Resolution {
        public C config() {
            return loaded.value();
        }

        @Override
        public long seed() {
            return config().seed();
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

    public static <C extends PipelineConfig, D> int train(Pipeline<C, D> p, RunOptions o, Context ctx) {
        return RunLifecycle.run(new Training<>(p), o, ctx);
    }

    /**
     * Phase 2's result for a DL4J pipeline: the data, the final graph, the checkpoint being resumed (or null) and
     * the network to train (new, or the checkpoint's parameters and updater state).
     */
    record Ready<C extends PipelineConfig, D>(Resolved<C> resolved, Pipeline.Prepared<D> data,
                                              Checkpoints.Readable checkpoint, Checkpoints.State state,
                                              ComputationGraph graph, boolean restarted) {
    }

    /** A DL4J pipeline's phases: its config and graph, its data and network, {@link Trainer#fit}, its report. */
    private record Training<C extends PipelineConfig, D>(Pipeline<C, D> p)
            implements RunLifecycle.Job<Resolved<C>, Ready<C, D>> {
        @Override
        public String pipeline() {
            return p.name();
        }

        @Override
        public String defaultConfig() {
            return p.defaultConfig();
        }

        @Override
        public Resolved<C> resolve(RunLifecycle.Start start) {
            return Launcher.resolve(p, start.source(), start.overrides());
        }

        @Override
        public Ready<C, D> prepare(Resolved<C> resolved, RunLifecycle.Start start, Context ctx) {
            C cfg = resolved.config();
            Backend.init(cfg.train().threadsHere());
            long td = System.nanoTime();
            Pipeline.Prepared<D> data = p.prepare(cfg, ctx);
            LOG.info("data: {} training examples ({} s)", data.train().size(), secs(td));
            Resolved<C> r = withData(p, resolved, data, start.source().name());
            checkOutputs(r.graphConf(), data, start.source().name());
            Checkpoints.Readable ckpt = start.resuming() ? checkpoint(start) : null;
            Checkpoints.State state = ckpt == null ? null : checkedState(start, ckpt.state(), r, cfg);
            return new Ready<>(r, data, ckpt, state, model(r, cfg, ckpt, state), start.resuming() && ckpt == null);
        }

        @Override
        public void opened(Summary summary, Resolved<C> resolved, Ready<C, D> ready) {
            Map<String, Object> backend = Backend.describe();
            summary.put("backend", backend).put("threads", backend.get("threads"));
            if (ready.restarted()) {
                summary.put("restarted", Instant.now().toString());
            }
        }

        @Override
        public RunLifecycle.Outcome train(RunLifecycle.Running<Resolved<C>, Ready<C, D>> run) {
            return Launcher.fit(run);
        }

        @Override
        public void report(RunLifecycle.Running<Resolved<C>, Ready<C, D>> run) {
            Ready<C, D> ready = run.prepared();
            p.report(ready.resolved().config(), run.ctx(), ready.graph(), ready.data(), run.dir(), run.summary());
        }
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

    /** The newest readable checkpoint of the run being resumed, or null (then it trains again from the start). */
    private static Checkpoints.Readable checkpoint(RunLifecycle.Start start) {
        RunDir dir = start.resumeDir();
        Checkpoints.Readable ckpt = new Checkpoints(dir.checkpointsDir(), 1).newestReadable().orElse(null);
        if (ckpt == null) {
            LOG.warn("--resume {}: no checkpoint yet (stopped before the first one): training again from the start "
                    + "with the run's saved config, in the same directory", dir);
        } else {
            LOG.info("--resume {}: from {}", dir, ckpt.entry().file().getFileName());
        }
        return ckpt;
    }

    /** The checkpoint's loop state, after checking that it belongs to this config's network and seed. */
    private static <C extends PipelineConfig> Checkpoints.State checkedState(RunLifecycle.Start start,
                                                                           Checkpoints.State state, Resolved<C> r,
                                                                           C cfg) {
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

    /** A new network, or the checkpoint's (parameters and updater state), with the engine's fast paths. */
    private static <C extends PipelineConfig> ComputationGraph model(Resolved<C> r, C cfg, Checkpoints.Readable ckpt,
                                                                   Checkpoints.State state) {
        ComputationGraph g;
        if (state != null) {
            g = Checkpoints.readGraph(ckpt.entry().file(), cfg.train().engine());
            LOG.info("model: resumed from {} (epoch {}, iteration {})", ckpt.entry().file().getFileName(),
                    state.epoch(), state.iteration());
        } else {
            g = new ComputationGraph(r.graphConf());
            g.init();
            LOG.info("model: {} parameters", g.numParams());
        }
        LOG.debug("model summary:\n{}", g.summary());
        return g;
    }

    /** Trains (progress, stats) and records the outcome in summary.json. */
    private static <C extends PipelineConfig, D> RunLifecycle.Outcome fit(
            RunLifecycle.Running<Resolved<C>, Ready<C, D>> run) {
        Ready<C, D> ready = run.prepared();
        C cfg = ready.resolved().config();
        ComputationGraph g = ready.graph();
        Summary summary = run.summary();
        Trainer.Result result;
        Map<String, Object> statsInfo = null;
        try (Progress progress = Progress.forConsole(run.ctx().quiet());
             RunStats stats = cfg.train().stats() ? RunStats.start(run.dir(), g, cfg.train().statsEvery()) : null) {
            if (ready.state() == null) {
                new dev.dlp.train.MetricsLog(run.dir().path()).truncateAfter(0);   // a restart after a kill
            }
            result = Trainer.fit(new Trainer.Job(run.dir(), summary, g, ready.data().train(), ready.data().validator(),
                    cfg.train(), cfg.checkpoint(), cfg.seed(), ready.resolved().architecture(), ready.state(),
                    progress, run.stop()));
            if (stats != null) {
                statsInfo = stats.describe(result.wallSeconds());
            }
        }
        Map<String, Object> best = new LinkedHashMap<>();
        best.put("metric", cfg.train().earlyStopping().metric());
        best.put("value", Double.isNaN(result.bestMetric()) ? null : result.bestMetric());
        best.put("epoch", result.bestEpoch());
        summary.put("epochs_completed", result.epochsCompleted())
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
        return new RunLifecycle.Outcome(result.status(), result.exitCode(), result.message(),
                result.epochsCompleted() + " epochs, " + Math.round(result.samplesPerSec()) + " samples/s");
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
