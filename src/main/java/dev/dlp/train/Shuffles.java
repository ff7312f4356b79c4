package dev.dlp.train;

import java.util.SplittableRandom;

/**
 * Seeded shuffles by name: each use of randomness in data handling draws from its own stream, a pure function of
 * the run's seed and the stream, so that a resumed run, a rerun and a run with other epochs see the same splits
 * and batch orders. (The stream numbers are those of dlp 0.1, so splits and orders are unchanged.)
 */
public enum Shuffles {
    /** The order of epoch {@code e}'s mini-batches: stream {@code e}. */
    EPOCH_ORDER(0),
    /** MNIST: which training examples are held out for validation. */
    MNIST_VALIDATION_SPLIT(-1),
    /** CSV tables: which rows are held out. */
    TABLE_SPLIT(-2),
    /** seq2seq task files: which lines are held out. */
    SEQ2SEQ_SPLIT(-3);

    private final int stream;

    Shuffles(int stream) {
        this.stream = stream;
    }

    /** A shuffled {@code 0..n-1} of this stream (for {@link #EPOCH_ORDER}, of epoch 0). */
    public int[] permutation(int n, long seed) {
        return permutation(n, seed, 0);
    }

    /** A shuffled {@code 0..n-1} of this stream's {@code index}-th draw (the epoch, for {@link #EPOCH_ORDER}). */
    public int[] permutation(int n, long seed, int index) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        SplittableRandom r = new SplittableRandom(seed * 1_000_003L + stream + index);
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }
}
