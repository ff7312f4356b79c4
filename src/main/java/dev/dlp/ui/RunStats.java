package dev.dlp.ui;

import dev.dlp.run.RunDir;
import org.deeplearning4j.core.storage.Persistable;
import org.deeplearning4j.core.storage.StatsStorageRouter;
import org.deeplearning4j.core.storage.StorageMetaData;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.deeplearning4j.ui.model.stats.StatsListener;
import org.deeplearning4j.ui.model.stats.api.StatsType;
import org.deeplearning4j.ui.model.stats.api.StatsUpdateConfiguration;
import org.deeplearning4j.ui.model.stats.impl.DefaultStatsInitializationConfiguration;
import org.deeplearning4j.ui.model.stats.impl.DefaultStatsUpdateConfiguration;
import org.deeplearning4j.ui.model.storage.FileStatsStorage;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * {@code train.stats}: DL4J's training statistics of a run, recorded by DL4J's {@link StatsListener} into
 * {@code <run>/stats.dl4j} (DL4J's {@link FileStatsStorage}: DL4J's own {@code UIServer} opens it) and, while the run
 * trains, into {@code <run>/stats.journal} ({@link StatsJournal}), which {@code dlp ui} reads live.
 *
 * <p>What it costs: DL4J's listener computes its statistics on the training thread at every report (tens of ND4J
 * operations over parameters, gradients, updates and activations: about 8-15 ms on LeNet-5), plus a one-time
 * description of the model at the first; the writes happen on a thread of their own. {@code train.stats_every: 0}
 * (the default) spaces the reports so that they take about 3 % of the training time, from the cost of a report and of
 * an iteration measured as the run goes; summary.json's {@code stats} says what they took.
 *
 * <p>The session id is {@code <pipeline>-<run directory name>} and the worker id {@code 0}, the same after
 * {@code --resume}: a resumed run continues its session (its journal starts with what {@code stats.dl4j} already
 * holds).
 */
public final class RunStats implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RunStats.class);
    public static final String FILE = "stats.dl4j";
    static final String WORKER = "0";

    private final ComputationGraph graph;
    private final Timed listener;
    private final FileStatsStorage storage;
    private final StatsJournal.Writer journal;
    private final Path journalFile;
    private final Path dir;
    private final Tee tee;

    private RunStats(Path dir, ComputationGraph graph, Timed listener, Tee tee, FileStatsStorage storage,
                     StatsJournal.Writer journal, Path journalFile) {
        this.dir = dir;
        this.tee = tee;
        this.graph = graph;
        this.listener = listener;
        this.storage = storage;
        this.journal = journal;
        this.journalFile = journalFile;
    }

    /** The UI session of the run in {@code runDir}: {@code <pipeline>-<run directory name>}. */
    public static String sessionId(Path runDir) {
        Path abs = runDir.toAbsolutePath().normalize();
        return abs.getParent().getFileName() + "-" + abs.getFileName();
    }

    /**
     * Starts recording: adds a {@link StatsListener} reporting every {@code every} iterations to {@code graph}'s
     * listeners. Call before training starts (the workers' optimizer takes the graph's listeners when installed).
     */
    public static RunStats start(RunDir run, ComputationGraph graph, int every) {
        Path dir = run.path();
        String session = sessionId(dir);
        FileStatsStorage storage = open(dir.resolve(FILE));
        Path journalFile = dir.resolve(StatsJournal.FILE);
        StatsJournal.Writer journal = null;
        try {
            // a new journal with what stats.dl4j holds already (a resumed run), moved into place in one step
            Path tmp = dir.resolve("." + StatsJournal.FILE + ".tmp");
            journal = new StatsJournal.Writer(tmp);
            journal.copySession(storage, session);
            Files.move(tmp, journalFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            closeQuietly(journal);
            closeQuietly(storage::close);
            throw new IllegalStateException(dir + ": cannot start the stats journal: " + e.getMessage(), e);
        }
        Tee tee = new Tee(List.of(storage, journal));
        Frequency frequency = new Frequency(new DefaultStatsUpdateConfiguration.Builder().build(), every);
        Timed listener = new Timed(new StatsListener(tee, new DefaultStatsInitializationConfiguration(true, true, true),
                frequency, session, WORKER), frequency);
        List<TrainingListener> all = new ArrayList<>(graph.getListeners() == null ? List.of() : graph.getListeners());
        all.add(listener);
        graph.setListeners(all);
        LOG.info("stats: {} into {} (session {}; watch with: dlp ui)", every > 0 ? "every " + every + " iterations"
                : "as often as costs under " + Math.round(Frequency.BUDGET * 100) + " % of the time", dir.resolve(FILE),
                session);
        return new RunStats(dir, graph, listener, tee, storage, journal, journalFile);
    }

    /** DL4J's storage; a UI that is copying it out holds its lock for a moment, so a few tries. */
    private static FileStatsStorage open(Path file) {
        RuntimeException last = null;
        for (int attempt = 0; attempt < 20; attempt++) {
            try {
                return new FileStatsStorage(file.toFile());
            } catch (RuntimeException e) {
                last = e;
                try {
                    Thread.sleep(250);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        throw new IllegalStateException(file + ": cannot open the stats storage (" + last.getMessage() + ")", last);
    }

    /**
     * What summary.json says about the statistics: file, session, frequency, reports, and the seconds spent on them
     * and their share of the training time {@code trainSeconds}.
     */
    public Map<String, Object> describe(double trainSeconds) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("file", FILE);
        m.put("session", sessionId(dir));
        m.put("every_iterations", listener.frequency.fixed > 0 ? listener.frequency.fixed : "auto");
        m.put("last_every_iterations", listener.frequency.every);
        m.put("reports", reports());
        m.put("seconds", Math.round(seconds() * 1000) / 1000.0);
        m.put("share_of_training", trainSeconds > 0 ? Math.round(seconds() / trainSeconds * 10000) / 10000.0 : null);
        return m;
    }

    /** Seconds the training thread spent in the statistics listener so far (collecting, encoding, writing). */
    public double seconds() {
        return listener.nanos / 1e9;
    }

    /** Reports written so far. */
    public long reports() {
        return journal.updates();
    }

    /** Stops recording: the listener leaves the graph, stats.dl4j is closed, the journal deleted. */
    @Override
    public void close() {
        List<TrainingListener> rest = new ArrayList<>(graph.getListeners());
        rest.remove(listener);
        graph.setListeners(rest);
        tee.close();
        closeQuietly(journal);
        closeQuietly(storage::close);
        try {
            Files.deleteIfExists(journalFile);
        } catch (IOException e) {
            LOG.warn("stats: {} not deleted: {}", journalFile, e.getMessage());
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            LOG.warn("stats: closing {}: {}", c, e.getMessage());
        }
    }

    /**
     * When DL4J's listener reports: every {@code fixed} iterations, or (0) as often as keeps its cost under
     * {@link #BUDGET} of the training time. DL4J's listener asks for its reporting frequency at every iteration; the
     * rest of the configuration is DL4J's default (score, update:parameter ratios, means, standard deviations and
     * histograms of parameters, gradients, updates and activations; learning rates, memory, GC).
     */
    static final class Frequency implements StatsUpdateConfiguration {
        static final double BUDGET = 0.03;
        private final StatsUpdateConfiguration inner;
        final int fixed;
        /** Auto: iterations between two reports, from the measured costs. */
        volatile int every = 10;   // a few early reports measure what one costs
        /** Auto: whether the coming iteration reports. */
        private volatile boolean due;
        private long lastReport;

        Frequency(StatsUpdateConfiguration inner, int fixed) {
            this.inner = inner;
            this.fixed = fixed;
            if (fixed > 0) {
                every = fixed;
            }
        }

        /** Whether the listener reports at its iteration {@code count} (it counts from 0, and reports at 0). */
        boolean reports(long count) {
            return count == 0 || (fixed > 0 ? count % fixed == 0 : due);
        }

        /**
         * After the listener's iteration {@code count}: with reports costing {@code reportNanos} and iterations
         * {@code iterNanos} without them, the spacing that costs BUDGET of the time, and whether the next iteration
         * reports. (DL4J's listener reports when its count is a multiple of the frequency; a changing frequency would
         * make that erratic, so auto mode answers 1 on the iteration that reports and "never" on the others.)
         */
        void after(long count, boolean reported, double reportNanos, double iterNanos) {
            if (fixed > 0) {
                return;
            }
            if (reported) {
                lastReport = count;
            }
            if (!Double.isNaN(reportNanos) && iterNanos > 0) {
                every = (int) Math.max(1, Math.min(1_000_000, Math.ceil(reportNanos / (BUDGET * iterNanos))));
            }
            due = count + 1 - lastReport >= every;
        }

        @Override
        public int reportingFrequency() {
            return fixed > 0 ? fixed : due ? 1 : Integer.MAX_VALUE;
        }

        @Override
        public boolean collectPerformanceStats() {
            return inner.collectPerformanceStats();
        }

        @Override
        public boolean collectMemoryStats() {
            return inner.collectMemoryStats();
        }

        @Override
        public boolean collectGarbageCollectionStats() {
            return inner.collectGarbageCollectionStats();
        }

        @Override
        public boolean collectLearningRates() {
            return inner.collectLearningRates();
        }

        @Override
        public boolean collectHistograms(StatsType type) {
            return inner.collectHistograms(type);
        }

        @Override
        public int numHistogramBins(StatsType type) {
            return inner.numHistogramBins(type);
        }

        @Override
        public boolean collectMean(StatsType type) {
            return inner.collectMean(type);
        }

        @Override
        public boolean collectStdev(StatsType type) {
            return inner.collectStdev(type);
        }

        @Override
        public boolean collectMeanMagnitudes(StatsType type) {
            return inner.collectMeanMagnitudes(type);
        }
    }

    /**
     * DL4J's listener, with the time spent in it counted (what {@code train.stats} costs a run, stated in its
     * summary.json) and, for the automatic frequency, the cost of a report and the time of an iteration without it
     * measured as training goes.
     */
    private static final class Timed implements TrainingListener {
        private final TrainingListener inner;
        final Frequency frequency;
        long nanos;
        /** The listener's own iteration count (DL4J's listener reports at 0 and at multiples of its frequency). */
        private long count;
        private long iterationNanos;
        private long lastEnd;
        private double reportCost = Double.NaN;
        private double iterationCost = Double.NaN;

        Timed(TrainingListener inner, Frequency frequency) {
            this.inner = inner;
            this.frequency = frequency;
        }

        @Override
        public void iterationDone(Model model, int iteration, int epoch) {
            boolean report = frequency.reports(count);
            long t = System.nanoTime();
            inner.iterationDone(model, iteration, epoch);
            long end = System.nanoTime();
            iterationNanos += end - t;
            nanos += end - t;
            if (lastEnd != 0) {   // (not the first iteration: its report also describes the model, once)
                // this iteration's time outside the listener, and on a report its time inside
                double outside = Math.max(0, end - lastEnd - iterationNanos);
                iterationCost = Double.isNaN(iterationCost) ? outside : 0.9 * iterationCost + 0.1 * outside;
                if (report) {
                    reportCost = Double.isNaN(reportCost) ? iterationNanos : 0.7 * reportCost + 0.3 * iterationNanos;
                }
            }
            frequency.after(count, report, reportCost, iterationCost);
            lastEnd = end;
            iterationNanos = 0;
            count++;
        }

        /** Runs a call of the listener outside {@code iterationDone}; its time counts with this iteration. */
        private void timed(Runnable call) {
            long t = System.nanoTime();
            call.run();
            long d = System.nanoTime() - t;
            iterationNanos += d;
            nanos += d;
        }

        @Override
        public void onEpochStart(Model model) {
            timed(() -> inner.onEpochStart(model));
        }

        @Override
        public void onEpochEnd(Model model) {
            timed(() -> inner.onEpochEnd(model));
        }

        @Override
        public void onForwardPass(Model model, List<INDArray> activations) {
            timed(() -> inner.onForwardPass(model, activations));
        }

        @Override
        public void onForwardPass(Model model, Map<String, INDArray> activations) {
            timed(() -> inner.onForwardPass(model, activations));
        }

        @Override
        public void onGradientCalculation(Model model) {
            timed(() -> inner.onGradientCalculation(model));
        }

        @Override
        public void onBackwardPass(Model model) {
            timed(() -> inner.onBackwardPass(model));
        }
    }

    /**
     * Routes every record to each of several routers, on a thread of its own: stats.dl4j's MapDB commits (an fsync
     * each) and the journal's writes cost the training thread nothing. The records are DL4J's report objects, made
     * new for every report and not touched by the listener after it routes them.
     */
    private static final class Tee implements StatsStorageRouter, AutoCloseable {
        private final List<StatsStorageRouter> to;
        private final java.util.concurrent.ExecutorService writer = java.util.concurrent.Executors
                .newSingleThreadExecutor(r -> {
                    Thread t = new Thread(r, "dlp-stats-writer");
                    t.setDaemon(true);
                    return t;
                });
        private volatile boolean failed;

        Tee(List<StatsStorageRouter> to) {
            this.to = to;
        }

        private void each(java.util.function.Consumer<StatsStorageRouter> put) {
            writer.execute(() -> {
                try {
                    to.forEach(put);
                } catch (RuntimeException e) {
                    if (!failed) {
                        failed = true;
                        LOG.warn("stats: writing a record failed ({}); training goes on", e.toString());
                    }
                }
            });
        }

        @Override
        public void putStorageMetaData(StorageMetaData m) {
            each(r -> r.putStorageMetaData(m));
        }

        @Override
        public void putStorageMetaData(Collection<? extends StorageMetaData> ms) {
            each(r -> r.putStorageMetaData(ms));
        }

        @Override
        public void putStaticInfo(Persistable p) {
            each(r -> r.putStaticInfo(p));
        }

        @Override
        public void putStaticInfo(Collection<? extends Persistable> ps) {
            each(r -> r.putStaticInfo(ps));
        }

        @Override
        public void putUpdate(Persistable p) {
            each(r -> r.putUpdate(p));
        }

        @Override
        public void putUpdate(Collection<? extends Persistable> ps) {
            each(r -> r.putUpdate(ps));
        }

        /** Waits for every record routed so far to be written. */
        @Override
        public void close() {
            writer.shutdown();
            try {
                if (!writer.awaitTermination(2, java.util.concurrent.TimeUnit.MINUTES)) {
                    LOG.warn("stats: records still being written after 2 minutes; stats.dl4j may miss the last ones");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
