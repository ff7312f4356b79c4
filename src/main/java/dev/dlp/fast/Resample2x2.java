package dev.dlp.fast;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The 2x2 resampling kernels over c-order {@code [planes, H, W]} floats in ND4J's memory ({@link
 * dev.dlp.nd4j.HostArrays#bytes}), each what libnd4j computes, to the bit: 2x2 max pooling with stride 2 ({@code H}
 * and {@code W} even; libnd4j's {@code maxpool2d} and {@code maxpool2d_bp}) and nearest-neighbour upsampling by 2
 * ({@code upsampling2d} and {@code upsampling_bp}).
 *
 * <p>Max pooling. The forward pass takes each window's maximum; the
 * backward pass gives each window's output gradient to the window's first maximum in row-major order (a tie, e.g.
 * a window of ReLU zeros, goes to its top-left maximum) and zero to the other three inputs, as libnd4j does.
 *
 * <p>One vector covers {@code L} columns of two input rows ({@code L/2} windows): the column pairs are split into
 * even and odd lanes by two shuffles. A vector may run past the end of a row: its extra lanes are stored into
 * positions that a later store of the same pass writes again (a row's outputs are written in order, and in the
 * backward pass the second row of a pair after the first), so only the last row pairs, where a vector would run
 * past the end of an array, take the scalar loop. Load only when {@link Simd#AVAILABLE}.
 */
final class Resample2x2 {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final FloatVector ZERO = FloatVector.zero(S);
    /** Lane i takes lane 2i (the window's left column), and lane 2i + 1 (its right one); the upper half repeats. */
    private static final VectorShuffle<Float> EVEN = VectorShuffle.fromOp(S, i -> (2 * i) % L);
    private static final VectorShuffle<Float> ODD = VectorShuffle.fromOp(S, i -> (2 * i + 1) % L);
    /** Lane i takes window i / 2's lane: a window's value spread back over its two columns. */
    private static final VectorShuffle<Float> SPREAD = VectorShuffle.fromOp(S, i -> i / 2);
    /** Lane i takes its pair partner's lane. */
    private static final VectorShuffle<Float> PARTNER = VectorShuffle.fromOp(S, i -> i ^ 1);
    /** The left column of each window. */
    private static final VectorMask<Float> LEFT = VectorMask.fromLong(S, 0x5555_5555_5555_5555L);

    private Resample2x2() {
    }

    /** {@code out[p, y, x] = max of in[p, 2y..2y+1, 2x..2x+1]}; {@code rows = planes * H / 2} output rows. */
    static void maxPool(ByteBuffer in, ByteBuffer out, int rows, int w) {
        int ow = w / 2;
        int inLen = in.capacity() / 4;
        int outLen = out.capacity() / 4;
        int chunks = (w + L - 1) / L;
        for (int r = 0; r < rows; r++) {
            int p0 = 2 * r * w;
            int p1 = p0 + w;
            int q = r * ow;
            if (p1 + chunks * L > inLen || q + chunks * (L / 2) + L / 2 > outLen) {
                maxPoolRow(in, out, p0, p1, q, ow);
                continue;
            }
            for (int x = 0; x < w; x += L) {
                FloatVector v = FloatVector.fromByteBuffer(S, in, 4 * (p0 + x), ORDER)
                        .max(FloatVector.fromByteBuffer(S, in, 4 * (p1 + x), ORDER));
                v.rearrange(EVEN).max(v.rearrange(ODD)).intoByteBuffer(out, 4 * (q + x / 2), ORDER);
            }
        }
    }

    private static void maxPoolRow(ByteBuffer in, ByteBuffer out, int p0, int p1, int q, int ow) {
        for (int j = 0; j < ow; j++) {
            int a = 4 * (p0 + 2 * j);
            int b = 4 * (p1 + 2 * j);
            float top = Math.max(in.getFloat(a), in.getFloat(a + 4));
            float bottom = Math.max(in.getFloat(b), in.getFloat(b + 4));
            out.putFloat(4 * (q + j), Math.max(top, bottom));
        }
    }

    /**
     * The input gradient {@code g} (the shape of {@code in}) from the output gradient {@code eps} (the shape of
     * {@link #maxPool}'s output): each window's gradient to its first maximum, zero elsewhere.
     */
    static void maxPoolBackward(ByteBuffer in, ByteBuffer eps, ByteBuffer g, int rows, int w) {
        int ow = w / 2;
        int inLen = in.capacity() / 4;
        int epsLen = eps.capacity() / 4;
        int chunks = (w + L - 1) / L;
        for (int r = 0; r < rows; r++) {
            int p0 = 2 * r * w;
            int p1 = p0 + w;
            int q = r * ow;
            if (p1 + chunks * L > inLen || q + chunks * (L / 2) + L / 2 > epsLen) {
                maxPoolBackwardRow(in, eps, g, p0, p1, q, ow);
                continue;
            }
            // right to left: a vector past the end of the top row writes into the bottom one, which the vector to
            // its left (or, at x = 0, this one) writes again; past the bottom row, into the next row pair
            for (int x = (chunks - 1) * L; x >= 0; x -= L) {
                maxPoolBackwardChunk(in, eps, g, p0 + x, p1 + x, q + x / 2);
            }
        }
    }

    /** The input gradient of L/2 windows whose top-left inputs start at {@code p0} (top row) and {@code p1}. */
    private static void maxPoolBackwardChunk(ByteBuffer in, ByteBuffer eps, ByteBuffer g, int p0, int p1, int q) {
        FloatVector a = FloatVector.fromByteBuffer(S, in, 4 * p0, ORDER);
        FloatVector b = FloatVector.fromByteBuffer(S, in, 4 * p1, ORDER);
        FloatVector v = a.max(b);
        FloatVector max = v.max(v.rearrange(PARTNER));   // each lane: its window's maximum
        FloatVector e = FloatVector.fromByteBuffer(S, eps, 4 * q, ORDER).rearrange(SPREAD);
        VectorMask<Float> atA = a.compare(VectorOperators.EQ, max);
        VectorMask<Float> partnerAtA = a.rearrange(PARTNER).compare(VectorOperators.EQ, max);
        VectorMask<Float> atB = b.compare(VectorOperators.EQ, max);
        VectorMask<Float> partnerAtB = b.rearrange(PARTNER).compare(VectorOperators.EQ, max);
        // the first maximum in a window: in the top row, the left column, or the right one when the left is not a
        // maximum; in the bottom row the same, when neither top input is a maximum
        VectorMask<Float> firstA = atA.and(LEFT.or(partnerAtA.not()));
        VectorMask<Float> firstB = atB.and(LEFT.or(partnerAtB.not())).andNot(atA.or(partnerAtA));
        ZERO.blend(e, firstA).intoByteBuffer(g, 4 * p0, ORDER);
        ZERO.blend(e, firstB).intoByteBuffer(g, 4 * p1, ORDER);
    }

    private static void maxPoolBackwardRow(ByteBuffer in, ByteBuffer eps, ByteBuffer g, int p0, int p1, int q, int ow) {
        for (int j = 0; j < ow; j++) {
            int[] at = {4 * (p0 + 2 * j), 4 * (p0 + 2 * j) + 4, 4 * (p1 + 2 * j), 4 * (p1 + 2 * j) + 4};
            int first = 0;
            float max = in.getFloat(at[0]);
            for (int k = 1; k < 4; k++) {
                float x = in.getFloat(at[k]);
                if (x > max) {
                    max = x;
                    first = k;
                }
            }
            float e = eps.getFloat(4 * (q + j));
            for (int k = 0; k < 4; k++) {
                g.putFloat(at[k], k == first ? e : 0f);
            }
        }
    }

    /**
     * Nearest-neighbour upsampling by 2: {@code out[p, y, x] = in[p, y / 2, x / 2]}, {@code out} {@code [planes, 2h,
     * 2w]} for {@code in} {@code [planes, h, w]}; {@code rows = planes * h}.
     */
    static void upsample(ByteBuffer in, ByteBuffer out, int rows, int w) {
        int inLen = in.capacity() / 4;
        int outLen = out.capacity() / 4;
        int chunks = (2 * w + L - 1) / L;
        for (int r = 0; r < rows; r++) {
            int p = r * w;
            int top = 4 * r * w;   // output row 2r starts at 2r * 2w = 4rw
            if (p + (chunks - 1) * (L / 2) + L > inLen || top + 2 * w + chunks * L > outLen) {
                for (int x = 0; x < 2 * w; x++) {
                    float v = in.getFloat(4 * (p + x / 2));
                    out.putFloat(4 * (top + x), v);
                    out.putFloat(4 * (top + 2 * w + x), v);
                }
                continue;
            }
            // right to left: a vector past the end of the top output row writes into the bottom one, which the
            // vector to its left (or, at x = 0, this one) writes again; past the bottom row, into the next pair
            for (int c = chunks - 1; c >= 0; c--) {
                FloatVector v = FloatVector.fromByteBuffer(S, in, 4 * (p + c * (L / 2)), ORDER).rearrange(SPREAD);
                v.intoByteBuffer(out, 4 * (top + c * L), ORDER);
                v.intoByteBuffer(out, 4 * (top + 2 * w + c * L), ORDER);
            }
        }
    }

    /**
     * The gradient of {@link #upsample}: {@code g[p, y, x]} the sum of {@code eps} over the 2x2 block it was copied
     * to, added as libnd4j adds it ({@code 0 + top-left + top-right + bottom-left + bottom-right}, in that order).
     */
    static void upsampleBackward(ByteBuffer eps, ByteBuffer g, int rows, int w) {
        int epsLen = eps.capacity() / 4;
        int gLen = g.capacity() / 4;
        int chunks = (2 * w + L - 1) / L;
        for (int r = 0; r < rows; r++) {
            int q = r * w;
            int top = 4 * r * w;
            int bottom = top + 2 * w;
            if (bottom + chunks * L > epsLen || q + chunks * (L / 2) + L / 2 > gLen) {
                for (int x = 0; x < w; x++) {
                    float s = 0f;
                    s += eps.getFloat(4 * (top + 2 * x));
                    s += eps.getFloat(4 * (top + 2 * x + 1));
                    s += eps.getFloat(4 * (bottom + 2 * x));
                    s += eps.getFloat(4 * (bottom + 2 * x + 1));
                    g.putFloat(4 * (q + x), s);
                }
                continue;
            }
            for (int c = 0; c < chunks; c++) {
                FloatVector t = FloatVector.fromByteBuffer(S, eps, 4 * (top + c * L), ORDER);
                FloatVector b = FloatVector.fromByteBuffer(S, eps, 4 * (bottom + c * L), ORDER);
                ZERO.add(t.rearrange(EVEN)).add(t.rearrange(ODD)).add(b.rearrange(EVEN)).add(b.rearrange(ODD))
                        .intoByteBuffer(g, 4 * (q + c * (L / 2)), ORDER);
            }
        }
    }
}
