package dev.dlp.pipelines.seq2seq;

import dev.dlp.graph.ModelSpec;

import java.util.List;
import java.util.Map;

/**
 * seq2seq's {@code model:} section: a {@link ModelSpec} (inputs, layers, outputs) and the {@code bridge} that
 * carries the encoder's summary to the decoder ({@link Bridge}: state by default).
 *
 * @param inputs  {@code encoder_in} and {@code decoder_in} (token ids); their sizes come from the vocabulary
 * @param layers  the encoder's and the decoder's layers; the bridge's vertices are added ({@link Bridge})
 * @param outputs the output layer(s); empty means the last layer
 * @param bridge  state | duplicate; unset means state, or the layers' own wiring when they have one
 */
public record Seq2SeqModel(Map<String, ModelSpec.InputSpec> inputs, List<Map<String, Object>> layers,
                           List<String> outputs, BridgeKind bridge) {

    /** How the encoder's summary reaches the decoder; see {@link Bridge}. */
    public enum BridgeKind {
        STATE, DUPLICATE;

        @Override
        public String toString() {
            return name().toLowerCase();
        }
    }
}
