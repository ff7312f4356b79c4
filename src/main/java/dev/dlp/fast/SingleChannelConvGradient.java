package dev.dlp.fast;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * The weight and bias gradients of a stride-1 convolution with 5-wide kernels over a one-channel input whose output
 * rows fit in two vectors (28 columns on AVX-512: LeNet-5's first layer), on the Vector API, for
 * {@link InputConvolutionLayer}.
 *
 * <p>{@code dW[k, p, q] = sum over (n, y, x) of delta[n, k, y, x] * xpad[n, y + p, x + q]}. Per example, kernel row
 * p and output channel k, one loop over the output rows multiplies the row's gradient (two vectors) into the input
 * row under it at each of the 5 horizontal shifts q, carrying 10 vector accumulators (one per shift and column
 * vector) in registers; after the loop they are added into per-(tap, channel) column sums, whose first ow columns
 * give dW. One example's input and gradient rows stay in the L1 cache throughout.
 *
 * <p>Why: oneDNN computed this as a convolution with the batch as input channels and the output gradient as a 28x28
 * kernel ({@code DNNL_VERBOSE}, LeNet-5 at batch 64: 0.63 ms, plus 0.41 ms to reorder that "kernel" into its blocked
 * layout padded from 6 to 16 output channels, plus a permuted copy of the gradient, ~0.25 ms). This takes ~0.5 ms.
 * The loop's shape is deliberate: on JDK 17 the Vector API checks the bounds of every load and store, so the
 * accumulators live in registers, not in an array (3x slower); and C2 keeps them out of the heap only while each is
 * declared in the loop's preamble as {@code FloatVector.zero} (a shared zero constant, or the first row peeled out of
 * the loop, made it allocate a box per operation: 10x slower). {@code InputConvolutionTest} checks the result
 * against DL4J's pass.
 *
 * <p>Load only when {@link Simd#AVAILABLE}. One instance per layer (it keeps its buffers between steps); not
 * thread-safe.
 */
final class SingleChannelConvGradient {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** The kernel width this is written for. */
    static final int KERNEL_WIDTH = 5;

    /** The input as read: [n][h][w]. */
    private float[] xs = new float[0];
    /** The input, zero-padded: [n][h + 2 pH][2L + 4], input column c at pW + c. */
    private float[] xp = new float[0];
    /** The output gradient as read ([n][o][oh][ow]), with a vector's length of slack after it. */
    private float[] dp = new float[0];
    /**
     * Per tap and output channel, a sum per output column: [kH 5][o][2L]. Columns from ow on collect products with
     * the next row's gradient (the loads run past a row's end) and are never read.
     */
    private float[] acc = new float[0];
    /** Per output channel, a bias-gradient sum per vector lane: [o][L]. */
    private float[] biasLanes = new float[0];
    /** The geometry the padding of {@link #xp} was zeroed for (only its data part is rewritten). */
    private int[] zeroedFor = new int[0];

    /** Whether {@link #compute} handles this geometry (stride 1, one input channel assumed). */
    static boolean handles(int kw, int ow) {
        return kw == KERNEL_WIDTH && ow >= 1 && ow <= 2 * L;
    }

    /**
     * Computes {@code dW} ({@code [o][kH][5]}) and {@code db} ({@code [o]}) for the input {@code x} ({@code [n][h][w]},
     * c order) and output gradient {@code d} ({@code [n][o][oh][ow]}, c order), with {@code pH}/{@code pW} zeros of
     * padding on each side; {@code oh = h + 2 pH - kH + 1}, {@code ow = w + 2 pW - 4} and {@link #handles}.
     */
    void compute(FloatBuffer x, FloatBuffer d, int n, int h, int w, int o, int kh, int ph, int pw, float[] dW,
                 float[] db) {
        final int kw = KERNEL_WIDTH;
        final int oh = h + 2 * ph - kh + 1;
        final int ow = w + 2 * pw - kw + 1;
        final int wd = 2 * L;
        final int wx = wd + kw - 1;
        final int xh = h + 2 * ph;
        final int cs = oh * ow;
        prepare(x, d, n, h, w, o, kh, ph, pw, oh, ow, wx, xh);
        final float[] xr = xp;
        final float[] ds = dp;
        final float[] a = acc;
        final int tapStride = o * wd;
        for (int e = 0; e < n; e++) {
            for (int p = 0; p < kh; p++) {
                for (int k = 0; k < o; k++) {
                    int dRow = (e * o + k) * cs;
                    int xRow = (e * xh + p) * wx;
                    FloatVector a00 = FloatVector.zero(S);
                    FloatVector a01 = FloatVector.zero(S);
                    FloatVector a10 = FloatVector.zero(S);
                    FloatVector a11 = FloatVector.zero(S);
                    FloatVector a20 = FloatVector.zero(S);
                    FloatVector a21 = FloatVector.zero(S);
                    FloatVector a30 = FloatVector.zero(S);
                    FloatVector a31 = FloatVector.zero(S);
                    FloatVector a40 = FloatVector.zero(S);
                    FloatVector a41 = FloatVector.zero(S);
                    for (int y = 0; y < oh; y++, dRow += ow, xRow += wx) {
                        FloatVector d0 = FloatVector.fromArray(S, ds, dRow);
                        FloatVector d1 = FloatVector.fromArray(S, ds, dRow + L);
                        a00 = FloatVector.fromArray(S, xr, xRow).fma(d0, a00);
                        a01 = FloatVector.fromArray(S, xr, xRow + L).fma(d1, a01);
                        a10 = FloatVector.fromArray(S, xr, xRow + 1).fma(d0, a10);
                        a11 = FloatVector.fromArray(S, xr, xRow + 1 + L).fma(d1, a11);
                        a20 = FloatVector.fromArray(S, xr, xRow + 2).fma(d0, a20);
                        a21 = FloatVector.fromArray(S, xr, xRow + 2 + L).fma(d1, a21);
                        a30 = FloatVector.fromArray(S, xr, xRow + 3).fma(d0, a30);
                        a31 = FloatVector.fromArray(S, xr, xRow + 3 + L).fma(d1, a31);
                        a40 = FloatVector.fromArray(S, xr, xRow + 4).fma(d0, a40);
                        a41 = FloatVector.fromArray(S, xr, xRow + 4 + L).fma(d1, a41);
                    }
                    int at = (p * kw * o + k) * wd;
                    addInto(a, at, a00);
                    addInto(a, at + L, a01);
                    addInto(a, at + tapStride, a10);
                    addInto(a, at + tapStride + L, a11);
                    addInto(a, at + 2 * tapStride, a20);
                    addInto(a, at + 2 * tapStride + L, a21);
                    addInto(a, at + 3 * tapStride, a30);
                    addInto(a, at + 3 * tapStride + L, a31);
                    addInto(a, at + 4 * tapStride, a40);
                    addInto(a, at + 4 * tapStride + L, a41);
                }
            }
        }
        for (int k = 0; k < o; k++) {
            for (int t = 0; t < kh * kw; t++) {
                int from = (t * o + k) * wd;
                float sum = 0;
                for (int c = 0; c < ow; c++) {
                    sum += a[from + c];
                }
                dW[k * kh * kw + t] = sum;
            }
        }
        biasGradient(n, o, cs, db);
    }

    /** Copies the input into the padded rows of {@link #xp} and the gradient into {@link #dp}; zeroes {@link #acc}. */
    private void prepare(FloatBuffer x, FloatBuffer d, int n, int h, int w, int o, int kh, int ph, int pw, int oh,
                         int ow, int wx, int xh) {
        int[] geometry = {h, w, kh, ph, pw};
        if (xp.length < n * xh * wx || !Arrays.equals(geometry, zeroedFor)) {
            xp = new float[n * xh * wx];
            zeroedFor = geometry;
        }
        if (xs.length < n * h * w) {
            xs = new float[n * h * w];
        }
        int dLength = n * o * oh * ow;
        if (dp.length < dLength + 2 * L) {
            dp = new float[dLength + 2 * L];
        }
        int accLength = kh * KERNEL_WIDTH * o * 2 * L;
        if (acc.length < accLength) {
            acc = new float[accLength];
        } else {
            Arrays.fill(acc, 0, accLength, 0f);
        }
        x.get(0, xs, 0, n * h * w);
        for (int e = 0; e < n; e++) {
            for (int r = 0; r < h; r++) {
                System.arraycopy(xs, (e * h + r) * w, xp, (e * xh + r + ph) * wx + pw, w);
            }
        }
        d.get(0, dp, 0, dLength);
    }

    /** {@code db[k]} = the sum of channel k's output gradient over the batch. */
    private void biasGradient(int n, int o, int cs, float[] db) {
        if (biasLanes.length < o * L) {
            biasLanes = new float[o * L];
        } else {
            Arrays.fill(biasLanes, 0, o * L, 0f);
        }
        float[] ds = dp;
        int bound = S.loopBound(cs);
        for (int k = 0; k < o; k++) {
            float tail = 0;
            for (int e = 0; e < n; e++) {
                int from = (e * o + k) * cs;
                int i = 0;
                for (; i < bound; i += L) {
                    addInto(biasLanes, k * L, FloatVector.fromArray(S, ds, from + i));
                }
                for (; i < cs; i++) {
                    tail += ds[from + i];
                }
            }
            float sum = tail;
            for (int l = 0; l < L; l++) {
                sum += biasLanes[k * L + l];
            }
            db[k] = sum;
        }
    }

    private static void addInto(float[] a, int at, FloatVector v) {
        FloatVector.fromArray(S, a, at).add(v).intoArray(a, at);
    }
}
