package dev.dlp.pipelines.skipgram;

import dev.dlp.config.Check;
import dev.dlp.config.ConfigException;

import java.util.List;

/**
 * The config of {@code dlp skipgram}; see {@code configs/skipgram.yaml} for every key with its meaning.
 *
 * @param seed   seeds the initial vectors, subsampling, windows and negatives (bit-reproducible with one thread)
 * @param data   the corpus
 * @param vocab  vocabulary and subsampling
 * @param train  model size and optimisation
 * @param probes words whose nearest neighbours are logged after each epoch
 * @param tsne   the t-SNE map of the most frequent words
 */
public record SkipgramConfig(long seed, DataConfig data, VocabConfig vocab, SgnsConfig train, ProbeConfig probes,
                             TsneConfig tsne) {

    public static final SkipgramConfig DEFAULTS = new SkipgramConfig(1, DataConfig.DEFAULTS, VocabConfig.DEFAULTS,
            SgnsConfig.DEFAULTS, ProbeConfig.DEFAULTS, TsneConfig.DEFAULTS);

    public void validate() {
        if (data == null || vocab == null || train == null || probes == null || tsne == null) {
            throw new ConfigException("", "a section is null");
        }
        data.validate();
        vocab.validate();
        train.validate();
        probes.validate();
        tsne.validate();
    }

    /**
     * The {@code data:} section.
     *
     * @param dir    the data directory ({@code --data-dir} and {@code $DLP_DATA} win); the Brown corpus is read
     *               from its {@code brown/} folder
     * @param corpus {@code brown} (the tagged Brown files {@code ca01..cr09}, cleaned here), {@code sotu} (the State
     *               of the Union addresses, {@code <dir>/sotu/sotu.txt} from scripts/fetch-data.sh) or a plain-text file
     *               (one sentence per line, tokens separated by white space); {@code --data FILE} sets it
     * @param lowercase lowercase plain-text corpora (Brown is always lowercased)
     * @param maxSentenceLength longer lines (e.g. text8's single line) are cut into pieces of this many tokens
     * @param stream    plain-text corpora: {@code true} reads the file again every epoch in blocks (memory bounded by
     *                  the vocabulary, not the corpus), {@code false} holds it in memory, {@code auto} streams files
     *                  larger than a quarter of the heap
     */
    public record DataConfig(String dir, String corpus, boolean lowercase, int maxSentenceLength, String stream) {
        public static final DataConfig DEFAULTS = new DataConfig("data", "brown", true, 10000, "auto");

        void validate() {
            if (corpus == null || corpus.isBlank()) {
                throw new ConfigException("data.corpus", "must be 'brown' or a file");
            }
            Check.atLeast("data.max_sentence_length", maxSentenceLength, 2);
            if (!stream.equals("auto") && !stream.equals("true") && !stream.equals("false")) {
                throw new ConfigException("data.stream", "must be auto, true or false, got '" + stream + "'");
            }
        }
    }

    /**
     * The {@code vocab:} section.
     *
     * @param minCount words seen fewer times are dropped
     * @param sample   subsampling threshold of frequent words (0 = off)
     */
    public record VocabConfig(int minCount, double sample) {
        public static final VocabConfig DEFAULTS = new VocabConfig(5, 1e-3);

        void validate() {
            Check.atLeast("vocab.min_count", minCount, 1);
            Check.inRange("vocab.sample", sample, 0, 1);
        }
    }

    /**
     * The {@code train:} section: skip-gram with negative sampling (SGNS).
     *
     * @param dims     vector size
     * @param window   maximum window radius (each position draws its radius from 1..window)
     * @param negative negative samples per (word, context) pair
     * @param epochs   passes over the corpus
     * @param lr       starting learning rate, decayed linearly to {@code min_lr} over all epochs
     * @param minLr    final learning rate
     * @param threads  worker threads (0 = one per core)
     */
    public record SgnsConfig(int dims, int window, int negative, int epochs, double lr, double minLr, int threads) {
        /** = skipgram.yaml's train section (DefaultsTest). */
        public static final SgnsConfig DEFAULTS = new SgnsConfig(/* dims */ 100, /* window */ 5, /* negative */ 5,
                /* epochs */ 5, /* lr */ 0.025, /* min_lr */ 0.0001, /* threads */ 0);

        void validate() {
            Check.atLeast("train.dims", dims, 1);
            Check.atLeast("train.window", window, 1);
            Check.atLeast("train.negative", negative, 1);
            Check.atLeast("train.epochs", epochs, 1);
            Check.positive("train.lr", lr);
            Check.nonNegative("train.min_lr", minLr);
            if (minLr > lr) {
                throw new ConfigException("train.min_lr", "must be <= train.lr (" + lr + "), got " + minLr);
            }
            Check.atLeast("train.threads", threads, 0);
        }

        int effectiveThreads() {
            return threads == 0 ? dev.dlp.config.TrainConfig.cores() : threads;
        }
    }

    /**
     * The {@code probes:} section.
     *
     * @param words probe words (those not in the vocabulary are skipped with a warning)
     * @param k     neighbours shown per word
     */
    public record ProbeConfig(List<String> words, int k) {
        public static final ProbeConfig DEFAULTS = new ProbeConfig(
                List.of("money", "city", "war", "water", "church", "said", "good", "three"), 8);

        void validate() {
            if (words == null) {
                throw new ConfigException("probes.words", "must be a list (may be empty)");
            }
            Check.atLeast("probes.k", k, 1);
        }
    }

    /**
     * The {@code tsne:} section.
     *
     * @param words      this many most frequent words are mapped (0 = no tsne.png)
     * @param iterations gradient steps
     * @param perplexity must be below (words - 1) / 3
     * @param lr         t-SNE learning rate
     */
    public record TsneConfig(int words, int iterations, double perplexity, double lr) {
        public static final TsneConfig DEFAULTS = new TsneConfig(300, 500, 15, 200);

        void validate() {
            Check.atLeast("tsne.words", words, 0);
            if (words > 2000) {
                throw new ConfigException("tsne.words", "at most 2000 words are mapped, got " + words);
            }
            Check.atLeast("tsne.iterations", iterations, 1);
            Check.positive("tsne.perplexity", perplexity);
            Check.positive("tsne.lr", lr);
            if (words > 0 && words < 10) {
                throw new ConfigException("tsne.words", "must be 0 (off) or >= 10, got " + words);
            }
            if (words > 0 && perplexity >= (words - 1) / 3.0) {
                throw new ConfigException("tsne.perplexity", "must be < (tsne.words - 1) / 3 = "
                        + String.format(java.util.Locale.ROOT, "%.1f", (words - 1) / 3.0) + ", got " + perplexity);
            }
        }
    }
}
