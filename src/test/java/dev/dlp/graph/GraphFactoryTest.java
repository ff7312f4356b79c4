package dev.dlp.graph;

import dev.dlp.config.ConfigException;
import dev.dlp.config.TrainConfig;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GraphFactoryTest {
    private static Map<String, Object> layer(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    private static ModelSpec image(List<Map<String, Object>> layers) {
        return new ModelSpec(Map.of("x", new ModelSpec.InputSpec(ModelSpec.InputKind.CONVOLUTIONAL, null, 28, 28, 1,
                null)), layers, List.of());
    }

    @Test
    void everyRegisteredKindBuildsInAGraph() {
        ModelSpec ok = image(List.of(
                layer("name", "c", "type", "conv", "kernel", 3, "n_out", 4, "padding", "same"),
                layer("name", "bn", "type", "batchnorm"),
                layer("name", "p", "type", "maxpool"),
                layer("name", "a", "type", "avgpool", "kernel", List.of(2, 2), "padding", 0),
                layer("name", "up", "type", "upsampling", "size", 2),
                layer("name", "m", "type", "merge", "inputs", List.of("up", "p")),
                layer("name", "d", "type", "dense", "n_out", 8),
                layer("name", "drop", "type", "dropout", "rate", 0.25),
                layer("name", "out", "type", "output", "n_out", 3),
                layer("name", "pxconv", "type", "conv", "kernel", 3, "n_out", 1, "padding", "same", "inputs", "c",
                        "activation", "identity"),
                layer("name", "px", "type", "cnn_loss", "inputs", "pxconv")));
        ok = new ModelSpec(ok.inputs(), ok.layers(), List.of("out", "px"));
        // the sequence kinds, wired as in the seq2seq config: two id inputs of a 10-token vocabulary
        ModelSpec seq = new ModelSpec(new java.util.LinkedHashMap<>(Map.of(
                "a", new ModelSpec.InputSpec(ModelSpec.InputKind.RECURRENT, 10, null, null, null, null),
                "b", new ModelSpec.InputSpec(ModelSpec.InputKind.RECURRENT, 10, null, null, null, null))), List.of(
                layer("name", "ea", "type", "embedding_seq", "inputs", "a", "n_out", 4),
                layer("name", "la", "type", "lstm", "n_out", 6, "return_state", "sequence"),
                layer("name", "h", "type", "subset", "inputs", "la", "from", 0, "to", 5),
                layer("name", "last", "type", "last_time_step", "inputs", "la", "mask_input", "a"),
                layer("name", "eb", "type", "embedding_seq", "inputs", "b", "n_out", 4),
                layer("name", "dup", "type", "duplicate_to_time_series", "inputs", "last", "like_input", "b"),
                layer("name", "m", "type", "merge", "inputs", List.of("eb", "dup")),
                layer("name", "lb", "type", "lstm", "n_out", 6, "initial_state", true),
                layer("name", "o", "type", "rnn_output", "n_out", 10),
                layer("name", "oh", "type", "rnn_output", "n_out", 10, "inputs", "h")), List.of("o", "oh"));
        ComputationGraphConfiguration seqConf = GraphFactory.build(seq, TrainConfig.DEFAULTS, 1);
        InputType out = GraphFactory.outputType(seq, seqConf);
        assertEquals(InputType.Type.RNN, out.getType(), "a distribution over the vocabulary at every step");
        assertEquals(10, ((InputType.InputTypeRecurrent) out).getSize());
        Map<String, InputType> seqTypes = seqConf.getLayerActivationTypes(true, false, InputType.recurrent(10),
                InputType.recurrent(10));
        assertEquals(12, ((InputType.InputTypeRecurrent) seqTypes.get("la")).getSize(), "return_state: [h; c]");
        assertEquals(6, ((InputType.InputTypeRecurrent) seqTypes.get("h")).getSize(), "subset: h");
        assertEquals(4, ((org.deeplearning4j.nn.conf.layers.LSTM) ((org.deeplearning4j.nn.conf.graph.LayerVertex)
                seqConf.getVertices().get("lb")).getLayerConf().getLayer()).getNIn(), "initial_state: nIn without "
                + "the state's 12 features");
        for (String kind : LayerKinds.names()) {
            assertTrue(ok.layers().stream().anyMatch(l -> l.get("type").equals(kind))
                    || seq.layers().stream().anyMatch(l -> l.get("type").equals(kind)), "kind not covered: " + kind);
        }
        ComputationGraphConfiguration conf = GraphFactory.build(ok, TrainConfig.DEFAULTS, 1);
        InputType merged = conf.getLayerActivationTypes(InputType.convolutional(28, 28, 1)).get("m");
        assertEquals(InputType.convolutional(14, 14, 8), merged, "merge concatenates channels");
    }

    @Test
    void unknownInputsAndDuplicateNamesAreConfigErrors() {
        ConfigException e = assertThrows(ConfigException.class, () -> GraphFactory.build(image(List.of(
                layer("name", "c", "type", "conv", "kernel", 3, "n_out", 4, "inputs", "xx"),
                layer("name", "out", "type", "output", "n_out", 3))), TrainConfig.DEFAULTS, 1));
        assertEquals("model.layers.c.inputs", e.key());
        e = assertThrows(ConfigException.class, () -> GraphFactory.build(image(List.of(
                layer("name", "c", "type", "conv", "kernel", 3, "n_out", 4),
                layer("name", "c", "type", "output", "n_out", 3))), TrainConfig.DEFAULTS, 1));
        assertEquals("model.layers.c.name", e.key());
        e = assertThrows(ConfigException.class, () -> GraphFactory.build(image(List.of(
                layer("name", "c", "type", "conv", "n_out", 4),
                layer("name", "out", "type", "output", "n_out", 3))), TrainConfig.DEFAULTS, 1));
        assertEquals("model.layers.c.kernel", e.key());
    }

    @Test
    void kernelLargerThanItsInputNamesTheLayer() {
        ConfigException e = assertThrows(ConfigException.class, () -> GraphFactory.build(image(List.of(
                layer("name", "big", "type", "conv", "kernel", 30, "n_out", 4),
                layer("name", "out", "type", "output", "n_out", 3))), TrainConfig.DEFAULTS, 1));
        assertTrue(e.getMessage().contains("big"), e.getMessage());
    }

    @Test
    void architectureHashFollowsTheModelSection() {
        ModelSpec a = image(List.of(layer("name", "out", "type", "output", "n_out", 3)));
        ModelSpec b = image(List.of(layer("name", "out", "type", "output", "n_out", 4)));
        assertEquals(GraphFactory.architectureHash(a), GraphFactory.architectureHash(
                image(List.of(layer("name", "out", "type", "output", "n_out", 3)))));
        assertTrue(!GraphFactory.architectureHash(a).equals(GraphFactory.architectureHash(b)));
    }
}
