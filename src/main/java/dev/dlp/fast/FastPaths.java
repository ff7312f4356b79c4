package dev.dlp.fast;

import dev.dlp.config.TrainConfig.Engine;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.Upsampling2D;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.activations.impl.ActivationTanH;
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
     * configurations (max pooling and upsampling included), {@link FastReLU} for plain ReLU activations and
     * {@link FastAdam} for Adam. With
     * {@code dl4j} it leaves DL4J's classes (converting any of ours back). Returns {@code conf}.
     */
    public static ComputationGraphConfiguration install(ComputationGraphConfiguration conf, Engine engine) {
        for (Map.Entry<String, GraphVertex> e : conf.getVertices().entrySet()) {
            if (!(e.getValue() instanceof LayerVertex lv)) {
                continue;
            }
            Layer layer = stockOf(lv.getLayerConf().getLayer());
            if (engine == Engine.FAST) {
                Choice c = choose(layer, readsModelInput(conf, e.getKey()), lv.getPreProcessor() != null);
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
     * The fast path for DL4J layer configuration {@code layer}, or none and the reason. {@code readsModelInput}:
     * every input of the layer is a model input, so nothing needs its input gradient; {@code preprocessed}: DL4J
     * puts a preprocessor in between, which needs an input gradient array (zeros do; none does not).
     */
    public static Choice choose(Layer layer, boolean readsModelInput, boolean preprocessed) {
        boolean inputFed = readsModelInput && !preprocessed;
        if (layer.getClass() == SubsamplingLayer.class) {
            String why = FastMaxPool.unsupported((SubsamplingLayer) layer);
            return why != null ? new Choice(null, why)
                    : new Choice(ConfigCopy.fields(SubsamplingLayer.class, layer, new FastMaxPool()), null);
        }
        if (layer.getClass() == Upsampling2D.class) {
            String why = FastUpsampling.unsupported((Upsampling2D) layer);
            return why != null ? new Choice(null, why)
                    : new Choice(ConfigCopy.fields(Upsampling2D.class, layer, new FastUpsampling()), null);
        }
        if (!(layer instanceof BaseLayer b)) {
            return new Choice(null, null);
        }
        String common = b.getIDropout() != null ? "dropout on the layer" : b.getWeightNoise() != null
                ? "weight noise" : null;
        if (layer.getClass() == DenseLayer.class) {
            DenseLayer d = (DenseLayer) layer;
            String why = common != null ? common : !plainRelu(d.getActivationFn())
                    && !(d.getActivationFn() instanceof ActivationIdentity)
                    ? "activation " + d.getActivationFn() + " (fast: relu, identity)"
                    : !d.hasBias() ? "no bias" : d.hasLayerNorm() ? "layer norm" : null;
            if (why != null) {
                return new Choice(null, why);
            }
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
            String why = f == null ? "activation " + o.getActivationFn() + " with loss " + o.getLossFn()
                    + " (fused: softmax + mcxent, sigmoid + xent)" : common != null ? common
                    : !o.hasBias() ? "no bias" : null;
            if (why != null) {
                return new Choice(null, why);
            }
            ConfigCopy.fields(OutputLayer.class, layer, f);
            f.setInputFed(inputFed);
            return new Choice(f, null);
        }
        if (layer.getClass() == ConvolutionLayer.class) {
            ConvolutionLayer c = (ConvolutionLayer) layer;
            boolean narrow = NarrowConvolution.covers(c)
                    && NarrowConvolutionLayer.activationApplies(c.getActivationFn()) && common == null;
            ConvolutionOfOurs f = readsModelInput ? new InputConvolution() : narrow ? new NarrowConvolution() : null;
            if (f == null) {
                return new Choice(null, "DL4J's convolution (oneDNN) runs it; ours covers a model input's "
                        + "layer, and layers with at most " + NarrowConvolution.MAX_OUT + " output channels or at "
                        + "most " + NarrowConvolution.MAX_CHANNELS + " channels in and out and a kernel of at most "
                        + NarrowConvolution.MAX_TAPS + " taps, with the identity or ReLU activation and no dropout");
            }
            return new Choice(ConfigCopy.fields(ConvolutionLayer.class, layer, f), null);
        }
        if (layer.getClass() == LSTM.class) {
            LSTM l = (LSTM) layer;
            String why = common != null ? common : !(l.getActivationFn() instanceof ActivationTanH)
                    || !(l.getGateActivationFn() instanceof ActivationSigmoid)
                    ? "activations " + l.getActivationFn() + "/" + l.getGateActivationFn() + " (fast: tanh/sigmoid)"
                    : null;
            return why != null ? new Choice(null, why)
                    : new Choice(ConfigCopy.fields(LSTM.class, layer, new FastLSTM()), null);
        }
        if (layer.getClass() == RnnOutputLayer.class) {
            RnnOutputLayer o = (RnnOutputLayer) layer;
            String why = common != null ? common : !(o.getActivationFn() instanceof ActivationSoftmax
                    && o.getLossFn() instanceof LossMCXENT) ? "activation " + o.getActivationFn() + " with loss "
                    + o.getLossFn() + " (fused: softmax + mcxent)" : !o.hasBias() ? "no bias"
                    : o.getRnnDataFormat() != RNNFormat.NCW ? "data format " + o.getRnnDataFormat() + " (fast: NCW)"
                    : null;
            return why != null ? new Choice(null, why) : new Choice(ConfigCopy.fields(RnnOutputLayer.class, layer,
                    new FastRnnOutput()), null);
        }
        if (layer.getClass() == EmbeddingSequenceLayer.class) {
            EmbeddingSequenceLayer e = (EmbeddingSequenceLayer) layer;
            String why = common != null ? common : !(e.getActivationFn() instanceof ActivationIdentity)
                    ? "activation " + e.getActivationFn() + " (fast: identity)" : e.getOutputFormat() != RNNFormat.NCW
                    ? "output format " + e.getOutputFormat() + " (fast: NCW)" : null;
            return why != null ? new Choice(null, why) : new Choice(ConfigCopy.fields(EmbeddingSequenceLayer.class,
                    layer, new FastEmbeddingSequence()), null);
        }
        return new Choice(null, "no fast path for " + layer.getClass().getSimpleName());
    }

    private static boolean plainRelu(IActivation a) {
        return a instanceof ActivationReLU r && r.getMax() == null && r.getThreshold() == null
                && r.getNegativeSlope() == null;
    }

    /** True when vertex {@code name} reads only model inputs. */
    static boolean readsModelInput(ComputationGraphConfiguration conf, String name) {
        List<String> ins = conf.getVertexInputs().get(name);
        return ins != null && !ins.isEmpty() && conf.getNetworkInputs().containsAll(ins);
    }

    private static IActivation fastActivation(IActivation a) {
        return a != null && a.getClass() == ActivationReLU.class && plainRelu(a)
                ? ConfigCopy.fields(ActivationReLU.class, a, new FastReLU()) : a;
    }

    private static IUpdater fastUpdater(IUpdater u) {
        return u != null && u.getClass() == Adam.class ? ConfigCopy.fields(Adam.class, u, new FastAdam()) : u;
    }

    /**
     * DL4J's own class for a configuration of ours (the nearest superclass that is not a fast path), with the same
     * settings; a layer comes back as a copy whose activation and updaters are DL4J's too (the argument is never
     * modified); anything else is returned as it is.
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
