package dev.dlp.graph;

import dev.dlp.config.ConfigException;
import dev.dlp.config.Suggest;
import dev.dlp.config.TrainConfig;
import dev.dlp.fast.FastPaths;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.RmsProp;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.schedule.ExponentialSchedule;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.linalg.schedule.ScheduleType;
import org.nd4j.linalg.schedule.StepSchedule;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A pure function from the config's {@code model:} and {@code train:} sections to a DL4J
 * {@link ComputationGraphConfiguration}. Shapes ({@code nIn}) are inferred by DL4J from the input types. The
 * layers are DL4J's; {@code train.engine: fast} then puts in the fast paths ({@link FastPaths#install}).
 */
public final class GraphFactory {
    private GraphFactory() {
    }

    public static ComputationGraphConfiguration build(ModelSpec model, TrainConfig train, long seed) {
        if (model == null || model.inputs().isEmpty()) {
            throw new ConfigException("model.inputs", "required: at least one named input with its type");
        }
        if (model.layers().isEmpty()) {
            throw new ConfigException("model.layers", "required: at least one layer");
        }
        NeuralNetConfiguration.Builder base = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .updater(updater(train.updater()))
                .weightInit(weightInit(train.weightInit()))
                .trainingWorkspaceMode(WorkspaceMode.ENABLED)
                .inferenceWorkspaceMode(WorkspaceMode.ENABLED)
                // keep each conv layer's pre-activation from the forward pass for its backward pass instead of
                // computing the convolution a second time (DL4J's default, CacheMode.NONE, recomputes it)
                .cacheMode(org.deeplearning4j.nn.conf.CacheMode.DEVICE);
        if (train.l2() > 0) {
            base.l2(train.l2());
        }
        ComputationGraphConfiguration.GraphBuilder g = base.graphBuilder();

        List<String> inputNames = new ArrayList<>(model.inputs().keySet());
        g.addInputs(inputNames);
        InputType[] types = new InputType[inputNames.size()];
        for (int i = 0; i < types.length; i++) {
            types[i] = inputType("model.inputs." + inputNames.get(i), model.inputs().get(inputNames.get(i)));
        }
        g.setInputTypes(types);

        Set<String> defined = new HashSet<>(inputNames);
        List<String> layerNames = new ArrayList<>();
        String previous = inputNames.get(0);
        for (int i = 0; i < model.layers().size(); i++) {
            Map<String, Object> spec = model.layers().get(i);
            Object nameObj = spec.get("name");
            String path = "model.layers[" + i + "]";
            if (nameObj == null || nameObj.toString().isBlank()) {
                throw new ConfigException(path + ".name", "required");
            }
            String name = nameObj.toString();
            path = "model.layers." + name;
            if (!defined.add(name)) {
                throw new ConfigException(path + ".name", "duplicate vertex name '" + name + "'");
            }
            Object typeObj = spec.get("type");
            if (typeObj == null) {
                throw new ConfigException(path + ".type", "required (one of: " + String.join(", ", LayerKinds.names())
                        + ")");
            }
            List<String> inputs = new Params(path, spec).names("inputs");
            if (inputs.isEmpty()) {
                inputs = List.of(previous);
            }
            Params p = new Params(path, spec);
            for (String in : inputs) {
                if (!defined.contains(in) || in.equals(name)) {
                    List<String> before = new ArrayList<>(defined);
                    before.remove(name);
                    throw new ConfigException(path + ".inputs", "unknown input '" + in + "' (inputs must be defined "
                            + "earlier)" + Suggest.hint(in, before));
                }
            }
            Object built = LayerKinds.get(path, typeObj.toString()).build(p);
            p.finish();
            String[] ins = inputs.toArray(String[]::new);
            if (built instanceof Layer layer) {
                g.addLayer(name, layer, ins);
            } else if (built instanceof GraphVertex vertex) {
                g.addVertex(name, vertex, ins);
            } else {
                throw new IllegalStateException("layer kind " + typeObj + " built " + built);
            }
            layerNames.add(name);
            previous = name;
        }
        List<String> outputs = model.outputs().isEmpty() ? List.of(previous) : model.outputs();
        for (String o : outputs) {
            if (!layerNames.contains(o)) {
                throw new ConfigException("model.outputs", "unknown layer '" + o + "'" + Suggest.hint(o, layerNames));
            }
        }
        g.setOutputs(outputs.toArray(String[]::new));
        try {
            ComputationGraphConfiguration conf = g.build();
            // shape inference for every vertex: catches bad merges and (DL4J only warns) empty feature maps
            Map<String, InputType> shapes = conf.getLayerActivationTypes(true, false, types);
            for (String name : layerNames) {
                if (shapes.get(name) instanceof InputType.InputTypeConvolutional c
                        && (c.getHeight() < 1 || c.getWidth() < 1)) {
                    throw new ConfigException("model.layers." + name, "output would be " + c.getHeight() + "x"
                            + c.getWidth() + ": the kernel is larger than its (padded) input " + shapeOf(shapes,
                            conf.getVertexInputs().get(name)));
                }
            }
            return FastPaths.install(conf, train.engine());
        } catch (ConfigException e) {
            throw e;
        } catch (RuntimeException e) {
            // DL4J's shape inference: kernel larger than its input, mismatched merges, missing output layer...
            throw new ConfigException("model", shapeMessage(e, layerNames));
        }
    }

    private static String shapeOf(Map<String, InputType> shapes, List<String> inputs) {
        if (inputs == null || inputs.isEmpty() || !(shapes.get(inputs.get(0)) instanceof InputType.InputTypeConvolutional c)) {
            return "";
        }
        return c.getHeight() + "x" + c.getWidth();
    }

    private static String shapeMessage(RuntimeException e, List<String> layerNames) {
        String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        msg = msg.replaceAll("\\s+", " ").trim();
        if (msg.length() > 400) {
            msg = msg.substring(0, 400) + "...";
        }
        for (String n : layerNames) {
            if (msg.contains("\"" + n + "\"") || msg.contains("name=" + n) || msg.contains("layer name = " + n)
                    || msg.contains("(" + n + ")") || msg.contains("\"" + n)) {
                return "layer '" + n + "': " + msg;
            }
        }
        return msg;
    }

    /** The activation type of the network's first output, e.g. to shape the labels. */
    public static InputType outputType(ModelSpec model, ComputationGraphConfiguration conf) {
        InputType[] types = model.inputs().entrySet().stream()
                .map(e -> inputType("model.inputs." + e.getKey(), e.getValue())).toArray(InputType[]::new);
        return conf.getLayerActivationTypes(true, false, types).get(conf.getNetworkOutputs().get(0));
    }

    static InputType inputType(String path, ModelSpec.InputSpec s) {
        if (s == null || s.type() == null) {
            throw new ConfigException(path + ".type", "required (feed_forward, convolutional, convolutional_flat, "
                    + "recurrent)");
        }
        return switch (s.type()) {
            case FEED_FORWARD -> InputType.feedForward(positive(path + ".size", s.size()));
            case RECURRENT -> s.length() != null && s.length() > 0 ? InputType.recurrent(positive(path + ".size", s.size()), s.length())
                    : InputType.recurrent(positive(path + ".size", s.size()));
            case CONVOLUTIONAL -> InputType.convolutional(positive(path + ".height", s.height()),
                    positive(path + ".width", s.width()), positive(path + ".channels", s.channels()));
            case CONVOLUTIONAL_FLAT -> InputType.convolutionalFlat(positive(path + ".height", s.height()),
                    positive(path + ".width", s.width()), positive(path + ".channels", s.channels()));
        };
    }

    private static int positive(String key, Integer v) {
        if (v == null || v < 1) {
            throw new ConfigException(key, "required, >= 1 (got " + v + ")");
        }
        return v;
    }

    /** The DL4J updater for the {@code train.updater} section, with its learning-rate schedule. */
    public static IUpdater updater(TrainConfig.UpdaterConfig u) {
        ISchedule schedule = switch (u.schedule().type()) {
            case NONE -> null;
            case STEP -> new StepSchedule(ScheduleType.EPOCH, u.lr(), u.schedule().gamma(), u.schedule().every());
            case EXPONENTIAL -> new ExponentialSchedule(ScheduleType.EPOCH, u.lr(), u.schedule().gamma());
        };
        return switch (u.type()) {
            case ADAM -> adam(schedule, u);
            case SGD -> schedule == null ? new Sgd(u.lr()) : new Sgd(schedule);
            case NESTEROVS -> schedule == null ? new Nesterovs(u.lr(), u.momentum())
                    : new Nesterovs(schedule, u.momentum());
            case RMSPROP -> schedule == null ? new RmsProp(u.lr(), u.decay(), u.epsilon())
                    : rmsProp(schedule, u);
        };
    }

    private static Adam adam(ISchedule schedule, TrainConfig.UpdaterConfig u) {
        Adam a = new Adam(u.lr(), u.beta1(), u.beta2(), u.epsilon());
        if (schedule != null) {
            a.setLearningRateSchedule(schedule);
            a.setLearningRate(Double.NaN);
        }
        return a;
    }

    private static RmsProp rmsProp(ISchedule schedule, TrainConfig.UpdaterConfig u) {
        RmsProp r = new RmsProp(schedule);
        r.setRmsDecay(u.decay());
        r.setEpsilon(u.epsilon());
        return r;
    }

    static WeightInit weightInit(TrainConfig.WeightInitKind k) {
        return switch (k) {
            case XAVIER -> WeightInit.XAVIER;
            case RELU -> WeightInit.RELU;
            case XAVIER_UNIFORM -> WeightInit.XAVIER_UNIFORM;
            case RELU_UNIFORM -> WeightInit.RELU_UNIFORM;
            case NORMAL -> WeightInit.NORMAL;
            case LECUN_NORMAL -> WeightInit.LECUN_NORMAL;
            case ZERO -> WeightInit.ZERO;
        };
    }

    /** A stable hash of the architecture (model section + seed), to refuse resuming into another network. */
    public static String architectureHash(ModelSpec model) {
        try {
            byte[] bytes = dev.dlp.config.ConfigLoader.json().writeValueAsBytes(model);
            byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(bytes);
            return java.util.HexFormat.of().formatHex(d, 0, 8);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
