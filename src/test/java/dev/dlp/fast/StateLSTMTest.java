package dev.dlp.fast;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.recurrent.BaseRecurrentLayer;
import org.deeplearning4j.nn.params.LSTMParamInitializer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link StateLSTM} is DL4J's LSTM started from a given state: forward against DL4J's LSTM stepped from
 * {@code rnnSetPreviousState}, parameter and input gradients against DL4J's own backward pass from that state, and
 * the gradients of the initial state and of the emitted cell states against central differences of DL4J's LSTM
 * in double precision.
 */
@dev.dlp.CpuBackendOnly
class StateLSTMTest {
    private static final int E = 3;
    private static final int N = 4;
    private static final int B = 3;
    private static final int T = 5;
    private static final LayerWorkspaceMgr WS = LayerWorkspaceMgr.noWorkspaces();

    private static LSTM plain() {
        return new LSTM.Builder().nIn(E).nOut(N).activation(Activation.TANH).build();
    }

    private static Layer instantiate(org.deeplearning4j.nn.conf.layers.Layer conf, DataType dt, INDArray params) {
        NeuralNetConfiguration nc = new NeuralNetConfiguration.Builder().dataType(dt).layer(conf).build();
        INDArray view = params.castTo(dt).dup().reshape(1, params.length());
        Layer l = nc.getLayer().instantiate(nc, null, 0, view, false, dt);
        l.setBackpropGradientsViewArray(Nd4j.zeros(dt, 1, params.length()));
        return l;
    }

    private static INDArray randomParams() {
        LSTM c = plain();
        NeuralNetConfiguration nc = new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT).layer(c).build();
        Nd4j.getRandom().setSeed(11);
        return Nd4j.rand(DataType.FLOAT, 1, c.initializer().numParams(nc)).subi(0.5).muli(1.2);
    }

    /** The decoder's input: [x; h0; c0], the state repeated along time as the graph's duplicate vertex does. */
    private static INDArray seededInput(INDArray x, INDArray h0, INDArray c0) {
        INDArray s = Nd4j.concat(1, h0, c0).reshape(B, 2 * N, 1).repeat(2, T);
        return Nd4j.concat(1, x, s);
    }

    /** DL4J's LSTM stepped from (h0, c0): [h_t; c_t] for every t, [B, 2N, T]. */
    private static INDArray dl4jSteps(Layer dl4j, INDArray x, INDArray h0, INDArray c0) {
        BaseRecurrentLayer<?> r = (BaseRecurrentLayer<?>) dl4j;
        r.rnnSetPreviousState(Map.of(org.deeplearning4j.nn.layers.recurrent.LSTM.STATE_KEY_PREV_ACTIVATION, h0.dup(),
                org.deeplearning4j.nn.layers.recurrent.LSTM.STATE_KEY_PREV_MEMCELL, c0.dup()));
        INDArray out = Nd4j.zeros(x.dataType(), B, 2 * N, T);
        for (int t = 0; t < T; t++) {
            INDArray h = r.rnnTimeStep(x.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(t, t + 1)),
                    WS);
            out.get(NDArrayIndex.all(), NDArrayIndex.interval(0, N), NDArrayIndex.point(t)).assign(h.reshape(B, N));
            out.get(NDArrayIndex.all(), NDArrayIndex.interval(N, 2 * N), NDArrayIndex.point(t)).assign(
                    r.rnnGetPreviousState().get(org.deeplearning4j.nn.layers.recurrent.LSTM.STATE_KEY_PREV_MEMCELL)
                            .reshape(B, N));
        }
        return out;
    }

    private static double maxAbsDiff(INDArray a, INDArray b) {
        return a.castTo(DataType.DOUBLE).sub(b.castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
    }

    @Test
    void forwardFromAGivenStateIsDl4jsLstmSteppedFromThatState() {
        INDArray params = randomParams();
        Nd4j.getRandom().setSeed(3);
        INDArray x = Nd4j.randn(DataType.FLOAT, B, E, T);
        INDArray h0 = Nd4j.randn(DataType.FLOAT, B, N).muli(0.5);
        INDArray c0 = Nd4j.randn(DataType.FLOAT, B, N);
        Layer ours = instantiate(StateLSTM.of(plain(), StateLSTM.Return.SEQUENCE, true), DataType.FLOAT, params);
        INDArray got = ours.activate(seededInput(x, h0, c0), false, WS);
        INDArray expected = dl4jSteps(instantiate(plain(), DataType.FLOAT, params), x, h0, c0);
        assertEquals(java.util.List.of((long) B, 2L * N, (long) T), java.util.List.of(got.size(0), got.size(1),
                got.size(2)));
        assertTrue(maxAbsDiff(expected, got) < 1e-5, "outputs and cell states: " + maxAbsDiff(expected, got));
        assertTrue(((FastLSTMLayer) ours).pathUse().fastPasses() == 0, "inference counts no training pass");

        // stepping: the first step takes the state from its input, the next ones from the layer's own state
        ((StateLSTMLayer) ours).rnnClearPreviousState();
        INDArray in = seededInput(x, h0, c0);
        for (int t = 0; t < T; t++) {
            INDArray step = ((StateLSTMLayer) ours).rnnTimeStep(in.get(NDArrayIndex.all(), NDArrayIndex.all(),
                    NDArrayIndex.interval(t, t + 1)).dup(), WS);
            INDArray want = expected.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(t, t + 1));
            assertTrue(maxAbsDiff(want, step) < 1e-5, "step " + t);
        }
    }

    @Test
    void parameterAndInputGradientsAreDl4jsBackwardPassFromThatState() {
        INDArray params = randomParams();
        Nd4j.getRandom().setSeed(5);
        INDArray x = Nd4j.randn(DataType.FLOAT, B, E, T);
        INDArray h0 = Nd4j.randn(DataType.FLOAT, B, N).muli(0.5);
        INDArray c0 = Nd4j.randn(DataType.FLOAT, B, N);
        INDArray epsH = Nd4j.randn(DataType.FLOAT, B, N, T);

        Layer dl4j = instantiate(plain(), DataType.FLOAT, params);
        ((BaseRecurrentLayer<?>) dl4j).rnnSetPreviousState(Map.of(
                org.deeplearning4j.nn.layers.recurrent.LSTM.STATE_KEY_PREV_ACTIVATION, h0.dup(),
                org.deeplearning4j.nn.layers.recurrent.LSTM.STATE_KEY_PREV_MEMCELL, c0.dup()));
        dl4j.setInput(x, WS);
        Pair<Gradient, INDArray> want = ((org.deeplearning4j.nn.api.layers.RecurrentLayer) dl4j)
                .tbpttBackpropGradient(epsH.dup(), T, WS);

        Layer ours = instantiate(StateLSTM.of(plain(), StateLSTM.Return.NONE, true), DataType.FLOAT, params);
        ours.setInput(seededInput(x, h0, c0), WS);
        ours.activate(true, WS);
        Pair<Gradient, INDArray> got = ours.backpropGradient(epsH.dup(), WS);
        assertTrue(((FastLSTMLayer) ours).pathUse().lastFast(), "the fast pass ran");
        for (String k : java.util.List.of(LSTMParamInitializer.INPUT_WEIGHT_KEY,
                LSTMParamInitializer.RECURRENT_WEIGHT_KEY, LSTMParamInitializer.BIAS_KEY)) {
            INDArray a = want.getFirst().getGradientFor(k);
            INDArray b = got.getFirst().getGradientFor(k);
            assertTrue(maxAbsDiff(a, b.reshape(a.shape())) < 1e-4, k + ": " + maxAbsDiff(a, b.reshape(a.shape())));
        }
        INDArray inputPart = got.getSecond().get(NDArrayIndex.all(), NDArrayIndex.interval(0, E), NDArrayIndex.all());
        assertTrue(maxAbsDiff(want.getSecond(), inputPart) < 1e-4, "input gradient");
        INDArray later = got.getSecond().get(NDArrayIndex.all(), NDArrayIndex.interval(E, E + 2 * N),
                NDArrayIndex.interval(1, T));
        assertEquals(0.0, later.amaxNumber().doubleValue(), "the state is read at step 0 only");
    }

    @Test
    void initialStateAndCellOutputGradientsMatchCentralDifferencesOfDl4jsLstm() {
        INDArray params = randomParams();
        Nd4j.getRandom().setSeed(9);
        INDArray x = Nd4j.randn(DataType.DOUBLE, B, E, T);
        INDArray h0 = Nd4j.randn(DataType.DOUBLE, B, N).muli(0.5);
        INDArray c0 = Nd4j.randn(DataType.DOUBLE, B, N);
        INDArray eps = Nd4j.randn(DataType.DOUBLE, B, 2 * N, T);   // for h and for the emitted c

        Layer ours = instantiate(StateLSTM.of(plain(), StateLSTM.Return.SEQUENCE, true), DataType.FLOAT, params);
        INDArray in = seededInput(x, h0, c0).castTo(DataType.FLOAT);
        ours.setInput(in, WS);
        ours.activate(true, WS);
        Pair<Gradient, INDArray> got = ours.backpropGradient(eps.castTo(DataType.FLOAT), WS);
        assertTrue(((FastLSTMLayer) ours).pathUse().lastFast(), "the fast pass ran");

        Layer ref = instantiate(plain(), DataType.DOUBLE, params);
        java.util.function.Supplier<Double> loss = () -> dl4jSteps(ref, x, h0, c0).mul(eps).sumNumber().doubleValue();
        double h = 1e-6;
        double worst = 0;
        for (INDArray state : java.util.List.of(h0, c0)) {
            int offset = state == h0 ? E : E + N;
            for (int r = 0; r < B; r++) {
                for (int j = 0; j < N; j++) {
                    double v = state.getDouble(r, j);
                    state.putScalar(r, j, v + h);
                    double up = loss.get();
                    state.putScalar(r, j, v - h);
                    double down = loss.get();
                    state.putScalar(r, j, v);
                    double numeric = (up - down) / (2 * h);
                    double analytic = got.getSecond().getDouble(r, offset + j, 0);
                    worst = Math.max(worst, Math.abs(numeric - analytic) / Math.max(1, Math.abs(numeric)));
                }
            }
        }
        assertTrue(worst < 1e-4, "dL/dh0 and dL/dc0: worst error " + worst);

        // the parameters, with the emitted cell states' gradient in the loss too
        INDArray refParams = ref.params();
        INDArray ourGrad = Nd4j.concat(1, got.getFirst().getGradientFor(LSTMParamInitializer.INPUT_WEIGHT_KEY)
                        .reshape('f', 1, E * 4 * N),
                got.getFirst().getGradientFor(LSTMParamInitializer.RECURRENT_WEIGHT_KEY).reshape('f', 1, N * 4 * N),
                got.getFirst().getGradientFor(LSTMParamInitializer.BIAS_KEY).reshape(1, 4 * N));
        assertEquals(refParams.length(), ourGrad.length());
        worst = 0;
        for (int i = 0; i < refParams.length(); i++) {
            double v = refParams.getDouble(0, i);
            refParams.putScalar(0, i, v + h);
            double up = loss.get();
            refParams.putScalar(0, i, v - h);
            double down = loss.get();
            refParams.putScalar(0, i, v);
            double numeric = (up - down) / (2 * h);
            worst = Math.max(worst, Math.abs(numeric - ourGrad.getDouble(0, i)) / Math.max(1, Math.abs(numeric)));
        }
        assertTrue(worst < 1e-4, "parameter gradients with the cell states' gradient: worst error " + worst);
    }

    @Test
    void theFinalStateOutputIsTheSequenceOutputAtEachRowsLastUnmaskedStep() {
        INDArray params = randomParams();
        Nd4j.getRandom().setSeed(13);
        INDArray x = Nd4j.randn(DataType.FLOAT, B, E, T);
        INDArray mask = Nd4j.ones(DataType.FLOAT, B, T);
        int[] last = {T - 1, 2, 0};                       // rows of length T, 3 and 1
        for (int r = 0; r < B; r++) {
            for (int t = last[r] + 1; t < T; t++) {
                mask.putScalar(r, t, 0f);
            }
        }
        Layer seq = instantiate(StateLSTM.of(plain(), StateLSTM.Return.SEQUENCE, false), DataType.FLOAT, params);
        Layer fin = instantiate(StateLSTM.of(plain(), StateLSTM.Return.FINAL, false), DataType.FLOAT, params);
        // as in a graph: the sequence layer masked as DL4J's LSTM would be by setMaskArray, the final-state layer
        // given the mask only as the graph does (feedForwardMaskArray: its forward pass runs unmasked)
        seq.setMaskArray(mask);
        ((StateLSTMLayer) fin).feedForwardMaskArray(mask, org.deeplearning4j.nn.api.MaskState.Active, B);
        assertEquals(null, fin.getMaskArray(), "the graph's way leaves the forward pass unmasked");
        for (Layer l : java.util.List.of(seq, fin)) {
            l.setInput(x, WS);
        }
        INDArray all = seq.activate(true, WS);
        INDArray got = fin.activate(true, WS);
        assertEquals(java.util.List.of((long) B, 2L * N), java.util.List.of(got.size(0), got.size(1)));
        INDArray eps = Nd4j.randn(DataType.FLOAT, B, 2 * N);
        INDArray epsSeq = Nd4j.zeros(DataType.FLOAT, B, 2 * N, T);
        for (int r = 0; r < B; r++) {
            INDArray want = all.get(NDArrayIndex.point(r), NDArrayIndex.all(), NDArrayIndex.point(last[r]));
            assertTrue(maxAbsDiff(want, got.getRow(r)) == 0, "row " + r);
            epsSeq.get(NDArrayIndex.point(r), NDArrayIndex.all(), NDArrayIndex.point(last[r])).assign(eps.getRow(r));
        }
        Pair<Gradient, INDArray> gs = seq.backpropGradient(epsSeq, WS);
        Pair<Gradient, INDArray> gf = fin.backpropGradient(eps, WS);
        assertTrue(((FastLSTMLayer) fin).pathUse().lastFast(), "the fast pass ran");
        assertTrue(maxAbsDiff(gs.getSecond(), gf.getSecond()) < 1e-6, "input gradient");
        for (String k : java.util.List.of(LSTMParamInitializer.INPUT_WEIGHT_KEY,
                LSTMParamInitializer.RECURRENT_WEIGHT_KEY, LSTMParamInitializer.BIAS_KEY)) {
            assertTrue(maxAbsDiff(gs.getFirst().getGradientFor(k), gf.getFirst().getGradientFor(k)) < 1e-6, k);
        }
        assertEquals(null, ((StateLSTMLayer) fin).feedForwardMaskArray(mask,
                org.deeplearning4j.nn.api.MaskState.Active, B).getFirst(), "no mask after the final state");
    }
}
