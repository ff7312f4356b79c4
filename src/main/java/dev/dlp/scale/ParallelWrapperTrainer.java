package dev.dlp.scale;

import dev.dlp.config.TrainConfig;
import dev.dlp.nd4j.Backend;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.deeplearning4j.parallelism.ParallelWrapper;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.dataset.api.MultiDataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@code train.distributed: {engine: parallel_wrapper}}: DL4J's {@code ParallelWrapper} in its averaging mode, one
 * worker thread per device of this machine (per GPU on the CUDA build; on the CPU, workers share the cores). Each
 * worker trains its own copy of the network on whole minibatches (handed out round-robin), and the copies'
 * parameters and updater state are averaged every {@code averaging_frequency} minibatches per worker. Worker 0 trains
 * the run's graph itself, so after an epoch the graph holds worker 0's state after the last averaging.
 * <p>
 * A new wrapper per epoch: its averaging clock then starts at every epoch, so a run resumed from an epoch checkpoint
 * averages at the same steps as one that was not stopped. The minibatch order is dlp's (seed, epoch) shuffle.
 */
public final class ParallelWrapperTrainer implements EpochTrainer {
    private static final Logger LOG = LoggerFactory.getLogger(ParallelWrapperTrainer.class);

    private final ComputationGraph graph;
    private final TrainConfig.DistributedConfig config;
    private final int batchSize;
    private final int workers;
    private final int threadsPerWorker;
    private final WorkerHooks hooks;
    private boolean warned;

    public ParallelWrapperTrainer(ComputationGraph graph, TrainConfig.DistributedConfig config, int batchSize) {
        this.graph = graph;
        this.config = config;
        this.batchSize = batchSize;
        this.workers = config.workers() > 0 ? config.workers() : defaultWorkers();
        // on the CPU the workers share the cores: each worker's native ops (oneDNN, OpenMP loops) get its share
        this.threadsPerWorker = Backend.hostArrays() ? Math.max(1, TrainConfig.cores() / workers) : 0;
        this.hooks = new WorkerHooks(graph, threadsPerWorker);
        // the other workers rebuild the graph from its JSON on their own threads, where a failure would hang DL4J's
        // trainer: fail here instead
        org.deeplearning4j.nn.conf.ComputationGraphConfiguration.fromJson(graph.getConfiguration().toJson());
        LOG.info("distributed: ParallelWrapper, {} workers on {} device(s), averaging every {} minibatches of {}",
                workers, devices(), config.averagingFrequency(), batchSize);
    }

    /** One worker per GPU on a GPU backend, one per core on the CPU; at least 2 (ParallelWrapper's minimum). */
    static int defaultWorkers() {
        return Math.max(2, Backend.hostArrays() ? TrainConfig.cores() : devices());
    }

    private static int devices() {
        return Nd4j.getAffinityManager().getNumberOfDevices();
    }

    @Override
    public double fitEpoch(List<MultiDataSet> batches) {
        // the run's own listeners stay off the workers (DL4J hands a listener to every replica's thread: statistics
        // listeners are not made for that; train.stats is refused with this engine); the workers get dlp's hooks only
        Collection<TrainingListener> own = new ArrayList<>(graph.getListeners());
        graph.setListeners(new ArrayList<>());
        hooks.reset(Math.min(workers, batches.size()));
        int dropped = unaveragedBatches(batches.size(), workers, config.averagingFrequency());
        if (dropped > 0 && !warned) {
            warned = true;
            int rounds = (batches.size() + workers - 1) / workers;
            LOG.warn("ParallelWrapper: {} of the epoch's {} minibatches come after the last averaging on workers other "
                    + "than 0 and are lost with their copies; an averaging_frequency dividing {} (the rounds of an "
                    + "epoch) loses none", dropped, batches.size(), rounds);
        }
        ParallelWrapper pw = new ParallelWrapper.Builder<>(graph)
                .workers(workers)
                .averagingFrequency(config.averagingFrequency())
                .averageUpdaters(true)                 // Adam's moments are averaged with the parameters
                .prefetchBuffer(0)                     // the epoch's minibatches are in memory already
                .reportScoreAfterAveraging(false)
                .trainingMode(ParallelWrapper.TrainingMode.AVERAGING)
                .workspaceMode(graph.getConfiguration().getTrainingWorkspaceMode())
                .build();
        try {
            pw.setListeners(hooks);
            pw.fit(new ListIterator(batches));
        } finally {
            shutdown(pw);
            graph.setListeners(own);
        }
        return hooks.mean();
    }

    /**
     * The minibatches of an epoch of {@code batches} that only worker 0's copy learns from: ParallelWrapper averages
     * every {@code averaging_frequency} rounds (a round = one minibatch per worker) and not again at the end of the
     * epoch, so the other workers' rounds after the last averaging are dropped with their replicas.
     */
    static int unaveragedBatches(int batches, int workers, int frequency) {
        int rounds = (batches + workers - 1) / workers;
        int tail = rounds % frequency;
        if (tail == 0) {
            return 0;
        }
        int tailBatches = batches - (rounds - tail) * workers;   // minibatches in the tail rounds, all workers
        return tailBatches - tail;                              // less worker 0's (one per round)
    }

    /**
     * Shuts the wrapper down, giving up after a minute: DL4J's trainer threads spin until they say they stopped, which
     * one that died before building its replica never does (its threads are daemons).
     */
    private static void shutdown(ParallelWrapper pw) {
        Thread t = new Thread(pw::shutdown, "dlp-parallel-wrapper-shutdown");
        t.setDaemon(true);
        t.start();
        try {
            t.join(60_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (t.isAlive()) {
            LOG.warn("ParallelWrapper: its workers did not stop within a minute; going on without them");
        }
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("engine", "parallel_wrapper");
        m.put("training_mode", "AVERAGING");
        m.put("workers", workers);
        m.put("devices", devices());
        m.put("averaging_frequency", config.averagingFrequency());
        m.put("batch_per_worker", batchSize);
        if (threadsPerWorker > 0) {
            m.put("threads_per_worker", threadsPerWorker);
        }
        return m;
    }

    @Override
    public void close() {
        // one wrapper per epoch, shut down after it
    }

    /**
     * What dlp adds inside the workers (ParallelWrapper hands this one listener to every worker): the mean training
     * score over the epoch's minibatches, each worker thread's share of the CPU's native threads, and a start barrier.
     * The barrier closes a race in DL4J's {@code DefaultTrainer}: worker 0 trains the run's graph itself while the
     * other workers' threads copy its parameters and updater state into their replicas, with no lock between the two,
     * so a replica could start from parameters worker 0 had already updated (results then depended on thread timing).
     * Worker 0 now waits at its first forward pass, before its first update, until every worker fed in the first
     * round has built its replica and reached its own first forward pass.
     */
    static final class WorkerHooks extends BaseTrainingListener {
        private static final long BARRIER_TIMEOUT_S = 120;
        private final ComputationGraph root;
        private final DoubleAdder sum = new DoubleAdder();
        private final LongAdder count = new LongAdder();
        private final int threads;
        private final ThreadLocal<Boolean> started = ThreadLocal.withInitial(() -> false);
        private volatile CountDownLatch ready = new CountDownLatch(0);

        WorkerHooks(ComputationGraph root, int threads) {
            this.root = root;
            this.threads = threads;
        }

        /** Before an epoch whose first round feeds {@code firstRound} workers. */
        void reset(int firstRound) {
            sum.reset();
            count.reset();
            ready = new CountDownLatch(firstRound);
        }

        double mean() {
            long n = count.sum();
            return n == 0 ? Double.NaN : sum.sum() / n;
        }

        @Override
        public void onForwardPass(Model model, Map<String, INDArray> activations) {
            if (started.get()) {
                return;
            }
            started.set(true);
            if (threads > 0) {
                Backend.setOmpThreads(threads);
            }
            CountDownLatch latch = ready;
            latch.countDown();
            if (model == root) {
                try {
                    if (!latch.await(BARRIER_TIMEOUT_S, TimeUnit.SECONDS)) {
                        LOG.warn("ParallelWrapper: {} worker(s) not started after {} s; worker 0 goes on",
                                latch.getCount(), BARRIER_TIMEOUT_S);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        @Override
        public void iterationDone(Model model, int iteration, int epoch) {
            sum.add(model.score());
            count.increment();
        }
    }

    /** The epoch's minibatches, in order, as DL4J's iterator. */
    static final class ListIterator implements MultiDataSetIterator {
        private final List<MultiDataSet> batches;
        private int next;

        ListIterator(List<MultiDataSet> batches) {
            this.batches = batches;
        }

        @Override
        public boolean hasNext() {
            return next < batches.size();
        }

        @Override
        public MultiDataSet next() {
            if (!hasNext()) {
                throw new java.util.NoSuchElementException();
            }
            return batches.get(next++);
        }

        @Override
        public MultiDataSet next(int num) {
            return next();
        }

        @Override
        public void setPreProcessor(MultiDataSetPreProcessor preProcessor) {
            throw new UnsupportedOperationException("the minibatches are ready-made");
        }

        @Override
        public MultiDataSetPreProcessor getPreProcessor() {
            return null;
        }

        @Override
        public boolean resetSupported() {
            return true;
        }

        @Override
        public boolean asyncSupported() {
            return false;
        }

        @Override
        public void reset() {
            next = 0;
        }
    }
}
