package dev.dlp.fast;

import dev.dlp.config.TrainConfig.Engine;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.lossfunctions.impl.LossBinaryXENT;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

import java.lang.reflect.Constructor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The one place that decides which code trains each layer. Models are built and saved with DL4J's own
 * configuration classes; {@link #install} swaps in the configurations of ours (subclasses with the same settings,
 * parameters and updater state layout) where a fast path applies and the engine is {@code fast}, and
 * {@link #stock} swaps them back out for saving, so a saved model names DL4J classes only.
 */
public final class FastPaths {
    private FastPaths() {
    }

    /** What {@link #choose} decided for one layer: the configuration to use (null: DL4J's own) and why. */
    public record Choice(Layer replacement, String reason) {
    }

    /**
     * Puts the fast paths into {@code conf} (in place) when {@code engine} is {@code fast}: our layer
     * configurations, {@link FastReLU} for plain ReLU activations and {@link FastAdam} for Adam. With
     * {@code dl4j} it leaves DL4J's classes (converting any of ours back). Returns {@code conf}.
     */
    public static ComputationGraphConfiguration install(ComputationGraphConfiguration conf, Engine engine) {
        for (Map.Entry<String, GraphVertex> e : conf.getVertices().entrySet()) {
            if (!(e.getValue() instanceof LayerVertex lv)) {
                continue;
            }
            Layer layer = stockOf(lv.getLayerConf().getLayer());
            if (engine == Engine.FAST) {
                Choice c = choose(layer, inputFed(conf, e.getKey(), lv));
                if (c.replacement() != null) {
                    layer = c.replacement();
                }
                if (layer instanceof BaseLayer b) {
                    b.setActivationFn(fastActivation(b.getActivationFn()));
                    b.setIUpdater(fastUpdater(b.getIUpdater()));
                    b.setBiasUpdater(fastUpdater(b.getBiasUpdater()));
                }
            }
            lv.getLayerConf().setLayer(layer);
        }
        return conf;
    }

    /** A copy of {@code conf} with DL4J's classes in place of every configuration of ours (for saving). */
    public static ComputationGraphConfiguration stock(ComputationGraphConfiguration conf) {
        ComputationGraphConfiguration c = conf.clone();
        // (DL4J's clone drops the counters, which Adam's bias correction and the schedules read, and the order)
        c.setIterationCount(conf.getIterationCount());
        c.setEpochCount(conf.getEpochCount());
        c.setTopologicalOrder(conf.getTopologicalOrder());
        c.setTopologicalOrderStr(conf.getTopologicalOrderStr());
        for (GraphVertex v : c.getVertices().values()) {
            if (v instanceof LayerVertex lv) {
                lv.getLayerConf().setLayer(stockOf(lv.getLayerConf().getLayer()));
            }
        }
        return c;
    }

    /**
     * The fast path for DL4J layer configuration {@code layer} ({@code inputFed}: it reads a model input with no
     * preprocessor between, so nothing needs its input gradient), or none and the reason.
     */
    public static Choice choose(Layer layer, boolean inputFed) {
        if (layer.getClass() == DenseLayer.class) {
            FastDense f = ConfigCopy.fields(DenseLayer.class, layer, new FastDense());
            f.setInputFed(inputFed);
            return new Choice(f, null);
        }
        if (layer.getClass() == OutputLayer.class) {
            OutputLayer o = (OutputLayer) layer;
            FusedOutput f = o.getActivationFn() instanceof ActivationSoftmax && o.getLossFn() instanceof LossMCXENT
                    ? new SoftmaxOutput()
                    : o.getActivationFn() instanceof ActivationSigmoid && o.getLossFn() instanceof LossBinaryXENT
                    ? new SigmoidXentOutput() : null;
            if (f == null) {
                return new Choice(null, "no fused output for activation " + o.getActivationFn() + " with loss "
                        + o.getLossFn() + " (fused: softmax + mcxent, sigmoid + xent)");
            }
            ConfigCopy.fields(OutputLayer.class, layer, f);
            f.setInputFed(inputFed);
            return new Choice(f, null);
        }
        if (layer.getClass() == ConvolutionLayer.class) {
            ConvolutionLayer c = (ConvolutionLayer) layer;
            ConvolutionOfOurs f = inputFed ? new InputConvolution()
                    : c.getNOut() <= NarrowConvolution.MAX_OUT ? new NarrowConvolution() : null;
            if (f == null) {
                return new Choice(null, "DL4J's convolution (oneDNN) is fast for " + c.getNOut()
                        + " output channels; ours covers a model input's layer and layers of at most "
                        + NarrowConvolution.MAX_OUT + " output channels");
            }
            return new Choice(ConfigCopy.fields(ConvolutionLayer.class, layer, f), null);
        }
        if (layer.getClass() == LSTM.class) {
            return new Choice(ConfigCopy.fields(LSTM.class, layer, new FastLSTM()), null);
        }
        return new Choice(null, layer instanceof BaseLayer ? "no fast path for " + layer.getClass().getSimpleName()
                : null);
    }

    /** True when vertex {@code name} reads only model inputs, with no preprocessor between. */
    static boolean inputFed(ComputationGraphConfiguration conf, String name, LayerVertex lv) {
        List<String> ins = conf.getVertexInputs().get(name);
        return lv.getPreProcessor() == null && ins != null && !ins.isEmpty()
                && conf.getNetworkInputs().containsAll(ins);
    }

    private static IActivation fastActivation(IActivation a) {
        return a != null && a.getClass() == ActivationReLU.class
                ? ConfigCopy.fields(ActivationReLU.class, a, new FastReLU()) : a;
    }

    private static IUpdater fastUpdater(IUpdater u) {
        return u != null && u.getClass() == Adam.class ? ConfigCopy.fields(Adam.class, u, new FastAdam()) : u;
    }

    /**
     * DL4J's own class for a configuration of ours (the nearest superclass outside dlp), with the same settings,
     * including its activation and updaters; anything else is returned as it is.
     */
    static <T> T stockOf(T o) {
        if (o == null) {
            return null;
        }
        T s = o;
        if (o instanceof FastConfig) {
            Class<?> c = o.getClass();
            while (FastConfig.class.isAssignableFrom(c)) {
                c = c.getSuperclass();
            }
            s = ConfigCopy.fields(c, o, newInstance(c));
        }
        if (s instanceof BaseLayer b) {
            if (b == o) {   // not copied yet: never modify the caller's layer
                b = (BaseLayer) b.clone();
                s = (T) b;
            }
            b.setActivationFn(stockOf(b.getActivationFn()));
            b.setIUpdater(stockOf(b.getIUpdater()));
            b.setBiasUpdater(stockOf(b.getBiasUpdater()));
        }
        return s;
    }

    static boolean ours(Class<?> c) {
        return c.getName().startsWith("dev.dlp.");
    }

    @SuppressWarnings("unchecked")
    private static <T> T newInstance(Class<?> c) {
        try {
            Constructor<?> k = c.getDeclaredConstructor();
            k.setAccessible(true);
            return (T) k.newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("no configuration constructor for " + c.getName(), e);
        }
    }

    /**
     * The vertices of {@code conf} (a {@link #stock} configuration) that still need dlp's classes to load, each
     * with the class; empty when a program with only DL4J on its classpath can load the model.
     */
    public static List<String> nonPortable(ComputationGraphConfiguration conf) {
        List<String> out = new ArrayList<>();
        conf.getVertices().forEach((name, v) -> {
            List<Object> parts = new ArrayList<>(List.of(v));
            if (v instanceof LayerVertex lv) {
                Layer l = lv.getLayerConf().getLayer();
                parts.add(l);
                if (l instanceof BaseLayer b) {
                    parts.add(b.getActivationFn());
                    parts.add(b.getIUpdater());
                    parts.add(b.getBiasUpdater());
                }
            }
            parts.stream().filter(p -> p != null && ours(p.getClass())).findFirst()
                    .ifPresent(p -> out.add(name + " (" + p.getClass().getName() + ")"));
        });
        return out;
    }

    /**
     * For training: with the {@code fast} engine, DL4J's graph updater taking its standard path (and the fused
     * Adam pass where it applies) and DL4J's {@code params -= update} step as a Java loop; with {@code dl4j},
     * nothing (DL4J's updater and step).
     */
    public static void installTraining(ComputationGraph g, Engine engine) {
        if (engine == Engine.FAST) {
            GraphUpdater.install(g);
        }
    }
}
