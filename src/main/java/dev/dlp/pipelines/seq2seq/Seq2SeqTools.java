package dev.dlp.pipelines.seq2seq;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dlp.config.ConfigException;
import dev.dlp.config.ConfigLoader;
import dev.dlp.data.DataException;
import dev.dlp.pipelines.Context;
import dev.dlp.pipelines.Launcher;
import org.deeplearning4j.nn.graph.ComputationGraph;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code dlp seq2seq predict}: greedy or beam-search outputs of a trained run for the given inputs. */
public final class Seq2SeqTools {
    private Seq2SeqTools() {
    }

    public static int predict(Path runDir, List<String> inputs, int beam, Context ctx) {
        if (beam < 1) {
            throw new ConfigException("--beam", "must be >= 1, got " + beam);
        }
        Seq2SeqConfig cfg = Launcher.runConfig(runDir, Seq2SeqConfig.class, Seq2SeqConfig.DEFAULTS);
        Path vocabFile = runDir.resolve(Seq2SeqPipeline.VOCAB_FILE);
        if (!Files.isRegularFile(vocabFile)) {
            throw new ConfigException("--model", runDir + " is not a finished seq2seq run (no "
                    + Seq2SeqPipeline.VOCAB_FILE + ")");
        }
        TokenVocab vocab;
        int maxLength;
        try {
            JsonNode v = ConfigLoader.json().readTree(vocabFile.toFile());
            List<String> tokens = new ArrayList<>();
            (v.has("tokens") ? v.path("tokens") : v.path("chars")).forEach(c -> tokens.add(c.asText()));
            vocab = new TokenVocab(tokens, v.path("word_targets").asBoolean(false),
                    v.path("reverse_source").asBoolean(false));
            maxLength = v.path("max_length").asInt(cfg.data().maxLength() + 2);
        } catch (IOException | RuntimeException e) {
            throw new DataException(vocabFile + ": unreadable (" + e.getMessage() + ")", e);
        }
        ComputationGraph g = Launcher.loadModel(runDir, cfg.train().threads());
        Decoders dec = new Decoders(g, Seq2SeqPipeline.withVocab(cfg.network(), vocab.size()), cfg.train(),
                cfg.seed(), vocab, maxLength);
        for (String given : inputs) {
            // (a vocabulary of lower-case letters, as CMUdict's, reads "Hello" as "hello")
            String lower = given.toLowerCase(java.util.Locale.ROOT);
            String in = vocab.unknown(lower).size() < vocab.unknown(given).size() ? lower : given;
            List<String> unknown = vocab.unknown(in);
            int[] out = beam == 1 ? dec.greedy(List.of(vocab.encode(in))).get(0) : dec.beam(vocab.encode(in), beam);
            ctx.out().println(given + " -> " + vocab.decode(out) + (unknown.isEmpty() ? ""
                    : "   (unknown characters as <UNK>: " + String.join(" ", unknown) + ")"));
        }
        return 0;
    }
}
