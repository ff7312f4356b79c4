package dev.dlp.pipelines.seq2seq;

import dev.dlp.config.ConfigException;
import dev.dlp.config.TrainConfig;
import dev.dlp.graph.GraphFactory;
import dev.dlp.graph.ModelSpec;
import dev.dlp.nd4j.HostArrays;
import java.util.Arrays;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The inference decoders of a trained encoder/decoder graph. The encoder runs once per input (its summaries are
 * the activations of the vertices feeding the {@code duplicate_to_time_series} vertices: the final {@code (h, c)}
 * of each encoder LSTM with the state bridge, the final {@code h} with the duplicate bridge); the decoder half of
 * the training graph is rebuilt as its own graph whose inputs replace those vertices, takes the trained
 * parameters, and is stepped with {@code rnnTimeStep}, so each step costs one time step, never the whole prefix
 * again. (A decoder LSTM with an initial state takes it from its input at the first step after
 * {@code rnnClearPreviousState}, then carries its own.)
 */
final class Decoders {
    static final String ENCODER_IN = "encoder_in";
    static final String DECODER_IN = "decoder_in";

    private final ComputationGraph training;
    private final ComputationGraph decoder;
    private final List<String> summaryVertices = new ArrayList<>();
    private final TokenVocab vocab;
    private final int maxLength;

    Decoders(ComputationGraph training, ModelSpec spec, TrainConfig train, long seed, TokenVocab vocab, int maxLength) {
        this.training = training;
        this.vocab = vocab;
        this.maxLength = maxLength;
        List<Map<String, Object>> carriers = summaryCarriers(spec);
        ComputationGraphConfiguration conf = training.getConfiguration();
        Map<String, InputType> types = conf.getLayerActivationTypes(true, false, spec.inputs().values().stream()
                .map(s -> InputType.recurrent(s.size())).toArray(InputType[]::new));
        Map<String, ModelSpec.InputSpec> inputs = new LinkedHashMap<>();
        inputs.put(DECODER_IN, spec.inputs().get(DECODER_IN));
        // (decoder_in keeps the training graph's declared size: the vocabulary, for its embedding layer)
        Set<String> fromDecoder = new HashSet<>(List.of(DECODER_IN));
        for (Map<String, Object> dup : carriers) {
            String dupName = dup.get("name").toString();
            Object in = dup.get("inputs");
            String summary = in instanceof List<?> l ? l.get(0).toString() : String.valueOf(in);
            summaryVertices.add(summary);
            int h = (int) types.get(summary).arrayElementsPerExample();
            inputs.put(dupName, new ModelSpec.InputSpec(ModelSpec.InputKind.RECURRENT, h, null, null, null, null));
            fromDecoder.add(dupName);
        }

        // the decoder half: every layer that depends on decoder_in or on a duplicated summary
        List<Map<String, Object>> layers = new ArrayList<>();
        String previous = null;
        for (Map<String, Object> l : spec.layers()) {
            String name = l.get("name").toString();
            Object li = l.get("inputs");
            List<String> ins = li == null ? (previous == null ? List.of() : List.of(previous))
                    : li instanceof List<?> list ? list.stream().map(String::valueOf).toList() : List.of(li.toString());
            previous = name;
            if (!inputs.containsKey(name) && ins.stream().anyMatch(fromDecoder::contains)) {
                fromDecoder.add(name);
                Map<String, Object> copy = new LinkedHashMap<>(l);
                copy.put("inputs", ins);
                layers.add(copy);
            }
        }
        decoder = new ComputationGraph(GraphFactory.build(new ModelSpec(inputs, layers, spec.outputs()), train, seed));
        decoder.init();
        for (Map<String, Object> l : layers) {
            Layer target = decoder.getLayer(l.get("name").toString());
            if (target != null && target.numParams() > 0) {
                target.setParams(training.getLayer(l.get("name").toString()).params().dup());
            }
        }
    }

    /**
     * The vertices that carry the encoder's summary to the decoder (the inference decoders are built around them),
     * after checking the model inputs they feed; a config error when the network lacks them.
     */
    static List<Map<String, Object>> summaryCarriers(ModelSpec spec) {
        for (String input : List.of(ENCODER_IN, DECODER_IN)) {
            if (!spec.inputs().containsKey(input)) {
                throw new ConfigException("model.inputs." + input, "required: the seq2seq decoders feed the "
                        + (input.equals(ENCODER_IN) ? "source" : "target") + " tokens to an input of this name");
            }
        }
        List<Map<String, Object>> carriers = spec.layers().stream()
                .filter(l -> "duplicate_to_time_series".equals(l.get("type"))).toList();
        if (carriers.isEmpty()) {
            throw new ConfigException("model.layers", "needs a duplicate_to_time_series vertex carrying the "
                    + "encoder's summary to the decoder");
        }
        return carriers;
    }

    /** The encoder's summaries of each source, [b, size] each, in the order of the decoder graph's inputs. */
    List<INDArray> encode(List<int[]> sources) {
        int b = sources.size();
        int ts = sources.stream().mapToInt(s -> s.length).max().orElse(1);
        float[] enc = new float[b * ts];
        float[] mask = new float[b * ts];
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < sources.get(i).length; j++) {
                enc[i * ts + j] = sources.get(i)[j];
                mask[i * ts + j] = 1;
            }
        }
        float[] go = new float[b];
        Arrays.fill(go, TokenVocab.GO);
        float[] ones = new float[b];
        Arrays.fill(ones, 1f);
        training.setLayerMaskArrays(new INDArray[]{HostArrays.floats(mask, 0, b, ts), HostArrays.floats(ones, 0, b, 1)},
                null);
        try {
            Map<String, INDArray> acts = training.feedForward(new INDArray[]{HostArrays.floats(enc, 0, b, 1, ts),
                    HostArrays.floats(go, 0, b, 1, 1)}, false);
            return summaryVertices.stream().map(v -> acts.get(v).dup()).toList();
        } finally {
            training.clearLayerMaskArrays();
        }
    }

    private INDArray step(int[] tokens, List<INDArray> summaries) {
        float[] t = new float[tokens.length];
        for (int i = 0; i < t.length; i++) {
            t[i] = tokens[i];
        }
        INDArray[] in = new INDArray[1 + summaries.size()];
        in[0] = HostArrays.floats(t, 0, tokens.length, 1, 1);
        for (int i = 0; i < summaries.size(); i++) {
            INDArray s = summaries.get(i);
            in[i + 1] = s.reshape(s.size(0), s.size(1), 1);
        }
        INDArray out = decoder.rnnTimeStep(in)[0];
        return out.reshape(out.size(0), out.size(1)); // [b, V] probabilities
    }

    /** Greedy decoding of a batch: each step feeds back the most likely token, until {@code <EOS>}. */
    List<int[]> greedy(List<int[]> sources) {
        List<INDArray> summary = encode(sources);
        int b = sources.size();
        decoder.rnnClearPreviousState();
        int[] tokens = new int[b];
        Arrays.fill(tokens, TokenVocab.GO);
        List<List<Integer>> out = new ArrayList<>();
        boolean[] done = new boolean[b];
        for (int i = 0; i < b; i++) {
            out.add(new ArrayList<>());
        }
        for (int t = 0; t < maxLength; t++) {
            INDArray next = step(tokens, summary).argMax(1);
            boolean all = true;
            for (int i = 0; i < b; i++) {
                tokens[i] = next.getInt(i);
                if (!done[i]) {
                    out.get(i).add(tokens[i]);
                    done[i] = tokens[i] == TokenVocab.EOS;
                }
                all &= done[i];
            }
            if (all) {
                break;
            }
        }
        decoder.rnnClearPreviousState();
        return out.stream().map(l -> l.stream().mapToInt(Integer::intValue).toArray()).toList();
    }

    /** A partial hypothesis of beam search. */
    private record Beam(List<Integer> tokens, double score, int row) {
        int last() {
            return tokens.isEmpty() ? TokenVocab.GO : tokens.get(tokens.size() - 1);
        }
    }

    /** Beam search for one source: {@link #beams} of a batch of one. */
    int[] beam(int[] source, int k) {
        return beams(List.of(source), k).get(0);
    }

    /**
     * Beam search for a batch of sources: for each, keeps the {@code k} most likely prefixes (sum of
     * log-probabilities) until {@code k} have ended in {@code <EOS>} or {@code maxLength} steps. The live prefixes
     * of all the batch's sources are stepped together, one decoder row each (rows grouped by source, in order), so a
     * step is one decoder call for the batch instead of one per source; each source's search is the one it would
     * have alone, up to the float rounding of a bigger matrix product.
     */
    List<int[]> beams(List<int[]> sources, int k) {
        int b = sources.size();
        List<INDArray> summary = encode(sources);
        decoder.rnnClearPreviousState();
        List<List<Beam>> alive = new ArrayList<>();
        List<List<Beam>> finished = new ArrayList<>();
        int[] sourceOfRow = new int[b];
        List<Integer> stepping = new ArrayList<>();   // the sources with rows at this step, in row order
        for (int s = 0; s < b; s++) {
            alive.add(List.of(new Beam(List.of(), 0, s)));
            finished.add(new ArrayList<>());
            sourceOfRow[s] = s;
            stepping.add(s);
        }
        for (int t = 0; t < maxLength && !stepping.isEmpty(); t++) {
            int[] last = new int[sourceOfRow.length];
            for (int s : stepping) {
                for (Beam beam : alive.get(s)) {
                    last[beam.row()] = beam.last();
                }
            }
            int[] rowsOfSource = sourceOfRow;
            INDArray probs = step(last, summary.stream().map(a -> Nd4j.pullRows(a, 1, rowsOfSource)).toList());
            int vocabSize = (int) probs.size(1);
            float[] p = probs.dup('c').data().asFloat();
            List<Integer> parents = new ArrayList<>();
            List<Integer> nextSources = new ArrayList<>();
            List<Integer> nextStepping = new ArrayList<>();
            for (int s : stepping) {
                List<Beam> from = alive.get(s);
                double[] score = new double[from.size() * vocabSize];   // candidate (beam i, token v) at i * V + v
                for (int i = 0; i < from.size(); i++) {
                    int row = from.get(i).row() * vocabSize;
                    for (int v = 0; v < vocabSize; v++) {
                        score[i * vocabSize + v] = from.get(i).score() + Math.log(Math.max(p[row + v], 1e-30));
                    }
                }
                List<Beam> next = new ArrayList<>();
                for (int c : topK(score, k)) {
                    Beam parent = from.get(c / vocabSize);
                    List<Integer> tok = new ArrayList<>(parent.tokens());
                    tok.add(c % vocabSize);
                    Beam candidate = new Beam(tok, score[c], parent.row());
                    if (candidate.last() == TokenVocab.EOS) {
                        finished.get(s).add(candidate);
                    } else {
                        next.add(candidate);
                    }
                }
                if (!next.isEmpty() && finished.get(s).size() < k) {
                    List<Beam> renumbered = new ArrayList<>();
                    for (Beam c : next) {   // the decoder row each prefix has at the next step, from its parent's
                        renumbered.add(new Beam(c.tokens(), c.score(), parents.size()));
                        parents.add(c.row());
                        nextSources.add(s);
                    }
                    alive.set(s, renumbered);
                    nextStepping.add(s);
                } else {
                    alive.set(s, next);   // this source's search is over
                }
            }
            sourceOfRow = nextSources.stream().mapToInt(Integer::intValue).toArray();
            stepping = nextStepping;
            if (!stepping.isEmpty()) {
                int[] rows = parents.stream().mapToInt(Integer::intValue).toArray();
                Map<String, Map<String, INDArray>> picked = new HashMap<>();
                decoder.rnnGetPreviousStates().forEach((layer, st) -> {
                    Map<String, INDArray> m = new HashMap<>();
                    st.forEach((key, arr) -> m.put(key, Nd4j.pullRows(arr, 1, rows)));
                    picked.put(layer, m);
                });
                decoder.rnnSetPreviousStates(picked);
            }
        }
        decoder.rnnClearPreviousState();
        List<int[]> out = new ArrayList<>(b);
        for (int s = 0; s < b; s++) {
            List<Beam> all = new ArrayList<>(finished.get(s));
            all.addAll(alive.get(s));
            Beam best = all.stream().max(Comparator.comparingDouble(Beam::score)).orElseThrow();
            out.add(best.tokens().stream().mapToInt(Integer::intValue).toArray());
        }
        return out;
    }

    /**
     * The indices of the {@code k} largest values, largest first, equal values in index order: the first {@code k}
     * of a stable sort by value, descending, without sorting (or creating) every candidate.
     */
    static int[] topK(double[] values, int k) {
        int n = Math.min(k, values.length);
        int[] top = new int[n];
        boolean[] taken = new boolean[values.length];
        for (int j = 0; j < n; j++) {
            int best = -1;
            for (int i = 0; i < values.length; i++) {
                if (!taken[i] && (best < 0 || values[i] > values[best])) {
                    best = i;
                }
            }
            taken[best] = true;
            top[j] = best;
        }
        return top;
    }

    TokenVocab vocab() {
        return vocab;
    }
}
