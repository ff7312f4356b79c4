package dev.dlp.fast;

/**
 * The score a fused backward pass computed, kept for the {@code computeScore} call the graph makes right after it
 * with the same input, labels and parameters ({@link FusedOutputLayer}, {@link FastRnnOutputLayer}); the layer
 * forgets it on any change of input, labels, mask or parameters.
 */
final class ReadyScore {
    private boolean ready;
    private double value;
    private long used;

    /** Keeps {@code score} (the loss per example, without regularisation). */
    void keep(double score) {
        value = score;
        ready = true;
    }

    /** True while a score is kept. */
    boolean kept() {
        return ready;
    }

    void forget() {
        ready = false;
    }

    /** True when a score is kept and {@code usable} (then {@link #value} is it); forgotten either way. */
    boolean take(boolean usable) {
        boolean r = ready && usable;
        ready = false;
        if (r) {
            used++;
        }
        return r;
    }

    /** How many times {@link #take} answered true. */
    long used() {
        return used;
    }

    double value() {
        return value;
    }
}
