package dev.dlp.pipelines.seq2seq;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dlp.TestCli;
import dev.dlp.config.ConfigLoader;
import dev.dlp.pipelines.Launcher;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.api.MultiDataSet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Seq2SeqTest {
    @TempDir
    static Path tmp;
    static Path run;
    static TestCli.Outcome trained;

    /** A tiny sorting task on a 3-letter alphabet, with a small model: learns in a few seconds. */
    @BeforeAll
    static void train() throws IOException {
        trained = TestCli.run("seq2seq", "-q", "--runs-root", tmp.resolve("models").toString(),
                "--set", "data.alphabet=abc", "--set", "data.max_length=5", "--set", "data.train_pairs=250",
                "--set", "data.heldout_pairs=40", "--set", "model.layers.encoder.n_out=48",
                "--set", "model.layers.decoder.n_out=48", "--set", "model.layers.enc_embed.n_out=8",
                "--set", "model.layers.dec_embed.n_out=8", "--set", "train.epochs=30", "--set",
                "train.batch_size=16", "--set", "train.updater.lr=0.01", "--set", "train.updater.schedule.gamma=0.97");
        assertEquals(0, trained.exit(), trained.toString());
        try (Stream<Path> s = Files.list(tmp.resolve("models/seq2seq"))) {
            run = s.findFirst().orElseThrow();
        }
    }

    @Test
    void tinyAlphabetIsLearnedOnHeldOutWords() throws IOException {
        JsonNode h = ConfigLoader.json().readTree(run.resolve("summary.json").toFile()).path("heldout");
        assertTrue(h.path("exact_match").asDouble() >= 0.75, h.toString());
        assertTrue(h.path("char_accuracy").asDouble() >= 0.9, h.toString());
        for (String f : List.of("samples.txt", "curves.png", "vocab.json", "model.zip", "metrics.csv")) {
            assertTrue(Files.exists(run.resolve(f)), f);
        }
        assertTrue(Files.readString(run.resolve("samples.txt")).startsWith("input"));
    }

    @Test
    void vocabularyPaddingAndMasks() {
        TokenVocab v = TokenVocab.of(List.of("cab", "b"));
        assertEquals(List.of("a", "b", "c"), v.tokens());
        assertEquals(7, v.size());
        assertArrayEquals(new int[]{6, 4, 5, TokenVocab.UNK}, v.encode("cabz"));
        assertEquals("ca?", v.decode(new int[]{6, 4, TokenVocab.UNK, TokenVocab.EOS, 5}));
        MultiDataSet b = new SeqSource(List.of(new Pairs.Pair("cab", "abc"), new Pairs.Pair("b", "b")), v)
                .batch(null, 0, 2);
        assertArrayEquals(new long[]{2, 1, 3}, b.getFeatures(0).shape(), "encoder ids padded to the longest");
        assertArrayEquals(new long[]{2, 1, 4}, b.getFeatures(1).shape(), "<GO> + longest target");
        assertArrayEquals(new long[]{2, 7, 4}, b.getLabels(0).shape());
        assertArrayEquals(new float[]{1, 1, 1, 1, 0, 0}, b.getFeaturesMaskArray(0).data().asFloat());
        assertArrayEquals(new float[]{1, 1, 1, 1, 1, 1, 0, 0}, b.getFeaturesMaskArray(1).data().asFloat());
        assertEquals(TokenVocab.GO, b.getFeatures(1).getInt(0, 0, 0));
        assertEquals(TokenVocab.GO, b.getFeatures(1).getInt(1, 0, 0));
        assertEquals(5, b.getFeatures(1).getInt(1, 0, 1), "then the target");
        assertEquals(1.0, b.getLabels(0).getDouble(1, TokenVocab.EOS, 1), "label: target then <EOS>");
        assertEquals(0.0, b.getLabels(0).getDouble(1, TokenVocab.EOS, 2), "padding has no label");
        assertEquals(b.getFeaturesMaskArray(1), b.getLabelsMaskArray(0));
    }

    @Test
    void generatorIsDeterministicAndNeverLeaksHeldOutWords() {
        Seq2SeqConfig.Data d = new Seq2SeqConfig.Data(Seq2SeqConfig.Task.SORT, "abcdefgh", 1, 6, 2000, 300, "", "",
                0.1, Seq2SeqConfig.Tokens.CHARS, false, false);
        Pairs.Split a = Pairs.generate(d, 5);
        assertEquals(a, Pairs.generate(d, 5));
        assertEquals(2000, a.train().size());
        assertEquals(300, a.heldout().size());
        Set<String> train = new HashSet<>();
        a.train().forEach(p -> train.add(p.source()));
        a.heldout().forEach(p -> assertTrue(!train.contains(p.source()), "held-out word in training: " + p));
        a.train().forEach(p -> {
            char[] c = p.source().toCharArray();
            Arrays.sort(c);
            assertEquals(new String(c), p.target());
        });
        Seq2SeqConfig.Data rev = new Seq2SeqConfig.Data(Seq2SeqConfig.Task.REVERSE, "ab", 2, 3, 4, 2, "", "", 0.1,
                Seq2SeqConfig.Tokens.CHARS, false, false);
        Pairs.generate(rev, 1).train().forEach(p -> assertEquals(new StringBuilder(p.source()).reverse().toString(),
                p.target()));
    }

    /** The inference decoders of the run trained for these tests, with its vocabulary {@code v}. */
    private static Decoders trainedDecoders(TokenVocab v) {
        Seq2SeqConfig cfg = ConfigLoader.load(new ConfigLoader.Source("c", run.resolve("config.yaml"), null),
                List.of(), Seq2SeqConfig.class, Seq2SeqConfig.DEFAULTS).value();
        ComputationGraph g = Launcher.loadModel(run, 1);
        return new Decoders(g, Seq2SeqPipeline.withVocab(cfg.network(), v.size()), cfg.train(), cfg.seed(), v, 8);
    }

    @Test
    void greedyAndBeamWidthOneAgree() {
        TokenVocab v = new TokenVocab(List.of("a", "b", "c"), false, false);
        Decoders dec = trainedDecoders(v);
        List<String> words = List.of("cba", "bbaac", "c", "acbcb", "aaab");
        List<int[]> greedy = dec.greedy(words.stream().map(v::encode).toList());
        for (int i = 0; i < words.size(); i++) {
            assertEquals(v.decode(greedy.get(i)), v.decode(dec.beam(v.encode(words.get(i)), 1)), words.get(i));
        }
        String wide = v.decode(dec.beam(v.encode("cba"), 3));
        assertTrue(wide.matches("[abc?]+"), "a wider beam returns an output: '" + wide + "'");
    }

    @Test
    void topKIsAStableSortsFirstK() {
        double[] v = {0.5, 2, -1, 2, 7, 0.5};
        assertArrayEquals(new int[]{4, 1, 3}, Decoders.topK(v, 3), "equal values in index order");
        assertArrayEquals(new int[]{4, 1, 3, 0, 5, 2}, Decoders.topK(v, 10), "k beyond the values: all of them");
        assertArrayEquals(new int[]{}, Decoders.topK(new double[0], 2));
    }

    /**
     * Beam search over a batch steps every source's prefixes together: each source gets what it gets searched
     * alone, whatever the other sources of the batch (of other lengths, finishing at other steps).
     */
    @Test
    void beamSearchOverABatchIsEachSourcesOwn() {
        TokenVocab v = new TokenVocab(List.of("a", "b", "c"), false, false);
        Decoders dec = trainedDecoders(v);
        List<String> words = List.of("cba", "bbaac", "c", "acbcb", "aaab", "ba", "cccab", "b");
        List<int[]> sources = words.stream().map(v::encode).toList();
        for (int k : new int[]{1, 2, 3, 5}) {
            List<int[]> batch = dec.beams(sources, k);
            assertEquals(words.size(), batch.size());
            for (int i = 0; i < words.size(); i++) {
                assertEquals(v.decode(dec.beam(sources.get(i), k)), v.decode(batch.get(i)), words.get(i) + ", k " + k);
            }
        }
    }

    @Test
    void predictMarksUnknownCharactersAndRejectsBadInput() {
        TestCli.Outcome o = TestCli.run("seq2seq", "predict", "--model", run.toString(), "cab", "cxb");
        assertEquals(0, o.exit(), o.toString());
        String[] lines = o.out().strip().split("\n");
        assertTrue(lines[0].startsWith("cab -> "), o.out());
        assertTrue(lines[1].startsWith("cxb -> ") && lines[1].contains("<UNK>") && lines[1].contains("x"), o.out());
        TestCli.Outcome beam = TestCli.run("seq2seq", "predict", "--model", run.toString(), "--beam", "3", "cab");
        assertEquals(0, beam.exit(), beam.toString());
        assertEquals(2, TestCli.run("seq2seq", "predict", "--model", run.toString(), "--beam", "0", "cab").exit());
        assertEquals(2, TestCli.run("seq2seq", "predict", "--model", tmp.resolve("nope").toString(), "a").exit());
    }

    @Test
    void theStateBridgeIsTheDefaultAndSaysTheModelNeedsDlpsClasses() throws IOException {
        JsonNode s = ConfigLoader.json().readTree(run.resolve("summary.json").toFile());
        assertEquals(false, s.path("portable").asBoolean(true), s.toString());
        assertEquals(List.of("encoder (dev.dlp.fast.StateLSTM)", "decoder (dev.dlp.fast.StateLSTM)"),
                ConfigLoader.json().convertValue(s.path("needs_dlp_classes"), List.class));
        assertTrue(Files.readString(run.resolve("config.yaml")).contains("bridge: state"));
        ComputationGraph g = dev.dlp.fast.ModelFiles.read(run.resolve("model.zip"), false,
                dev.dlp.config.TrainConfig.Engine.FAST);
        assertTrue(g.getLayer("decoder") instanceof dev.dlp.fast.StateLSTMLayer);
        assertEquals(List.of("decoder_init"), g.getConfiguration().getVertexInputs().get("decoder_input").subList(1, 2));
    }

    @Test
    void bridgeWiring() {
        Seq2SeqModel m = new Seq2SeqModel(new java.util.LinkedHashMap<>(java.util.Map.of(
                Decoders.ENCODER_IN, new dev.dlp.graph.ModelSpec.InputSpec(dev.dlp.graph.ModelSpec.InputKind.RECURRENT,
                        null, null, null, null, null),
                Decoders.DECODER_IN, new dev.dlp.graph.ModelSpec.InputSpec(dev.dlp.graph.ModelSpec.InputKind.RECURRENT,
                        null, null, null, null, null))), List.of(
                java.util.Map.of("name", "ee", "type", "embedding_seq", "inputs", "encoder_in", "n_out", 4),
                java.util.Map.of("name", "e1", "type", "lstm", "n_out", 6),
                java.util.Map.of("name", "e2", "type", "lstm", "n_out", 5),
                java.util.Map.of("name", "de", "type", "embedding_seq", "inputs", "decoder_in", "n_out", 4),
                java.util.Map.of("name", "d1", "type", "lstm", "n_out", 6),
                java.util.Map.of("name", "d2", "type", "lstm", "n_out", 5),
                java.util.Map.of("name", "out", "type", "rnn_output")), List.of(), Seq2SeqModel.BridgeKind.STATE);
        java.util.Map<String, java.util.Map<String, Object>> state = byName(Bridge.apply(m));
        assertEquals(List.of("e1_h"), state.get("e2").get("inputs"), "a stacked encoder LSTM reads h only");
        assertEquals(List.of("e1"), state.get("e1_final").get("inputs"));
        assertEquals(List.of("d1", "d2_init"), state.get("d2_input").get("inputs"), "d2 merges d1 with e2's state");
        assertEquals(List.of("e2"), state.get("d2_init").get("inputs"), "e2's output is its final state");
        assertEquals(List.of("e1_final"), state.get("d1_init").get("inputs"));
        assertEquals(true, state.get("d1").get("initial_state"));
        assertEquals("sequence", state.get("e1").get("return_state"));
        assertEquals("final", state.get("e2").get("return_state"));
        assertTrue(!state.containsKey("e2_final"));
        java.util.Map<String, java.util.Map<String, Object>> dup = byName(Bridge.apply(new Seq2SeqModel(m.inputs(),
                m.layers(), m.outputs(), Seq2SeqModel.BridgeKind.DUPLICATE)));
        assertEquals(List.of("de", "d1_context"), dup.get("d1_input").get("inputs"), "the last encoder's h, to d1");
        assertEquals(List.of("e2"), dup.get("e2_final").get("inputs"));
        assertTrue(!dup.containsKey("d2_input") && !dup.get("e1").containsKey("return_state"));
    }

    private static java.util.Map<String, java.util.Map<String, Object>> byName(dev.dlp.graph.ModelSpec spec) {
        java.util.Map<String, java.util.Map<String, Object>> out = new java.util.LinkedHashMap<>();
        spec.layers().forEach(l -> out.put(l.get("name").toString(), l));
        return out;
    }

    @Test
    void badBridgesAreConfigErrorsBeforeAnythingIsWritten() throws IOException {
        Path root = tmp.resolve("bad-bridge");
        TestCli.Outcome sizes = TestCli.run("seq2seq", "--runs-root", root.toString(), "--set",
                "model.layers.decoder.n_out=32");
        assertEquals(2, sizes.exit(), sizes.toString());
        assertTrue(sizes.err().contains("model.layers.decoder.n_out") && sizes.err().contains("128"), sizes.err());
        Path cfg = tmp.resolve("hand-wired.yaml");
        Files.writeString(cfg, """
                model:
                  bridge: state
                  inputs: {encoder_in: {type: recurrent}, decoder_in: {type: recurrent}}
                  layers:
                    - {name: e, type: embedding_seq, inputs: encoder_in, n_out: 4}
                    - {name: l, type: lstm, n_out: 4}
                    - {name: s, type: last_time_step, mask_input: encoder_in}
                    - {name: d, type: embedding_seq, inputs: decoder_in, n_out: 4}
                    - {name: c, type: duplicate_to_time_series, inputs: s, like_input: decoder_in}
                    - {name: m, type: merge, inputs: [d, c]}
                    - {name: dl, type: lstm, n_out: 4}
                    - {name: out, type: rnn_output}
                """);
        TestCli.Outcome handWired = TestCli.run("seq2seq", "--runs-root", root.toString(), "--config",
                cfg.toString());
        assertEquals(2, handWired.exit(), handWired.toString());
        assertTrue(handWired.err().contains("model.bridge"), handWired.err());
        assertTrue(!Files.exists(root), "nothing written");
    }

    /** A dictionary in CMUdict's format: alternates, stress digits, comments and a symbol entry. */
    static final String DICT = """
            ;;; a comment
            !EXCLAMATION-POINT  EH2 K S K L AH0 M EY1 SH AH0 N P OY2 N T
            AB  AE1 B
            AB(1)  EY1 B IY1
            BA  B AA1
            BA(1)  B AA0
            CAB  K AE1 B
            D'A  D AA1
            """;

    @Test
    void cmudictPairsKeepEveryPronunciationOfAWordOnOneSide() throws IOException {
        Path dict = tmp.resolve("dict.txt");
        Files.writeString(dict, DICT);
        Pairs.Split s = Pairs.cmudict(dict, false, 0.25, 3);
        List<Pairs.Pair> all = new java.util.ArrayList<>(s.train());
        all.addAll(s.heldout());
        assertEquals(Set.of(new Pairs.Pair("ab", "AE B"), new Pairs.Pair("ab", "EY B IY"),
                new Pairs.Pair("ba", "B AA"), new Pairs.Pair("cab", "K AE B"), new Pairs.Pair("d'a", "D AA")),
                new HashSet<>(all), "stress removed, BA(1) the same as BA then, the symbol entry left out");
        assertEquals(5, all.size());
        Set<String> train = new HashSet<>();
        s.train().forEach(p -> train.add(p.source()));
        s.heldout().forEach(p -> assertTrue(!train.contains(p.source()), "a word on both sides: " + p));
        assertEquals(1, s.heldout().stream().map(Pairs.Pair::source).distinct().count(), "a quarter of 4 words");
        assertEquals(s, Pairs.cmudict(dict, false, 0.25, 3), "a function of the seed");
        assertTrue(Pairs.cmudict(dict, true, 0.25, 3).train().stream().anyMatch(p -> p.target().contains("1")),
                "stress kept when asked");
        Files.writeString(dict, DICT + "BAD\n");
        dev.dlp.data.DataException e = org.junit.jupiter.api.Assertions.assertThrows(
                dev.dlp.data.DataException.class, () -> Pairs.cmudict(dict, false, 0.25, 3));
        assertTrue(e.getMessage().contains("dict.txt:9"), e.getMessage());
    }

    @Test
    void phonemeTargetsAreTokensAndErrorRatesCountThem() {
        TokenVocab v = TokenVocab.of(List.of("cab"), List.of("K AE B", "EY B IY"), true, true);
        assertEquals(List.of("AE", "B", "EY", "IY", "K", "a", "b", "c"), v.tokens());
        assertArrayEquals(new int[]{4 + 6, 4 + 5, 4 + 7}, v.encode("cab"), "source reversed: b a c");
        int[] ids = v.encodeTarget("K AE B");
        assertArrayEquals(new int[]{4 + 4, 4, 4 + 1}, ids);
        assertEquals("K AE B", v.decode(ids));
        assertEquals(List.of("K", "AE", "B"), v.decodeTokens(ids));
        assertEquals(0, Seq2SeqPipeline.editDistance(List.of("K", "AE", "B"), List.of("K", "AE", "B")));
        assertEquals(1, Seq2SeqPipeline.editDistance(List.of("K", "AE", "B"), List.of("K", "AA", "B")));
        assertEquals(2, Seq2SeqPipeline.editDistance(List.of("K"), List.of("K", "AE", "B")));
        assertEquals(3, Seq2SeqPipeline.editDistance(List.of(), List.of("K", "AE", "B")));
    }

    @Test
    void g2pTrainsOnADictionaryAndReportsWerAndPerGreedyAndBeam() throws IOException {
        // a dictionary where each letter reads as one phoneme: learnable in a few epochs
        StringBuilder d = new StringBuilder();
        java.util.Random r = new java.util.Random(4);
        String[] phone = {"AA", "B", "K", "D"};
        Set<String> seen = new HashSet<>();
        while (seen.size() < 300) {
            StringBuilder w = new StringBuilder();
            StringBuilder p = new StringBuilder();
            for (int i = 0, n = 1 + r.nextInt(5); i < n; i++) {
                int c = r.nextInt(4);
                w.append((char) ('A' + c));
                p.append(i > 0 ? " " : "").append(phone[c]).append(c == 0 ? "1" : "");
            }
            if (seen.add(w.toString())) {
                d.append(w).append("  ").append(p).append('\n');
            }
        }
        Path dict = tmp.resolve("g2p-dict.txt");
        Files.writeString(dict, d.toString());
        Path root = tmp.resolve("g2p-models");
        TestCli.Outcome o = TestCli.run("seq2seq", "-q", "--config", "g2p", "--runs-root", root.toString(),
                "--set", "data.source_file=" + dict, "--set", "data.heldout_fraction=0.1",
                "--set", "model.layers.encoder.n_out=32", "--set", "model.layers.decoder.n_out=32",
                "--set", "model.layers.enc_embed.n_out=8", "--set", "model.layers.dec_embed.n_out=8",
                "--set", "train.epochs=12", "--set", "train.batch_size=16", "--set", "train.updater.lr=0.01",
                "--set", "decode.beam=3");
        assertEquals(0, o.exit(), o.toString());
        assertTrue(o.out().contains("WER") && o.out().contains("beam 3"), o.out());
        Path g2pRun;
        try (Stream<Path> s = Files.list(root.resolve("seq2seq"))) {
            g2pRun = s.findFirst().orElseThrow();
        }
        JsonNode h = ConfigLoader.json().readTree(g2pRun.resolve("summary.json").toFile()).path("heldout");
        assertEquals(30, h.path("sources").asInt(), h.toString());
        assertTrue(h.path("wer").asDouble() <= 0.2, "a one-to-one mapping is learned: " + h);
        assertTrue(h.path("per").asDouble() <= 0.1, h.toString());
        assertEquals(1 - h.path("exact_match").asDouble(), h.path("wer").asDouble(), 1e-9);
        assertEquals(3, h.path("beam").path("width").asInt(), h.toString());
        assertTrue(h.path("beam").path("wer").asDouble() <= 0.2, h.toString());
        assertTrue(Files.readString(g2pRun.resolve("metrics.csv")).lines().findFirst().orElseThrow()
                .contains("val_wer,val_per"));
        TestCli.Outcome p = TestCli.run("seq2seq", "predict", "--model", g2pRun.toString(), "--beam", "3", "Abc", "dab");
        assertEquals(0, p.exit(), p.toString());
        assertTrue(p.out().contains("Abc -> AA B K"), "phonemes joined by spaces, the input lower-cased: " + p.out());
        assertTrue(p.out().contains("dab -> D AA B"), p.out());
    }

    @Test
    void sweepsOverTheBridgeAndTheHiddenSize() throws IOException {
        Path root = tmp.resolve("sweep-models");
        TestCli.Outcome o = TestCli.run("sweep", "seq2seq", "--runs-root", root.toString(), "--parallel", "2",
                "--grid", "model.bridge=state,duplicate", "--grid", "model.layers.encoder.n_out=8,12",
                "--set", "data.alphabet=abc", "--set", "data.max_length=4", "--set", "data.train_pairs=60",
                "--set", "data.heldout_pairs=10", "--set", "train.epochs=1", "--set", "model.layers.enc_embed.n_out=4",
                "--set", "model.layers.dec_embed.n_out=4");
        assertEquals(0, o.exit(), o.toString());
        assertTrue(o.out().contains("4 of 4 points completed"), o.out());
        Set<String> portable = new HashSet<>();
        try (Stream<Path> s = Files.list(root.resolve("seq2seq"))) {
            for (Path r : s.toList()) {
                JsonNode summary = ConfigLoader.json().readTree(r.resolve("summary.json").toFile());
                portable.add(summary.path("portable").asText());
            }
        }
        assertEquals(Set.of("true", "false"), portable, "duplicate: portable; state: not");
    }

    @Test
    void parallelFilesMustHaveTheSameLineCount() throws IOException {
        Path src = tmp.resolve("src.txt");
        Path tgt = tmp.resolve("tgt.txt");
        Files.writeString(src, "ab\nba\nc\n");
        Files.writeString(tgt, "ab\nab\n");
        TestCli.Outcome o = TestCli.run("seq2seq", "--data", src.toString(), "--set", "data.target_file=" + tgt,
                "--runs-root", tmp.resolve("bad").toString());
        assertEquals(2, o.exit(), o.toString());
        assertTrue(o.err().contains("src.txt") && o.err().contains("tgt.txt"), o.toString());
        assertTrue(!Files.exists(tmp.resolve("bad")));
    }
}
