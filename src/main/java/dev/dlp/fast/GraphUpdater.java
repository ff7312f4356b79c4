package dev.dlp.fast;

import dev.dlp.fast.FastAdamUpdater;
import org.deeplearning4j.nn.api.Trainable;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.updater.UpdaterBlock;
import org.deeplearning4j.nn.updater.graph.ComputationGraphUpdater;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.solvers.BaseOptimizer;
import org.deeplearning4j.optimize.stepfunctions.NegativeGradientStepFunction;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Field;

import java.util.List;
import java.util.Map;

/**
 * DL4J's graph updater, taking its standard path.
 *
 * <p>Why: {@code BaseMultiLayerUpdater.update} treats a gradient as "external" (computed by another network) when
 * {@code gradient.gradient() != getFlattenedGradientsView()}, and in M2.1 {@code DefaultGradient.gradient()}
 * returns a fresh reshape of the graph's own flattened gradient on every call, so every step takes the external
 * path: the minibatch-division subsets and every block's parameter and gradient views are rebuilt as new ND4J
 * arrays each step (profiled: most of the updater's time on a small model, and each array's deallocation
 * bookkeeping survives into the next young GC). When the gradient is the graph's own flattened gradient (same
 * memory), this hands DL4J the view it compares against, so the precomputed views are used. Same arithmetic.
 *
 * <p>When every block is {@link FastAdamUpdater} and nothing else applies (see {@link #fused}), the whole update is
 * one Java pass per block with the minibatch division folded in: DL4J's path around it (a division op, a reshape
 * per block, the regularisation checks) cost more than the Adam arithmetic on MNIST softmax regression (profiled:
 * ~45 of ~100 µs per step).
 */
public final class GraphUpdater extends ComputationGraphUpdater {
    private static final Logger log = LoggerFactory.getLogger(GraphUpdater.class);
    /** {@code DefaultGradient.flattenedGradient}: its public getter returns a new reshape on every call. */
    private static final Field FLAT = field(DefaultGradient.class, "flattenedGradient");
    private static final Field STEP = field(BaseOptimizer.class, "stepFunction");

    /** Whether every block can take the fused pass; null until the blocks' updaters exist (after the first step). */
    private Boolean fused;
    /** Why the fused pass does not apply (null while it does or is undecided). */
    private String notFused;
    private long fusedSteps;
    private long steppedSteps;
    private long plainSteps;

    public GraphUpdater(ComputationGraph graph, INDArray updaterState) {
        super(graph, updaterState);
    }

    /**
     * Puts a {@link GraphUpdater} on {@code graph}, keeping its current updater state (fresh or restored from a
     * checkpoint), DL4J's SGD step without its per-step array copies ({@link LeanDescent}) and DL4J's
     * {@code params -= update} as a Java loop ({@link JavaStep}). Idempotent.
     */
    public static void install(ComputationGraph graph) {
        ComputationGraphUpdater current = graph.getUpdater();
        if (!(current instanceof GraphUpdater)) {
            graph.setUpdater(new GraphUpdater(graph, current.getStateViewArray()));
        }
        LeanDescent.engage(graph);   // before the step function swap below: it replaces DL4J's optimizer
        if (STEP != null && dev.dlp.nd4j.Backend.hostArrays() && graph.getOptimizer() instanceof BaseOptimizer opt) {
            try {
                if (STEP.get(opt) instanceof NegativeGradientStepFunction) {
                    STEP.set(opt, new JavaStep());
                }
            } catch (IllegalAccessException e) {
                log.debug("keeping DL4J's step function", e);
            }
        }
    }

    /** {@code owner}'s declared field {@code name}, made accessible; null when this DL4J has none. */
    static Field field(Class<?> owner, String name) {
        try {
            Field f = owner.getDeclaredField(name);
            f.setAccessible(true);
            return f;
        } catch (ReflectiveOperationException | RuntimeException e) {
            // another DL4J version: the plain path still works, only slower
            log.debug("no field {}.{}", owner.getSimpleName(), name, e);
            return null;
        }
    }

    @Override
    public synchronized void update(Gradient gradient, int iteration, int epoch, int batchSize,
                                    LayerWorkspaceMgr workspaceMgr) {
        INDArray own = getFlattenedGradientsView();
        INDArray flat = flat(gradient);
        boolean isOwn = own != null && (flat == own || sameMemory(flat, own));
        if (!isOwn) {
            notFused = "the gradient is not the graph's own flattened gradient";
        }
        if (isOwn && fused()) {
            fusedSteps++;
            int divisor = isMiniBatch() ? batchSize : 1;
            for (UpdaterBlock ub : updaterBlocks) {
                ((FastAdamUpdater) ub.getGradientUpdater()).applyUpdater(ub.getGradientView(), iteration, epoch,
                        divisor);
            }
            return;
        }
        plainSteps++;
        if (isOwn && flat != own) {
            gradient = new OwnGradient(gradient, own);
        }
        super.update(gradient, iteration, epoch, batchSize, workspaceMgr);
    }

    /**
     * Whether {@link #updateAndStep} can take this step's update: {@code gradient} is the graph's own flattened
     * gradient and the fused pass applies ({@link #fused}; decided at the first update, which takes DL4J's path), with
     * the Vector API and the network's flattened parameters {@code params} as contiguous floats.
     */
    boolean canUpdateAndStep(Gradient gradient, INDArray params) {
        INDArray own = getFlattenedGradientsView();
        INDArray flat = flat(gradient);
        return Simd.AVAILABLE && own != null && (flat == own || sameMemory(flat, own)) && fused() && params != null
                && params.length() == own.length() && dev.dlp.nd4j.HostArrays.contiguousFloats(params);
    }

    /**
     * This step's update ({@link #update}'s fused pass) and DL4J's step {@code params -= update} in one pass, over
     * the parameters {@code [lo, hi)} of the flattened vector: each block's Adam on its part of the range. Disjoint
     * ranges may run on different threads at once; together they cover the network. As {@link #update} followed by
     * {@link JavaStep}, bit for bit (the gradient holds the update afterwards, as in DL4J). Only when
     * {@link #canUpdateAndStep}; the caller counts the step ({@link #countUpdateAndStep}).
     */
    void updateAndStep(java.nio.ByteBuffer params, int iteration, int epoch, int batchSize, int lo, int hi) {
        int divisor = isMiniBatch() ? batchSize : 1;
        for (UpdaterBlock ub : updaterBlocks) {
            int start = ub.getParamOffsetStart();
            int from = Math.max(lo, start);
            int to = Math.min(hi, ub.getParamOffsetEnd());
            if (from < to) {
                ((FastAdamUpdater) ub.getGradientUpdater()).applyUpdaterAndStep(ub.getGradientView(), params, start,
                        from - start, to - from, iteration, epoch, divisor);
            }
        }
    }

    /** Counts one step whose update ran through {@link #updateAndStep}. */
    void countUpdateAndStep() {
        fusedSteps++;
        steppedSteps++;
    }

    /** Updates that also stepped the parameters in the same pass ({@link #updateAndStep}). */
    public long steppedSteps() {
        return steppedSteps;
    }

    /** Updates that took the fused Adam pass. */
    public long fusedSteps() {
        return fusedSteps;
    }

    /** Updates that took DL4J's per-block path. */
    public long plainSteps() {
        return plainSteps;
    }

    /** Why updates do not take the fused pass, or null. */
    public String notFusedReason() {
        return notFused;
    }

    /** Whether updates take the fused pass (null: not decided yet); for tests. */
    Boolean fusedDecision() {
        return fused;
    }

    /** {@code gradient}'s flattened array itself (not the fresh reshape its getter returns, when it can be read). */
    static INDArray flat(Gradient gradient) {
        if (FLAT != null && gradient instanceof DefaultGradient) {
            try {
                INDArray f = (INDArray) FLAT.get(gradient);
                if (f != null) {
                    return f;
                }
            } catch (IllegalAccessException | ClassCastException e) {
                // fall through to the public (allocating) getter
            }
        }
        return gradient.gradient();
    }

    /**
     * True when DL4J's update is exactly: divide every gradient by the batch size, then Adam per block, i.e. every
     * block is {@link FastAdamUpdater} over contiguous memory and nothing else applies (no L1/L2/weight decay, no
     * gradient normalisation, no parameter exempt from the minibatch division, no block skipped as pretraining-only).
     * Decided once, after the first (plain) update has created the blocks' updaters.
     */
    private boolean fused() {
        if (fused != null) {
            return fused;
        }
        if (updaterBlocks.isEmpty()) {
            return false;
        }
        boolean ok = true;
        for (UpdaterBlock ub : updaterBlocks) {
            if (ub.getGradientUpdater() == null) {
                return false;   // not initialised yet: decide after the first update
            }
            if (!(ub.getGradientUpdater() instanceof FastAdamUpdater u && u.fusable(ub.getGradientView())
                    && !ub.skipDueToPretrainConfig(false))) {
                ok = false;
                notFused = "a parameter block is not Adam over contiguous float memory ("
                        + ub.getGradientUpdater().getClass().getSimpleName() + ")";
            }
            for (UpdaterBlock.ParamState ps : ub.getLayersAndVariablesInBlock()) {
                Trainable t = ps.getLayer();
                var regs = t.getConfig().getRegularizationByParam(ps.getParamName());
                GradientNormalization gn = t.getConfig().getGradientNormalization();
                if (!((regs == null || regs.isEmpty()) && t.updaterDivideByMinibatch(ps.getParamName())
                        && (gn == null || gn == GradientNormalization.None) && t.numParams() > 0)) {
                    ok = false;
                    notFused = "regularisation, gradient normalisation or a parameter outside the minibatch "
                            + "division (" + ps.getParamName() + ")";
                }
            }
        }
        fused = ok;
        log.debug("fused Adam update: {}", ok);
        return ok;
    }

    /** Whether {@code a} and {@code b} are the same contiguous floats (same length, type and address). */
    static boolean sameMemory(INDArray a, INDArray b) {
        return a != null && a.length() == b.length() && a.dataType() == b.dataType()
                && a.elementWiseStride() == 1 && b.elementWiseStride() == 1
                && a.data().address() == b.data().address();
    }

    /** {@code inner}, except that {@link #gradient()} is the updater's own flattened view (the same memory). */
    private record OwnGradient(Gradient inner, INDArray flat) implements Gradient {
        @Override
        public Map<String, INDArray> gradientForVariable() {
            return inner.gradientForVariable();
        }

        @Override
        public INDArray gradient(List<String> order) {
            return inner.gradient(order);
        }

        @Override
        public INDArray gradient() {
            return flat;
        }

        @Override
        public void clear() {
            inner.clear();
        }

        @Override
        public INDArray getGradientFor(String variable) {
            return inner.getGradientFor(variable);
        }

        @Override
        public INDArray setGradientFor(String variable, INDArray gradient) {
            return inner.setGradientFor(variable, gradient);
        }

        @Override
        public INDArray setGradientFor(String variable, INDArray gradient, Character flatteningOrder) {
            return inner.setGradientFor(variable, gradient, flatteningOrder);
        }

        @Override
        public Character flatteningOrderForVariable(String variable) {
            return inner.flatteningOrderForVariable(variable);
        }
    }
}
