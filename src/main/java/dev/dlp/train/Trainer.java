package dev.dlp.train;

import dev.dlp.config.CheckpointConfig;
import dev.dlp.config.TrainConfig;
import dev.dlp.fast.FastPaths;
import dev.dlp.fast.Workers;
import dev.dlp.fast.ModelFiles;
import dev.dlp.run.AtomicFiles;
import dev.dlp.run.RunDir;
import dev.dlp.run.Summary;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The epoch loop shared by every DL4J pipeline, in named steps: {@link #trainEpoch} (mini-batches in a shuffled
 * order that is a function of seed and epoch, so a resumed run sees the same batches; stop requests, divergence
 * and mid-epoch checkpoints), {@link #validate} (one metrics row), {@link #afterEpoch} (best model, early stopping,
 * the epoch's checkpoint) and {@link #saveFinalModel}. Where the loop stands is a {@link TrainState}, which is
 * also what a checkpoint records.
 */
public final class Trainer {
    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);
    static final String BEST_MODEL = "best-model.zip";

    /** Validation metrics of the current model, e.g. {@code val_loss}, {@code val_accuracy}. */
    @FunctionalInterface
    public interface Validator {
        Map<String, Double> validate(ComputationGraph graph);
    }

    /** Everything one training run needs. {@code resume} is null for a fresh run. */
    public record Job(RunDir run, Summary summary, ComputationGraph graph, BatchSource data, Validator validator,
                      TrainConfig train, CheckpointConfig checkpoint, long seed, String architecture,
                      Checkpoints.State resume, Progress progress, StopSignal stop) {
        Path bestModel() {
            return run.checkpointsDir().resolve(BEST_MODEL);
        }
    }

    /** How training ended. */
    public record Result(String status, int exitCode, int epochsCompleted, int iterations, Map<String, Object> lastRow,
                         double bestMetric, int bestEpoch, boolean earlyStopped, double samplesPerSec,
                         double wallSeconds, String message) {
    }

    private Trainer() {
    }

    public static Result fit(Job job) {
        if (job.train().distributed().active()) {
            return DistributedFit.fit(job);
        }
        try (Workers workers = Workers.install(job.graph(), job.train().workersHere(), usesRandomness(job.graph()),
                job.train().split() == TrainConfig.Split.TIMED)) {
            FastPaths.installTraining(job.graph(), job.train().engine());
            try {
                return fit(job, workers);
            } finally {
                job.summary().put("workers", workers.describe());
            }
        }
    }

    private static Result fit(Job job, Workers workers) {
        MetricsLog metrics = new MetricsLog(job.run().path());
        TrainState s = startState(job, metrics);
        Checkpoints ckpts = new Checkpoints(job.run().checkpointsDir(), job.checkpoint().keepLast());
        boolean prefetch = prefetchThread(job.train(), workers.count(), TrainConfig.cores());
        job.summary().put("prefetch_thread", prefetch);
        try (Batches batches = new Batches(job.data(), job.train().batchSize(), job.seed(), prefetch)) {
            for (; s.epoch < job.train().epochs(); s.epoch++) {
                Result stopped = trainEpoch(job, workers, s, batches, ckpts);
                if (stopped != null) {
                    return stopped;
                }
                Map<String, Object> row = validate(job, s);
                metrics.append(row);
                if (afterEpoch(job, s, row, ckpts)) {
                    s.epoch++;
                    break;
                }
            }
        } finally {
            job.progress().endEpoch();
        }
        saveFinalModel(job);
        return s.result(Summary.COMPLETED, 0, null);
    }

    /**
     * Whether the next batches are gathered on a thread of their own: {@code train.prefetch}, and a core left free
     * by the workers (of the cores this process may use, {@link TrainConfig#cores}). With a worker on every core the
     * gathering thread has no core of its own: it ran on a worker's core every fourth step (each hand-off is {@link
     * Batches#CHUNK} batches) and the other worker waited for that one (LeNet-5, 2 workers on 2 cores: 0.2-0.5 ms more
     * wait on those steps, docs/performance.md); gathering a batch on the training thread costs ~30 µs.
     */
    static boolean prefetchThread(TrainConfig train, int workers, int cores) {
        return train.prefetch() && workers < cores;
    }

    /**
     * Where the loop starts: fresh, or (resumed) at the checkpoint, with metrics.csv cut back to the epochs the
     * checkpoint has seen and the last of them as the row a run resumed after its last epoch reports as final.
     */
    static TrainState startState(Job job, MetricsLog metrics) {
        TrainState s = TrainState.start(job.resume());
        if (job.resume() != null) {
            metrics.truncateAfter(s.epoch);
            s.lastRow = metrics.lastRow();
        }
        return s;
    }

    /**
     * Trains the batches of epoch {@code s.epoch} from {@code s.firstBatch} on. Returns the result when the run
     * must end here (a stop request: checkpoint first; a diverged loss), else null.
     */
    static Result trainEpoch(Job job, Workers workers, TrainState s, Batches batches, Checkpoints ckpts) {
        ComputationGraph g = job.graph();
        g.getConfiguration().setEpochCount(s.epoch);
        boolean stochastic = usesRandomness(g);
        job.progress().startEpoch(s.epoch, job.train().epochs(), batches.count(), s.firstBatch);
        s.startEpoch();
        workers.startEpoch(s.epoch);
        batches.startEpoch(s.epoch, s.firstBatch);
        for (int b = s.firstBatch; b < batches.count(); b++) {
            if (job.stop().requested()) {
                job.progress().endEpoch();
                Path file = checkpoint(job, s, b, ckpts);
                return s.result(Summary.INTERRUPTED, job.stop().exitCode(), String.format(Locale.ROOT,
                        "interrupted at epoch %d batch %d/%d; checkpoint %s; continue with --resume %s", s.epoch + 1,
                        b, batches.count(), file.getFileName(), job.run()));
            }
            MultiDataSet mds = batches.get(b);
            // dropout and other stochastic layers draw from this: a function of (seed, iteration) makes a resumed
            // run identical to an uninterrupted one (skipped when nothing draws: it costs)
            if (stochastic) {
                Nd4j.getRandom().setSeed(job.seed() * 0x9E3779B97F4A7C15L + s.iteration);
            }
            workers.fit(mds);
            double loss = g.score();
            s.iteration++;
            if (!Double.isFinite(loss)) {
                job.progress().endEpoch();
                String last = ckpts.latest().map(c -> c.file().getFileName().toString()).orElse("none");
                return s.result(Summary.DIVERGED, 1, String.format(Locale.ROOT, "training diverged: loss is %s at "
                        + "epoch %d batch %d; last good checkpoint: %s; try a lower train.updater.lr", loss,
                        s.epoch + 1, b + 1, last));
            }
            s.addBatch(loss, (int) mds.getFeatures(0).size(0));
            job.progress().step(b + 1, s.epochLoss(), s.epochSamplesPerSec());
            if (b + 1 < batches.count() && midEpochCheckpointDue(job.checkpoint(), s)) {
                checkpoint(job, s, b + 1, ckpts);
            }
        }
        s.endEpoch();
        job.progress().endEpoch();
        return null;
    }

    private static boolean midEpochCheckpointDue(CheckpointConfig c, TrainState s) {
        return c.everyIterations() > 0 && s.iteration % c.everyIterations() == 0
                || c.everyMinutes() > 0 && s.secondsSinceCheckpoint() >= c.everyMinutes() * 60;
    }

    /** A checkpoint of the loop standing before batch {@code batch} of the current epoch. */
    private static Path checkpoint(Job job, TrainState s, int batch, Checkpoints ckpts) {
        Path file = ckpts.save(job.graph(), s.checkpointState(batch, job.seed(), job.architecture()));
        s.checkpointed();
        return file;
    }

    /** The epoch's metrics row: training loss, validation metrics, learning rate, speed; logged. */
    static Map<String, Object> validate(Job job, TrainState s) {
        TrainConfig tc = job.train();
        Map<String, Double> val = job.validator() == null ? Map.of() : job.validator().validate(job.graph());
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("epoch", s.epoch + 1);
        row.put("iterations", s.iteration);
        row.put("train_loss", round(s.epochLoss()));
        val.forEach((k, v) -> row.put(k, round(v)));
        row.put("lr", round(tc.updater().lrAt(s.epoch)));
        row.put("samples_per_sec", Math.round(s.lastEpochSamplesPerSec() * 10) / 10.0);
        row.put("elapsed_s", Math.round(s.wallSeconds() * 1000) / 1000.0);
        s.lastRow = row;
        if (logged(s.epoch, tc.epochs())) {
            LOG.info("epoch {}/{}: {}", s.epoch + 1, tc.epochs(), describe(row));
        } else {
            LOG.debug("epoch {}/{}: {}", s.epoch + 1, tc.epochs(), describe(row));
        }
        return row;
    }

    /** Many tiny epochs (full-batch regression): about twenty are logged, the rest at debug level. */
    private static boolean logged(int epoch, int epochs) {
        int every = Math.max(1, epochs / 20);
        return epochs <= 100 || (epoch + 1) % every == 0 || epoch == 0 || epoch + 1 == epochs;
    }

    /**
     * After an epoch's metrics: keeps the best model (with early stopping), updates summary.json, writes the epoch's
     * checkpoint and decides early stopping. True when training stops early.
     */
    static boolean afterEpoch(Job job, TrainState s, Map<String, Object> row, Checkpoints ckpts) {
        TrainConfig.EarlyStoppingConfig es = job.train().earlyStopping();
        Object v = row.get(es.metric());
        if (v instanceof Number m && s.improves(m.doubleValue(), es.minimise())) {
            s.best = m.doubleValue();
            s.bestEpoch = s.epoch + 1;
            s.epochsWithoutImprovement = 0;
            if (es.patience() > 0) {
                saveModel(job.graph(), job.bestModel());
            }
        } else if (v instanceof Number) {
            s.epochsWithoutImprovement++;
        }
        int epochs = job.train().epochs();
        s.earlyStopped = es.patience() > 0 && s.epochsWithoutImprovement >= es.patience() && s.epoch + 1 < epochs;
        boolean last = s.epoch + 1 == epochs || s.earlyStopped;
        if (logged(s.epoch, epochs) || last) {
            job.summary().put("status", Summary.RUNNING).put("epochs_completed", s.epoch + 1)
                    .put("iterations", s.iteration).put("final", row).save();
        }
        if ((s.epoch + 1) % job.checkpoint().every() == 0 || last) {
            s.epoch++;   // the checkpoint stands at batch 0 of the next epoch
            try {
                checkpoint(job, s, 0, ckpts);
            } finally {
                s.epoch--;
            }
        }
        if (s.earlyStopped) {
            LOG.info("early stopping: {} has not improved for {} epochs (best {} at epoch {})", es.metric(),
                    s.epochsWithoutImprovement, s.best, s.bestEpoch);
        }
        return s.earlyStopped;
    }

    /** model.zip: the best model when early stopping kept one, else the current one. */
    static void saveFinalModel(Job job) {
        if (job.train().earlyStopping().patience() > 0 && Files.exists(job.bestModel())) {
            AtomicFiles.write(job.run().modelFile(), tmp -> Files.copy(job.bestModel(), tmp,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING));
        } else {
            saveModel(job.graph(), job.run().modelFile());
        }
    }

    /** True when a layer draws random numbers while training (dropout, weight noise). */
    static boolean usesRandomness(ComputationGraph g) {
        for (org.deeplearning4j.nn.api.Layer l : g.getLayers()) {
            org.deeplearning4j.nn.conf.layers.Layer c = l.conf().getLayer();
            if (c instanceof org.deeplearning4j.nn.conf.layers.DropoutLayer || c.getIDropout() != null) {
                return true;
            }
            if (c instanceof org.deeplearning4j.nn.conf.layers.BaseLayer b && b.getWeightNoise() != null) {
                return true;
            }
        }
        return false;
    }

    /**
     * The graph's own loss (DL4J's score, as in train_loss) over every example of {@code data}, in batches of
     * {@code batch}: from the inference output where {@link OutputLoss} applies (each batch cut between the workers
     * while they are open, {@link Workers#output}), else by DL4J's score.
     */
    public static double meanScore(ComputationGraph g, BatchSource data, int batch) {
        OutputLoss loss = OutputLoss.of(g);
        double sum = 0;
        int n = data.size();
        for (int from = 0; from < n; from += batch) {
            int to = Math.min(n, from + batch);
            MultiDataSet b = data.batch(null, from, to);
            sum += loss == null ? g.score(b, false) * (to - from) : loss.sum(Workers.output(g, b.getFeatures(),
                    b.getFeaturesMaskArrays(), b.getLabelsMaskArrays()), b.getLabels(0), b.getLabelsMaskArray(0));
        }
        return loss == null ? sum / n : loss.mean(sum, n);
    }

    /** Saves a model zip (with updater state, DL4J's classes only: see {@link ModelFiles}) atomically. */
    public static void saveModel(ComputationGraph g, Path target) {
        AtomicFiles.write(target, tmp -> {
            try (java.io.OutputStream out = Files.newOutputStream(tmp)) {
                ModelFiles.write(g, out, true);
            }
        });
    }

    private static double round(double v) {
        return Double.isFinite(v) ? Double.parseDouble(String.format(Locale.ROOT, "%.6g", v)) : v;
    }

    static String describe(Map<String, Object> row) {
        StringBuilder sb = new StringBuilder();
        row.forEach((k, v) -> {
            if (!k.equals("epoch")) {
                sb.append(sb.length() == 0 ? "" : ", ").append(k).append(' ').append(v);
            }
        });
        return sb.toString();
    }
}
