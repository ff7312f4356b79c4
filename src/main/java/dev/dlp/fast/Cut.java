package dev.dlp.fast;

import java.util.Arrays;

/**
 * Where {@link Workers} cut a batch into one slice per worker: slice {@code w} is rows {@code [b[w], b[w + 1])} of
 * {@link #bounds}.
 *
 * <p>Even ({@code train.split: even}): equal slices, so the gradient's float rounding is the same in every run and a
 * resumed run equals an uninterrupted one. Timed ({@code train.split: timed}): every {@link #WINDOW} split steps, each
 * worker's share of the batch is set to its share of the examples per second the workers passed in that window
 * (each worker's median over the window, so that one step preempted by the JIT or GC does not move the cut), within
 * {@code [1/(2k), 3/(2k)]}. A share whose change would be under {@link #DEAD_ZONE} stays: uneven slices cost a little
 * per example, so the cut only moves for a real difference in speed. This is for machines whose cores do not run at
 * one speed (a shared VM's vCPUs here ran 10-50 % apart for minutes at a time): with even slices each step waits for
 * the slower core. The cut then depends on timing, and with it the rounding of the summed gradient.
 */
final class Cut {
    /** Split steps between two decisions of a timed cut. */
    static final int WINDOW = 16;
    /** The smallest change of a worker's share that moves a timed cut. */
    static final double DEAD_ZONE = 0.02;

    private final int k;
    private final boolean timed;
    /** Each worker's share of a batch (they sum to 1). */
    private final double[] share;
    /** The current window's examples per nanosecond, per worker and step. */
    private final double[][] rates;
    private int filled;
    private long moves;
    /** {@link #bounds}' answer (one array, rewritten at each call). */
    private final int[] b;

    Cut(int k, boolean timed) {
        this.k = k;
        this.timed = timed;
        share = new double[k];
        Arrays.fill(share, 1.0 / k);
        rates = new double[k][WINDOW];
        b = new int[k + 1];
    }

    /**
     * The slices' bounds for a batch of {@code n >= k} rows: {@code k + 1} ascending, from 0 to {@code n} (the same
     * array at every call: read it before the next).
     */
    int[] bounds(int n) {
        double at = 0;
        for (int w = 1; w < k; w++) {
            at += share[w - 1];
            // even: the integer cut Workers always made; timed: the nearest row, each slice at least one row
            int cut = timed ? (int) Math.round(n * at) : (int) ((long) n * w / k);
            b[w] = Math.max(b[w - 1] + 1, Math.min(n - (k - w), cut));
        }
        b[k] = n;
        return b;
    }

    /** After a split step over {@code bounds}: each worker's pass took {@code passNanos[w]}. */
    void record(int[] bounds, long[] passNanos) {
        if (!timed) {
            return;
        }
        for (int w = 0; w < k; w++) {
            rates[w][filled] = (bounds[w + 1] - bounds[w]) / (double) Math.max(1, passNanos[w]);
        }
        if (++filled < WINDOW) {
            return;
        }
        filled = 0;
        double[] median = new double[k];
        double total = 0;
        for (int w = 0; w < k; w++) {
            double[] r = rates[w].clone();
            Arrays.sort(r);
            median[w] = r[WINDOW / 2];
            total += median[w];
        }
        double[] next = new double[k];
        double sum = 0;
        boolean moved = false;
        for (int w = 0; w < k; w++) {
            next[w] = Math.max(0.5 / k, Math.min(1.5 / k, median[w] / total));
            sum += next[w];
        }
        for (int w = 0; w < k; w++) {
            next[w] /= sum;
            moved |= Math.abs(next[w] - share[w]) >= DEAD_ZONE;
        }
        if (moved) {
            System.arraycopy(next, 0, share, 0, k);
            moves++;
        }
    }

    /** The first worker's (the training thread's) share of a batch now. */
    double first() {
        return share[0];
    }

    /** How often a timed cut moved. */
    long moves() {
        return moves;
    }

    boolean timed() {
        return timed;
    }
}
