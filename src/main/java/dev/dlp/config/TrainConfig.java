package dev.dlp.config;

import java.util.List;

/**
 * The {@code train:} section shared by every training pipeline.
 *
 * @param epochs        passes over the training split (>= 1)
 * @param batchSize     examples per gradient step (>= 1)
 * @param updater       optimiser, learning rate and schedule
 * @param l2            L2 weight decay coefficient (0 = off)
 * @param weightInit    default weight initialisation for every layer
 * @param earlyStopping stop when a validation metric stops improving (patience 0 = off)
 * @param threads       native (OpenMP) threads; 0 = one per core
 * @param prefetch      build the next batches on a background thread while the current one trains, when the
 *                      workers leave a core free for it
 * @param engine        {@code fast}: dlp's fast paths where they apply (see {@code dev.dlp.fast}); {@code dl4j}:
 *                      DL4J's own layers, updater and step only. Saved models are DL4J's either way.
 * @param workers       CPU workers that share each batch (see {@code dev.dlp.fast.Workers}); 0 = one per core.
 *                      The gradient is the whole batch's either way: workers change the speed, not the result
 *                      (up to float rounding)
 * @param split         where the workers cut each batch: {@code even} (equal slices: a run is reproducible and resumes
 *                      exactly) or {@code timed} (slices sized by each worker's measured speed, for machines whose
 *                      cores run at different speeds; the gradient's float rounding then depends on timing, so runs
 *                      are not reproducible to the bit and a resumed run differs from an uninterrupted one)
 * @param stats         record DL4J's training statistics into the run directory for {@code dlp ui} ({@code stats.dl4j},
 *                      see {@code dev.dlp.ui.RunStats})
 * @param statsEvery    iterations between two statistics reports; 0 = as often as keeps their cost under 3 % of the
 *                      training time (measured as the run goes)
 * @param distributed   data-parallel training by DL4J's parameter averaging: {@code engine: spark} on a Spark cluster
 *                      (dlp's Spark build), {@code engine: parallel_wrapper} over this machine's devices (GPUs)
 */
public record TrainConfig(int epochs, int batchSize, UpdaterConfig updater, double l2, WeightInitKind weightInit,
                          EarlyStoppingConfig earlyStopping, int threads, boolean prefetch, Engine engine,
                          int workers, Split split, boolean stats, int statsEvery, DistributedConfig distributed) {

    /**
     * The settings every pipeline shares; each pipeline's config record sets the rest ({@link #of}) to the values
     * of its shipped config (a test holds them equal).
     */
    public static final TrainConfig DEFAULTS = new TrainConfig(10, 64, UpdaterConfig.DEFAULTS, 0.0,
            WeightInitKind.XAVIER, EarlyStoppingConfig.DEFAULTS, 1, true, Engine.FAST, 1, Split.EVEN, false, 0,
            DistributedConfig.DEFAULTS);

    /** {@link #DEFAULTS} with these settings: a pipeline's defaults. */
    public static TrainConfig of(int epochs, int batchSize, double lr, ScheduleConfig schedule,
                                 WeightInitKind weightInit, boolean prefetch) {
        return of(epochs, batchSize, lr, schedule, weightInit, prefetch, 1);
    }

    /** {@link #DEFAULTS} with these settings, {@code workers} included. */
    public static TrainConfig of(int epochs, int batchSize, double lr, ScheduleConfig schedule,
                                 WeightInitKind weightInit, boolean prefetch, int workers) {
        UpdaterConfig u = UpdaterConfig.DEFAULTS;
        return new TrainConfig(epochs, batchSize, new UpdaterConfig(u.type(), lr, u.momentum(), u.beta1(), u.beta2(),
                u.epsilon(), u.decay(), schedule), 0.0, weightInit, EarlyStoppingConfig.DEFAULTS, 1, prefetch,
                Engine.FAST, workers, DEFAULTS.split, DEFAULTS.stats, DEFAULTS.statsEvery, DEFAULTS.distributed);
    }

    /**
     * The number of workers to train with here: {@code workers}, or for {@code 0} one per core this process may use
     * ({@link #cores}) but no more than one per 16 examples of a batch (smaller slices run slower per example than
     * the cores gain).
     */
    public int workersHere() {
        return workers > 0 ? workers : Math.max(1, Math.min(cores(), batchSize / 16));
    }

    /** Native threads for {@link #threads}: 0 means one per core this process may use ({@link #cores}). */
    public int threadsHere() {
        return threads > 0 ? threads : cores();
    }

    /**
     * The cores this process may use: {@code $DLP_CORES} when set (a sweep running points side by side sets it to
     * its share of the machine), else every core the JVM sees.
     */
    public static int cores() {
        String env = System.getenv("DLP_CORES");
        if (env != null) {
            try {
                return Math.max(1, Integer.parseInt(env.trim()));
            } catch (NumberFormatException e) {
                // not a number: every core
            }
        }
        return Runtime.getRuntime().availableProcessors();
    }

    /** This config with early stopping on {@code metric} (patience 0: off until a config sets it). */
    public TrainConfig withEarlyStoppingMetric(String metric) {
        return new TrainConfig(epochs, batchSize, updater, l2, weightInit, new EarlyStoppingConfig(metric,
                earlyStopping.patience(), earlyStopping.mode()), threads, prefetch, engine, workers, split, stats,
                statsEvery, distributed);
    }

    /** Which code trains the network: dlp's fast paths where they apply, or DL4J's own passes only. */
    public enum Engine {
        FAST, DL4J;

        @Override
        public String toString() {
            return name().toLowerCase();
        }
    }

    /** Where {@code train.workers} cut each batch (see {@code dev.dlp.fast.Workers}). */
    public enum Split {
        EVEN, TIMED;

        @Override
        public String toString() {
            return name().toLowerCase();
        }
    }

    public void validate() {
        Check.atLeast("train.epochs", epochs, 1);
        Check.atLeast("train.batch_size", batchSize, 1);
        Check.nonNegative("train.l2", l2);
        Check.atLeast("train.threads", threads, 0);
        Check.inRange("train.workers", workers, 0, 256);
        Check.atLeast("train.stats_every", statsEvery, 0);
        distributed.validate("train.distributed");
        if (stats && distributed.parallelWrapper()) {
            throw new ConfigException("train.stats", "is not recorded with train.distributed.engine parallel_wrapper "
                    + "(DL4J would call the statistics listener from every worker's thread at once); turn one off");
        }
        updater.validate("train.updater");
        earlyStopping.validate("train.early_stopping");
    }

    /** Weight initialisations offered in configs. */
    public enum WeightInitKind {
        XAVIER, RELU, XAVIER_UNIFORM, RELU_UNIFORM, NORMAL, LECUN_NORMAL, ZERO;

        @Override
        public String toString() {
            return name().toLowerCase();
        }
    }

    /**
     * @param type     adam, sgd, nesterovs or rmsprop
     * @param lr       learning rate (> 0)
     * @param momentum nesterovs momentum
     * @param beta1    adam beta1
     * @param beta2    adam beta2
     * @param epsilon  adam/rmsprop epsilon
     * @param decay    rmsprop decay
     * @param schedule learning-rate schedule over epochs
     */
    public record UpdaterConfig(UpdaterKind type, double lr, double momentum, double beta1, double beta2,
                                double epsilon, double decay, ScheduleConfig schedule) {
        public static final UpdaterConfig DEFAULTS = new UpdaterConfig(UpdaterKind.ADAM, 1e-3, 0.9, 0.9, 0.999, 1e-8,
                0.95, ScheduleConfig.DEFAULTS);

        void validate(String key) {
            Check.positive(key + ".lr", lr);
            Check.inRange(key + ".momentum", momentum, 0, 1);
            Check.inRange(key + ".beta1", beta1, 0, 1);
            Check.inRange(key + ".beta2", beta2, 0, 1);
            Check.positive(key + ".epsilon", epsilon);
            Check.inRange(key + ".decay", decay, 0, 1);
            schedule.validate(key + ".schedule");
        }

        /** The learning rate in effect during {@code epoch} (0-based). */
        public double lrAt(int epoch) {
            return switch (schedule.type()) {
                case NONE -> lr;
                case STEP -> lr * Math.pow(schedule.gamma(), Math.floor((double) epoch / schedule.every()));
                case EXPONENTIAL -> lr * Math.pow(schedule.gamma(), epoch);
            };
        }
    }

    public enum UpdaterKind {
        ADAM, SGD, NESTEROVS, RMSPROP;

        @Override
        public String toString() {
            return name().toLowerCase();
        }
    }

    /**
     * @param type  none, step (lr x gamma every {@code every} epochs) or exponential (lr x gamma^epoch)
     * @param gamma decay factor in (0, 1]
     * @param every epochs between steps (step schedule)
     */
    public record ScheduleConfig(ScheduleKind type, double gamma, int every) {
        public static final ScheduleConfig DEFAULTS = new ScheduleConfig(ScheduleKind.NONE, 0.5, 5);

        /** lr x gamma^epoch */
        public static ScheduleConfig exponential(double gamma) {
            return new ScheduleConfig(ScheduleKind.EXPONENTIAL, gamma, DEFAULTS.every());
        }

        void validate(String key) {
            Check.inRange(key + ".gamma", gamma, Double.MIN_VALUE, 1);
            Check.atLeast(key + ".every", every, 1);
        }
    }

    public enum ScheduleKind {
        NONE, STEP, EXPONENTIAL;

        @Override
        public String toString() {
            return name().toLowerCase();
        }
    }

    /**
     * @param metric   a validation metric name from metrics.csv, e.g. val_loss or val_accuracy
     * @param patience epochs without improvement before stopping; 0 turns early stopping off
     * @param mode     min, max, or auto (min for names containing loss/error/mse or named wer/per, else max)
     */
    public record EarlyStoppingConfig(String metric, int patience, String mode) {
        public static final EarlyStoppingConfig DEFAULTS = new EarlyStoppingConfig("val_loss", 0, "auto");

        void validate(String key) {
            Check.atLeast(key + ".patience", patience, 0);
            if (!mode.equals("auto") && !mode.equals("min") && !mode.equals("max")) {
                throw new ConfigException(key + ".mode", "must be auto, min or max, got '" + mode + "'");
            }
        }

        /** True when smaller values of the metric are better. */
        public boolean minimise() {
            if (mode.equals("auto")) {
                String m = metric.toLowerCase();
                return m.contains("loss") || m.contains("error") || m.contains("mse") || m.contains("rmse")
                        || m.equals("wer") || m.endsWith("_wer") || m.equals("per") || m.endsWith("_per");
            }
            return mode.equals("min");
        }
    }

    /**
     * {@code train.distributed}: data-parallel training by DL4J's parameter averaging: each worker trains a copy of
     * the network on its share of the minibatches, and the copies' parameters (and updater state) are averaged every
     * {@code averagingFrequency} minibatches. Not the trajectory of one process (see README, "Scaling out").
     *
     * @param engine             {@code none} (dlp's own loop in this process), {@code spark} (DL4J's
     *                           {@code ParameterAveragingTrainingMaster} on a Spark cluster) or {@code parallel_wrapper}
     *                           (DL4J's {@code ParallelWrapper}: one worker thread per device of this machine)
     * @param master             Spark master: {@code local[N]}, {@code spark://host:port}, {@code yarn} (spark only)
     * @param workers            spark: partitions the epoch's minibatches are spread over, 0 = Spark's default
     *                           parallelism; parallel_wrapper: worker threads, 0 = one per GPU on a GPU backend, one
     *                           per core on the CPU
     * @param averagingFrequency minibatches each worker trains between two averagings
     * @param batchPerWorker     examples per worker minibatch; 0 = {@code train.batch_size}
     */
    public record DistributedConfig(String engine, String master, int workers, int averagingFrequency,
                                    int batchPerWorker) {
        public static final DistributedConfig DEFAULTS = new DistributedConfig("none", "local[2]", 0, 5, 0);
        /** The values of {@code engine}. */
        public static final List<String> ENGINES = List.of("none", "spark", "parallel_wrapper");

        public boolean spark() {
            return engine.equals("spark");
        }

        public boolean parallelWrapper() {
            return engine.equals("parallel_wrapper");
        }

        /** True when training leaves dlp's own loop for one of DL4J's parameter-averaging engines. */
        public boolean active() {
            return !engine.equals("none");
        }

        void validate(String key) {
            if (!ENGINES.contains(engine)) {
                throw new ConfigException(key + ".engine", "must be one of " + String.join(", ", ENGINES) + ", got '"
                        + engine + "'" + Suggest.hint(engine, ENGINES));
            }
            if (master == null || master.isBlank()) {
                throw new ConfigException(key + ".master", "must name a Spark master, e.g. local[2]");
            }
            Check.atLeast(key + ".workers", workers, 0);
            if (parallelWrapper() && workers == 1) {
                throw new ConfigException(key + ".workers", "must be 0 (one per device) or at least 2 for "
                        + "parallel_wrapper, got 1 (one worker: set engine to none)");
            }
            Check.atLeast(key + ".averaging_frequency", averagingFrequency, 1);
            Check.atLeast(key + ".batch_per_worker", batchPerWorker, 0);
        }
    }
}
