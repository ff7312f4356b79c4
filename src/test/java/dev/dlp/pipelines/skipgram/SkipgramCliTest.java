package dev.dlp.pipelines.skipgram;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dlp.TestCli;
import dev.dlp.config.ConfigLoader;
import org.deeplearning4j.models.embeddings.loader.WordVectorSerializer;
import org.deeplearning4j.models.embeddings.wordvectors.WordVectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code dlp skipgram}, {@code nearest} and {@code eval} through the shipped CLI; bad input exits 2. */
class SkipgramCliTest {
    @TempDir
    Path tmp;

    private String[] tiny(Path corpus, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("skipgram", "-q", "--runs-root",
                tmp.resolve("models").toString(), "--data", corpus.toString(), "--set", "train.dims=12",
                "--set", "train.epochs=2", "--set", "vocab.min_count=2", "--set", "tsne.words=20",
                "--set", "tsne.iterations=60", "--set", "tsne.perplexity=4", "--set", "probes.words=[a1, nope]"));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    @Test
    void runWritesVectorsVocabPictureAndSummaryAndVectorsRoundTripThroughDl4j() throws IOException {
        Path corpus = tmp.resolve("topics.txt");
        Files.writeString(corpus, TrainerEvalTest.topicCorpus(300, 4) + "once\n");
        TestCli.Outcome o = TestCli.run(tiny(corpus, "--threads", "1"));
        assertEquals(0, o.exit(), o.toString());
        Path run;
        try (Stream<Path> s = Files.list(tmp.resolve("models/skipgram"))) {
            run = s.findFirst().orElseThrow();
        }
        assertTrue(o.out().startsWith("run: " + run + "\n"), o.out());
        assertTrue(o.out().contains("vocab: 30 words (min_count 2)"), o.out());
        assertTrue(o.out().contains("  a1 -> "), o.out());
        TestCli.Outcome runs = TestCli.run("runs", "skipgram", "--runs-root", tmp.resolve("models").toString(),
                "--csv");
        assertTrue(runs.out().contains(run.getFileName() + ",completed,"), runs.out());

        List<String> lines = Files.readAllLines(run.resolve("vectors.txt"));
        assertEquals("30 12", lines.get(0));
        assertEquals(31, lines.size());
        List<String> vocab = Files.readAllLines(run.resolve("vocab.tsv"));
        assertEquals(30, vocab.size());
        assertTrue(vocab.get(0).matches("[ab]\\d+\t\\d+"), vocab.get(0));
        WordVectors wv = WordVectorSerializer.readWord2VecModel(run.resolve("vectors.txt").toFile(), false);
        assertEquals(30, wv.vocab().numWords());
        String[] first = lines.get(1).split(" ");
        float[] read = wv.getWordVectorMatrix(first[0]).toFloatVector();
        for (int i = 0; i < 12; i++) {
            assertEquals(Float.parseFloat(first[i + 1]), read[i], 0f);
        }
        assertNotNull(ImageIO.read(run.resolve("tsne.png").toFile()));

        JsonNode summary = ConfigLoader.json().readTree(run.resolve("summary.json").toFile());
        assertEquals("completed", summary.get("status").asText());
        assertEquals(30, summary.get("vocab").asInt());
        assertEquals(3601, summary.get("tokens").asLong());
        assertEquals(1, summary.get("threads").asInt());
        assertTrue(summary.get("words_per_sec").asDouble() > 0);
        assertTrue(summary.has("git_commit") && summary.has("versions") && summary.has("train_seconds"));
        assertTrue(Files.readString(run.resolve("config.yaml")).contains("corpus: "));

        TestCli.Outcome near = TestCli.run("skipgram", "nearest", "-q", "--model", run.toString(), "-k", "3", "A1",
                "zebra");
        assertEquals(0, near.exit(), near.toString());
        assertTrue(near.out().matches("(?s)A1 -> a\\d+ \\(.*zebra: not in the vocabulary \\(30 words\\)\n"), near.out());
        assertEquals(2, TestCli.run("skipgram", "nearest", "-q", "--model", run.toString(), "zebra").exit());

        Path sim = tmp.resolve("sim.tsv");
        Files.writeString(sim, "# pairs\na1\ta2\t9\na1\tb1\t1\nb3\tb4\t8\na5\tb6\t2\nzebra\ta1\t5\n");
        Path q = tmp.resolve("q.txt");
        Files.writeString(q, ": topics\na1 a2 b1 b2\n: oov\nzebra a1 a2 a3\n");
        TestCli.Outcome ev = TestCli.run("skipgram", "eval", "-q", "--model", run.toString(), "--similarity",
                sim.toString(), "--analogies", q.toString());
        assertEquals(0, ev.exit(), ev.toString());
        assertTrue(ev.out().contains("over 4 pairs; OOV 1 of 5 (20.0%)"), ev.out());
        assertTrue(ev.out().contains("1 skipped (OOV)"), ev.out());
        assertTrue(ev.out().lines().anyMatch(l -> l.strip().startsWith("overall")), ev.out());
    }

    @Test
    void badInputExits2WithOneLineAndLeavesNoRunDirectory() throws IOException {
        Path corpus = tmp.resolve("c.txt");
        Files.writeString(corpus, "a b c\n");
        TestCli.Outcome o = TestCli.run(tiny(corpus, "--set", "train.epoch=3"));
        assertEquals(2, o.exit(), o.toString());
        assertTrue(o.err().contains("train.epoch"), o.err());
        o = TestCli.run(tiny(corpus, "--set", "vocab.sample=-1"));
        assertEquals(2, o.exit(), o.toString());
        assertTrue(o.err().contains("vocab.sample"), o.err());
        o = TestCli.run(tiny(corpus));
        assertEquals(2, o.exit(), o.toString());
        assertTrue(o.err().contains("no word occurs at least vocab.min_count = 2 times"), o.err());
        Files.writeString(corpus, "  \n\n");
        o = TestCli.run(tiny(corpus));
        assertEquals(2, o.exit(), o.toString());
        assertTrue(o.err().contains("empty"), o.err());
        o = TestCli.run(tiny(tmp.resolve("missing.txt")));
        assertEquals(2, o.exit(), o.toString());
        assertTrue(o.err().contains("missing.txt"), o.err());
        o = TestCli.run("skipgram", "-q", "--runs-root", tmp.resolve("models").toString(), "--data-dir",
                tmp.toString());
        assertEquals(2, o.exit(), o.toString());
        assertTrue(o.err().contains("fetch-data.sh brown"), o.err());
        assertEquals(2, TestCli.run("skipgram", "eval", "--model", tmp.toString(), "--similarity",
                corpus.toString()).exit());
        assertFalse(Files.exists(tmp.resolve("models/skipgram")));
        assertEquals(1, o.err().strip().lines().count(), o.err());
    }

    @Test
    void corpusWritesTheCleanedBrownTextOneSentencePerLine() throws IOException {
        Path brown = Files.createDirectories(tmp.resolve("data").resolve("brown"));
        Files.writeString(brown.resolve("ca01"), "\n\tThe/at Fulton/np-tl said/vbd ,/, no/at ./.\n\n\t``/`` Yes/rb ./.\n");
        Files.writeString(brown.resolve("cr09"), "Last/ap one/cd ./.\n");
        Path out = tmp.resolve("brown.txt");
        TestCli.Outcome o = TestCli.run("skipgram", "corpus", "--data-dir", tmp.resolve("data").toString(), "--out",
                out.toString());
        assertEquals(0, o.exit(), o.err());
        assertEquals("the fulton said no\nyes\nlast one\n", Files.readString(out));
        assertTrue(o.out().contains("3 sentences, 7 tokens"), o.out());
        assertEquals(2, TestCli.run("skipgram", "corpus", "--data-dir", tmp.resolve("nothing").toString(), "--out",
                tmp.resolve("x.txt").toString()).exit());
        assertFalse(Files.exists(tmp.resolve("x.txt")));
    }

    @Test
    void aRunStoppedAfterAnEpochResumesToTheSameVectors() throws Exception {
        Path corpus = tmp.resolve("topics.txt");
        Files.writeString(corpus, TrainerEvalTest.topicCorpus(300, 5));
        TestCli.Outcome full = TestCli.run(tiny(corpus, "--threads", "1", "--set", "train.epochs=3", "--run-name",
                "full"));
        assertEquals(0, full.exit(), full.toString());
        TestCli.Outcome cut = TestCli.run(tiny(corpus, "--threads", "1", "--set", "train.epochs=3", "--run-name",
                "cut"));
        assertEquals(0, cut.exit(), cut.toString());
        Path a;
        Path b;
        try (Stream<Path> s = Files.list(tmp.resolve("models/skipgram"))) {
            List<Path> runs = s.sorted().toList();
            a = runs.stream().filter(p -> p.toString().endsWith("-full")).findFirst().orElseThrow();
            b = runs.stream().filter(p -> p.toString().endsWith("-cut")).findFirst().orElseThrow();
        }
        // as a kill during epoch 3 leaves it: the epoch-2 checkpoint, no vectors, summary running
        assertTrue(Files.exists(b.resolve("checkpoints/skipgram-e0002.bin")));
        Files.delete(b.resolve("checkpoints/skipgram-e0003.bin"));
        Files.delete(b.resolve("vectors.txt"));
        TestCli.Outcome resumed = TestCli.run("skipgram", "-q", "--resume", b.toString());
        assertEquals(0, resumed.exit(), resumed.toString());
        assertEquals(Files.readAllLines(a.resolve("vectors.txt")), Files.readAllLines(b.resolve("vectors.txt")),
                "one thread: the resumed run's vectors equal the uninterrupted run's");
        assertTrue(Files.readString(b.resolve("overrides.txt")).contains("# resumed"));
    }

    @Test
    void aStreamedCorpusTrainsTheSameVectorsAsOneInMemory() throws Exception {
        Path corpus = tmp.resolve("topics.txt");
        // long enough for several blocks of SkipgramTrainer.BLOCK_TOKENS tokens
        Files.writeString(corpus, TrainerEvalTest.topicCorpus(3000, 6));
        TestCli.Outcome memory = TestCli.run(tiny(corpus, "--threads", "1", "--set", "data.stream=false",
                "--run-name", "memory"));
        assertEquals(0, memory.exit(), memory.toString());
        TestCli.Outcome streamed = TestCli.run(tiny(corpus, "--threads", "1", "--set", "data.stream=true",
                "--run-name", "streamed"));
        assertEquals(0, streamed.exit(), streamed.toString());
        assertTrue(streamed.out().contains("(streamed)"), streamed.out());
        Path a;
        Path b;
        try (Stream<Path> s = Files.list(tmp.resolve("models/skipgram"))) {
            List<Path> runs = s.sorted().toList();
            a = runs.stream().filter(p -> p.toString().endsWith("-memory")).findFirst().orElseThrow();
            b = runs.stream().filter(p -> p.toString().endsWith("-streamed")).findFirst().orElseThrow();
        }
        assertEquals(Files.readAllLines(a.resolve("vectors.txt")), Files.readAllLines(b.resolve("vectors.txt")),
                "one thread: the same sentences in the same order, so the same vectors");
        TestCli.Outcome two = TestCli.run(tiny(corpus, "--threads", "2", "--set", "data.stream=true",
                "--run-name", "streamed2"));
        assertEquals(0, two.exit(), two.toString());
        TestCli.Outcome bad = TestCli.run(tiny(corpus, "--set", "data.stream=maybe"));
        assertEquals(2, bad.exit(), bad.toString());
        assertTrue(bad.err().contains("data.stream"), bad.err());
    }

    @Test
    void theSotuConfigReadsItsTextFromTheDataDirectory() throws Exception {
        Path data = tmp.resolve("data");
        TestCli.Outcome missing = TestCli.run("skipgram", "-q", "--config", "sotu", "--data-dir", data.toString(),
                "--runs-root", tmp.resolve("models").toString());
        assertEquals(2, missing.exit(), missing.toString());
        assertTrue(missing.err().contains("fetch-data.sh sotu"), missing.err());
        Files.createDirectories(data.resolve("sotu"));
        Files.writeString(data.resolve("sotu/sotu.txt"), TrainerEvalTest.topicCorpus(300, 7));
        TestCli.Outcome o = TestCli.run("skipgram", "-q", "--config", "sotu", "--data-dir", data.toString(),
                "--runs-root", tmp.resolve("models").toString(), "--set", "train.dims=12", "--set", "train.epochs=1",
                "--set", "vocab.min_count=2", "--set", "tsne.words=0", "--set", "probes.words=[a1]");
        assertEquals(0, o.exit(), o.toString());
        assertTrue(o.out().contains("corpus: sotu.txt"), o.out());
    }
}
