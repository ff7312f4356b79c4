package dev.dlp.cli;

import dev.dlp.pipelines.Context;
import dev.dlp.pipelines.skipgram.Skipgram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code dlp skipgram}: skip-gram word2vec with negative sampling; {@code nearest} and {@code eval} on its vectors. */
@Command(name = "skipgram", mixinStandardHelpOptions = true,
        description = {"Train skip-gram word vectors with negative sampling on the Brown corpus (default) or a "
                + "plain-text corpus (--data FILE, one sentence per line): writes vectors.txt (word2vec text format), "
                + "vocab.tsv, tsne.png and summary.json into models/skipgram/<stamp>-<id>/.",
            "Probe words' nearest neighbours are logged after each epoch."},
        subcommands = {SkipgramCommand.Nearest.class, SkipgramCommand.Eval.class, SkipgramCommand.ExportCorpus.class})
public final class SkipgramCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    LoggingMixin logging;

    @Option(names = "--config", paramLabel = "FILE", description = "Config file, or the name of a shipped config "
            + "(default: skipgram).")
    String config;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override a config value by its dotted path, "
            + "e.g. train.epochs=10. Repeatable.")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--data", paramLabel = "FILE", description = "A plain-text corpus (one sentence per line, "
            + "tokens separated by spaces) instead of Brown; sets data.corpus.")
    Path data;

    @Option(names = "--seed", paramLabel = "N", description = "Overrides the config's seed.")
    Long seed;

    @Option(names = "--threads", paramLabel = "N", description = "Worker threads (0 = one per core; sets "
            + "train.threads). Only 1 thread is bit-reproducible.")
    Integer threads;

    @Option(names = "--runs-root", paramLabel = "DIR", defaultValue = "models",
            description = "Where run directories go (default: ${DEFAULT-VALUE}).")
    Path runsRoot;

    @Option(names = "--run-name", paramLabel = "NAME", description = "Suffix for the run directory name.")
    String runName;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Data directory holding brown/ (default: $DLP_DATA, else the config's data.dir, 'data').")
    String dataDir;

    @Option(names = "--resume", paramLabel = "RUN_DIR", description = "Continue a run from its newest epoch "
            + "checkpoint (its own config, plus any --set), in its directory.")
    Path resume;

    @Override
    public Integer call() {
        return Skipgram.run(new Skipgram.Options(config, List.copyOf(overrides), data, seed, threads, runsRoot,
                runName, resume), new Context(dataDir, spec.commandLine().getOut(), logging.quiet()));
    }

    @Command(name = "nearest", mixinStandardHelpOptions = true,
            description = "Print the k nearest words of each word by cosine similarity.")
    static final class Nearest implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        LoggingMixin logging;
        @Option(names = "--model", required = true, paramLabel = "RUN_DIR|FILE",
                description = "A skipgram run directory or a word2vec text file.")
        Path model;
        @Option(names = {"-k", "--top"}, defaultValue = "10", paramLabel = "K",
                description = "Neighbours per word (default: ${DEFAULT-VALUE}).")
        int k;
        @Parameters(arity = "1..*", paramLabel = "WORD", description = "Words to look up (lowercased).")
        List<String> words;

        @Override
        public Integer call() {
            if (k < 1) {
                throw new ExitCodes.BadInputException("--top must be >= 1, got " + k);
            }
            return Skipgram.nearest(model, words, k, new Context(null, spec.commandLine().getOut(),
                    logging.quiet()));
        }
    }

    @Command(name = "corpus", mixinStandardHelpOptions = true,
            description = "Write the cleaned Brown corpus (what skipgram trains on: lowercased words, punctuation "
                    + "dropped) as one sentence per line, e.g. for gensim.")
    static final class ExportCorpus implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        LoggingMixin logging;
        @Option(names = "--data-dir", paramLabel = "DIR", description = "Where brown/ is (default: data, or $DLP_DATA).")
        String dataDir;
        @Option(names = {"-o", "--out"}, required = true, paramLabel = "FILE", description = "The text file to write.")
        Path out;

        @Override
        public Integer call() {
            return Skipgram.exportCorpus(out, new Context(dataDir, spec.commandLine().getOut(),
                    logging.quiet()));
        }
    }

    @Command(name = "eval", mixinStandardHelpOptions = true,
            description = {"Word-vector benchmarks: --similarity (word1 TAB word2 TAB score, '#' comments; prints "
                    + "Spearman's rho and the OOV rate) and/or --analogies (': section' lines, then 'a b c d' rows; "
                    + "3CosAdd accuracy per section and overall; questions with OOV words are skipped)."})
    static final class Eval implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        LoggingMixin logging;
        @Option(names = "--model", required = true, paramLabel = "RUN_DIR|FILE",
                description = "A skipgram run directory or a word2vec text file.")
        Path model;
        @Option(names = "--similarity", paramLabel = "FILE", description = "Word pairs with human scores, e.g. "
                + "wordsim353.tsv.")
        Path similarity;
        @Option(names = "--analogies", paramLabel = "FILE", description = "Analogy questions, e.g. "
                + "questions-words.txt.")
        Path analogies;
        @Option(names = "--restrict", defaultValue = "30000", paramLabel = "N",
                description = "Analogies: answers and questions among the N most frequent words (default: "
                        + "${DEFAULT-VALUE}, as gensim).")
        int restrict;

        @Override
        public Integer call() {
            if (restrict < 1) {
                throw new ExitCodes.BadInputException("--restrict must be >= 1, got " + restrict);
            }
            return Skipgram.eval(model, similarity, analogies, restrict, new Context(null,
                    spec.commandLine().getOut(), logging.quiet()));
        }
    }
}
