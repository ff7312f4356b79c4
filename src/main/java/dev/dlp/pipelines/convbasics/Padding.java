package dev.dlp.pipelines.convbasics;

import dev.dlp.config.ConfigException;

/**
 * A padding: {@code valid} (none), {@code same} (as many zeros as make the output ceil(n/s) long, split as evenly
 * as possible with the odd one at the bottom/right, as libnd4j and TensorFlow do) or {@code p} zeros on every side.
 * One difference from TensorFlow: when the stride is larger than the kernel's span, libnd4j's {@code same} total
 * (out-1)s + d(k-1) + 1 - n can be negative, and libnd4j keeps it (the windows start |before| pixels in) where
 * TensorFlow pads 0; {@link #sides} reports what libnd4j does.
 *
 * @param same  true for {@code same}
 * @param zeros the explicit zeros per side ({@code valid} is 0); unused for {@code same}
 */
public record Padding(boolean same, int zeros) {
    public static final Padding VALID = new Padding(false, 0);
    public static final Padding SAME = new Padding(true, 0);

    /** Largest explicit padding. */
    static final int MAX = 256;

    static Padding parse(String key, String value) {
        String v = value == null ? "" : value.trim().toLowerCase();
        if (v.equals("valid")) {
            return VALID;
        }
        if (v.equals("same")) {
            return SAME;
        }
        int p;
        try {
            p = Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new ConfigException(key, "expected valid, same or a number of zeros, got '" + value + "'"
                    + dev.dlp.config.Suggest.hint(v, java.util.List.of("valid", "same")));
        }
        if (p < 0 || p > MAX) {
            throw new ConfigException(key, "must be in [0, " + MAX + "], got " + p);
        }
        return new Padding(false, p);
    }

    /** Zeros before and after the input along one side. */
    public record Sides(int before, int after) {
        public int total() {
            return before + after;
        }

        @Override
        public String toString() {
            return before == after ? Integer.toString(before) : before + "+" + (after < 0 ? "(" + after + ")" : after);
        }
    }

    /** The zeros the op adds to a side of length {@code n} for a kernel of size {@code k}. */
    public Sides sides(int n, int k, int stride, int dilation) {
        if (!same) {
            return new Sides(zeros, zeros);
        }
        int span = dilation * (k - 1) + 1;
        int total = (outSize(n, k, stride, dilation) - 1) * stride + span - n;
        return new Sides(total / 2, total - total / 2); // rounds toward zero, as libnd4j's C++ does
    }

    /** Output length: ceil(n/s) for {@code same}, else floor((n + 2p - d(k-1) - 1)/s) + 1 (< 1: none). */
    public int outSize(int n, int k, int stride, int dilation) {
        if (same) {
            return (n + stride - 1) / stride;
        }
        return Math.floorDiv(n + 2 * zeros - dilation * (k - 1) - 1, stride) + 1;
    }

    @Override
    public String toString() {
        return same ? "same" : zeros == 0 ? "valid" : Integer.toString(zeros);
    }
}
