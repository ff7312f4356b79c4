package dev.dlp.pipelines.seq2seq;

import dev.dlp.config.Check;
import dev.dlp.config.CheckpointConfig;
import dev.dlp.config.ConfigException;
import dev.dlp.config.PipelineConfig;
import dev.dlp.config.TrainConfig;
import dev.dlp.graph.ModelSpec;

/**
 * The config of {@code dlp seq2seq}; see {@code configs/seq2seq.yaml}.
 *
 * @param seed       seeds the generated pairs, weights and shuffling
 * @param data       the task and its pairs
 * @param model      the training graph: inputs {@code encoder_in} and {@code decoder_in} (token ids), the
 *                   encoder's and decoder's layers and the bridge between them ({@link Bridge}); vocabulary sizes
 *                   come from the data
 * @param decode     inference limits
 * @param train      epochs, batch size, updater...
 * @param checkpoint checkpoint frequency and retention
 */
public record Seq2SeqConfig(long seed, Data data, Seq2SeqModel model, Decode decode, TrainConfig train,
                            CheckpointConfig checkpoint) implements PipelineConfig {

    public static final Seq2SeqConfig DEFAULTS = new Seq2SeqConfig(42,
            new Data(Task.SORT, "abcdefghijklmnopqrstuvwxyz", 1, 8, 10000, 1000, "", "", 0.1, Tokens.CHARS, false,
                    false),
            null, new Decode(0, 0), TrainConfig.of(20, 64, 0.005, TrainConfig.ScheduleConfig.exponential(0.95),
                    TrainConfig.WeightInitKind.XAVIER, true, 0).withEarlyStoppingMetric("val_exact_match"),
            CheckpointConfig.every(5));

    public enum Task {
        SORT, REVERSE, FILES, CMUDICT;

        @Override
        public String toString() {
            return name().toLowerCase();
        }
    }

    /**
     * @param task            sort (the letters of a word, sorted), reverse, or files (parallel text files)
     * @param alphabet        characters of the generated words
     * @param minLength       shortest generated word
     * @param maxLength       longest generated word
     * @param trainPairs      generated training pairs
     * @param heldoutPairs    generated held-out pairs (their sources never occur in training)
     * @param sourceFile      task files: one source sequence per line ({@code --data FILE})
     * @param targetFile      task files: the target of each line of source_file
     * @param heldoutFraction task files and cmudict: share of the lines (cmudict: of the words) held out
     * @param targetTokens    task files: the target is read as characters or as whitespace-separated words
     *                        (cmudict: always words, the phonemes)
     * @param reverseSource   feed each source to the encoder back to front
     * @param stress          cmudict: keep the vowels' stress digits (AH0, AH1: 70 phonemes) instead of the 39
     *                        phonemes without them
     */
    public record Data(Task task, String alphabet, int minLength, int maxLength, int trainPairs, int heldoutPairs,
                       String sourceFile, String targetFile, double heldoutFraction, Tokens targetTokens,
                       boolean reverseSource, boolean stress) {
    }

    /** How a target is read: characters, or whitespace-separated words. */
    public enum Tokens {
        CHARS, WORDS;

        @Override
        public String toString() {
            return name().toLowerCase();
        }
    }

    /**
     * @param maxLength longest output of the inference decoders; 0 = the longest target + 2
     * @param beam      beam width of the held-out evaluation at the end of a run, besides greedy decoding (0 or 1:
     *                  greedy only)
     */
    public record Decode(int maxLength, int beam) {
    }

    @Override
    public ModelSpec network() {
        return model == null ? null : Bridge.apply(model);
    }

    @Override
    public void validate() {
        Check.atLeast("data.min_length", data.minLength(), 1);
        Check.atLeast("data.max_length", data.maxLength(), data.minLength());
        Check.atLeast("data.train_pairs", data.trainPairs(), 1);
        Check.atLeast("data.heldout_pairs", data.heldoutPairs(), 1);
        Check.inRange("data.heldout_fraction", data.heldoutFraction(), 0.01, 0.5);
        Check.atLeast("decode.max_length", decode.maxLength(), 0);
        Check.atLeast("decode.beam", decode.beam(), 0);
        boolean generated = data.task() == Task.SORT || data.task() == Task.REVERSE;
        if (generated && data.alphabet().isEmpty()) {
            throw new ConfigException("data.alphabet", "must not be empty");
        }
        if (data.task() == Task.FILES && (data.sourceFile().isBlank() || data.targetFile().isBlank())) {
            throw new ConfigException("data.target_file", "task files needs data.source_file (--data SRC) and "
                    + "data.target_file");
        }
        if (generated) {
            double possible = 0;
            for (int len = data.minLength(); len <= data.maxLength(); len++) {
                possible += Math.pow(data.alphabet().chars().distinct().count(), len);
            }
            if (possible < 1.2 * (data.trainPairs() + data.heldoutPairs())) {
                throw new ConfigException("data.train_pairs", "only ~" + (long) possible + " distinct words of "
                        + "length <= " + data.maxLength() + " exist; ask for fewer pairs or longer words");
            }
        }
        train.validate();
        checkpoint.validate();
    }
}
