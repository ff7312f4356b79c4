package dev.dlp.train;

import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.updater.graph.ComputationGraphUpdater;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ndarray.INDArray;

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
 */
public final class GraphUpdater extends ComputationGraphUpdater {

    public GraphUpdater(ComputationGraph graph, INDArray updaterState) {
        super(graph, updaterState);
    }

    /**
     * Puts a {@link GraphUpdater} on {@code graph}, keeping its current updater state (fresh or restored from a
     * checkpoint). Idempotent.
     */
    public static void install(ComputationGraph graph) {
        ComputationGraphUpdater current = graph.getUpdater();
        if (!(current instanceof GraphUpdater)) {
            graph.setUpdater(new GraphUpdater(graph, current.getStateViewArray()));
        }
    }

    @Override
    public synchronized void update(Gradient gradient, int iteration, int epoch, int batchSize,
                                    LayerWorkspaceMgr workspaceMgr) {
        INDArray own = getFlattenedGradientsView();
        INDArray flat = gradient.gradient();
        if (own != null && flat != own && sameMemory(flat, own)) {
            gradient = new OwnGradient(gradient, own);
        }
        super.update(gradient, iteration, epoch, batchSize, workspaceMgr);
    }

    private static boolean sameMemory(INDArray a, INDArray b) {
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
