package dev.dlp.fast;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Collection;
import java.util.Objects;

/**
 * An LSTM that passes its state along a graph, for encoder/decoder models (DL4J's graph has no way to start one
 * LSTM from another's final state). DL4J's LSTM configuration, parameters and parameter layout, plus:
 * <ul>
 *   <li>{@code returnState} {@link Return#SEQUENCE}: the output is {@code [h; c]}, {@code 2 nOut} features per step
 *   (an encoder whose outputs another layer reads: the final pair is picked by a {@code LastTimeStepVertex});
 *   {@link Return#FINAL}: the output is the final {@code [h; c]} of each sequence (its last unmasked step),
 *   {@code [batch, 2 nOut]} (an encoder whose state is all that is read);</li>
 *   <li>{@code initialState}: the input carries the initial {@code (h, c)} in its last {@code 2 nOut} features,
 *   read at step 0 (a decoder: its input merges the embedded tokens with the encoder's state, duplicated along
 *   time); {@code nIn} counts the other features only, so the input weights are those of a plain LSTM.</li>
 * </ul>
 * Trained by {@link StateLSTMLayer}. Not a fast path: there is no DL4J class to save it as, so a model with one
 * needs dlp's classes to load ({@code portable: false} in summary.json).
 */
public class StateLSTM extends LSTM {
    /** What a {@code StateLSTM} outputs. */
    public enum Return {
        /** {@code h} at every step, as DL4J's LSTM. */
        NONE,
        /** {@code [h; c]} at every step. */
        SEQUENCE,
        /** The final {@code [h; c]}. */
        FINAL
    }

    private Return returnState = Return.NONE;
    private boolean initialState;

    /** For JSON deserialisation (model zips, checkpoints). */
    public StateLSTM() {
    }

    /** A {@code StateLSTM} with every setting of {@code built} and the two state options. */
    public static StateLSTM of(LSTM built, Return returnState, boolean initialState) {
        StateLSTM s = ConfigCopy.fields(LSTM.class, built, new StateLSTM());
        s.returnState = returnState;
        s.initialState = initialState;
        return s;
    }

    public Return getReturnState() {
        return returnState;
    }

    public boolean isInitialState() {
        return initialState;
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        InputType t = super.getOutputType(layerIndex, inputType);
        if (returnState == Return.NONE) {
            return t;
        }
        if (returnState == Return.FINAL) {
            return InputType.feedForward(2 * getNOut());
        }
        InputType.InputTypeRecurrent r = (InputType.InputTypeRecurrent) t;
        return InputType.recurrent(2 * getNOut(), r.getTimeSeriesLength(), r.getFormat());
    }

    @Override
    public void setNIn(InputType inputType, boolean override) {
        super.setNIn(inputType, override);
        if (initialState && inputType instanceof InputType.InputTypeRecurrent r && (override || nIn == r.getSize())) {
            if (r.getSize() <= 2 * getNOut()) {
                throw new IllegalStateException("layer \"" + getLayerName() + "\": its input has " + r.getSize()
                        + " features; an initial state of " + getNOut() + " units takes the last " + 2 * getNOut()
                        + ", leaving none for the inputs");
            }
            nIn = r.getSize() - 2 * getNOut();
        }
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners, int layerIndex,
                             INDArray paramsView, boolean initializeParams, DataType dataType) {
        LayerValidation.assertNInNOutSet("StateLSTM", getLayerName(), layerIndex, getNIn(), getNOut());
        return LayerWiring.wire(new StateLSTMLayer(conf, dataType), conf, listeners, layerIndex, paramsView,
                initializeParams, initializer());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StateLSTM s && super.equals(o) && s.returnState == returnState
                && s.initialState == initialState;
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), returnState, initialState);
    }
}
