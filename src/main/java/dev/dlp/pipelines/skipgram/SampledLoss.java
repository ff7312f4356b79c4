package dev.dlp.pipelines.skipgram;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The skip-gram negative-sampling loss on a fixed sample of the corpus: {@value #PAIRS} (context, word) pairs within
 * the window, each with its own negatives drawn once, so the number is comparable across epochs and runs of one corpus.
 * Per pair, as the trainer optimises it: {@code -log σ(v_context · u_word) - Σ_neg log σ(-v_context · u_neg)}. It is
 * the run's main metric (lower is better): it falls as training converges and lets a sweep rank learning rates
 * without an evaluation set. Sampled from training text, so it measures fit, not quality on held-out data.
 */
final class SampledLoss {
    static final int PAIRS = 10_000;
    /** The draw's seed, fixed: not the run's. */
    static final long SEED = 0x5A3D;

    private final int[] context;
    private final int[] word;
    private final int[] negatives;
    private final int k;

    private SampledLoss(int[] context, int[] word, int[] negatives, int k) {
        this.context = context;
        this.word = word;
        this.negatives = negatives;
        this.k = k;
    }

    /**
     * Draws the pairs from {@code text} (sentences of vocabulary ids) with {@code seed}; null when it has no sentence
     * of two tokens. Negatives come from the trainer's unigram^0.75 alias table.
     */
    static SampledLoss draw(Corpus.Block text, int window, int k, int[] threshold, int[] alias, long seed) {
        int[] tokens = text.tokens();
        int[] starts = text.starts();
        SplittableRandom r = new SplittableRandom(seed);
        int[] ctx = new int[PAIRS];
        int[] w = new int[PAIRS];
        int[] neg = new int[PAIRS * k];
        int n = 0;
        for (int attempt = 0; attempt < 50 * PAIRS && n < PAIRS && tokens.length > 1; attempt++) {
            int p = r.nextInt(tokens.length);
            int s = Arrays.binarySearch(starts, p);
            s = s >= 0 ? s : -s - 2;   // the sentence holding p
            int off = 1 + r.nextInt(window);
            int q = r.nextBoolean() ? p + off : p - off;
            if (q < starts[s] || q >= starts[s + 1]) {
                continue;
            }
            w[n] = tokens[p];
            ctx[n] = tokens[q];
            for (int j = 0; j < k; j++) {
                int i = r.nextInt(threshold.length);
                neg[n * k + j] = r.nextInt(1 << 24) < threshold[i] ? i : alias[i];
            }
            n++;
        }
        return n == 0 ? null : new SampledLoss(Arrays.copyOf(ctx, n), Arrays.copyOf(w, n),
                Arrays.copyOf(neg, n * k), k);
    }

    /** The mean loss per pair with these vectors ({@code syn0}: input, {@code syn1}: output, row-major). */
    double loss(float[] syn0, float[] syn1, int dims) {
        double sum = 0;
        for (int i = 0; i < word.length; i++) {
            int l1 = context[i] * dims;
            sum += softplus(-dot(syn0, l1, syn1, word[i] * dims, dims));
            for (int j = 0; j < k; j++) {
                int t = negatives[i * k + j];
                if (t != word[i]) {
                    sum += softplus(dot(syn0, l1, syn1, t * dims, dims));
                }
            }
        }
        return sum / word.length;
    }

    /** {@code log(1 + e^x)} = {@code -log σ(-x)}, without overflow. */
    static double softplus(double x) {
        return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
    }

    private static double dot(float[] a, int ia, float[] b, int ib, int d) {
        double s = 0;
        for (int i = 0; i < d; i++) {
            s += a[ia + i] * b[ib + i];
        }
        return s;
    }

    int pairs() {
        return word.length;
    }
}
