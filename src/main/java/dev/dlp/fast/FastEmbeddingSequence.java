package dev.dlp.fast;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Collection;

/**
 * DL4J's {@link EmbeddingSequenceLayer} configuration (same settings, parameters and serialised form) trained by
 * {@link FastEmbeddingSequenceLayer}. {@link FastPaths} uses it for every {@code embedding_seq} layer.
 */
public class FastEmbeddingSequence extends EmbeddingSequenceLayer implements FastConfig {

    /** For JSON deserialisation (model zips, checkpoints). */
    public FastEmbeddingSequence() {
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FastEmbeddingSequence && super.equals(o);
    }

    @Override
    public int hashCode() {
        return 31 * super.hashCode() + 2;
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners, int layerIndex,
                             INDArray paramsView, boolean initializeParams, DataType dataType) {
        LayerValidation.assertNInNOutSet("FastEmbeddingSequence", getLayerName(), layerIndex, getNIn(), getNOut());
        return LayerWiring.wire(new FastEmbeddingSequenceLayer(conf, dataType), conf, listeners, layerIndex,
                paramsView, initializeParams, initializer());
    }
}
