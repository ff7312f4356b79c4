package dev.dlp.fast;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Collection;

/**
 * DL4J's {@link RnnOutputLayer} configuration (same settings, parameters and serialised form) with softmax and
 * multi-class cross-entropy, trained by {@link FastRnnOutputLayer}. {@link FastPaths} uses it for every such
 * {@code rnn_output} layer.
 */
public class FastRnnOutput extends RnnOutputLayer implements FastConfig {

    /** For JSON deserialisation (model zips, checkpoints). */
    public FastRnnOutput() {
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FastRnnOutput && super.equals(o);
    }

    @Override
    public int hashCode() {
        return 31 * super.hashCode() + 3;
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners, int layerIndex,
                             INDArray paramsView, boolean initializeParams, DataType dataType) {
        LayerValidation.assertNInNOutSet("FastRnnOutput", getLayerName(), layerIndex, getNIn(), getNOut());
        return LayerWiring.wire(new FastRnnOutputLayer(conf, dataType), conf, listeners, layerIndex, paramsView,
                initializeParams, initializer());
    }
}
