package dev.dlp.pipelines.skipgram;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reading the tagged Brown format and plain text; the vocabulary, min_count, subsampling and negatives table. */
class CorpusVocabTest {
    @TempDir
    Path tmp;

    /** Collects sentences as lists of words. */
    static final class Sentences implements Corpus.Sink {
        final List<List<String>> all = new ArrayList<>();
        private List<String> current = new ArrayList<>();

        @Override
        public void token(String word) {
            current.add(word);
        }

        @Override
        public void endSentence() {
            if (!current.isEmpty()) {
                all.add(current);
                current = new ArrayList<>();
            }
        }
    }

    @Test
    void brownTagsAreStrippedPunctuationDroppedAndWordsLowercased() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("brown"));
        Files.writeString(dir.resolve("ca01"), "\n\n\tThe/at Fulton/np-tl County/nn-tl said/vbd ``/`` no/at "
                + "evidence/nn ''/'' ,/, 1-1/2/cd --/-- (/( it/pps )/) :/: '/' ./.\n\n"
                + "\tHe/pps did/dod not/* go/vb ;/. Le/fw-at-tl Monde/fw-nn-tl HEADLINE/nn-hl can't/md*\n"
                + "\t&/cc ?/. ...\n");
        Files.writeString(dir.resolve("cb02"), "Last/ap one/cd ./.\n");
        Files.writeString(dir.resolve("README"), "not/at read/vb\n");
        List<Path> files = Corpus.brownFiles(dir);
        assertEquals(List.of("ca01", "cb02"), files.stream().map(p -> p.getFileName().toString()).toList());
        Sentences s = new Sentences();
        Corpus.readBrown(files, s);
        assertEquals(List.of(
                List.of("the", "fulton", "county", "said", "no", "evidence", "1-1/2", "it"),
                List.of("he", "did", "not", "go", "le", "monde", "headline", "can't"),
                List.of("last", "one")), s.all);
    }

    @Test
    void plainTextStreamsAndCutsLongLines() throws IOException {
        Sentences s = new Sentences();
        Corpus.readPlain(new StringReader("A b  c\n\n d\te f g h\nlast"), true, 3, s);
        assertEquals(List.of(List.of("a", "b", "c"), List.of("d", "e", "f"), List.of("g", "h"), List.of("last")),
                s.all);
    }

    @Test
    void vocabularyKeepsWordsOverMinCountMostFrequentFirstAndEncodingDropsTheRest() throws IOException {
        Corpus.Counted c = new Corpus.Counted();
        Corpus.readPlain(new StringReader("b a a c\nrare\nb a c a\nb c\n"), false, 100, c);
        WordVocab v = WordVocab.build(c, 2);
        assertEquals(3, v.size());
        assertEquals(List.of("a", "b", "c"), List.of(v.word(0), v.word(1), v.word(2)));
        assertEquals(4, v.count(0));
        assertEquals(-1, v.id("rare"));
        assertEquals(10, v.totalCount());
        Corpus.Encoded e = Corpus.encode(c, v);
        assertEquals(11, e.rawTokens());
        assertEquals(4, e.rawSentences());
        assertArrayEquals(new int[]{1, 0, 0, 2, 1, 0, 2, 0, 1, 2}, e.tokens());
        assertArrayEquals(new int[]{0, 4, 8, 10}, e.sentenceStarts(), "the sentence 'rare' is dropped");
        assertEquals(0, WordVocab.build(c, 5).size());
    }

    @Test
    void subsamplingFollowsWord2vecFormulaAndTheNegativesTableCountsToThePowerThreeQuarters() {
        // f = count/total; keep = (sqrt(f/s) + 1) * s/f
        assertEquals((Math.sqrt(0.1 / 1e-3) + 1) * 1e-3 / 0.1, WordVocab.keepProbability(100, 1000, 1e-3), 1e-12);
        assertEquals(1, WordVocab.keepProbability(1, 1000, 1e-3));
        assertEquals(1, WordVocab.keepProbability(900, 1000, 0));
        WordVocab v = new WordVocab(new String[]{"x", "y"}, new long[]{810_000, 500});
        int[] keep = v.keepThresholds(1e-3);
        assertEquals(WordVocab.keepProbability(810_000, 810_500, 1e-3), keep[0] / (double) (1 << 24), 1e-6);
        assertEquals(1 << 24, keep[1]);
        int[] table = v.unigramTable(100_000);
        long ys = Arrays.stream(table).filter(t -> t == 1).count();
        double expected = Math.pow(500, 0.75) / (Math.pow(810_000, 0.75) + Math.pow(500, 0.75));
        assertEquals(expected, ys / 100_000.0, 1e-3);
        assertTrue(table[0] == 0 && table[table.length - 1] == 1);
    }

    @Test
    void aliasTableGivesTheCountToThePowerThreeQuartersDistribution() {
        long[] counts = {5000, 1200, 300, 300, 77, 10, 5, 5, 5};
        String[] words = new String[counts.length];
        double sum = 0;
        for (int i = 0; i < counts.length; i++) {
            words[i] = "w" + i;
            sum += Math.pow(counts[i], 0.75);
        }
        double[] p = probabilities(new WordVocab(words, counts).negativesAlias());
        for (int i = 0; i < counts.length; i++) {
            assertEquals(Math.pow(counts[i], 0.75) / sum, p[i], 1e-6, "word " + i);
        }
        // over a subset of the words (a shard): the same distribution restricted to it, indexed into the subset
        int[] ids = {1, 3, 4, 8};
        double[] q = probabilities(new WordVocab(words, counts).negativesAlias(ids));
        double subSum = 0;
        for (int id : ids) {
            subSum += Math.pow(counts[id], 0.75);
        }
        for (int i = 0; i < ids.length; i++) {
            assertEquals(Math.pow(counts[ids[i]], 0.75) / subSum, q[i], 1e-6, "word " + ids[i]);
        }
    }

    /** The probability an alias table gives each of its entries: a uniform bucket, then its threshold. */
    private static double[] probabilities(WordVocab.Alias a) {
        int n = a.threshold().length;
        double[] p = new double[n];
        for (int i = 0; i < n; i++) {
            double keep = a.threshold()[i] / (double) (1 << 24);
            p[i] += keep / n;
            p[a.alias()[i]] += (1 - keep) / n;
        }
        return p;
    }
}
