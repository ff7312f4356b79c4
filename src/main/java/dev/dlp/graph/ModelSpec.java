package dev.dlp.graph;

import java.util.List;
import java.util.Map;

/**
 * The {@code model:} section: named inputs with their input types, then named layers and vertices in order.
 *
 * <pre>
 * model:
 *   inputs:
 *     image: {type: convolutional_flat, height: 28, width: 28, channels: 1}
 *   layers:
 *     - {name: conv1, type: conv, kernel: 5, n_out: 6, padding: same}   # inputs: the previous vertex
 *     - {name: out, type: output, n_out: 10, activation: softmax, loss: mcxent}
 *   outputs: [out]            # default: the last layer
 * </pre>
 *
 * @param inputs  input name to its type, in order
 * @param layers  layer/vertex specs: {@code name}, {@code type}, optional {@code inputs}, then the kind's
 *                parameters (see {@link LayerKinds})
 * @param outputs names of the output layers; empty means the last layer
 */
public record ModelSpec(Map<String, InputSpec> inputs, List<Map<String, Object>> layers, List<String> outputs) {

    public ModelSpec {
        inputs = inputs == null ? Map.of() : inputs;
        layers = layers == null ? List.of() : layers;
        outputs = outputs == null ? List.of() : outputs;
    }

    /** True when every input has the sizes its type needs (tabular pipelines leave feature counts out). */
    public boolean complete() {
        return inputs.values().stream().allMatch(s -> s.type() == null || switch (s.type()) {
            case FEED_FORWARD, RECURRENT -> s.size() != null;
            case CONVOLUTIONAL, CONVOLUTIONAL_FLAT -> s.height() != null && s.width() != null && s.channels() != null;
        });
    }

    /**
     * This spec with every feed-forward or recurrent input that has no size given {@code size} (a table's feature
     * count, a vocabulary size).
     */
    public ModelSpec withFeatureCount(int size) {
        Map<String, InputSpec> in = new java.util.LinkedHashMap<>();
        inputs.forEach((k, s) -> in.put(k, (s.type() == InputKind.FEED_FORWARD || s.type() == InputKind.RECURRENT)
                && s.size() == null ? new InputSpec(s.type(), size, s.height(), s.width(), s.channels(), s.length())
                : s));
        return new ModelSpec(in, layers, outputs);
    }

    /**
     * One input.
     *
     * @param type     feed_forward (size), convolutional (height, width, channels; NCHW arrays),
     *                 convolutional_flat (height, width, channels; rows of height*width values) or recurrent
     *                 (size, optional length)
     * @param size     feature count (feed_forward, recurrent)
     * @param height   image height
     * @param width    image width
     * @param channels image channels
     * @param length   sequence length for recurrent inputs; 0 = variable
     */
    public record InputSpec(InputKind type, Integer size, Integer height, Integer width, Integer channels,
                            Integer length) {
    }

    public enum InputKind {
        FEED_FORWARD, CONVOLUTIONAL, CONVOLUTIONAL_FLAT, RECURRENT;

        @Override
        public String toString() {
            return name().toLowerCase();
        }
    }
}
