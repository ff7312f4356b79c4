package dev.dlp.fast;

import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.Solver;
import org.deeplearning4j.optimize.api.ConvexOptimizer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.deeplearning4j.optimize.solvers.BaseOptimizer;
import org.deeplearning4j.optimize.solvers.StochasticGradientDescent;
import org.deeplearning4j.optimize.stepfunctions.NegativeGradientStepFunction;
import org.deeplearning4j.optimize.stepfunctions.StepFunctions;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.lang.reflect.Field;
import java.util.Collection;

/**
 * DL4J's {@link StochasticGradientDescent} whose {@link #optimize} step, once {@link #lean} is on (the {@code fast}
 * engine), applies the update to the graph's own parameter and gradient arrays instead of fresh views of them.
 *
 * <p>Why: in M2.1 every step of DL4J's {@code optimize} reshapes the parameter array ({@code params()}) and the
 * flattened gradient (twice) into new ND4J arrays, and then calls {@code setParams(params)}, which for a
 * {@link ComputationGraph} copies the whole parameter array onto itself ({@code params} is a new view, so its
 * "same array" test fails). On MNIST softmax regression those took ~12 % of a step (profiled). Here the 1-D views of
 * the graph's {@code flattenedParams} and flattened gradient are made once and reused while they are the graph's
 * arrays; the step function, listeners, iteration counter and constraints are called as DL4J calls them. With a
 * gradient that is not the graph's own, a gradients accumulator, or {@code lean} off, it is DL4J's step.
 */
class LeanDescent extends StochasticGradientDescent {
    private static final Field SOLVER = GraphUpdater.field(ComputationGraph.class, "solver");
    private static final Field PARAMS = GraphUpdater.field(ComputationGraph.class, "flattenedParams");

    /** {@code -Ddlp.fusedStep=false}: the update and the step as two passes (for A/B runs and tests). */
    static final boolean FUSED_STEP = !"false".equals(System.getProperty("dlp.fusedStep"));

    private volatile boolean lean;
    private long leanSteps;
    /** Whether this step's update also took the step ({@link #updateGradientAccordingToParams}). */
    private boolean stepped;
    /**
     * Inside {@link #optimize}'s lean path, which skips the step function when the update took the step (DL4J's own
     * optimize, e.g. with a gradients accumulator, would step a second time).
     */
    private boolean leanStep;
    private INDArray paramsOf;
    private INDArray paramsView;
    private INDArray gradientOf;
    private INDArray gradientView;

    /**
     * With the configured step function, or the one DL4J's solver gives plain SGD when none is configured
     * ({@code params -= update}; BaseOptimizer's default for a subclass would be {@code NegativeDefaultStepFunction},
     * the same arithmetic as a BLAS axpy).
     */
    LeanDescent(ComputationGraph graph) {
        super(graph.conf(), graph.conf().getStepFunction() == null ? new NegativeGradientStepFunction()
                : StepFunctions.createStepFunction(graph.conf().getStepFunction()), graph.getListeners(), graph);
    }

    /**
     * Gives {@code graph} a solver whose optimizer is {@code optimizer} (DL4J builds its own from the configuration);
     * false when this DL4J has no accessible {@code solver} field.
     */
    static boolean installOn(ComputationGraph graph, StochasticGradientDescent optimizer) {
        if (SOLVER == null) {
            return false;
        }
        optimizer.setUpdaterComputationGraph(graph.getUpdater(true));   // keeps a restored updater state
        try {
            SOLVER.set(graph, new OneOptimizerSolver(optimizer));
            return true;
        } catch (IllegalAccessException | RuntimeException e) {
            return false;
        }
    }

    /**
     * Makes {@code graph} train with the lean step (the {@code fast} engine): turns it on in the optimizer already
     * installed (the workers'), or puts one in place of DL4J's plain SGD. Idempotent.
     */
    static void engage(ComputationGraph graph) {
        if (graph.getOptimizer() instanceof LeanDescent lean) {
            lean.lean(true);
        } else if (graph.getOptimizer() != null && graph.getOptimizer().getClass() == StochasticGradientDescent.class) {
            LeanDescent lean = new LeanDescent(graph);
            if (installOn(graph, lean)) {
                lean.lean(true);
            }
        }
    }

    /** The lean optimizer {@code graph} trains with, or null (none installed, or no solver yet). */
    static LeanDescent on(ComputationGraph graph) {
        try {
            return SOLVER != null && SOLVER.get(graph) instanceof OneOptimizerSolver s
                    && s.getOptimizer() instanceof LeanDescent l ? l : null;
        } catch (IllegalAccessException e) {
            return null;
        }
    }

    /** Whether this DL4J lets a solver of ours be installed. */
    static boolean installable() {
        return SOLVER != null;
    }

    /** Turns the lean step on (the {@code fast} engine) or off (DL4J's own step). */
    void lean(boolean on) {
        lean = on;
    }

    boolean lean() {
        return lean;
    }

    /** Whether {@link #optimize}'s lean path is computing this step (where the update may take the step). */
    boolean inLeanStep() {
        return leanStep;
    }

    /** Steps of this optimizer that took the lean path. */
    long leanSteps() {
        return leanSteps;
    }

    @Override
    public boolean optimize(LayerWorkspaceMgr workspaceMgr) {
        if (!lean || accumulator != null || !(model instanceof ComputationGraph graph) || PARAMS == null) {
            return super.optimize(workspaceMgr);
        }
        stepped = false;
        Pair<Gradient, Double> pair;
        leanStep = true;
        try {
            pair = gradientAndScore(workspaceMgr);
        } finally {
            leanStep = false;
        }
        INDArray params = paramsView(graph);
        INDArray gradient = gradientView(graph, pair.getFirst());
        if (stepped) {
            leanSteps++;   // the update took the step with it (updateGradientAccordingToParams)
        } else if (params != null && gradient != null) {
            // params is the graph's own parameter array: DL4J's setParams(params) would copy it onto itself
            stepFunction.step(params, gradient);
            leanSteps++;
        } else {
            INDArray p = model.params();
            INDArray full = pair.getFirst().gradient();
            stepFunction.step(p, full.reshape(full.length()));
            model.setParams(p);
        }
        int iteration = BaseOptimizer.getIterationCount(model);
        int epoch = BaseOptimizer.getEpochCount(model);
        try (MemoryWorkspace ws = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            for (TrainingListener l : trainingListeners) {
                l.iterationDone(model, iteration, epoch);
            }
        }
        BaseOptimizer.incrementIterationCount(model, 1);
        applyConstraints(model);
        return true;
    }

    /**
     * DL4J's update, except that inside the lean path of {@link #optimize}, when the graph's updater is our fused
     * Adam ({@link GraphUpdater}) and the step function ours ({@link JavaStep}), the update and the step
     * {@code params -= update} run as one pass ({@link GraphUpdater#updateAndStep}), cut into ranges by
     * {@link #inRanges}; {@link #optimize} then skips the step function. Same arithmetic as the update followed by
     * the step, bit for bit. {@code -Ddlp.fusedStep=false} keeps the two passes.
     */
    @Override
    public void updateGradientAccordingToParams(Gradient gradient, org.deeplearning4j.nn.api.Model model,
                                                int batchSize, LayerWorkspaceMgr workspaceMgr) {
        if (leanStep && FUSED_STEP && model instanceof ComputationGraph graph && stepFunction instanceof JavaStep
                && computationGraphUpdater instanceof GraphUpdater updater) {
            INDArray params = paramsView(graph);
            if (updater.canUpdateAndStep(gradient, params)) {
                java.nio.ByteBuffer bytes = dev.dlp.nd4j.HostArrays.bytes(params);
                int iteration = BaseOptimizer.getIterationCount(model);
                int epoch = BaseOptimizer.getEpochCount(model);
                inRanges((int) params.length(), (lo, hi) -> updater.updateAndStep(bytes, iteration, epoch, batchSize,
                        lo, hi));
                java.lang.ref.Reference.reachabilityFence(params);   // the byte view does not keep it alive
                updater.countUpdateAndStep();
                stepped = true;
                return;
            }
        }
        beforePlainUpdate();
        super.updateGradientAccordingToParams(gradient, model, batchSize, workspaceMgr);
    }

    /** Work over the parameters {@code [lo, hi)}. */
    interface RangeTask {
        void run(int lo, int hi);
    }

    /** Runs {@code task} over {@code [0, n)}: here on this thread, in one range (the workers cut it between them). */
    void inRanges(int n, RangeTask task) {
        task.run(0, n);
    }

    /** Called before DL4J's own update runs (the workers finish summing the gradient there). */
    void beforePlainUpdate() {
    }

    /** A 1-D view of the graph's {@code flattenedParams}, made again only when that array changes; null if none. */
    private INDArray paramsView(ComputationGraph graph) {
        INDArray p = read(PARAMS, graph);
        if (p == null || p.wasClosed()) {
            return null;
        }
        if (p != paramsOf) {
            paramsOf = p;
            paramsView = flatView(p);
        }
        return paramsView;
    }

    /** A 1-D view of {@code g}'s flattened gradient when that is the graph's own gradient array, else null. */
    private INDArray gradientView(ComputationGraph graph, Gradient g) {
        INDArray own = graph.getGradientsViewArray();
        if (own == null || GraphUpdater.flat(g) != own) {
            return null;
        }
        if (own != gradientOf) {
            gradientOf = own;
            gradientView = flatView(own);
        }
        return gradientView;
    }

    /**
     * {@code a} as a 1-D view of its own memory, or null when the reshape copied (stepping a copy would leave the
     * graph's array untouched: DL4J's own step runs then).
     */
    private static INDArray flatView(INDArray a) {
        INDArray v = a.rank() > 1 ? a.reshape(a.length()) : a;
        return v == a || GraphUpdater.sameMemory(v, a) ? v : null;
    }

    private static INDArray read(Field f, Object o) {
        try {
            return (INDArray) f.get(o);
        } catch (IllegalAccessException | ClassCastException e) {
            return null;
        }
    }

    /** A solver whose optimizer is the one given (DL4J's builds its own from the configuration). */
    private static final class OneOptimizerSolver extends Solver {
        private final ConvexOptimizer optimizer;

        OneOptimizerSolver(ConvexOptimizer optimizer) {
            this.optimizer = optimizer;
        }

        @Override
        public ConvexOptimizer getOptimizer() {
            return optimizer;
        }

        @Override
        public void setListeners(Collection<TrainingListener> listeners) {
            super.setListeners(listeners);
            optimizer.setListeners(listeners);
        }
    }
}
