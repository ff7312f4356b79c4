package dev.dlp.fast;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Collection;
import java.util.Map;

/** What every DL4J layer configuration's {@code instantiate} does with a new layer, for our layer classes. */
final class LayerWiring {
    private LayerWiring() {
    }

    /** Sets listeners, index, parameter view (filled by {@code init} when asked) and configuration on {@code ret}. */
    static <L extends Layer> L wire(L ret, NeuralNetConfiguration conf, Collection<TrainingListener> listeners,
                                    int layerIndex, INDArray paramsView, boolean initializeParams,
                                    ParamInitializer init) {
        ret.setListeners(listeners);
        ret.setIndex(layerIndex);
        ret.setParamsViewArray(paramsView);
        Map<String, INDArray> params = init.init(conf, paramsView, initializeParams);
        ret.setParamTable(params);
        ret.setConf(conf);
        return ret;
    }
}
