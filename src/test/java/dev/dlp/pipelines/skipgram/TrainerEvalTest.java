package dev.dlp.pipelines.skipgram;

import dev.dlp.data.DataException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The trainer on a corpus with planted structure, its kernels, and the benchmark parsers and scores. */
public class TrainerEvalTest {
    @TempDir
    Path tmp;

    /** Two disjoint topics of 15 words; every sentence uses one topic only. */
    public static String topicCorpus(int sentences, long seed) {
        Random r = new Random(seed);
        StringBuilder sb = new StringBuilder();
        for (int s = 0; s < sentences; s++) {
            char topic = r.nextBoolean() ? 'a' : 'b';
            for (int i = 0; i < 12; i++) {
                sb.append(i == 0 ? "" : " ").append(topic).append(r.nextInt(15));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    static SkipgramTrainer train(String text, int threads, long seed) throws Exception {
        Corpus.Counted c = new Corpus.Counted();
        Corpus.readPlain(new java.io.StringReader(text), true, 1000, c);
        WordVocab v = WordVocab.build(c, 1);
        SkipgramTrainer t = new SkipgramTrainer(Corpus.encode(c, v), v, new SkipgramConfig.SgnsConfig(16, 3, 5, 3, 0.025, 1e-4,
                threads), 0, seed);
        t.train(threads, null);
        return t;
    }

    @Test
    void sameTopicWordsEndUpNearerThanCrossTopicWords() throws Exception {
        Corpus.Counted c = new Corpus.Counted();
        String text = topicCorpus(1500, 7);
        Corpus.readPlain(new java.io.StringReader(text), true, 1000, c);
        WordVocab vocab = WordVocab.build(c, 1);
        SkipgramTrainer t = train(text, 2, 3);
        // two threads: every output and input row (30 words < 256) lived in each thread's private copies, merged per
        // chunk
        assertEquals(vocab.size(), t.hotRowsUsed());
        assertEquals(vocab.size(), t.hotInputRowsUsed());
        String[] words = new String[vocab.size()];
        for (int i = 0; i < words.length; i++) {
            words[i] = vocab.word(i);
        }
        Vectors v = new Vectors(words, t.syn0, t.dims);
        double same = 0;
        double cross = 0;
        int ns = 0;
        int nc = 0;
        for (int i = 0; i < words.length; i++) {
            for (int j = i + 1; j < words.length; j++) {
                if (words[i].charAt(0) == words[j].charAt(0)) {
                    same += v.cosine(i, j);
                    ns++;
                } else {
                    cross += v.cosine(i, j);
                    nc++;
                }
            }
            // every word's nearest neighbour is from its own topic
            assertEquals(words[i].charAt(0), v.nearest(i, 1).get(0).word().charAt(0), words[i]);
        }
        assertTrue(same / ns > cross / nc + 0.3, "same-topic " + same / ns + " vs cross-topic " + cross / nc);
    }

    /** Trains a streamed corpus (blocks of 1,000 tokens read from {@code text} every epoch). */
    static SkipgramTrainer trainStreamed(String text, int threads, long seed) throws Exception {
        Corpus.Counted c = new Corpus.Counted();
        Corpus.readPlain(new java.io.StringReader(text), true, 1000, c);
        WordVocab v = WordVocab.build(c, 1);
        SkipgramTrainer.StreamSource source = (out, stop) -> Corpus.streamBlocks(new java.io.StringReader(text), true,
                1000, v, 1000, out, stop);
        SkipgramTrainer t = new SkipgramTrainer(source, v, new SkipgramConfig.SgnsConfig(16, 3, 5, 3, 0.025, 1e-4,
                threads), 0, seed);
        t.train(threads, null);
        return t;
    }

    /**
     * Two threads on a vocabulary of 10 topics x 20 words (200 words, more than a 64-word block per thread): the
     * threads split the output rows, with the corpus in memory and streamed (every block to both threads), and the
     * vectors still group by topic.
     */
    @Test
    void twoThreadsSplittingTheOutputRowsStillLearnTheTopics() throws Exception {
        Random r = new Random(11);
        StringBuilder sb = new StringBuilder();
        for (int s = 0; s < 3000; s++) {
            char topic = (char) ('a' + r.nextInt(10));
            for (int i = 0; i < 12; i++) {
                sb.append(i == 0 ? "" : " ").append(topic).append(r.nextInt(20));
            }
            sb.append('\n');
        }
        String text = sb.toString();
        Corpus.Counted c = new Corpus.Counted();
        Corpus.readPlain(new java.io.StringReader(text), true, 1000, c);
        WordVocab vocab = WordVocab.build(c, 1);
        assertEquals(200, vocab.size());
        assertEquals(1, train(topicCorpus(200, 1), 2, 4).shardsUsed(), "30 words: too few for two 64-word blocks");
        SkipgramTrainer inMemory = train(text, 2, 4);
        SkipgramTrainer streamed = trainStreamed(text, 2, 4);
        assertEquals(2 * SkipgramTrainer.SHARDS_PER_THREAD, inMemory.shardsUsed());
        assertEquals(2, streamed.shardsUsed(), "streamed: one shard per thread");
        for (SkipgramTrainer t : List.of(inMemory, streamed)) {
            // every token of the 3 epochs counted once (streamed: thread 0 got every block, not half of them)
            assertEquals(3 * vocab.totalCount(), t.wordsDone());
            assertTopicsLearned(vocab, t);
        }
    }

    private static void assertTopicsLearned(WordVocab vocab, SkipgramTrainer t) {
        String[] words = new String[vocab.size()];
        for (int i = 0; i < words.length; i++) {
            words[i] = vocab.word(i);
        }
        Vectors v = new Vectors(words, t.syn0, t.dims);
        int sameTopic = 0;
        for (int i = 0; i < words.length; i++) {
            sameTopic += words[i].charAt(0) == v.nearest(i, 1).get(0).word().charAt(0) ? 1 : 0;
        }
        assertTrue(sameTopic >= 0.9 * words.length, sameTopic + " of " + words.length + " nearest in their topic");
        // every output row served as a negative: against contexts of other topics, each word scores low (a word
        // never drawn as a negative gets only positive updates and scores high against every context)
        for (int w = 0; w < words.length; w++) {
            double score = 0;
            int n = 0;
            for (int ctx = 0; ctx < words.length; ctx++) {
                if (words[ctx].charAt(0) != words[w].charAt(0)) {
                    double dot = 0;
                    for (int k = 0; k < t.dims; k++) {
                        dot += t.syn0[ctx * t.dims + k] * t.syn1[w * t.dims + k];
                    }
                    score += 1 / (1 + Math.exp(-dot));
                    n++;
                }
            }
            assertTrue(score / n < 0.3, words[w] + " (id " + w + ") scores " + score / n + " against other topics");
        }
    }

    /**
     * Three threads claiming an epoch's tasks: every (shard, segment) is handed out once, and never two threads on
     * one shard at a time (each shard's rows have one writer).
     */
    @Test
    void shardTasksHandEachSegmentOutOnceAndEachShardToOneThreadAtATime() throws Exception {
        int shards = 5;
        SkipgramTrainer.ShardTasks tasks = new SkipgramTrainer.ShardTasks(shards);
        java.util.concurrent.atomic.AtomicIntegerArray holders = new java.util.concurrent.atomic.AtomicIntegerArray(shards);
        java.util.concurrent.atomic.AtomicIntegerArray handed =
                new java.util.concurrent.atomic.AtomicIntegerArray(shards * SkipgramTrainer.ShardTasks.SEGMENTS);
        java.util.concurrent.atomic.AtomicInteger overlaps = new java.util.concurrent.atomic.AtomicInteger();
        List<Thread> threads = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            threads.add(new Thread(() -> {
                for (int t = tasks.claim(); t >= 0; t = tasks.claim()) {
                    int s = t / SkipgramTrainer.ShardTasks.SEGMENTS;
                    handed.incrementAndGet(t);
                    if (holders.incrementAndGet(s) > 1) {
                        overlaps.incrementAndGet();
                    }
                    long until = System.nanoTime() + 200_000;
                    while (System.nanoTime() < until) {
                        Thread.onSpinWait();
                    }
                    holders.decrementAndGet(s);
                    tasks.release(s);
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join(10_000);
            assertTrue(!t.isAlive(), "a thread still claiming");
        }
        assertEquals(0, overlaps.get());
        for (int t = 0; t < handed.length(); t++) {
            assertEquals(1, handed.get(t), "task " + t);
        }
        assertEquals(-1, tasks.claim());
    }

    /**
     * A vocabulary whose first word outweighs the rest (no subsampling) has too few runs of ids for 4 shards a
     * thread: a shard left without words has no pairs to train (its tasks only read), and the others train all.
     */
    @Test
    void aShardWithoutWordsIsHarmless() throws Exception {
        Random r = new Random(5);
        StringBuilder sb = new StringBuilder();
        for (int s = 0; s < 3000; s++) {
            sb.append("the ".repeat(20)).append('w').append(r.nextInt(127)).append('\n');
        }
        double[] work = new double[128];
        java.util.Arrays.fill(work, 24);
        work[0] = 60_000;
        short[] map = SkipgramTrainer.shardMap(work, 8);
        assertTrue(java.util.stream.IntStream.range(0, 8).anyMatch(t -> {
            for (short m : map) {
                if (m == t) {
                    return false;
                }
            }
            return true;
        }), "some shard of 8 gets no word");
        SkipgramTrainer t = train(sb.toString(), 2, 1);
        assertEquals(8, t.shardsUsed());
        assertEquals(3 * 63_000, t.wordsDone());
        for (float v : t.syn1) {
            assertTrue(Float.isFinite(v));
        }
        assertTrue(t.lastLoss() < 5.5 * Math.log(2), "trained: sampled loss " + t.lastLoss());
    }

    /** The sigmoid table at and just under its end (which rounds past the last index) and at its middle. */
    @Test
    void theSigmoidTableHoldsAtItsEnds() {
        float below = Math.nextDown(6f);
        assertEquals(1000, (int) ((below + 6f) * (1000 / 6f / 2)), "rounds past the table (the case being tested)");
        assertEquals(1, SkipgramTrainer.sigmoid(below), 0.003);
        assertEquals(1, SkipgramTrainer.sigmoid(6f), 0.003);
        assertEquals(0, SkipgramTrainer.sigmoid(-6f), 0.003);
        assertEquals(0.5, SkipgramTrainer.sigmoid(0f), 0.005);
    }

    /** Many words of equal weight: blocks of 64 ids dealt in turn. */
    @Test
    void evenWordsMakeBlocksOf64DealtInTurn() {
        double[] work = new double[10_000];
        java.util.Arrays.fill(work, 1);
        short[] map = SkipgramTrainer.shardMap(work, 2);
        assertEquals(0, map[0]);
        assertEquals(0, map[63]);
        assertEquals(1, map[64]);
        assertEquals(1, map[127]);
        assertEquals(0, map[128]);
        assertEquals(2, SkipgramTrainer.shardMap(work, 3)[130]);
    }

    /**
     * Zipf-like words (the first ones heavy, as frequency ranks are): every thread gets an even share of the pairs,
     * in runs of at least 8 consecutive ids, and the negatives' factors give every word its one-table rate as a negative.
     */
    @Test
    void shardsOfZipfWordsAreEvenRunsOfIds() {
        int n = 14_000;
        double[] work = new double[n];
        double[] negativeMass = new double[n];
        for (int i = 0; i < n; i++) {
            double count = 70_000.0 / (i + 1);
            work[i] = Math.min(count, 30 * Math.sqrt(count));   // subsampling flattens the head
            negativeMass[i] = Math.pow(count, 0.75);
        }
        double total = java.util.Arrays.stream(work).sum();
        for (int shards : new int[]{2, 4, 8}) {
            short[] map = SkipgramTrainer.shardMap(work, shards);
            double[] load = new double[shards];
            for (int i = 0; i < n; i++) {
                load[map[i]] += work[i];
            }
            for (double l : load) {
                assertEquals(1.0, l / total * shards, 0.02, shards + " shards: " + java.util.Arrays.toString(load));
            }
            int from = 0;
            for (int i = 1; i <= n; i++) {
                if (i == n || map[i] != map[i - 1]) {
                    assertTrue(i - from >= SkipgramTrainer.SHARD_MIN_BLOCK || i == n, "run " + from + ".." + i);
                    from = i;
                }
            }
            // a word's rate as a negative: its shard's share of the pairs, times the factor, times its share of the
            // shard's count^0.75 mass; with one table: its share of the whole mass
            float[] scale = SkipgramTrainer.negativeScales(map, work, negativeMass, shards);
            double[] z = new double[shards];
            for (int i = 0; i < n; i++) {
                z[map[i]] += negativeMass[i];
            }
            double zt = java.util.Arrays.stream(z).sum();
            for (int i : new int[]{0, 1, 100, 5000, n - 1}) {
                double rate = load[map[i]] / total * scale[map[i]] * negativeMass[i] / z[map[i]];
                assertEquals(negativeMass[i] / zt, rate, 1e-6 * negativeMass[i] / zt, "word " + i);
            }
        }
    }

    /**
     * The sampled loss: with untrained output vectors (zero) every term is log 2; training on a two-topic corpus
     * brings it well below, and it reports after every epoch.
     */
    @Test
    void sampledLossStartsAtLogTwoPerTermAndFallsWithTraining() throws Exception {
        String text = topicCorpus(400, 5);
        Corpus.Counted c = new Corpus.Counted();
        Corpus.readPlain(new java.io.StringReader(text), true, 1000, c);
        WordVocab v = WordVocab.build(c, 1);
        Corpus.Encoded e = Corpus.encode(c, v);
        WordVocab.Alias alias = v.negativesAlias();
        SampledLoss loss = SampledLoss.draw(new Corpus.Block(e.tokens(), e.sentenceStarts()), 3, 5,
                alias.threshold(), alias.alias(), 1);
        assertEquals(SampledLoss.PAIRS, loss.pairs());
        float[] syn0 = new float[v.size() * 16];
        java.util.Arrays.fill(syn0, 0.1f);
        double untrained = loss.loss(syn0, new float[v.size() * 16], 16);
        // 1 + 5 terms of log 2, less the negatives that hit the pair's own word (1 in 30 words here)
        assertTrue(untrained > 5.5 * Math.log(2) && untrained <= 6 * Math.log(2) + 1e-9, "untrained " + untrained);
        SkipgramTrainer t = new SkipgramTrainer(e, v, new SkipgramConfig.SgnsConfig(16, 3, 5, 3, 0.025, 1e-4, 1), 0, 1);
        java.util.List<Double> perEpoch = new java.util.ArrayList<>();
        t.train(1, (epoch, tr) -> perEpoch.add(tr.lastLoss()));
        assertEquals(3, perEpoch.size());
        assertTrue(perEpoch.get(2) < 0.8 * untrained, "after training " + perEpoch);
        assertEquals(SampledLoss.softplus(0), Math.log(2), 1e-12);
        assertEquals(SampledLoss.softplus(800), 800, 1e-9);
        assertEquals(SampledLoss.softplus(-800), 0, 1e-12);
    }

    @Test
    void oneThreadIsBitReproducible() throws Exception {
        String text = topicCorpus(200, 1);
        assertArrayEquals(train(text, 1, 5).syn0, train(text, 1, 5).syn0);
    }

    @Test
    void vectorKernelsMatchThePlainLoops() {
        Random r = new Random(2);
        for (int n : new int[]{1, 7, 8, 100, 301}) {
            float[] a = new float[n + 3];
            float[] b = new float[n + 5];
            for (int i = 0; i < a.length; i++) {
                a[i] = r.nextFloat() - 0.5f;
            }
            for (int i = 0; i < b.length; i++) {
                b[i] = r.nextFloat() - 0.5f;
            }
            double exact = 0;
            for (int i = 0; i < n; i++) {
                exact += (double) a[3 + i] * b[5 + i];
            }
            assertEquals(exact, SkipgramTrainer.dot(a, 3, b, 5, n), 1e-4);
            assertEquals(exact, SimdKernels.dot(a, 3, b, 5, n), 1e-4);
            float[] e = new float[n];
            float[] out = b.clone();
            SimdKernels.update(0.5f, a, 3, out, 5, e, n);
            for (int i = 0; i < n; i++) {
                assertEquals(0.5f * b[5 + i], e[i], 1e-6);
                assertEquals(b[5 + i] + 0.5f * a[3 + i], out[5 + i], 1e-6);
            }
        }
    }

    @Test
    void similarityFileIsParsedAndScoredWithSpearman() throws IOException {
        Path f = tmp.resolve("sim.tsv");
        Files.writeString(f, "# word1\tword2\tscore\n\nA\tb\t10\na\tc\t5\nb\tc\t1\na\tzz\t3\n");
        List<WordEval.Pair> pairs = WordEval.readPairs(f);
        assertEquals(new WordEval.Pair("a", "b", 10), pairs.get(0));
        Vectors v = new Vectors(new String[]{"a", "b", "c"}, new float[]{1, 0, 0.9f, -0.1f, 0.5f, 0.866f}, 2);
        WordEval.Similarity s = WordEval.similarity(v, pairs);
        assertEquals(1.0, s.spearman(), 1e-12);
        assertEquals(3, s.pairs());
        assertEquals(0.25, s.oovRate(), 1e-12);
        // ties get average ranks: ranks(1, 2, 2, 3) = (1, 2.5, 2.5, 4)
        assertArrayEquals(new double[]{1, 2.5, 2.5, 4}, WordEval.ranks(new double[]{1, 2, 2, 3}));
        assertEquals(-1.0, WordEval.spearman(new double[]{1, 2, 3}, new double[]{9, 5, 1}), 1e-12);
        Files.writeString(f, "a\tb\t1\na b 2\n");
        DataException e = assertThrows(DataException.class, () -> WordEval.readPairs(f));
        assertTrue(e.getMessage().contains("sim.tsv:2:"), e.getMessage());
        Files.writeString(f, "a\tb\tten\n");
        assertTrue(assertThrows(DataException.class, () -> WordEval.readPairs(f)).getMessage().contains("ten"));
    }

    @Test
    void analogiesAreAnsweredBy3CosAddPerSectionWithOovQuestionsSkipped() throws IOException {
        Path f = tmp.resolve("q.txt");
        Files.writeString(f, ": capitals\nparis france rome italy\nparis france rome spain\n"
                + ": other\nparis france xx italy\n");
        List<WordEval.Question> qs = WordEval.readQuestions(f);
        assertEquals(3, qs.size());
        assertEquals("capitals", qs.get(0).section());
        // country = capital + (1, 0) offset direction
        Vectors v = new Vectors(new String[]{"paris", "france", "rome", "italy", "spain"},
                new float[]{0, 1, 1, 1, 0.2f, -1, 1.2f, -1, -1, 0}, 2);
        Map<String, WordEval.Score> s = WordEval.analogies(v, qs, 100);
        assertEquals(new WordEval.Score(1, 2, 0), s.get("capitals"));
        assertEquals(new WordEval.Score(0, 0, 1), s.get("other"));
        assertEquals(new WordEval.Score(1, 2, 1), s.get("overall"));
        assertEquals(new WordEval.Score(0, 0, 3), WordEval.analogies(v, qs, 3).get("overall"), "italy is outside the top 3");
        Files.writeString(f, ": s\na b c\n");
        assertTrue(assertThrows(DataException.class, () -> WordEval.readQuestions(f)).getMessage().contains("q.txt:2:"));
    }
}
