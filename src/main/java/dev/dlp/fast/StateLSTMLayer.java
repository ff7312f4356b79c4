package dev.dlp.fast;

import dev.dlp.nd4j.HostArrays;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The layer behind {@link StateLSTM}: {@link FastLSTMLayer}'s passes with an initial state read from the input
 * (its gradient written back into the input gradient at step 0) and/or the cell states as a second output (at
 * every step, or the final state only). There is
 * no DL4J pass to fall back to: anything the fast passes do not cover (not float, not the CPU backend, other
 * activations) is an error naming the layer.
 *
 * <p>Stepping ({@code rnnTimeStep}, the inference decoders) keeps the last {@code (h, c)} under DL4J's LSTM state
 * keys, so {@code rnnGetPreviousStates}/{@code rnnSetPreviousStates} work as for DL4J's LSTM; the first step
 * after {@code rnnClearPreviousState} takes the initial state from its input.
 */
public class StateLSTMLayer extends FastLSTMLayer {
    private INDArray endMask;

    public StateLSTMLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    private StateLSTM config() {
        return (StateLSTM) conf().getLayer();
    }

    @Override
    boolean initialFromInput() {
        return config().isInitialState();
    }

    @Override
    int emit() {
        return switch (config().getReturnState()) {
            case NONE -> EMIT_H;
            case SEQUENCE -> EMIT_H_AND_C;
            case FINAL -> EMIT_FINAL;
        };
    }

    /**
     * Keeps the mask that says where each sequence ends (DL4J's LSTM passes it on without keeping it, so its
     * forward pass runs unmasked in a graph, as this one's does); a final-state output has no time axis, so no mask
     * follows it (as after DL4J's {@code LastTimeStepVertex}).
     */
    @Override
    public org.nd4j.common.primitives.Pair<INDArray, org.deeplearning4j.nn.api.MaskState> feedForwardMaskArray(
            INDArray maskArray, org.deeplearning4j.nn.api.MaskState currentMaskState, int minibatchSize) {
        endMask = maskArray;
        org.nd4j.common.primitives.Pair<INDArray, org.deeplearning4j.nn.api.MaskState> p =
                super.feedForwardMaskArray(maskArray, currentMaskState, minibatchSize);
        return emit() == EMIT_FINAL ? new org.nd4j.common.primitives.Pair<>(null, currentMaskState) : p;
    }

    @Override
    public void setMaskArray(INDArray maskArray) {
        super.setMaskArray(maskArray);
        endMask = maskArray;
    }

    @Override
    INDArray endMask() {
        return endMask;
    }

    private void requireFused() {
        if (!fused()) {
            throw new IllegalStateException("layer '" + config().getLayerName() + "': the state-passing LSTM runs "
                    + "on the CPU backend with float data, tanh/sigmoid activations, no dropout or weight noise and "
                    + "inputs of " + (config().getNIn() + (initialFromInput() ? 2 * config().getNOut() : 0))
                    + " features (got " + (input == null ? "no input" : java.util.Arrays.toString(input.shape()))
                    + ")");
        }
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        requireFused();
        return super.activate(training, workspaceMgr);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        requireFused();
        if (!fusedBackward(epsilon)) {
            throw new IllegalStateException("layer '" + config().getLayerName() + "': a float output gradient of "
                    + "rank " + (emit() == EMIT_FINAL ? 2 : 3) + " expected, got " + epsilon.dataType() + " "
                    + java.util.Arrays.toString(epsilon.shape()));
        }
        return super.backpropGradient(epsilon, workspaceMgr);
    }

    /** Truncated BPTT is DL4J's LSTM's, which cannot read or write the state this layer passes: refused. */
    @Override
    public Pair<Gradient, INDArray> tbpttBackpropGradient(INDArray epsilon, int tbpttBackwardLength,
                                                          LayerWorkspaceMgr workspaceMgr) {
        throw new IllegalStateException("layer '" + config().getLayerName() + "': the state-passing LSTM does not "
                + "support truncated BPTT");
    }

    @Override
    public INDArray rnnActivateUsingStoredState(INDArray input, boolean training, boolean storeLastForTBPTT,
                                                LayerWorkspaceMgr workspaceMgr) {
        throw new IllegalStateException("layer '" + config().getLayerName() + "': the state-passing LSTM does not "
                + "support truncated BPTT");
    }

    @Override
    public INDArray rnnTimeStep(INDArray input, LayerWorkspaceMgr workspaceMgr) {
        setInput(input, workspaceMgr);
        requireFused();
        INDArray hPrev = stateMap.get(STATE_KEY_PREV_ACTIVATION);
        INDArray cPrev = stateMap.get(STATE_KEY_PREV_MEMCELL);
        float[] h = null;
        float[] c = null;
        if (hPrev != null && cPrev != null) {
            h = new float[(int) hPrev.length()];
            c = new float[(int) cPrev.length()];
            HostArrays.read(hPrev, h);
            HostArrays.read(cPrev, c);
        } else if (!initialFromInput()) {
            int rows = (int) input.size(0) * (int) config().getNOut();
            h = new float[rows];
            c = new float[rows];
        }
        forward(h, c);
        float[][] last = lastState();
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            stateMap.put(STATE_KEY_PREV_ACTIVATION, HostArrays.floats(last[0], 0, b, n));
            stateMap.put(STATE_KEY_PREV_MEMCELL, HostArrays.floats(last[1], 0, b, n));
        }
        return output(workspaceMgr);
    }
}
