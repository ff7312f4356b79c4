package dev.dlp.pipelines.skipgram;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Skip-gram with negative sampling on flat float arrays, trained the way word2vec.c does it: Hogwild worker threads
 * (no locks; concurrent updates of the same row may overwrite each other, which SGD tolerates) taking chunks of
 * ~10,000 tokens in corpus order, negatives drawn from unigram^0.75 with an alias table, a sigmoid table, words
 * subsampled before the (dynamic) windows are drawn, and the learning rate decayed linearly by words processed.
 * Each chunk's random draws (subsampling, windows, negatives) come from a generator seeded by (seed, epoch, chunk),
 * as gensim seeds each job: a seed draws the same at any thread count (but for the negatives when the threads split
 * the output rows, {@link #SHARDED}). With one thread a seed gives bit-identical vectors; with several the
 * interleaving of updates is not reproducible.
 */
final class SkipgramTrainer {
    private static final Logger LOG = LoggerFactory.getLogger(SkipgramTrainer.class);
    private static final int EXP_TABLE_SIZE = 1000;
    private static final float MAX_EXP = 6;
    private static final float[] SIGMOID = new float[EXP_TABLE_SIZE];
    /** Words a worker processes between updates of the shared progress counter (and of its learning rate). */
    private static final int PROGRESS_EVERY = 10_000;
    /**
     * Whether the Vector API's module is loaded ({@code --add-modules jdk.incubator.vector}): then the inner loops
     * run on {@link SimdKernels}, else on plain loops (same results up to float rounding, slower).
     */
    static final boolean SIMD = dev.dlp.fast.Simd.MODULE && !Boolean.getBoolean("dlp.skipgram.noSimd");

    static {
        for (int i = 0; i < EXP_TABLE_SIZE; i++) {
            double e = Math.exp((i / (double) EXP_TABLE_SIZE * 2 - 1) * MAX_EXP);
            SIGMOID[i] = (float) (e / (e + 1));
        }
    }

    /** Called after each epoch (on the calling thread, workers stopped). */
    interface EpochListener {
        void epochDone(int epoch, SkipgramTrainer trainer);
    }

    final int vocabSize;
    private final long vocabTokens;
    final int dims;
    /** Input (word) vectors, vocab x dims, row-major: the embeddings. */
    final float[] syn0;
    /** Output vectors of negative sampling. */
    final float[] syn1;
    /** The corpus in memory, or null when it is streamed ({@link #stream}). */
    private final Corpus.Encoded corpus;
    /** A corpus read again every epoch in blocks (null when it is in memory). */
    private final StreamSource stream;
    private final SkipgramConfig.SgnsConfig cfg;
    private final int[] keep;
    private final int[] negThreshold;
    private final int[] negAlias;
    private final long seed;
    private final AtomicLong wordsDone = new AtomicLong();
    private final long totalWords;
    /**
     * With several threads (and no {@link #SHARDED shards}), each keeps the output rows of this many most frequent
     * words in a private copy and merges its change into the shared rows every {@link #MERGE_TOKENS} tokens: those
     * rows are written on nearly every pair (as negatives), and two threads writing the same rows pay for moving
     * cache lines between cores on every write (on this VM that cost changes ~4x over time: the bimodal 2-thread
     * speed). Measured 2026-11-28, 2 threads on Brown, 4 alternating runs: 526-940k words/s without, 790k-1,021k
     * with 256 rows; WordSim-353 / analogies over seeds 1-6: 0.2507 / 10.87 % with, 0.2505 / 10.58 % without.
     * {@code -Ddlp.skipgram.hotRows=0} turns it off; one thread never uses it (its vectors stay bit-reproducible).
     */
    static final int HOT_ROWS = Integer.getInteger("dlp.skipgram.hotRows", 256);
    /**
     * The hot words' input rows too (written whenever a hot word is a pair's context). Measured 2026-11-28, 2 threads
     * on Brown, 10 alternating runs each: median 1,042k words/s with, 925k without (both arms still had slow-phase
     * runs near 500k); WordSim-353 / analogies over seeds 1-6: 0.2489 / 10.87 % with, 0.2499 / 10.68 % without.
     * {@code -Ddlp.skipgram.hotInput=false} keeps them shared.
     */
    static final boolean HOT_INPUT = !"false".equals(System.getProperty("dlp.skipgram.hotInput"));
    /**
     * Vocabulary tokens a worker trains between merges of its hot rows (and at each chunk's end): a thread's copy
     * misses the other threads' changes until the next merge, and on rows written on nearly every pair the stale
     * changes add up. Measured 2026-11-29 (2 threads on Brown, seeds 7-18, the draws fixed per chunk so that runs
     * pair up, WordSim-353 rho against the same seeds' 1-thread runs): merging once per ~10k-token chunk -0.0056 ±
     * 0.0015 (lower on 10 of 12 seeds), every 1,000 tokens -0.0022 ± 0.0011, no private rows at all -0.0017 ±
     * 0.0010; speed in 5 alternating rounds (this VM's slow cross-core phase): 564k / 568k / 479k words/s (median)
     * per chunk / every 1,000 / none. {@code -Ddlp.skipgram.mergeTokens=N} sets it.
     */
    static final int MERGE_TOKENS = Integer.getInteger("dlp.skipgram.mergeTokens", 1_000);
    private int hotRows;
    /**
     * With several threads, the output rows are split between the threads ("shards": runs of consecutive word ids,
     * i.e. of frequency ranks, {@link #shardMap}): thread t trains only the pairs whose center word is in its shard,
     * and draws their negatives from its shard only (count^0.75 within it), so every output row has one writer. Each
     * shard reads the whole corpus with the same subsampling and window draws (seeded per chunk): in memory,
     * {@link #SHARDS_PER_THREAD} shards per thread, shard s starting s/shards of the way in (so that the threads work
     * on different text) in segments that whichever thread is free takes ({@link ShardTasks}); streamed, one shard per
     * thread, block by block as the reader hands every block to every thread ({@link #startReader}). The input rows
     * stay shared (Hogwild), each thread keeping the most frequent ones in private copies.
     *
     * <p>Why: two threads writing the same output rows, or neighbouring ones (a 100-float row is 6.25 cache lines,
     * so neighbours share a line), move those lines between the cores on nearly every pair. Two 1-thread runs side by
     * side keep 94-100 % of a lone run's speed, one 2-thread run made 570k-588k words/s against 641k-737k for one
     * thread (2026-11-29, this VM's slow phase). Measured the same morning, 2 threads on Brown, alternating: sharded
     * in blocks of 64 ids 993k / 1,042k words/s against 553k / 541k before (blocks of 16: 934k / 948k; of 256: 968k /
     * 1,002k; ids dealt one by one, which leaves neighbours in different shards: 463k); WordSim-353 rho / analogies
     * over seeds 7-18: 0.2551 / 10.51 % sharded against 0.2539 / 10.48 % before and 0.2561 / 10.35 % with one
     * thread. {@code -Ddlp.skipgram.shard=false}: off.
     */
    static final boolean SHARDED = !"false".equals(System.getProperty("dlp.skipgram.shard"));
    /** The most consecutive word ids in one run of a shard ({@code -Ddlp.skipgram.shardBlock=N}). */
    static final int SHARD_BLOCK = Integer.getInteger("dlp.skipgram.shardBlock", 64);
    /** Shards per thread for a corpus in memory ({@link ShardTasks}). */
    static final int SHARDS_PER_THREAD = 4;
    /** The fewest consecutive word ids in one run of a shard (short runs only where single words weigh much). */
    static final int SHARD_MIN_BLOCK = 8;
    /** Shards of the running {@link #train} (1: none). */
    private int shards = 1;
    /** The shard of each word id (null without shards). */
    private short[] shardOfWord;
    /** Each shard's words and their count^0.75 alias table, made once per {@link #train} (null without shards). */
    private int[][] shardWords;
    private WordVocab.Alias[] shardNegatives;
    /** Each shard's factor on its negatives' step, {@link #negativeScales} (null without shards). */
    private float[] shardNegativeScale;
    private final WordVocab vocab;

    /**
     * The shard of every word id, for {@code shards} shards: the ids, in order, cut into blocks of at most
     * {@link #SHARD_BLOCK} ids and at least {@link #SHARD_MIN_BLOCK} (a block also ends where its work would pass
     * 1/16 of a shard's share), each block going to the shard with the least work so far. A word's work is its
     * expected pairs as the center, i.e. its count times its subsampling keep probability ({@code work}).
     *
     * <p>Why not blocks of 64 dealt in turn (before 2026-11-29's fourteenth session): frequency ranks are far from
     * even, and the first 64 words alone hold 27 % of Brown's pairs after subsampling. Dealt in turn, 2 threads got
     * 61 / 39 % of the pairs, 4 threads up to 27.5 % (1.10x an even share), 8 threads 2.2x, so the thread with the
     * most frequent words set the epoch's time; here (computed on Brown's counts) 2, 4 and 8 threads get within
     * 0.2 % of an even share, 16 within 6.5 %. Each shard also gets a slice of the most frequent words, so its
     * negatives look more like the whole vocabulary's. Measured on 2 threads (2026-11-29, seeds 1-18): WordSim-353
     * rho 0.2563 against 0.2549 dealt in turn (+0.0014 ± 0.0026), analogies 10.64 % against 10.73 % (-0.08 ± 0.17),
     * the sampled loss of seed 1 2.553-2.556 against 2.582-2.588 (one thread: 2.583); words/s level (three sittings
     * of 5-6 alternating rounds, medians 1,000k / 847k / 1,074k against 1,044k / 915k / 1,009k): the two threads
     * finished close together before too, so a pair of the rare words' rows costs more than one of the frequent.
     */
    static short[] shardMap(double[] work, int shards) {
        if (shards > Short.MAX_VALUE) {
            throw new IllegalArgumentException("at most " + Short.MAX_VALUE + " shards");
        }
        double total = 0;
        for (double w : work) {
            total += w;
        }
        double cap = total / (16.0 * shards);
        double[] load = new double[shards];
        short[] map = new short[work.length];
        int from = 0;
        while (from < work.length) {
            int to = from;
            double sum = 0;
            while (to < work.length && to - from < SHARD_BLOCK
                    && (to - from < SHARD_MIN_BLOCK || sum + work[to] <= cap)) {
                sum += work[to++];
            }
            int least = 0;
            for (int t = 1; t < shards; t++) {
                if (load[t] < load[least]) {
                    least = t;
                }
            }
            load[least] += sum;
            java.util.Arrays.fill(map, from, to, (short) least);
            from = to;
        }
        return map;
    }

    /**
     * Each shard's factor on the step of its negatives, so that every word is pushed away as a negative as much, in
     * expectation, as with one table for all: a shard with a share {@code c} of the centers (and so of the pairs) and
     * a share {@code z} of the count^0.75 mass draws its words {@code c / z} times as often as the one table would;
     * its negatives' step is scaled by {@code z / c}. With 2 threads on Brown the factors are within 3 % of 1.
     */
    static float[] negativeScales(short[] map, double[] work, double[] negativeMass, int shards) {
        double[] c = new double[shards];
        double[] z = new double[shards];
        double ct = 0;
        double zt = 0;
        for (int i = 0; i < map.length; i++) {
            c[map[i]] += work[i];
            z[map[i]] += negativeMass[i];
            ct += work[i];
            zt += negativeMass[i];
        }
        float[] scale = new float[shards];
        for (int t = 0; t < shards; t++) {
            scale[t] = c[t] > 0 ? (float) ((z[t] / zt) / (c[t] / ct)) : 1f;
        }
        return scale;
    }

    /** The output-row shards the last {@link #train} used (1: none). */
    int shardsUsed() {
        return shards;
    }
    /** Serialises the workers' merges of their hot rows into the shared tables. */
    private final Object hotLock = new Object();

    /** The hot rows the last {@link #train} kept per thread (0 with one thread). */
    int hotRowsUsed() {
        return hotRows;
    }

    /** The hot input rows the last {@link #train} kept per thread (0 with one thread or {@link #HOT_INPUT} off). */
    int hotInputRowsUsed() {
        return HOT_INPUT ? hotRows : 0;
    }
    /** The first epoch to train (after a resume). */
    private int startEpoch;
    /** The loss on a fixed sample of pairs, drawn when training starts (null: no sentence of two tokens). */
    private SampledLoss sampled;
    /** The sampled loss after the last epoch trained, NaN before. */
    private double lastLoss = Double.NaN;
    /** Polled by the workers between sentences: Ctrl-C / SIGTERM ends the epoch early. */
    private volatile java.util.function.BooleanSupplier stop = () -> false;
    /** Set when a thread of the running epoch failed: the reader and the workers then stop waiting for each other. */
    private volatile boolean epochFailed;

    /** A corpus too big to hold: each call reads it once more, handing its blocks on in order. */
    interface StreamSource {
        void stream(java.util.function.Consumer<Corpus.Block> out, java.util.function.BooleanSupplier stop)
                throws java.io.IOException;
    }

    SkipgramTrainer(Corpus.Encoded corpus, WordVocab vocab, SkipgramConfig.SgnsConfig cfg, double sample, long seed) {
        this(corpus, null, vocab, cfg, sample, seed);
    }

    /** Trains on a streamed corpus: memory holds the vectors and a few blocks per worker, not the corpus. */
    SkipgramTrainer(StreamSource stream, WordVocab vocab, SkipgramConfig.SgnsConfig cfg, double sample, long seed) {
        this(null, stream, vocab, cfg, sample, seed);
    }

    private SkipgramTrainer(Corpus.Encoded corpus, StreamSource stream, WordVocab vocab,
                            SkipgramConfig.SgnsConfig cfg, double sample, long seed) {
        this.corpus = corpus;
        this.stream = stream;
        this.cfg = cfg;
        this.vocabSize = vocab.size();
        this.vocab = vocab;
        this.vocabTokens = vocab.totalCount();
        this.dims = cfg.dims();
        this.seed = seed;
        this.keep = vocab.keepThresholds(sample);
        WordVocab.Alias alias = vocab.negativesAlias();
        this.negThreshold = alias.threshold();
        this.negAlias = alias.alias();
        this.syn0 = new float[vocabSize * dims];
        this.syn1 = new float[vocabSize * dims];
        SplittableRandom r = new SplittableRandom(seed);
        // uniform in [-1/dims, 1/dims), gensim's range (word2vec.c draws from half of it): measured on WordSim-353,
        // seeds 1-6, the same seed's rho rose on every one of the six (mean 0.238 -> 0.244; README, skipgram)
        for (int i = 0; i < syn0.length; i++) {
            syn0[i] = (float) ((r.nextDouble() - 0.5) * 2 / dims);
        }
        this.totalWords = epochTokens() * cfg.epochs();
    }

    /** Vocabulary tokens per epoch (the learning rate's clock). */
    private long epochTokens() {
        return corpus != null ? corpus.tokens().length : vocabTokens;
    }

    /** Continues from a checkpoint: both vector tables and the learning rate's position after its epochs. */
    void restore(SkipgramCheckpoints.State s) {
        if (s.syn0().length != syn0.length || s.dims() != dims) {
            throw new IllegalArgumentException("checkpoint of " + s.dims() + " dims, " + s.syn0().length / s.dims()
                    + " words; this run has " + dims + " dims, " + vocabSize + " words");
        }
        System.arraycopy(s.syn0(), 0, syn0, 0, syn0.length);
        System.arraycopy(s.syn1(), 0, syn1, 0, syn1.length);
        wordsDone.set(s.wordsDone());
        startEpoch = s.epochsDone();
    }

    /** Words processed so far (the learning rate's position). */
    long wordsDone() {
        return wordsDone.get();
    }

    /** Makes the workers stop at the next sentence once {@code requested} turns true. */
    void stopWhen(java.util.function.BooleanSupplier requested) {
        this.stop = requested;
    }

    /**
     * Cuts the output rows into shards for {@code n} threads ({@link #SHARDED}), or none (one thread, the split off,
     * or a vocabulary too small): each shard's words, their negatives' alias table and factor.
     */
    private void splitOutputRows(int n) {
        // every thread needs a block of words of its own; a corpus in memory is split finer, so that a thread that
        // finishes its work early takes some of another's (ShardTasks), a streamed one has one shard per thread
        boolean split = n > 1 && SHARDED && vocabSize >= (long) n * SHARD_BLOCK;
        shards = !split ? 1 : corpus != null ? n * SHARDS_PER_THREAD : n;
        shardOfWord = null;
        shardWords = shards > 1 ? new int[shards][] : null;
        shardNegatives = shards > 1 ? new WordVocab.Alias[shards] : null;
        if (shards > 1) {
            double[] work = new double[vocabSize];
            double[] negativeMass = new double[vocabSize];
            for (int id = 0; id < vocabSize; id++) {
                work[id] = vocab.count(id) * (keep[id] / (double) (1 << 24));
                negativeMass[id] = Math.pow(vocab.count(id), 0.75);
            }
            shardOfWord = shardMap(work, shards);
            shardNegativeScale = negativeScales(shardOfWord, work, negativeMass, shards);
            int[] size = new int[shards];
            for (short t : shardOfWord) {
                size[t]++;
            }
            for (int t = 0; t < shards; t++) {
                shardWords[t] = new int[size[t]];
                size[t] = 0;
            }
            for (int id = 0; id < vocabSize; id++) {
                shardWords[shardOfWord[id]][size[shardOfWord[id]]++] = id;
            }
            for (int t = 0; t < shards; t++) {
                shardNegatives[t] = vocab.negativesAlias(shardWords[t]);
            }
        }
    }

    /** Trains every epoch; returns the training seconds (without the listener's time). */
    double train(int threads, EpochListener listener) throws InterruptedException {
        int n = Math.max(1, corpus == null ? threads : Math.min(threads, corpus.sentences()));
        int[] chunks = corpus == null ? null : chunks();
        hotRows = n > 1 ? Math.min(HOT_ROWS, vocabSize) : 0;
        splitOutputRows(n);
        // the same pairs whatever the run's seed: runs of one corpus (a seed sweep too) are scored alike
        sampled = SampledLoss.draw(sampleText(), cfg.window(), cfg.negative(), negThreshold, negAlias, SampledLoss.SEED);
        double seconds = 0;
        for (int epoch = startEpoch; epoch < cfg.epochs(); epoch++) {
            long t0 = System.nanoTime();
            long before = wordsDone.get();
            Thread[] workers = new Thread[n];
            Throwable[] failure = new Throwable[1];
            epochFailed = false;
            java.util.List<java.util.concurrent.BlockingQueue<Job>> blocks = corpus == null
                    ? startReader(n, shards > 1, failure) : null;
            java.util.concurrent.atomic.AtomicInteger nextChunk = new java.util.concurrent.atomic.AtomicInteger();
            ShardTasks tasks = corpus != null && shards > 1 ? new ShardTasks(shards) : null;
            long epochSeed = seed * 1_000_003L + epoch * 7919L;
            for (int w = 0; w < n; w++) {
                // the worker (its random state and error buffer, written on every pair) is allocated by its own
                // thread, in that thread's allocation buffer: created here, two workers' fields shared a cache
                // line and the threads invalidated each other's caches on every random draw (false sharing)
                int index = w;
                java.util.concurrent.BlockingQueue<Job> queue = blocks == null ? null
                        : blocks.get(shards > 1 ? index : 0);
                workers[w] = new Thread(() -> new Worker(index, chunks, nextChunk, tasks, queue, epochSeed).run(),
                        "skipgram-" + w);
                workers[w].setUncaughtExceptionHandler((t, e) -> {
                    failure[0] = e;
                    epochFailed = true;   // the reader and the other workers stop waiting for this one
                });
                workers[w].start();
            }
            long lastLog = System.nanoTime();
            for (Thread t : workers) {
                while (t.isAlive()) {
                    t.join(500);
                    if (System.nanoTime() - lastLog > 10_000_000_000L) {
                        lastLog = System.nanoTime();
                        double s = (lastLog - t0) / 1e9;
                        LOG.info(String.format(Locale.ROOT, "epoch %d/%d: %.0f%%, %.0f words/s, lr %.5f", epoch + 1,
                                cfg.epochs(), 100.0 * (wordsDone.get() - before) / epochTokens(),
                                (wordsDone.get() - before) / s, lr(wordsDone.get())));
                    }
                }
            }
            if (failure[0] != null) {
                throw new IllegalStateException("a training thread failed: " + failure[0], failure[0]);
            }
            if (stop.getAsBoolean()) {
                throw new InterruptedException("interrupted in epoch " + (epoch + 1) + " of " + cfg.epochs());
            }
            double s = (System.nanoTime() - t0) / 1e9;
            seconds += s;
            lastLoss = sampled == null ? Double.NaN : sampled.loss(syn0, syn1, dims);
            LOG.info(String.format(Locale.ROOT, "epoch %d/%d: %.2f s, %.0f words/s, lr %.5f, sampled loss %.4f",
                    epoch + 1, cfg.epochs(), s, epochTokens() / s, lr(wordsDone.get()), lastLoss));
            if (listener != null) {
                listener.epochDone(epoch, this);
            }
        }
        return seconds;
    }

    /** The sampled loss after the last epoch trained (NaN before the first, or without a sample). */
    double lastLoss() {
        return lastLoss;
    }

    /** The text the loss's pairs come from: the corpus in memory, or a streamed corpus's first blocks. */
    private Corpus.Block sampleText() {
        if (corpus != null) {
            return new Corpus.Block(corpus.tokens(), corpus.sentenceStarts());
        }
        java.util.List<Corpus.Block> first = new java.util.ArrayList<>();
        try {
            stream.stream(first::add, () -> first.size() >= 20);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        int tokens = first.stream().mapToInt(b -> b.tokens().length).sum();
        int sentences = first.stream().mapToInt(Corpus.Block::sentences).sum();
        int[] t = new int[tokens];
        int[] starts = new int[sentences + 1];
        int at = 0;
        int si = 0;
        for (Corpus.Block b : first) {
            for (int i = 0; i < b.sentences(); i++) {
                starts[si++] = at + b.starts()[i];
            }
            System.arraycopy(b.tokens(), 0, t, at, b.tokens().length);
            at += b.tokens().length;
        }
        starts[si] = at;
        return new Corpus.Block(t, starts);
    }

    /** Blocks per worker the reader may run ahead by: memory is bounded by this many blocks, not by the corpus. */
    static final int BLOCKS_AHEAD = 4;
    /** Vocabulary tokens per streamed block (about gensim's job size). */
    static final int BLOCK_TOKENS = 10_000;
    /** A streamed block and its place in the epoch (which seeds its random draws). */
    private record Job(int index, Corpus.Block block) {
    }

    /** Handed to each worker after the last block of an epoch. */
    private static final Job END = new Job(-1, new Corpus.Block(new int[0], new int[]{0}));

    /**
     * Starts a thread that reads the streamed corpus once into bounded queues of blocks, then one {@link #END} per
     * worker; a read error is recorded in {@code failure} (and the workers still get their ends). Without shards one
     * queue that the workers share (each block goes to one of them); with shards ({@code broadcast}) one queue per
     * worker, each getting every block, since every worker trains its own words' pairs in all the text. Memory is
     * bounded either way: the reader waits while a queue is full, so at most {@link #BLOCKS_AHEAD} blocks per queue
     * (and one per worker in hand) are held.
     */
    private java.util.List<java.util.concurrent.BlockingQueue<Job>> startReader(int workers, boolean broadcast,
                                                                             Throwable[] failure) {
        java.util.List<java.util.concurrent.BlockingQueue<Job>> queues = new java.util.ArrayList<>();
        for (int i = 0; i < (broadcast ? workers : 1); i++) {
            queues.add(new java.util.concurrent.ArrayBlockingQueue<>(BLOCKS_AHEAD * (broadcast ? 1 : workers)));
        }
        Thread reader = new Thread(() -> {
            int[] index = new int[1];
            try {
                stream.stream(b -> {
                    Job j = new Job(index[0]++, b);
                    queues.forEach(q -> put(q, j));
                }, () -> epochFailed || stop.getAsBoolean());
            } catch (java.io.IOException | RuntimeException e) {
                failure[0] = e;
            } finally {
                for (int i = 0; i < workers; i++) {
                    put(queues.get(broadcast ? i : 0), END);
                }
            }
        }, "skipgram-reader");
        reader.setDaemon(true);
        reader.start();
        return queues;
    }

    /** Puts {@code b} on {@code q}, waiting while it is full, unless a training thread failed (then drops it). */
    private void put(java.util.concurrent.BlockingQueue<Job> q, Job b) {
        try {
            while (!epochFailed) {
                if (q.offer(b, 50, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the corpus", e);
        }
    }

    /**
     * Sentence index bounds of the in-memory corpus's chunks of about {@link #BLOCK_TOKENS} tokens, taken in corpus order
     * by whichever worker is free (as gensim hands out its jobs, and as a streamed corpus's blocks are: the same
     * bounds as {@link Corpus#streamBlocks}'s, so chunk c and block c draw alike). Measured
     * against the previous split into one contiguous slice per worker: WordSim-353 rho rose from 0.2424 to 0.2594 (mean of
     * seeds 1-4, 2 threads, Brown), about what one thread gets; with one thread the order, and so the vectors, are the
     * same as before.
     */
    private int[] chunks() {
        int[] starts = corpus.sentenceStarts();
        int sentences = corpus.sentences();
        int[] b = new int[sentences + 1];
        int c = 0;
        b[c++] = 0;
        for (int s = 1; s < sentences; s++) {
            if (starts[s] - starts[b[c - 1]] >= BLOCK_TOKENS) {
                b[c++] = s;
            }
        }
        b[c++] = sentences;
        return java.util.Arrays.copyOf(b, c);
    }

    private float lr(long done) {
        double progress = Math.min(1, done / (double) (totalWords + 1));
        return (float) (cfg.lr() - (cfg.lr() - cfg.minLr()) * progress);
    }

    /**
     * An epoch's work on a corpus in memory with shards: each shard's pass over the corpus, cut into
     * {@link #SEGMENTS} segments of consecutive chunks; a thread claims a shard no other thread is training (the one
     * with the most segments left), trains its next segment, and releases it. A shard's rows so keep one writer at
     * a time, and the threads share the work whatever their speed: with one shard per thread, the epoch waited for
     * the slower thread (2026-11-29, 2 threads on Brown, 6 runs of 5 epochs: the epochs of 0.93-1.03 s had one thread
     * finishing 167-277 ms after the other, the others took 0.76-0.88 s with gaps of 4-125 ms). Against that: 5
     * alternating rounds, 1,151k-1,424k words/s against 1,083k-1,192k, faster in every round.
     */
    static final class ShardTasks {
        static final int SEGMENTS = 8;
        private final java.util.concurrent.atomic.AtomicIntegerArray taken;
        private final java.util.concurrent.atomic.AtomicIntegerArray busy;

        ShardTasks(int shards) {
            taken = new java.util.concurrent.atomic.AtomicIntegerArray(shards);
            busy = new java.util.concurrent.atomic.AtomicIntegerArray(shards);
        }

        /**
         * Claims the next task, {@code shard * SEGMENTS + segment}, holding its shard until {@link #release}; -1 once
         * every segment is taken. Waits (yielding) while every shard with segments left is held by another thread.
         */
        int claim() {
            while (true) {
                int best = -1;
                int left = 0;
                boolean any = false;
                for (int s = 0; s < taken.length(); s++) {
                    int l = SEGMENTS - taken.get(s);
                    if (l > 0) {
                        any = true;
                        if (busy.get(s) == 0 && l > left) {
                            best = s;
                            left = l;
                        }
                    }
                }
                if (!any) {
                    return -1;
                }
                if (best < 0 || !busy.compareAndSet(best, 0, 1)) {
                    Thread.yield();
                    continue;
                }
                int k = taken.get(best);
                if (k >= SEGMENTS) {   // its last segment went to another thread between the scan and the claim
                    busy.set(best, 0);
                    continue;
                }
                taken.set(best, k + 1);
                return best * SEGMENTS + k;
            }
        }

        void release(int shard) {
            busy.set(shard, 0);
        }
    }

    /** One thread of one epoch: it takes the corpus chunk by chunk (or block by block) until none is left. */
    private final class Worker implements Runnable {
        /** This worker's number (with a streamed corpus and shards, also its shard). */
        private final int index;
        /** The shard being trained (0 without shards), its words and their count^0.75 alias table (null without). */
        private int shard;
        private int[] shardWords;
        private int[] shardThreshold;
        private int[] shardAlias;
        /** The shard of each word (null without shards) and the factor on this shard's negatives' step. */
        private final short[] shardOfWord;
        private float negativeScale = 1f;
        /** The in-memory corpus's chunk bounds and the next chunk to take (null for a streamed corpus). */
        private final int[] chunks;
        private final java.util.concurrent.atomic.AtomicInteger nextChunk;
        /** The epoch's (shard, segment) tasks for a corpus in memory with shards (else null). */
        private final ShardTasks tasks;
        /** The streamed corpus's blocks (null for a corpus in memory). */
        private final java.util.concurrent.BlockingQueue<Job> blocks;
        /** Mixed with a chunk's index into the seed of that chunk's draws. */
        private final long epochSeed;
        /** Tokens read and not yet added to {@link #wordsDone} (counted in shard 0's tasks only when sharded). */
        private long pending;
        /** Tokens read since the learning rate was last updated. */
        private int sinceProgress;
        /** Tokens trained since the last merge of the hot rows. */
        private int sinceMerge;
        private float alpha;
        private long rng;
        /** The negatives' generator when sharded (the other draws are the same in every worker). */
        private long negRng;
        private final float[] neu1e = new float[dims];
        private int[] buf = new int[256];
        /**
         * Output rows 0..hot-1 (the most frequent words) worked on in a private copy, merged every
         * {@link #MERGE_TOKENS} tokens and at each chunk's end; the same
         * for their input rows (hot0) unless {@link #HOT_INPUT} is off.
         */
        private final int hot;
        private final float[] hot1;
        private final float[] base1;
        private final int hotIn;
        private final float[] hot0;
        private final float[] base0;

        Worker(int index, int[] chunks, java.util.concurrent.atomic.AtomicInteger nextChunk, ShardTasks tasks,
               java.util.concurrent.BlockingQueue<Job> blocks, long epochSeed) {
            this.index = index;
            this.shardOfWord = shards > 1 ? SkipgramTrainer.this.shardOfWord : null;
            if (shards > 1 && blocks != null) {
                useShard(index);
            }
            this.chunks = chunks;
            this.nextChunk = nextChunk;
            this.tasks = tasks;
            this.blocks = blocks;
            this.epochSeed = epochSeed;
            this.hot = shards > 1 ? 0 : hotRows;   // sharded: each output row has one writer
            this.hot1 = new float[hot * dims];
            this.base1 = new float[hot * dims];
            this.hotIn = HOT_INPUT ? hotRows : 0;
            this.hot0 = new float[hotIn * dims];
            this.base0 = new float[hotIn * dims];
            synchronized (hotLock) {
                System.arraycopy(syn1, 0, hot1, 0, hot1.length);
                System.arraycopy(syn1, 0, base1, 0, base1.length);
                System.arraycopy(syn0, 0, hot0, 0, hot0.length);
                System.arraycopy(syn0, 0, base0, 0, base0.length);
            }
        }

        /**
         * Adds this worker's change to the hot rows since the last merge to the shared rows, then takes theirs. One
         * worker at a time (two merging at once could each overwrite the other's change; a merge is ~50k floats per
         * ~1,000 tokens, about 1 % of the work).
         */
        private void merge() {
            sinceMerge = 0;
            synchronized (hotLock) {
                merge(syn1, hot1, base1);
                merge(syn0, hot0, base0);
            }
        }

        private static void merge(float[] shared, float[] own, float[] base) {
            for (int i = 0; i < own.length; i++) {
                float v = shared[i] + (own[i] - base[i]);
                shared[i] = v;
                own[i] = v;
                base[i] = v;
            }
        }

        /**
         * Seeds the generators for chunk {@code c} of the epoch: the draws' from the seed, epoch and c; the sharded
         * negatives' from those and this worker.
         */
        private void seedChunk(int c) {
            rng = splitMix(epochSeed + (c + 1L) * 0x9E3779B97F4A7C15L);
            negRng = splitMix(rng + (shard + 1L) * 0xD1B54A32D192ED03L);
        }

        /** SplitMix64's finaliser (never 0: xorshift's state must not be). */
        private static long splitMix(long z) {
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            z ^= z >>> 31;
            return z == 0 ? 0x9E3779B97F4A7C15L : z;
        }

        /** xorshift64* on the negatives' generator. */
        private long nextNegative() {
            negRng = xorshift(negRng);
            return negRng * 0x2545F4914F6CDD1DL;
        }

        /** xorshift64*. */
        private long next() {
            rng = xorshift(rng);
            return rng * 0x2545F4914F6CDD1DL;
        }

        /** xorshift64's state step. */
        private static long xorshift(long x) {
            x ^= x >>> 12;
            x ^= x << 25;
            return x ^ (x >>> 27);
        }

        @Override
        public void run() {
            alpha = lr(wordsDone.get());
            if (tasks != null) {
                int count = chunks.length - 1;
                for (int t = tasks.claim(); t >= 0; t = tasks.claim()) {
                    int s = t / ShardTasks.SEGMENTS;
                    int k = t % ShardTasks.SEGMENTS;
                    try {
                        useShard(s);
                        // shard s reads the chunks from s/shards of the way in: shards train different text at once
                        for (long p = (long) count * k / ShardTasks.SEGMENTS;
                             p < (long) count * (k + 1) / ShardTasks.SEGMENTS && !stop.getAsBoolean(); p++) {
                            int c = (int) ((p + (long) s * count / shards) % count);
                            seedChunk(c);
                            sentences(corpus.tokens(), corpus.sentenceStarts(), chunks[c], chunks[c + 1]);
                            merge();
                        }
                        // now: the next task may be a shard that does not count its tokens
                        wordsDone.addAndGet(pending);
                        pending = 0;
                    } finally {
                        tasks.release(s);
                    }
                }
            } else if (blocks == null) {
                for (int c = nextChunk.getAndIncrement(); c + 1 < chunks.length && !stop.getAsBoolean();
                     c = nextChunk.getAndIncrement()) {
                    seedChunk(c);
                    sentences(corpus.tokens(), corpus.sentenceStarts(), chunks[c], chunks[c + 1]);
                    merge();
                }
            } else {
                try {
                    for (Job j = next(blocks); j != END; j = next(blocks)) {
                        seedChunk(j.index());
                        sentences(j.block().tokens(), j.block().starts(), 0, j.block().sentences());
                        merge();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            wordsDone.addAndGet(pending);
            pending = 0;
        }

        /**
         * Trains shard {@code s}'s pairs from now on: its words, negatives and their factor. Shard 0 counts the tokens
         * it reads into {@link #wordsDone} (every shard reads every token once an epoch).
         */
        private void useShard(int s) {
            shard = s;
            shardWords = SkipgramTrainer.this.shardWords[s];
            shardThreshold = shardNegatives[s].threshold();
            shardAlias = shardNegatives[s].alias();
            negativeScale = shardNegativeScale[s];
        }

        /** The next streamed block, or {@link #END} once a training thread of this epoch failed. */
        private Job next(java.util.concurrent.BlockingQueue<Job> q) throws InterruptedException {
            Job j;
            while ((j = q.poll(50, java.util.concurrent.TimeUnit.MILLISECONDS)) == null) {
                if (epochFailed) {
                    return END;
                }
            }
            return j;
        }

        /** Trains sentences [from, to) of {@code tokens} (sentence s is tokens[starts[s] .. starts[s+1])). */
        private void sentences(int[] tokens, int[] starts, int from, int to) {
            final int window = cfg.window();
            final int negative = cfg.negative();
            final int sh = shards;
            for (int s = from; s < to; s++) {
                if (stop.getAsBoolean()) {
                    break;
                }
                int a = starts[s];
                int b = starts[s + 1];
                if (b - a > buf.length) {
                    buf = new int[b - a];
                }
                int len = 0;
                for (int t = a; t < b; t++) {
                    int w = tokens[t];
                    if ((int) (next() >>> 40) < keep[w]) {
                        buf[len++] = w;
                    }
                }
                for (int i = 0; i < len; i++) {
                    int center = buf[i];
                    int reduced = window - (int) (((next() >>> 32) * window) >>> 32);
                    if (sh > 1 && shardOfWord[center] != shard) {
                        continue;
                    }
                    int lo = Math.max(0, i - reduced);
                    int hi = Math.min(len - 1, i + reduced);
                    for (int j = lo; j <= hi; j++) {
                        if (j != i) {
                            pair(center, buf[j], alpha, negative);
                        }
                    }
                }
                boolean counts = sh == 1 || shard == 0;   // sharded: every shard reads every token, shard 0 counts
                if (counts) {
                    pending += b - a;
                }
                sinceProgress += b - a;
                sinceMerge += b - a;
                if (hot > 0 && sinceMerge >= MERGE_TOKENS) {
                    merge();
                }
                if (sinceProgress >= PROGRESS_EVERY) {
                    sinceProgress = 0;
                    alpha = lr(counts ? wordsDone.addAndGet(pending) : wordsDone.get());
                    pending = 0;
                }
            }
        }

        /** One (center, context) pair: the context's input vector predicts the center word against negatives. */
        private void pair(int center, int context, float alpha, int negative) {
            final int d = dims;
            final float[] s0 = context < hotIn ? hot0 : syn0;
            final float[] shared1 = syn1;
            final float[] e = neu1e;
            final int l1 = context * d;
            final float negativeAlpha = alpha * negativeScale;   // 1 without shards
            Arrays.fill(e, 0f);
            for (int k = 0; k <= negative; k++) {
                int target;
                float label;
                float step = alpha;
                if (k == 0) {
                    target = center;
                    label = 1;
                } else if (shardThreshold != null) {
                    long r = nextNegative();
                    int i = (int) (((r >>> 32) * shardThreshold.length) >>> 32);
                    target = shardWords[((int) r & 0xFFFFFF) < shardThreshold[i] ? i : shardAlias[i]];
                    if (target == center) {
                        continue;
                    }
                    label = 0;
                    step = negativeAlpha;
                } else {
                    long r = next();
                    int i = (int) (((r >>> 32) * vocabSize) >>> 32);
                    target = ((int) r & 0xFFFFFF) < negThreshold[i] ? i : negAlias[i];
                    if (target == center) {
                        continue;
                    }
                    label = 0;
                }
                int l2 = target * d;
                float[] s1 = target < hot ? hot1 : shared1;
                float f = SIMD ? SimdKernels.dot(s0, l1, s1, l2, d) : dot(s0, l1, s1, l2, d);
                float g;
                if (f > MAX_EXP) {
                    g = (label - 1) * step;
                } else if (f < -MAX_EXP) {
                    g = label * step;
                } else {
                    g = (label - sigmoid(f)) * step;
                }
                if (SIMD) {
                    SimdKernels.update(g, s0, l1, s1, l2, e, d);
                } else {
                    for (int i = 0; i < d; i++) {
                        float o = s1[l2 + i];
                        e[i] += g * o;
                        s1[l2 + i] = o + g * s0[l1 + i];
                    }
                }
            }
            if (SIMD) {
                SimdKernels.add(e, s0, l1, d);
            } else {
                for (int i = 0; i < d; i++) {
                    s0[l1 + i] += e[i];
                }
            }
        }
    }

    /**
     * The sigmoid table's value at {@code f}, for |f| <= {@link #MAX_EXP}. A dot product just under MAX_EXP (or at
     * it) rounds to the index past the table's end; word2vec.c skips such pairs, here they take the last entry (a
     * 2-thread run on a vocabulary where one word outweighs the rest failed on it).
     */
    static float sigmoid(float f) {
        return SIGMOID[Math.min((int) ((f + MAX_EXP) * (EXP_TABLE_SIZE / MAX_EXP / 2)), EXP_TABLE_SIZE - 1)];
    }

    /** Dot product with eight independent accumulators (the JIT does not vectorise a single float sum). */
    static float dot(float[] a, int ao, float[] b, int bo, int n) {
        float s0 = 0;
        float s1 = 0;
        float s2 = 0;
        float s3 = 0;
        float s4 = 0;
        float s5 = 0;
        float s6 = 0;
        float s7 = 0;
        int i = 0;
        for (; i + 7 < n; i += 8) {
            s0 += a[ao + i] * b[bo + i];
            s1 += a[ao + i + 1] * b[bo + i + 1];
            s2 += a[ao + i + 2] * b[bo + i + 2];
            s3 += a[ao + i + 3] * b[bo + i + 3];
            s4 += a[ao + i + 4] * b[bo + i + 4];
            s5 += a[ao + i + 5] * b[bo + i + 5];
            s6 += a[ao + i + 6] * b[bo + i + 6];
            s7 += a[ao + i + 7] * b[bo + i + 7];
        }
        for (; i < n; i++) {
            s0 += a[ao + i] * b[bo + i];
        }
        return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
    }
}
