package dev.dlp.pipelines.seq2seq;

import dev.dlp.config.ConfigException;
import dev.dlp.graph.ModelSpec;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How the encoder's summary reaches the decoder ({@code model.bridge}), added to the layers the config lists:
 * <ul>
 *   <li>{@code state} (default): each decoder LSTM starts from the final {@code (h, c)} of the encoder LSTM at the
 *   same depth, as in the seed's TensorFlow model and the PyTorch peer. Encoder LSTM {@code E} gets
 *   {@code return_state: final} (its output is its last unmasked step's {@code [h; c]}); decoder LSTM {@code D}
 *   reads {@code D_input = merge(its input, D_init)}, {@code D_init} being that state repeated along the decoder's
 *   steps, and has {@code initial_state} (it reads the state at step 0 only). When another layer reads {@code E}
 *   (a stacked encoder), {@code E} gets {@code return_state: sequence} instead, {@code E_final} picks its final
 *   state and that layer reads {@code E_h}, the outputs without the cell states.</li>
 *   <li>{@code duplicate}: the last encoder LSTM's final output {@code h}, repeated along the decoder's steps,
 *   concatenated to the first decoder LSTM's input at every step ({@code E_final}, {@code D_context},
 *   {@code D_input}). DL4J's layers only: the model stays portable.</li>
 * </ul>
 * Encoder LSTMs are the {@code lstm} layers that depend on {@code encoder_in}, decoder LSTMs those that depend on
 * {@code decoder_in}, each in list order; a decoder LSTM without {@code n_out} takes its encoder partner's (so a
 * sweep of the encoder's size moves the decoder's with it). Layers that wire the bridge themselves (a
 * {@code duplicate_to_time_series} vertex, as in configs written before {@code model.bridge}) are used as written:
 * that is the duplicate bridge.
 */
final class Bridge {
    private Bridge() {
    }

    /** True when {@code layers} carry the encoder's summary themselves (a duplicate_to_time_series vertex). */
    static boolean wiredByHand(List<Map<String, Object>> layers) {
        return layers.stream().anyMatch(l -> "duplicate_to_time_series".equals(l.get("type")));
    }

    /** The training graph's spec: {@code model}'s layers with the bridge's vertices added. */
    static ModelSpec apply(Seq2SeqModel model) {
        ModelSpec spec = new ModelSpec(model.inputs(), model.layers(), model.outputs());
        if (wiredByHand(model.layers())) {
            if (model.bridge() == Seq2SeqModel.BridgeKind.STATE) {
                throw new ConfigException("model.bridge", "the layers carry the encoder's summary themselves (a "
                        + "duplicate_to_time_series vertex), which is the duplicate bridge: set model.bridge: "
                        + "duplicate, or remove the bridge's vertices and let model.bridge add them");
            }
            return spec;
        }
        requireInputs(spec);
        Seq2SeqModel.BridgeKind kind = model.bridge() == null ? Seq2SeqModel.BridgeKind.STATE : model.bridge();
        Layers layers = Layers.explicit(spec);
        Sides sides = Sides.of(layers);
        sides.decodersTakePartnerSizes();
        Wiring w = new Wiring(kind, layers, sides.encoders(), sides.pairs(kind));
        layers.list().forEach(w::add);
        return new ModelSpec(spec.inputs(), w.out, spec.outputs());
    }

    private static void requireInputs(ModelSpec spec) {
        for (String input : List.of(Decoders.ENCODER_IN, Decoders.DECODER_IN)) {
            if (!spec.inputs().containsKey(input)) {
                throw new ConfigException("model.inputs." + input, "required: the seq2seq decoders feed the "
                        + (input.equals(Decoders.ENCODER_IN) ? "source" : "target") + " tokens to an input of "
                        + "this name");
            }
        }
    }

    /** The layers with every input explicit ("the previous layer" written out), and the model inputs each reads. */
    private record Layers(List<Map<String, Object>> list, Map<String, Set<String>> dependsOn) {
        static Layers explicit(ModelSpec spec) {
            List<Map<String, Object>> layers = new ArrayList<>();
            Map<String, Set<String>> dependsOn = new HashMap<>();
            spec.inputs().keySet().forEach(i -> dependsOn.put(i, Set.of(i)));
            String previous = spec.inputs().keySet().iterator().next();
            for (Map<String, Object> l : spec.layers()) {
                Map<String, Object> c = new LinkedHashMap<>(l);
                Object in = c.get("inputs");
                List<String> inputs = in == null ? List.of(previous) : in instanceof List<?> list
                        ? list.stream().map(String::valueOf).toList() : List.of(in.toString());
                c.put("inputs", inputs);
                String name = String.valueOf(c.get("name"));
                Set<String> deps = new HashSet<>();
                inputs.forEach(i -> deps.addAll(dependsOn.getOrDefault(i, Set.of())));
                dependsOn.put(name, deps);
                layers.add(c);
                previous = name;
            }
            return new Layers(layers, dependsOn);
        }

        boolean read(Map<String, Object> layer) {
            String name = String.valueOf(layer.get("name"));
            return list.stream().anyMatch(o -> o != layer && ((List<?>) o.get("inputs")).contains(name));
        }
    }

    /** The encoder LSTMs (reading encoder_in) and decoder LSTMs (reading decoder_in), each in list order. */
    private record Sides(List<Map<String, Object>> encoders, List<Map<String, Object>> decoders) {
        static Sides of(Layers layers) {
            List<Map<String, Object>> encoders = new ArrayList<>();
            List<Map<String, Object>> decoders = new ArrayList<>();
            for (Map<String, Object> l : layers.list()) {
                Set<String> deps = layers.dependsOn().get(String.valueOf(l.get("name")));
                if (deps.contains(Decoders.ENCODER_IN) && deps.contains(Decoders.DECODER_IN)) {
                    throw new ConfigException("model.layers." + l.get("name") + ".inputs", "reads both the encoder's "
                            + "and the decoder's side; model.bridge connects them (remove the connection, or wire "
                            + "the bridge by hand with model.bridge: duplicate)");
                }
                if ("lstm".equals(l.get("type"))) {
                    (deps.contains(Decoders.ENCODER_IN) ? encoders : decoders).add(l);
                }
            }
            if (encoders.isEmpty() || decoders.isEmpty()) {
                throw new ConfigException("model.layers", "needs an lstm layer reading " + (encoders.isEmpty()
                        ? Decoders.ENCODER_IN + " (the encoder)" : Decoders.DECODER_IN + " (the decoder)"));
            }
            return new Sides(encoders, decoders);
        }

        /**
         * A decoder LSTM without n_out takes its partner's (at the same depth, or the last encoder LSTM): a sweep of
         * the encoder's size moves the decoder's with it.
         */
        void decodersTakePartnerSizes() {
            for (int k = 0; k < decoders.size(); k++) {
                Map<String, Object> partner = encoders.get(Math.min(k, encoders.size() - 1));
                if (!decoders.get(k).containsKey("n_out") && partner.containsKey("n_out")) {
                    decoders.get(k).put("n_out", partner.get("n_out"));
                }
            }
        }

        /** Decoder LSTM name → the encoder LSTM whose summary it reads. */
        Map<String, Map<String, Object>> pairs(Seq2SeqModel.BridgeKind kind) {
            Map<String, Map<String, Object>> pairOf = new HashMap<>();
            if (kind != Seq2SeqModel.BridgeKind.STATE) {
                pairOf.put(String.valueOf(decoders.get(0).get("name")), encoders.get(encoders.size() - 1));
                return pairOf;
            }
            if (encoders.size() != decoders.size()) {
                throw new ConfigException("model.bridge", "state starts each decoder LSTM from the encoder LSTM at "
                        + "the same depth, but there are " + encoders.size() + " encoder and " + decoders.size()
                        + " decoder LSTMs (or use model.bridge: duplicate)");
            }
            for (int k = 0; k < encoders.size(); k++) {
                Object ne = encoders.get(k).get("n_out");
                Object nd = decoders.get(k).get("n_out");
                if (ne == null || !String.valueOf(ne).equals(String.valueOf(nd))) {
                    throw new ConfigException("model.layers." + decoders.get(k).get("name") + ".n_out", "must equal "
                            + "the n_out of encoder LSTM '" + encoders.get(k).get("name") + "' (" + ne + ", got "
                            + nd + "): model.bridge: state starts it from that LSTM's final state");
                }
                pairOf.put(String.valueOf(decoders.get(k).get("name")), encoders.get(k));
            }
            return pairOf;
        }
    }

    /** The output layer list, built layer by layer with the bridge's vertices inserted. */
    private static final class Wiring {
        final Seq2SeqModel.BridgeKind kind;
        final Layers layers;
        final List<Map<String, Object>> encoders;
        final Map<String, Map<String, Object>> pairOf;
        final Set<String> names;
        final Map<String, String> finals = new HashMap<>();      // encoder LSTM -> the vertex holding its final state
        final Map<String, String> renamed = new HashMap<>();     // encoder LSTM -> its h-only view, for later readers
        final List<Map<String, Object>> out = new ArrayList<>();

        Wiring(Seq2SeqModel.BridgeKind kind, Layers layers, List<Map<String, Object>> encoders,
               Map<String, Map<String, Object>> pairOf) {
            this.kind = kind;
            this.layers = layers;
            this.encoders = encoders;
            this.pairOf = pairOf;
            this.names = new HashSet<>(layers.dependsOn().keySet());
        }

        boolean state() {
            return kind == Seq2SeqModel.BridgeKind.STATE;
        }

        void add(Map<String, Object> l) {
            String name = String.valueOf(l.get("name"));
            Map<String, Object> c = new LinkedHashMap<>(l);
            c.put("inputs", ((List<?>) c.get("inputs")).stream().map(String::valueOf)
                    .map(i -> renamed.getOrDefault(i, i)).toList());
            Map<String, Object> enc = pairOf.get(name);
            if (enc != null) {
                readsEncoder(c, String.valueOf(enc.get("name")));
            }
            boolean encoderLstm = encoders.contains(l);
            if (state() && encoderLstm && !layers.read(l)) {
                c.put("return_state", "final");   // the final (h, c) is the layer's output: no last_time_step
                finals.put(name, name);
                out.add(c);
                return;
            }
            if (state() && encoderLstm) {
                c.put("return_state", "sequence");
            }
            out.add(c);
            if (state() ? encoderLstm : l == encoders.get(encoders.size() - 1)) {
                addFinal(l, name);
            }
        }

        /** A decoder LSTM: its inputs merged with the encoder's summary repeated along the decoder's steps. */
        private void readsEncoder(Map<String, Object> c, String encoder) {
            String name = String.valueOf(c.get("name"));
            if (!finals.containsKey(encoder)) {
                throw new ConfigException("model.layers." + name, "comes before its encoder LSTM '" + encoder + "': "
                        + "list the encoder's layers first");
            }
            String init = fresh(names, name + (state() ? "_init" : "_context"));
            String merged = fresh(names, name + "_input");
            out.add(vertex(init, "duplicate_to_time_series", List.of(finals.get(encoder)), "like_input",
                    Decoders.DECODER_IN));
            List<String> merging = new ArrayList<>(((List<?>) c.get("inputs")).stream().map(String::valueOf)
                    .toList());   // every input of the layer, then the state
            merging.add(init);
            out.add(vertex(merged, "merge", merging, null, null));
            c.put("inputs", List.of(merged));
            if (state()) {
                c.put("initial_state", true);
            }
        }

        /** The encoder LSTM's last unmasked step (and, for the state bridge, its h-only view for later readers). */
        private void addFinal(Map<String, Object> l, String name) {
            String fin = fresh(names, name + "_final");
            out.add(vertex(fin, "last_time_step", List.of(name), "mask_input", Decoders.ENCODER_IN));
            finals.put(name, fin);
            if (state()) {
                String h = fresh(names, name + "_h");
                Map<String, Object> subset = vertex(h, "subset", List.of(name), null, null);
                subset.put("from", 0);
                subset.put("to", Integer.parseInt(String.valueOf(l.get("n_out"))) - 1);
                out.add(subset);
                renamed.put(name, h);
            }
        }
    }

    private static String fresh(Set<String> names, String name) {
        if (!names.add(name)) {
            throw new ConfigException("model.layers." + name, "model.bridge adds a vertex of this name: rename "
                    + "the layer");
        }
        return name;
    }

    private static Map<String, Object> vertex(String name, String type, List<String> inputs, String key,
                                              String value) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("name", name);
        v.put("type", type);
        v.put("inputs", inputs);
        if (key != null) {
            v.put(key, value);
        }
        return v;
    }
}
