package dev.dlp.fast;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Collection;

/**
 * DL4J's {@link LSTM} configuration (same settings, parameters and serialised form) trained by
 * {@link FastLSTMLayer}. {@link GraphFactory} uses it for every {@code lstm} layer.
 */
public class FastLSTM extends LSTM implements FastConfig {

    /** For JSON deserialisation (model zips, checkpoints). */
    public FastLSTM() {
    }

    /** A {@code FastLSTM} with every setting of {@code built} (DL4J's LSTM builder can only build its own class). */
    public static FastLSTM of(LSTM built) {
        return ConfigCopy.fields(LSTM.class, built, new FastLSTM());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FastLSTM && super.equals(o);
    }

    @Override
    public int hashCode() {
        return 31 * super.hashCode() + 1;
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners, int layerIndex,
                             INDArray paramsView, boolean initializeParams, DataType dataType) {
        LayerValidation.assertNInNOutSet("FastLSTM", getLayerName(), layerIndex, getNIn(), getNOut());
        return LayerWiring.wire(new FastLSTMLayer(conf, dataType), conf, listeners, layerIndex, paramsView,
                initializeParams, initializer());
    }
}
