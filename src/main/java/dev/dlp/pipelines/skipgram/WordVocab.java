package dev.dlp.pipelines.skipgram;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The vocabulary: the words seen at least {@code min_count} times, most frequent first (ties in order of first
 * appearance, as gensim), with their counts. Written directly rather than with deeplearning4j-nlp's
 * {@code AbstractCache}: counting goes through one {@code HashMap} lookup per token, and training needs only ids,
 * counts and the subsampling / negative-sampling tables built here.
 */
public final class WordVocab {
    private final String[] words;
    private final long[] counts;
    private final Map<String, Integer> ids;
    private final long total;

    WordVocab(String[] words, long[] counts) {
        this.words = words;
        this.counts = counts;
        this.ids = new HashMap<>(words.length * 2);
        long t = 0;
        for (int i = 0; i < words.length; i++) {
            ids.put(words[i], i);
            t += counts[i];
        }
        this.total = t;
    }

    /** The words of {@code c} seen at least {@code minCount} times. */
    static WordVocab build(Corpus.Counted c, int minCount) {
        Integer[] order = new Integer[c.words.size()];
        int n = 0;
        for (int i = 0; i < order.length; i++) {
            if (c.counts[i] >= minCount) {
                order[n++] = i;
            }
        }
        Integer[] kept = Arrays.copyOf(order, n);
        Arrays.sort(kept, (a, b) -> c.counts[a] != c.counts[b] ? Integer.compare(c.counts[b], c.counts[a])
                : Integer.compare(a, b));
        String[] words = new String[n];
        long[] counts = new long[n];
        for (int i = 0; i < n; i++) {
            words[i] = c.words.get(kept[i]);
            counts[i] = c.counts[kept[i]];
        }
        return new WordVocab(words, counts);
    }

    public int size() {
        return words.length;
    }

    public String word(int id) {
        return words[id];
    }

    public long count(int id) {
        return counts[id];
    }

    /** The id of a word, or -1. */
    public int id(String word) {
        Integer i = ids.get(word);
        return i == null ? -1 : i;
    }

    /** Tokens of the corpus that are in the vocabulary. */
    public long totalCount() {
        return total;
    }

    /**
     * Keep probabilities of subsampling (word2vec.c's and gensim's formula): a word of frequency f = count/total
     * is kept with probability (sqrt(f/sample) + 1) * sample/f, at most 1; sample 0 keeps everything. Returned as
     * thresholds on a uniform 24-bit integer (keep when {@code random24 < threshold}).
     */
    int[] keepThresholds(double sample) {
        int[] t = new int[words.length];
        for (int i = 0; i < t.length; i++) {
            double p = keepProbability(counts[i], total, sample);
            t[i] = p >= 1 ? 1 << 24 : (int) (p * (1 << 24));
        }
        return t;
    }

    static double keepProbability(long count, long total, double sample) {
        if (sample <= 0) {
            return 1;
        }
        double threshold = sample * total;
        return Math.min(1, (Math.sqrt(count / threshold) + 1) * threshold / count);
    }

    /**
     * Walker's alias table of the count^0.75 distribution (Vose's construction): draw a uniform id i and a uniform
     * 24-bit u; the sample is i when {@code u < threshold[i]}, else {@code alias[i]}. Exact, and two arrays of the
     * vocabulary's size that stay in cache, where word2vec.c's unigram table ({@link #unigramTable}) has 1e8 entries
     * and costs a cache miss per negative.
     *
     * @param threshold keep-i thresholds on a 24-bit uniform integer
     * @param alias     the other id of each bucket
     */
    record Alias(int[] threshold, int[] alias) {
    }

    Alias negativesAlias() {
        int[] all = new int[words.length];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        return negativesAlias(all);
    }

    /** {@link #negativesAlias} over the words {@code ids}: its buckets and aliases are indices into {@code ids}. */
    Alias negativesAlias(int[] ids) {
        int n = ids.length;
        double sum = 0;
        for (int id : ids) {
            sum += Math.pow(counts[id], 0.75);
        }
        double[] scaled = new double[n];
        int[] small = new int[n];
        int[] large = new int[n];
        int ns = 0;
        int nl = 0;
        for (int i = 0; i < n; i++) {
            scaled[i] = Math.pow(counts[ids[i]], 0.75) / sum * n;
            if (scaled[i] < 1) {
                small[ns++] = i;
            } else {
                large[nl++] = i;
            }
        }
        int[] threshold = new int[n];
        int[] alias = new int[n];
        while (ns > 0 && nl > 0) {
            int s = small[--ns];
            int l = large[--nl];
            threshold[s] = (int) Math.round(scaled[s] * (1 << 24));
            alias[s] = l;
            scaled[l] -= 1 - scaled[s];
            if (scaled[l] < 1) {
                small[ns++] = l;
            } else {
                large[nl++] = l;
            }
        }
        while (nl > 0) {
            int l = large[--nl];
            threshold[l] = 1 << 24;
            alias[l] = l;
        }
        while (ns > 0) {
            int s = small[--ns];
            threshold[s] = 1 << 24;
            alias[s] = s;
        }
        return new Alias(threshold, alias);
    }

    /**
     * The negative-sampling table of word2vec.c: word ids repeated in proportion to count^0.75, {@code size}
     * entries (kept for the tests, as the reference for {@link #negativesAlias}).
     */
    int[] unigramTable(int size) {
        double sum = 0;
        for (long c : counts) {
            sum += Math.pow(c, 0.75);
        }
        int[] table = new int[size];
        int w = 0;
        double cum = Math.pow(counts[0], 0.75) / sum;
        for (int i = 0; i < size; i++) {
            table[i] = w;
            if ((i + 1) / (double) size > cum && w < words.length - 1) {
                w++;
                cum += Math.pow(counts[w], 0.75) / sum;
            }
        }
        return table;
    }
}
