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
        assertEquals(List.of('a', 'b', 'c'), v.chars());
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
                0.1);
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
        Seq2SeqConfig.Data rev = new Seq2SeqConfig.Data(Seq2SeqConfig.Task.REVERSE, "ab", 2, 3, 4, 2, "", "", 0.1);
        Pairs.generate(rev, 1).train().forEach(p -> assertEquals(new StringBuilder(p.source()).reverse().toString(),
                p.target()));
    }

    @Test
    void greedyAndBeamWidthOneAgree() {
        Seq2SeqConfig cfg = ConfigLoader.load(new ConfigLoader.Source("c", run.resolve("config.yaml"), null),
                List.of(), Seq2SeqConfig.class, Seq2SeqConfig.DEFAULTS).value();
        ComputationGraph g = Launcher.loadModel(run, 1);
        TokenVocab v = new TokenVocab(List.of('a', 'b', 'c'));
        Decoders dec = new Decoders(g, Seq2SeqPipeline.withVocab(cfg.network(), v.size()), cfg.train(), cfg.seed(),
                v, 8);
        List<String> words = List.of("cba", "bbaac", "c", "acbcb", "aaab");
        List<int[]> greedy = dec.greedy(words.stream().map(v::encode).toList());
        for (int i = 0; i < words.size(); i++) {
            assertEquals(v.decode(greedy.get(i)), v.decode(dec.beam(v.encode(words.get(i)), 1)), words.get(i));
        }
        String wide = v.decode(dec.beam(v.encode("cba"), 3));
        assertTrue(wide.matches("[abc?]+"), "a wider beam returns an output: '" + wide + "'");
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
