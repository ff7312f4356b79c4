package dev.dlp.fast;

import dev.dlp.nd4j.Backend;
import dev.dlp.nd4j.Blas;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.BackpropType;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code train.workers}: data parallelism inside one training step, on the CPU's cores.
 *
 * <p>Each minibatch is cut into one slice per worker. Every worker computes the gradient of its slice on its own
 * copy of the network's layers (a replica built from the same configuration whose layers view the network's own
 * parameter array: nothing is copied, and an update is seen by every replica at once); the slices' gradients are
 * summed into the network's flattened gradient, the scores are averaged by slice size, and DL4J's updater and step
 * then run once, as for the whole batch (with dlp's fused Adam and step, as one pass cut into one range of
 * parameters per worker, each range summing its part of the slices' gradients first: {@link #inRanges}). DL4J's
 * losses are sums over examples (the updater divides by the batch size), so the summed gradient is the whole
 * batch's gradient up to float rounding: the run follows the one-worker trajectory; it is not parameter averaging.
 * Dropout draws differ (each worker has its own generator, seeded per step). Where the batch is cut is
 * {@link Cut}'s: equal slices ({@code train.split: even}, reproducible to the bit),
 * or slices sized by each worker's measured speed ({@code timed}).
 *
 * <p>Why this and not DL4J's {@code ParallelWrapper}: the wrapper trains one model per worker on different
 * minibatches and averages parameters every few steps, which changes the trajectory (and Adam's state) with the
 * number of workers; here the number of workers changes the speed only.
 *
 * <p>Validation between epochs uses the same workers: {@link #output} cuts an inference batch
 * into one slice per worker (the network's own layers on this thread, the replicas on the lanes) while the workers
 * are open, so it no longer runs on one core while the others idle.
 *
 * <p>How it hooks in: {@link #install} gives the graph a solver whose optimizer is DL4J's
 * {@link StochasticGradientDescent} except that the gradient is computed as above; the updater, step function,
 * listeners and iteration counters are DL4J's. It declines (the whole batch on one worker, with the reason in
 * {@link #reason()}) for truncated BPTT and for parameters outside the minibatch division (batch normalisation's
 * running statistics), whose "gradients" are not sums over examples.
 */
public final class Workers implements AutoCloseable {
    /** Split steps whose times {@code recent_split_steps} keeps (the last of an epoch), and the parts it times. */
    static final int RECENT = 1024;
    static final String[] RECENT_PARTS = {"step", "main_pass", "worker_pass", "handoff", "wait"};

    private final ComputationGraph graph;
    private final List<ComputationGraph> replicas;
    /** One lane (thread) per replica. */
    private final List<Lane> lanes;
    private final boolean stochastic;
    private final String reason;
    /** Where each batch is cut between the workers, and each worker's pass time in the last split step. */
    private final Cut cut;
    private final long[] passNanos;
    /** The last epoch's split steps' rows, and those of them the training thread passed. */
    private long epochRows;
    private long epochFirstRows;
    private final int requested;
    private long splitSteps;
    private long wholeSteps;
    /** The batch {@link #fit} is training (null outside it). */
    private MultiDataSet current;
    /**
     * Where a split step's time goes, summed over split steps (nanoseconds): this thread's slice pass, the other
     * workers' slice passes (their mean), from posting a slice to its worker starting it, and this thread's wait for
     * the last worker after its own pass (the sum of the gradients included).
     */
    private long mainPassNanos;
    private long workerPassNanos;
    private long handoffNanos;
    private long waitNanos;
    /**
     * The times of the current epoch's split steps, its last {@link #RECENT} (nanoseconds, a ring): when the step
     * posted its slices (the whole step is the time from one post to the next), and the four parts above. Their
     * medians and 90th percentiles say what a step costs once the JIT has settled, and how uneven the steps are,
     * where the means over the run cannot (the first epoch's slow steps are in them). The step records them without a
     * branch: a branch first taken at an epoch's start deoptimised the step's compiled code there, and HotSpot's
     * recompiling it took a core from the workers for ~0.1 s of the next epoch.
     */
    private final long[][] recent = new long[RECENT_PARTS.length][RECENT];
    private long recentSteps;
    private int recentEpoch;
    /**
     * Whether the workers' slice gradients of this step are still to be added into the network's gradient (the first
     * {@link #summedWorkers} replicas'): {@link SplitDescent} defers the sum into the update's ranges.
     */
    private boolean pendingSum;
    private int summedWorkers;
    /** The fewest parameters a range of a cut update gets (smaller updates run whole, on the training thread). */
    static final int MIN_UPDATE_RANGE = 8192;
    /** Updates cut into ranges between the workers (tests assert that path ran). */
    static final java.util.concurrent.atomic.LongAdder SPLIT_UPDATES = new java.util.concurrent.atomic.LongAdder();
    /** The graphs whose workers are installed and not closed (by identity), for {@link #output}. */
    private static final Map<ComputationGraph, Workers> OPEN = Collections.synchronizedMap(new IdentityHashMap<>());
    /** The fewest rows a slice of an inference batch gets (as {@code train.workers: 0} gives a training batch). */
    static final int MIN_INFERENCE_ROWS = 16;
    /** Inference batches computed in slices (tests assert that path ran). */
    static final java.util.concurrent.atomic.LongAdder SPLIT_INFERENCES = new java.util.concurrent.atomic.LongAdder();

    private Workers(int requested, ComputationGraph graph, List<ComputationGraph> replicas, List<Lane> lanes,
                    boolean stochastic, boolean timed, String reason) {
        this.requested = requested;
        this.cut = new Cut(replicas.size() + 1, timed);
        this.passNanos = new long[replicas.size() + 1];
        this.graph = graph;
        this.replicas = replicas;
        this.lanes = lanes;
        this.stochastic = stochastic;
        this.reason = reason;
    }

    /**
     * Trains {@code graph} with {@code n} workers from now on ({@code n <= 1}: DL4J's own step, nothing installed).
     * {@code stochastic}: the network draws random numbers while training (dropout, weight noise); each worker's
     * generator is then seeded from the training thread's at every step. Install before
     * {@link FastPaths#installTraining}, which puts its updater and step on the optimizer installed here.
     */
    public static Workers install(ComputationGraph graph, int n, boolean stochastic) {
        return install(graph, n, stochastic, false);
    }

    /**
     * {@link #install(ComputationGraph, int, boolean)}, with each batch cut by the workers' measured speed when
     * {@code timed} ({@code train.split: timed}, see {@link Cut}), else into equal slices.
     */
    public static Workers install(ComputationGraph graph, int n, boolean stochastic, boolean timed) {
        String why = n <= 1 ? null : declineReason(graph);
        if (n <= 1 || why != null) {
            return new Workers(n, graph, List.of(), List.of(), stochastic, timed, why);
        }
        List<ComputationGraph> replicas = new ArrayList<>();
        for (int i = 1; i < n; i++) {
            ComputationGraphConfiguration c = graph.getConfiguration().clone();
            ComputationGraph r = new ComputationGraph(c);
            r.init(graph.params(), false);   // the network's own parameter array: no copy, always current
            r.initGradientsView();
            replicas.add(r);
        }
        // OpenMP's thread count is a per-thread setting: a new thread would run libnd4j's and oneDNN's parallel
        // regions with one OpenMP thread per core, oversubscribing the cores the workers share
        int omp = Backend.ompThreads();
        List<Lane> lanes = new ArrayList<>();
        for (int i = 1; i < n; i++) {
            lanes.add(new Lane("dlp-worker-" + i, () -> Backend.setOmpThreads(omp)));
        }
        Workers w = new Workers(n, graph, replicas, lanes, stochastic, timed, null);
        // last: the graph trains as before until here
        if (!LeanDescent.installOn(graph, new SplitDescent(graph, w))) {
            w.close();
            return new Workers(n, graph, List.of(), List.of(), stochastic, timed,
                    "DL4J's solver field is not accessible");
        }
        OPEN.put(graph, w);
        return w;
    }

    /** Why the batch cannot be split for {@code graph}, or null when it can. */
    static String declineReason(ComputationGraph graph) {
        if (!LeanDescent.installable()) {
            return "this DL4J version has no ComputationGraph.solver field";
        }
        if (graph.getConfiguration().getBackpropType() == BackpropType.TruncatedBPTT) {
            return "truncated BPTT carries state from one slice of the sequence to the next";
        }
        for (Layer l : graph.getLayers()) {
            for (String p : l.paramTable().keySet()) {
                if (!l.updaterDivideByMinibatch(p)) {
                    return "layer " + l.conf().getLayer().getLayerName() + " has a parameter outside the "
                            + "minibatch division (" + p + "): its gradient is not a sum over examples";
                }
            }
        }
        return null;
    }

    /** One training step on {@code batch}: DL4J's {@code fit}, with the gradient computed by the workers. */
    public void fit(MultiDataSet batch) {
        current = replicas.isEmpty() ? null : batch;
        try {
            graph.fit(batch);
        } finally {
            current = null;
        }
    }

    /** Workers in use (1 when declined or not asked for). */
    public int count() {
        return replicas.size() + 1;
    }

    /** Steps whose gradient was computed in slices. */
    public long splitSteps() {
        return splitSteps;
    }

    /** Steps computed whole on one worker (declined, or a batch smaller than the workers). */
    public long wholeSteps() {
        return wholeSteps;
    }

    /**
     * summary.json's {@code workers} section: asked for, used, steps split and whole, why declined, and for split
     * steps where their time went, in mean milliseconds per step: {@code main_pass} (this thread's slice, from
     * setting its inputs to its gradient), {@code worker_pass} (the same on the other workers, their mean),
     * {@code handoff} (from posting a slice to its worker picking it up) and {@code wait} (this thread, after its
     * own pass, waiting for the last worker, and adding the gradients unless the update's ranges add them). A step's
     * remaining time is the update and step (cut between the workers where {@link #inRanges} applies) and the next
     * batch. {@code recent_split_steps}: the same parts and the whole step over the
     * last epoch's split steps (its last {@value #RECENT}), as median and 90th percentile. {@code split}: even or
     * timed; {@code training_thread_share}: the share of the last epoch's split rows this thread passed;
     * {@code cut_moves}: how often a timed cut moved.
     */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("requested", requested);
        m.put("used", count());
        m.put("split_steps", splitSteps);
        m.put("whole_steps", wholeSteps);
        if (splitSteps > 0) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("main_pass", perStepMillis(mainPassNanos));
            t.put("worker_pass", perStepMillis(workerPassNanos));
            t.put("handoff", perStepMillis(handoffNanos));
            t.put("wait", perStepMillis(waitNanos));
            m.put("ms_per_split_step", t);
            m.put("recent_split_steps", recentSteps());
            m.put("split", cut.timed() ? "timed" : "even");
            if (epochRows > 0) {
                m.put("training_thread_share", Math.round(1000.0 * epochFirstRows / epochRows) / 1000.0);
            }
            if (cut.timed()) {
                m.put("cut_moves", cut.moves());
            }
        }
        if (reason != null) {
            m.put("declined", reason);
        }
        return m;
    }

    /**
     * The last epoch's split steps (its last {@link #RECENT}): which epoch (from 1), how many, and the median and 90th
     * percentile of each part, in milliseconds ({@code step}: the whole step, from one split step's start to the
     * next's).
     */
    private Map<String, Object> recentSteps() {
        int n = (int) Math.min(recentSteps, RECENT);
        Map<String, Object> median = new LinkedHashMap<>();
        Map<String, Object> p90 = new LinkedHashMap<>();
        for (int part = 0; part < RECENT_PARTS.length; part++) {
            long[] v = part == 0 ? stepTimes(recent[0], recentSteps) : Arrays.copyOf(recent[part], n);
            Arrays.sort(v);
            if (v.length > 0) {
                median.put(RECENT_PARTS[part], millis(v[(v.length - 1) / 2]));
                p90.put(RECENT_PARTS[part], millis(v[(int) Math.ceil(0.9 * v.length) - 1]));
            }
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("epoch", recentEpoch + 1);
        r.put("steps", n);
        r.put("median_ms", median);
        r.put("p90_ms", p90);
        return r;
    }

    /**
     * The times between consecutive posts, oldest first, from a ring of posting times into which {@code recorded}
     * steps were written at {@code step % posts.length} ({@code min(recorded, posts.length) - 1} of them).
     */
    static long[] stepTimes(long[] posts, long recorded) {
        int size = posts.length;
        int n = (int) Math.min(recorded, size);
        int start = recorded > size ? (int) (recorded % size) : 0;   // the oldest slot once the ring has wrapped
        long[] v = new long[Math.max(0, n - 1)];
        for (int i = 0; i < v.length; i++) {
            v[i] = posts[(start + i + 1) % size] - posts[(start + i) % size];
        }
        return v;
    }

    /**
     * The Trainer starts epoch {@code epoch} (from 0): {@code recent_split_steps} keeps this epoch's steps from now on
     * (until the first call, epoch 0's).
     */
    public void startEpoch(int epoch) {
        recentEpoch = epoch;
        recentSteps = 0;
        epochRows = 0;
        epochFirstRows = 0;
    }

    private static double millis(long nanos) {
        return Math.round(nanos / 1e3) / 1000.0;
    }

    private double perStepMillis(long nanos) {
        return millis(nanos / splitSteps);
    }

    /** Where the batches are cut (tests set a timed cut's shares through it). */
    Cut cut() {
        return cut;
    }

    /** Why the workers declined, or null. */
    public String reason() {
        return reason;
    }

    @Override
    public void close() {
        OPEN.remove(graph, this);
        lanes.forEach(Lane::close);
    }

    /**
     * {@code graph.output(false, x)[0]} for a one-input graph: {@link #output(ComputationGraph, INDArray[], INDArray[],
     * INDArray[])} without masks.
     */
    public static INDArray output(ComputationGraph graph, INDArray x) {
        return output(graph, new INDArray[]{x}, null, null);
    }

    /**
     * {@code graph.output(false, in, inMasks, labelMasks)[0]}, computed in row slices on the workers open on
     * {@code graph}, one slice per worker of at least {@value #MIN_INFERENCE_ROWS} rows; whole, on this thread, when
     * none are open (e.g. after training) or the batch is too small. For validation between epochs, which otherwise
     * runs on one core while the workers' cores idle. Each row's output is the whole batch's up to float rounding
     * (a layer's kernels may block a smaller batch differently); the cut is {@link Cut}'s even one, so it is the
     * same in every run with the same workers.
     */
    public static INDArray output(ComputationGraph graph, INDArray[] in, INDArray[] inMasks, INDArray[] labelMasks) {
        Workers w = OPEN.get(graph);
        int n = (int) in[0].size(0);
        int k = w == null ? 1 : Math.min(w.count(), n / MIN_INFERENCE_ROWS);
        if (k <= 1) {
            return graph.output(false, in, inMasks, labelMasks)[0];
        }
        int[] b = new Cut(k, false).bounds(n);
        List<INDArray> parts = w.inSlices(b, (g, lo, hi) -> g.output(false, slice(in, lo, hi), slice(inMasks, lo, hi),
                slice(labelMasks, lo, hi))[0]);
        return Nd4j.concat(0, parts.toArray(new INDArray[0]));
    }

    /** An inference on rows {@code [lo, hi)} of a batch, on {@code graph} (the network or one of its replicas). */
    private interface SliceWork<T> {
        T apply(ComputationGraph graph, int lo, int hi);
    }

    /**
     * {@code work} on each slice of the bounds {@code b} ({@code b.length - 1} slices), slice 0 on this thread with the
     * network, the others on the lanes with the replicas; every lane joined, failed or not.
     */
    @SuppressWarnings("unchecked")
    private <T> List<T> inSlices(int[] b, SliceWork<T> work) {
        int k = b.length - 1;
        for (int i = 1; i < k; i++) {
            ComputationGraph r = replicas.get(i - 1);
            int lo = b[i];
            int hi = b[i + 1];
            lanes.get(i - 1).post(() -> work.apply(r, lo, hi));
        }
        Object[] out = new Object[k];
        RuntimeException failed = null;
        try {
            out[0] = work.apply(graph, b[0], b[1]);
        } catch (RuntimeException e) {
            failed = e;
        }
        for (int i = 1; i < k; i++) {
            try {
                out[i] = lanes.get(i - 1).join();
            } catch (RuntimeException e) {
                failed = firstOf(failed, e);
            }
        }
        if (failed != null) {
            throw failed;
        }
        SPLIT_INFERENCES.increment();
        List<T> parts = new ArrayList<>(k);
        for (Object o : out) {
            parts.add((T) o);
        }
        return parts;
    }

    /**
     * The network's gradient and score for its current inputs (set by DL4J's {@code fit}), computed in slices:
     * slice 0 on this thread with {@code mgr}, the others on the lanes; summed into the network's gradient.
     */
    private void computeGradientAndScore(LayerWorkspaceMgr mgr, boolean deferSum) {
        pendingSum = false;
        MultiDataSet batch = current;
        int n = batch == null ? 0 : (int) batch.getLabels(0).size(0);
        int k = Math.min(count(), n);
        if (k <= 1) {
            wholeSteps++;
            graph.computeGradientAndScore(mgr);
            return;
        }
        INDArray[] in = batch.getFeatures();
        INDArray[] labels = batch.getLabels();
        INDArray[] inMasks = batch.getFeaturesMaskArrays();
        INDArray[] labelMasks = batch.getLabelsMaskArrays();
        int[] b = k == count() ? cut.bounds(n) : new Cut(k, false).bounds(n);
        long seed = stochastic ? Nd4j.getRandom().getSeed() : 0;
        int iteration = graph.getConfiguration().getIterationCount();
        int epoch = graph.getConfiguration().getEpochCount();
        long posted = System.nanoTime();
        for (int w = 1; w < k; w++) {
            ComputationGraph r = replicas.get(w - 1);
            int lo = b[w];
            int hi = b[w + 1];
            long workerSeed = seed * 0x9E3779B97F4A7C15L + w;
            lanes.get(w - 1).post(() -> {
                long start = System.nanoTime();
                if (stochastic) {
                    Nd4j.getRandom().setSeed(workerSeed);
                }
                r.getConfiguration().setIterationCount(iteration);
                r.getConfiguration().setEpochCount(epoch);
                r.setInputs(slice(in, lo, hi));
                r.setLabels(slice(labels, lo, hi));
                r.setLayerMaskArrays(slice(inMasks, lo, hi), slice(labelMasks, lo, hi));
                try {
                    r.computeGradientAndScore();
                    return new SliceResult(r.score() * (hi - lo), start - posted, System.nanoTime() - start);
                } finally {
                    r.clearLayerMaskArrays();
                    r.setInputs((INDArray[]) null);
                    r.setLabels((INDArray[]) null);
                }
            });
        }
        int hi0 = b[1];
        double total = 0;
        RuntimeException failed = null;
        long mainStart = System.nanoTime();
        long mainEnd = mainStart;
        try {
            graph.setInputs(slice(in, 0, hi0));
            graph.setLabels(slice(labels, 0, hi0));
            graph.setLayerMaskArrays(slice(inMasks, 0, hi0), slice(labelMasks, 0, hi0));
            graph.computeGradientAndScore(mgr);
            total = graph.score() * hi0;
            mainEnd = System.nanoTime();
        } catch (RuntimeException e) {
            failed = e;
        } finally {
            graph.setInputs(in);
            graph.setLabels(labels);
            graph.setLayerMaskArrays(inMasks, labelMasks);
        }
        INDArray sum = graph.getGradientsViewArray();
        long handoff = 0;
        long workerPass = 0;
        long[] pass = k == count() ? passNanos : new long[k];
        pass[0] = mainEnd - mainStart;
        for (int w = 1; w < k; w++) {
            try {   // every lane is joined, failed or not: the next step posts to all of them again
                SliceResult slice = (SliceResult) lanes.get(w - 1).join();
                pass[w] = slice.passNanos();
                total += slice.weightedScore();
                handoff += slice.handoffNanos();
                workerPass += slice.passNanos();
                if (!deferSum) {
                    Blas.addInto(replicas.get(w - 1).getGradientsViewArray(), sum);
                }
            } catch (RuntimeException e) {
                failed = firstOf(failed, e);
            }
        }
        if (failed != null) {
            throw failed;
        }
        pendingSum = deferSum;
        summedWorkers = k - 1;
        graph.setScore(total / n);
        long wait = System.nanoTime() - mainEnd;
        if (k == count()) {
            cut.record(b, pass);
        }
        epochRows += n;
        epochFirstRows += hi0;
        int slot = (int) (recentSteps++ % RECENT);
        long mainPass = mainEnd - mainStart;
        recent[0][slot] = posted;   // the parts in RECENT_PARTS' order (the step: from this post to the next)
        recent[1][slot] = mainPass;
        recent[2][slot] = workerPass / (k - 1);
        recent[3][slot] = handoff / (k - 1);
        recent[4][slot] = wait;
        splitSteps++;
        mainPassNanos += mainPass;
        workerPassNanos += workerPass / (k - 1);
        handoffNanos += handoff / (k - 1);
        waitNanos += wait;
    }

    /**
     * Adds the replicas' gradients over parameters {@code [lo, hi)} into the network's, when the sum was deferred
     * ({@link #pendingSum}): replica by replica, as the whole-array sum does, so every element gets the same additions
     * in the same order.
     */
    private void sumRange(int lo, int hi) {
        if (pendingSum) {
            INDArray sum = graph.getGradientsViewArray();
            for (int w = 0; w < summedWorkers; w++) {
                Blas.addInto(replicas.get(w).getGradientsViewArray(), sum, lo, hi - lo);
            }
        }
    }

    /** The deferred sum over the whole gradient, at once (before an update that does not take ranges). */
    private void finishSum() {
        sumRange(0, (int) graph.getGradientsViewArray().length());
        pendingSum = false;
    }

    /**
     * {@code task} over {@code [0, n)}, cut into one range per worker (ends on multiples of 16 floats, so no two
     * threads write one cache line; this thread takes the first), each range first summing the deferred gradients;
     * whole on this thread when a range would be under {@link #MIN_UPDATE_RANGE}. Every lane is joined, failed or not.
     */
    private void inRanges(int n, LeanDescent.RangeTask task) {
        int k = Math.min(count(), n / MIN_UPDATE_RANGE);
        if (k <= 1) {
            sumRange(0, n);
            task.run(0, n);
            pendingSum = false;
            return;
        }
        int[] b = new int[k + 1];
        for (int i = 1; i < k; i++) {
            b[i] = (int) ((long) n * i / k) & ~15;
        }
        b[k] = n;
        for (int i = 1; i < k; i++) {
            int lo = b[i];
            int hi = b[i + 1];
            lanes.get(i - 1).post(() -> {
                sumRange(lo, hi);
                task.run(lo, hi);
                return null;
            });
        }
        RuntimeException failed = null;
        try {
            sumRange(0, b[1]);
            task.run(0, b[1]);
        } catch (RuntimeException e) {
            failed = e;
        }
        for (int i = 1; i < k; i++) {
            try {
                lanes.get(i - 1).join();
            } catch (RuntimeException e) {
                failed = firstOf(failed, e);
            }
        }
        pendingSum = false;
        if (failed != null) {
            throw failed;
        }
        SPLIT_UPDATES.increment();
    }

    /** {@code failed} with {@code e} added to it as suppressed, or {@code e} when nothing failed before it. */
    private static RuntimeException firstOf(RuntimeException failed, RuntimeException e) {
        if (failed == null) {
            return e;
        }
        failed.addSuppressed(e);
        return failed;
    }

    /** A worker's slice: its score times its size, and when (after the post) and for how long its pass ran. */
    private record SliceResult(double weightedScore, long handoffNanos, long passNanos) {
    }

    /** Rows {@code [lo, hi)} of each array (views; null stays null). */
    private static INDArray[] slice(INDArray[] arrays, int lo, int hi) {
        if (arrays == null) {
            return null;
        }
        INDArray[] out = new INDArray[arrays.length];
        for (int i = 0; i < arrays.length; i++) {
            out[i] = arrays[i] == null ? null : arrays[i].get(NDArrayIndex.interval(lo, hi));
        }
        return out;
    }

    /**
     * DL4J's stochastic gradient descent with the gradient computed by the workers; everything else (listeners,
     * updater, step, counters) is the superclass's.
     */
    private static final class SplitDescent extends LeanDescent {
        private final Workers workers;

        SplitDescent(ComputationGraph graph, Workers workers) {
            super(graph);
            this.workers = workers;
        }

        @Override
        public Pair<Gradient, Double> gradientAndScore(LayerWorkspaceMgr workspaceMgr) {
            oldScore = score;
            // with no listener to see the summed gradient before the update, the sum goes into the update's ranges
            workers.computeGradientAndScore(workspaceMgr, inLeanStep() && FUSED_STEP
                    && (trainingListeners == null || trainingListeners.isEmpty()));
            if (trainingListeners != null && !trainingListeners.isEmpty()) {
                try (MemoryWorkspace ws = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
                    for (TrainingListener l : trainingListeners) {
                        l.onGradientCalculation(model);
                    }
                }
            }
            Pair<Gradient, Double> pair = model.gradientAndScore();
            score = pair.getSecond();
            updateGradientAccordingToParams(pair.getFirst(), model, model.batchSize(), workspaceMgr);
            return pair;
        }

        @Override
        void inRanges(int n, RangeTask task) {
            workers.inRanges(n, task);
        }

        @Override
        void beforePlainUpdate() {
            workers.finishSum();
        }
    }
}
