package dev.dlp.graph;

import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.graph.SubsetVertex;
import org.deeplearning4j.nn.conf.graph.rnn.DuplicateToTimeSeriesVertex;
import org.deeplearning4j.nn.conf.graph.rnn.LastTimeStepVertex;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.Upsampling2D;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

import java.util.Map;
import java.util.TreeMap;

import dev.dlp.config.Check;
import dev.dlp.config.ConfigException;
import dev.dlp.fast.StateLSTM;

/**
 * The one registry of layer and vertex kinds a config may name in {@code model.layers[].type}. Adding a kind is
 * one entry here: read its parameters through {@link Params} (which also rejects unknown keys) and return a
 * DL4J layer or vertex configuration, DL4J's own class: the fast paths are put in afterwards, in one place
 * ({@link dev.dlp.fast.FastPaths}). The one exception is an {@code lstm} that passes state
 * ({@link StateLSTM}), which DL4J cannot express.
 */
public final class LayerKinds {
    private static final Map<String, LayerKind> KINDS = new TreeMap<>();

    static {
        // dense: fully connected; n_out units
        KINDS.put("dense", p -> new DenseLayer.Builder()
                .nOut(p.requiredPositiveInt("n_out"))
                .activation(p.choice("activation", Activation.RELU, Activation.class))
                .build());
        // output: dense + loss; softmax/mcxent for classification, sigmoid/xent per unit
        KINDS.put("output", p -> new OutputLayer.Builder(p.choice("loss", LossFunction.MCXENT, LossFunction.class))
                .nOut(p.requiredPositiveInt("n_out"))
                .activation(p.choice("activation", Activation.SOFTMAX, Activation.class))
                .biasInit(p.number("bias_init", 0.0))
                .build());
        // conv: 2-D convolution (cross-correlation); kernel/stride/dilation are n or [h, w]
        KINDS.put("conv", p -> {
            ConvolutionLayer.Builder b = new ConvolutionLayer.Builder()
                    .kernelSize(positivePair(p, "kernel", null))
                    .stride(positivePair(p, "stride", new int[]{1, 1}))
                    .dilation(positivePair(p, "dilation", new int[]{1, 1}))
                    .nOut(p.requiredPositiveInt("n_out"))
                    .activation(p.choice("activation", Activation.RELU, Activation.class))
                    .hasBias(p.bool("bias", true));
            Padding pad = padding(p);
            return b.convolutionMode(pad.mode()).padding(pad.pad()).build();
        });
        KINDS.put("maxpool", p -> pooling(p, SubsamplingLayer.PoolingType.MAX));
        KINDS.put("avgpool", p -> pooling(p, SubsamplingLayer.PoolingType.AVG));
        // dropout: rate = probability of dropping a unit (DL4J takes the retain probability, 1 - rate)
        KINDS.put("dropout", p -> new DropoutLayer.Builder(1.0 - Check.inRange(p.path() + ".rate",
                p.number("rate", 0.5), 0.0, 0.999)).build());
        KINDS.put("batchnorm", p -> new BatchNormalization.Builder()
                .decay(p.number("decay", 0.9))
                .eps(p.number("eps", 1e-5))
                .build());
        // cnn_loss: per-pixel loss on a conv layer's output (no parameters), e.g. sigmoid + xent for images
        KINDS.put("cnn_loss", p -> new CnnLossLayer.Builder(p.choice("loss", LossFunction.XENT, LossFunction.class))
                .activation(p.choice("activation", Activation.SIGMOID, Activation.class))
                .build());
        // upsampling: repeat each pixel size x size times
        KINDS.put("upsampling", p -> new Upsampling2D.Builder(p.positiveInt("size", 2)).build());
        // merge: concatenate inputs along the feature/channel axis
        KINDS.put("merge", p -> new MergeVertex());
        // embedding_seq: token ids [batch, 1, time] -> vectors [batch, n_out, time]. DL4J takes the vocabulary
        // size (n_in) from the size of the recurrent input type, so declare the id input with size = vocabulary
        KINDS.put("embedding_seq", p -> new EmbeddingSequenceLayer.Builder()
                .nOut(p.requiredPositiveInt("n_out"))
                .hasBias(false)
                .build());
        // lstm: n_out units over a time series. return_state: sequence = output [h; c] at every step (2 n_out
        // features), final = only each sequence's final [h; c] ([batch, 2 n_out]): an encoder a decoder starts
        // from; initial_state: the input's last 2 n_out features hold the initial (h, c) at step 0 (a decoder).
        // Either makes it dlp's StateLSTM (DL4J has no such layer: the model is not portable)
        KINDS.put("lstm", p -> {
            LSTM lstm = new LSTM.Builder()
                    .nOut(p.requiredPositiveInt("n_out"))
                    .activation(p.choice("activation", Activation.TANH, Activation.class))
                    .build();
            StateLSTM.Return returnState = p.choice("return_state", StateLSTM.Return.NONE, StateLSTM.Return.class);
            boolean initialState = p.bool("initial_state", false);
            return returnState != StateLSTM.Return.NONE || initialState ? StateLSTM.of(lstm, returnState,
                    initialState) : lstm;
        });
        // rnn_output: a dense + loss at every time step (softmax / mcxent over a vocabulary)
        KINDS.put("rnn_output", p -> new RnnOutputLayer.Builder(p.choice("loss", LossFunction.MCXENT,
                LossFunction.class))
                .nOut(p.requiredPositiveInt("n_out"))
                .activation(p.choice("activation", Activation.SOFTMAX, Activation.class))
                .build());
        // subset: features from..to (inclusive) of its input, e.g. the outputs h of an lstm with return_state
        KINDS.put("subset", p -> {
            int from = Check.atLeast(p.path() + ".from", p.integer("from", 0), 0);
            int to = p.requiredInt("to");
            Check.atLeast(p.path() + ".to", to, from);
            return new SubsetVertex(from, to);
        });
        // last_time_step: [batch, size, time] -> [batch, size], the last step that mask_input's mask keeps
        KINDS.put("last_time_step", p -> new LastTimeStepVertex(p.text("mask_input", null)));
        // duplicate_to_time_series: [batch, size] -> [batch, size, time] with as many steps as like_input
        KINDS.put("duplicate_to_time_series", p -> {
            String like = p.text("like_input", null);
            if (like == null) {
                throw new ConfigException(p.path() + ".like_input", "required: the input whose length to copy");
            }
            return new DuplicateToTimeSeriesVertex(like);
        });
    }

    private LayerKinds() {
    }

    /** The kind registered under {@code type}, or a config error naming the nearest one. */
    public static LayerKind get(String path, String type) {
        LayerKind k = KINDS.get(type);
        if (k == null) {
            throw new ConfigException(path + ".type", "unknown layer type '" + type + "'"
                    + dev.dlp.config.Suggest.hint(type, KINDS.keySet()) + " (known: " + String.join(", ", KINDS.keySet())
                    + ")");
        }
        return k;
    }

    public static java.util.Set<String> names() {
        return KINDS.keySet();
    }

    private static int[] positivePair(Params p, String key, int[] def) {
        if (def == null && !p.has(key)) {
            throw new ConfigException(p.path() + "." + key, "required");
        }
        int[] v = p.pair(key, def);
        Check.atLeast(p.path() + "." + key, Math.min(v[0], v[1]), 1);
        return v;
    }

    private static Object pooling(Params p, SubsamplingLayer.PoolingType type) {
        int[] kernel = positivePair(p, "kernel", new int[]{2, 2});
        Padding pad = padding(p);
        return new SubsamplingLayer.Builder(type)
                .kernelSize(kernel)
                .stride(positivePair(p, "stride", kernel))
                .convolutionMode(pad.mode())
                .padding(pad.pad())
                .build();
    }

    /** padding: same | valid | n | [h, w] (explicit zero padding, then valid). */
    private record Padding(ConvolutionMode mode, int[] pad) {
    }

    private static Padding padding(Params p) {
        String s = p.text("padding", "valid").trim().toLowerCase();
        if (s.equals("same")) {
            return new Padding(ConvolutionMode.Same, new int[]{0, 0});
        }
        if (s.equals("valid")) {
            return new Padding(ConvolutionMode.Truncate, new int[]{0, 0});
        }
        int[] pad = p.pair("padding", null);
        Check.atLeast(p.path() + ".padding", Math.min(pad[0], pad[1]), 0);
        return new Padding(ConvolutionMode.Truncate, pad);
    }
}
