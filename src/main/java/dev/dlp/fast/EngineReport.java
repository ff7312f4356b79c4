package dev.dlp.fast;

import dev.dlp.config.TrainConfig.Engine;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.updater.graph.ComputationGraphUpdater;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * summary.json's {@code engine} section: for each layer, the code that trained it (ours, DL4J's, or DL4J's with a
 * native helper such as oneDNN), how many training passes took the fast path, and why a fast path was not used
 * or declined; the same for the updater.
 */
public final class EngineReport {
    private EngineReport() {
    }

    public static Map<String, Object> describe(ComputationGraph g, Engine engine) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("mode", engine.toString());
        List<Map<String, Object>> layers = new ArrayList<>();
        for (Layer l : g.getLayers()) {
            layers.add(layer(g, l, engine));
        }
        out.put("layers", layers);
        out.put("updater", updater(g));
        return out;
    }

    private static Map<String, Object> layer(ComputationGraph g, Layer l, Engine engine) {
        org.deeplearning4j.nn.conf.layers.Layer conf = l.conf().getLayer();
        String name = conf.getLayerName();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("layer", name);
        m.put("config", FastPaths.stockOf(conf).getClass().getSimpleName());
        if (l instanceof PathUse.Traced t) {
            PathUse u = t.pathUse();
            boolean ranOurs = u.fastPasses() > 0 || u.declinedPasses() == 0;
            m.put("implementation", ranOurs ? "dlp " + l.getClass().getSimpleName()
                    : "DL4J (dlp " + l.getClass().getSimpleName() + " declined)");
            m.put("fast_passes", u.fastPasses());
            m.put("declined_passes", u.declinedPasses());
            if (l instanceof InputConvolutionLayer c && c.vectorPasses() > 0) {
                m.put("vector_kernel_passes", c.vectorPasses());   // -Ddlp.vectorConvGradient=true
            }
            if (!u.reasons().isEmpty()) {
                m.put("declined", u.reasons());
            }
        } else {
            m.put("implementation", "DL4J " + l.getClass().getSimpleName()
                    + (l.getHelper() != null ? " + " + l.getHelper().getClass().getSimpleName() : ""));
            String why = engine == Engine.DL4J ? "train.engine: dl4j" : staticReason(g, conf);
            if (why != null) {
                m.put("why_not_fast", why);
            }
        }
        if (conf instanceof BaseLayer b && b.getActivationFn() != null) {
            m.put("activation", (FastPaths.ours(b.getActivationFn().getClass()) ? "dlp " : "DL4J ")
                    + b.getActivationFn().getClass().getSimpleName());
        }
        return m;
    }

    private static String staticReason(ComputationGraph g, org.deeplearning4j.nn.conf.layers.Layer conf) {
        GraphVertex v = g.getConfiguration().getVertices().get(conf.getLayerName());
        return FastPaths.choose(FastPaths.stockOf(conf), FastPaths.readsModelInput(g.getConfiguration(),
                conf.getLayerName()), v instanceof LayerVertex lv && lv.getPreProcessor() != null).reason();
    }

    private static Map<String, Object> updater(ComputationGraph g) {
        Map<String, Object> m = new LinkedHashMap<>();
        Set<String> rules = new LinkedHashSet<>();
        for (Layer l : g.getLayers()) {
            if (l.conf().getLayer() instanceof BaseLayer b && b.getIUpdater() != null) {
                rules.add((FastPaths.ours(b.getIUpdater().getClass()) ? "dlp " : "DL4J ")
                        + b.getIUpdater().getClass().getSimpleName());
            }
        }
        m.put("rules", List.copyOf(rules));
        ComputationGraphUpdater u = g.getUpdater(false);
        if (u instanceof GraphUpdater gu) {
            m.put("implementation", "dlp GraphUpdater (DL4J's standard path; one fused Java pass when every block "
                    + "is Adam) + JavaStep");
            m.put("fused_steps", gu.fusedSteps());
            m.put("plain_steps", gu.plainSteps());
            if (gu.notFusedReason() != null) {
                m.put("not_fused", gu.notFusedReason());
            }
            LeanDescent lean = LeanDescent.on(g);
            if (lean != null && lean.lean()) {
                m.put("step", "dlp LeanDescent (DL4J's SGD step on the graph's own parameter and gradient arrays)");
                m.put("lean_steps", lean.leanSteps());
            }
        } else {
            m.put("implementation", "DL4J ComputationGraphUpdater + NegativeGradientStepFunction");
        }
        return m;
    }
}
