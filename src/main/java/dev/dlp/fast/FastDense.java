package dev.dlp.fast;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Collection;

/**
 * DL4J's {@link DenseLayer} configuration (same settings, parameters and serialised form plus one flag) trained by
 * {@link FastDenseLayer}. {@code inputFed}: the layer reads a model input directly (no preprocessor between), so
 * nothing needs its input gradient and the backward pass returns none. {@link GraphFactory} uses it for every
 * {@code dense} layer.
 */
public class FastDense extends DenseLayer implements InputGradientOptional, FastConfig {
    private boolean inputFed;

    /** For JSON deserialisation (model zips, checkpoints). */
    public FastDense() {
    }

    /**
     * A {@code FastDense} with every setting of {@code built} (DL4J's builder can only build its own class: its
     * constructor is private, so the fields are copied, whatever this DL4J version has).
     */
    public static FastDense of(DenseLayer built, boolean inputFed) {
        FastDense f = ConfigCopy.fields(DenseLayer.class, built, new FastDense());
        f.inputFed = inputFed;
        return f;
    }

    @Override
    public boolean isInputFed() {
        return inputFed;
    }

    @Override
    public void setInputFed(boolean inputFed) {
        this.inputFed = inputFed;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FastDense d && d.inputFed == inputFed && super.equals(o);
    }

    @Override
    public int hashCode() {
        return 31 * super.hashCode() + Boolean.hashCode(inputFed);
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners, int layerIndex,
                             INDArray paramsView, boolean initializeParams, DataType dataType) {
        LayerValidation.assertNInNOutSet("FastDense", getLayerName(), layerIndex, getNIn(), getNOut());
        return LayerWiring.wire(new FastDenseLayer(conf, dataType), conf, listeners, layerIndex, paramsView,
                initializeParams, initializer());
    }
}
