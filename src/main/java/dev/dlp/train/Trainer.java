package dev.dlp.train;

import dev.dlp.config.CheckpointConfig;
import dev.dlp.config.TrainConfig;
import dev.dlp.run.AtomicFiles;
import dev.dlp.run.RunDir;
import dev.dlp.run.Summary;
import org.deeplearning4j.nn.graph.ComputationGraph;
import dev.dlp.fast.FastPaths;
import dev.dlp.fast.ModelFiles;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The epoch loop shared by every pipeline: shuffled mini-batches (the order is a function of seed and epoch, so a
 * resumed run sees the same batches), validation and one metrics row per epoch, checkpoints, early stopping,
 * divergence and signal handling.
 */
public final class Trainer {
    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);
    /** Batches per prefetch hand-off: one chunk trains while the next is gathered (see {@link BatchSource}). */
    static final int CHUNK = BatchSource.IN_USE / 2;

    /** Validation metrics of the current model, e.g. {@code val_loss}, {@code val_accuracy}. */
    @FunctionalInterface
    public interface Validator {
        Map<String, Double> validate(ComputationGraph graph);
    }

    /** Everything one training run needs. {@code resume} is null for a fresh run. */
    public record Job(RunDir run, Summary summary, ComputationGraph graph, BatchSource data, Validator validator,
                      TrainConfig train, CheckpointConfig checkpoint, long seed, String architecture,
                      Checkpoints.State resume, Progress progress, StopSignal stop) {
    }

    /** How training ended. */
    public record Result(String status, int exitCode, int epochsCompleted, int iterations, Map<String, Object> lastRow,
                         double bestMetric, int bestEpoch, boolean earlyStopped, double samplesPerSec,
                         double wallSeconds, String message) {
    }

    private Trainer() {
    }

    public static Result fit(Job job) {
        TrainConfig tc = job.train();
        ComputationGraph g = job.graph();
        FastPaths.installTraining(g, tc.engine());
        BatchSource data = job.data();
        Checkpoints ckpts = new Checkpoints(job.run().checkpointsDir(), job.checkpoint().keepLast());
        MetricsLog metrics = new MetricsLog(job.run().path());
        TrainConfig.EarlyStoppingConfig es = tc.earlyStopping();
        boolean minimise = es.minimise();

        Checkpoints.State st = job.resume();
        int epoch = st == null ? 0 : st.epoch();
        int firstBatch = st == null ? 0 : st.batch();
        int iteration = st == null ? 0 : st.iteration();
        double best = st == null ? Double.NaN : st.bestMetric();
        int bestEpoch = st == null ? -1 : st.bestEpoch();
        int bad = st == null ? 0 : st.epochsWithoutImprovement();
        double lossSum = st == null ? 0 : st.epochLossSum();
        long lossCount = st == null ? 0 : st.epochLossCount();
        double epochTrain = st == null ? 0 : st.epochTrainSeconds();
        double wallBefore = st == null ? 0 : st.wallSeconds();
        if (st != null) {
            metrics.truncateAfter(epoch);
        }
        boolean stochastic = usesRandomness(g);
        long start = System.nanoTime();
        int n = data.size();
        int bs = Math.min(tc.batchSize(), n);
        int batches = (n + bs - 1) / bs;
        Map<String, Object> lastRow = new LinkedHashMap<>();
        double steadySamples = 0;
        double steadySeconds = 0;
        double firstSamples = 0;
        double firstSeconds = 0;
        int epochsThisProcess = 0;
        boolean earlyStopped = false;
        ExecutorService prefetcher = tc.prefetch() ? Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "dlp-prefetch");
            t.setDaemon(true);
            return t;
        }) : null;
        try {
            for (; epoch < tc.epochs(); epoch++) {
                g.getConfiguration().setEpochCount(epoch);
                int[] order = permutation(n, job.seed(), epoch);
                job.progress().startEpoch(epoch, tc.epochs(), batches, firstBatch);
                long epochStart = System.nanoTime();
                long samples = 0;
                CompletableFuture<List<MultiDataSet>> next = fetch(prefetcher, data, order, firstBatch, bs, n);
                List<MultiDataSet> chunk = List.of();
                int chunkStart = firstBatch;
                for (int b = firstBatch; b < batches; b++) {
                    if (job.stop().requested()) {
                        job.progress().endEpoch();
                        double trained = epochTrain + (System.nanoTime() - epochStart) / 1e9;
                        Checkpoints.State s = new Checkpoints.State(epoch, b, iteration, job.seed(), job.architecture(),
                                best, bestEpoch, bad, lossSum, lossCount, trained, wallBefore + seconds(start));
                        Path file = ckpts.save(g, s);
                        String msg = String.format(Locale.ROOT, "interrupted at epoch %d batch %d/%d; checkpoint %s; "
                                + "continue with --resume %s", epoch + 1, b, batches, file.getFileName(), job.run());
                        return new Result(Summary.INTERRUPTED, job.stop().exitCode(), epoch, iteration, lastRow, best,
                                bestEpoch, false, rate(steadySamples, steadySeconds, firstSamples, firstSeconds),
                                wallBefore + seconds(start), msg);
                    }
                    if (b - chunkStart >= chunk.size()) {
                        chunk = next.join();
                        chunkStart = b;
                        int following = b + chunk.size();
                        next = following < batches ? fetch(prefetcher, data, order, following, bs, n) : null;
                    }
                    MultiDataSet mds = chunk.get(b - chunkStart);
                    // dropout and other stochastic layers draw from this: a function of (seed, iteration) makes
                    // a resumed run identical to an uninterrupted one (skipped when nothing draws: it costs)
                    if (stochastic) {
                        Nd4j.getRandom().setSeed(job.seed() * 0x9E3779B97F4A7C15L + iteration);
                    }
                    g.fit(mds);
                    double loss = g.score();
                    int size = (int) mds.getFeatures(0).size(0);
                    iteration++;
                    if (!Double.isFinite(loss)) {
                        job.progress().endEpoch();
                        String last = ckpts.latest().map(c -> c.file().getFileName().toString()).orElse("none");
                        String msg = String.format(Locale.ROOT, "training diverged: loss is %s at epoch %d batch %d; "
                                + "last good checkpoint: %s; try a lower train.updater.lr", loss, epoch + 1, b + 1,
                                last);
                        return new Result(Summary.DIVERGED, 1, epoch, iteration, lastRow, best, bestEpoch, false,
                                rate(steadySamples, steadySeconds, firstSamples, firstSeconds),
                                wallBefore + seconds(start), msg);
                    }
                    lossSum += loss * size;
                    lossCount += size;
                    samples += size;
                    double elapsed = (System.nanoTime() - epochStart) / 1e9;
                    job.progress().step(b + 1, lossSum / lossCount, samples / Math.max(elapsed, 1e-9));
                }
                double trainSeconds = (System.nanoTime() - epochStart) / 1e9;
                job.progress().endEpoch();
                if (epochsThisProcess == 0) {
                    firstSamples = samples;
                    firstSeconds = trainSeconds;
                } else {
                    steadySamples += samples;
                    steadySeconds += trainSeconds;
                }
                epochsThisProcess++;
                epochTrain += trainSeconds;

                Map<String, Double> val = job.validator() == null ? Map.of() : job.validator().validate(g);
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("epoch", epoch + 1);
                row.put("iterations", iteration);
                row.put("train_loss", round(lossSum / Math.max(1, lossCount)));
                val.forEach((k, v) -> row.put(k, round(v)));
                row.put("lr", round(tc.updater().lrAt(epoch)));
                row.put("samples_per_sec", Math.round(samples / Math.max(trainSeconds, 1e-9) * 10) / 10.0);
                row.put("elapsed_s", round3(wallBefore + seconds(start)));
                metrics.append(row);
                lastRow = row;
                // many tiny epochs (full-batch regression): log about twenty of them, the rest at debug level
                int every = Math.max(1, tc.epochs() / 20);
                boolean logged = tc.epochs() <= 100 || (epoch + 1) % every == 0 || epoch == 0
                        || epoch + 1 == tc.epochs();
                if (logged) {
                    LOG.info("epoch {}/{}: {}", epoch + 1, tc.epochs(), describe(row));
                } else {
                    LOG.debug("epoch {}/{}: {}", epoch + 1, tc.epochs(), describe(row));
                }

                Double m = metricValue(row, es.metric());
                boolean improved = m != null && (Double.isNaN(best) || (minimise ? m < best : m > best));
                if (improved) {
                    best = m;
                    bestEpoch = epoch + 1;
                    bad = 0;
                    if (es.patience() > 0) {
                        saveModel(g, job.run().resolve("checkpoints").resolve("best-model.zip"));
                    }
                } else if (m != null) {
                    bad++;
                }
                earlyStopped = es.patience() > 0 && bad >= es.patience() && epoch + 1 < tc.epochs();
                boolean lastEpoch = epoch + 1 == tc.epochs() || earlyStopped;
                lossSum = 0;
                lossCount = 0;
                epochTrain = 0;
                firstBatch = 0;
                if (logged || epoch + 1 == tc.epochs()) {
                    job.summary().put("status", Summary.RUNNING).put("epochs_completed", epoch + 1)
                            .put("iterations", iteration).put("final", row).save();
                }
                if ((epoch + 1) % job.checkpoint().every() == 0 || lastEpoch) {
                    ckpts.save(g, new Checkpoints.State(epoch + 1, 0, iteration, job.seed(), job.architecture(), best,
                            bestEpoch, bad, 0, 0, 0, wallBefore + seconds(start)));
                }
                if (earlyStopped) {
                    LOG.info("early stopping: {} has not improved for {} epochs (best {} at epoch {})", es.metric(),
                            bad, best, bestEpoch);
                    epoch++;
                    break;
                }
            }
        } finally {
            if (prefetcher != null) {
                prefetcher.shutdownNow();
            }
            job.progress().endEpoch();
        }
        Path bestModel = job.run().resolve("checkpoints").resolve("best-model.zip");
        if (es.patience() > 0 && Files.exists(bestModel)) {
            AtomicFiles.write(job.run().modelFile(), tmp -> Files.copy(bestModel, tmp,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING));
        } else {
            saveModel(g, job.run().modelFile());
        }
        return new Result(Summary.COMPLETED, 0, epoch, iteration, lastRow, best, bestEpoch, earlyStopped,
                rate(steadySamples, steadySeconds, firstSamples, firstSeconds), wallBefore + seconds(start), null);
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
     * The batches from batch {@code b} on, {@link #CHUNK} of them (fewer at the end of the epoch), gathered on
     * {@code ex} (here when null). In chunks because handing work to another thread costs a wake-up system call per
     * hand-off (profiled: ~20 µs on this machine, a sixth of an MNIST softmax step when done per batch).
     */
    private static CompletableFuture<List<MultiDataSet>> fetch(ExecutorService ex, BatchSource data, int[] order,
                                                               int b, int bs, int n) {
        Supplier<List<MultiDataSet>> gather = () -> {
            List<MultiDataSet> out = new ArrayList<>(CHUNK);
            for (int from = b * bs; from < n && out.size() < CHUNK; from += bs) {
                out.add(data.batch(order, from, Math.min(n, from + bs)));
            }
            return out;
        };
        return ex == null ? CompletableFuture.completedFuture(gather.get()) : CompletableFuture.supplyAsync(gather, ex);
    }

    /** The graph's own loss (as in train_loss) over every example of {@code data}, in batches of {@code batch}. */
    public static double meanScore(ComputationGraph g, BatchSource data, int batch) {
        double sum = 0;
        int n = data.size();
        for (int from = 0; from < n; from += batch) {
            int to = Math.min(n, from + batch);
            sum += g.score(data.batch(null, from, to), false) * (to - from);
        }
        return sum / n;
    }

    /** Saves a model zip (with updater state, DL4J's classes only: see {@link ModelFiles}) atomically. */
    public static void saveModel(ComputationGraph g, Path target) {
        AtomicFiles.write(target, tmp -> {
            try (java.io.OutputStream out = Files.newOutputStream(tmp)) {
                ModelFiles.write(g, out, true);
            }
        });
    }

    /** Steady-state samples/s: epochs after the first of this process, or the first when it is the only one. */
    private static double rate(double steadySamples, double steadySeconds, double firstSamples, double firstSeconds) {
        double r = steadySeconds > 0 ? steadySamples / steadySeconds : firstSeconds > 0 ? firstSamples / firstSeconds : 0;
        return Math.round(r * 10) / 10.0;
    }

    /** The shuffled order of epoch {@code epoch}: a pure function of seed and epoch. */
    public static int[] permutation(int n, long seed, int epoch) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        SplittableRandom r = new SplittableRandom(seed * 1_000_003L + epoch);
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    private static Double metricValue(Map<String, Object> row, String metric) {
        Object v = row.get(metric);
        return v instanceof Number num ? num.doubleValue() : null;
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }

    private static double round(double v) {
        return Double.isFinite(v) ? Double.parseDouble(String.format(Locale.ROOT, "%.6g", v)) : v;
    }

    private static double round3(double v) {
        return Math.round(v * 1000) / 1000.0;
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
