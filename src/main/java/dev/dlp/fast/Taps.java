package dev.dlp.fast;

/**
 * The two sums {@link NarrowConvolutionLayer} computes a convolution with, over channel rows laid out so that a
 * kernel tap is a fixed offset: {@link #correlate} and {@link #weights}. On {@link VectorTaps} when the Vector API is
 * loaded ({@link Simd#AVAILABLE}), else as the plain loops below (the reference the tests hold the vector kernels to).
 *
 * <p>Rows: row {@code r} of a buffer starts {@code r * stride} floats after its base. Lengths passed as {@code len}
 * are multiples of {@link #BLOCK}, and every row has room for {@code len} plus the largest offset.
 */
final class Taps {
    /** The positions a kernel computes at once (two 16-float vectors). */
    static final int BLOCK = 32;

    private Taps() {
    }

    /**
     * {@code dst[o][j] = sum over t, c of a[t][o][c] * src[c][j + off[t]]} for {@code o < outs}, {@code j < len}
     * ({@code a} is {@code [off.length][outs][ins]}; {@code dst}'s rows have {@code src}'s stride).
     */
    static void correlate(float[] a, int outs, int ins, float[] src, int stride, int[] off, float[] dst, int len) {
        if (Simd.AVAILABLE) {
            VectorTaps.correlate(a, outs, ins, src, stride, off, dst, len);
            return;
        }
        for (int o = 0; o < outs; o++) {
            java.util.Arrays.fill(dst, o * stride, o * stride + len, 0f);
            for (int t = 0; t < off.length; t++) {
                for (int c = 0; c < ins; c++) {
                    float w = a[(t * outs + o) * ins + c];
                    int s = c * stride + off[t];
                    int d = o * stride;
                    for (int j = 0; j < len; j++) {
                        dst[d + j] += w * src[s + j];
                    }
                }
            }
        }
    }

    /**
     * {@code dw[t][o][c] = sum over j < len of g[gBase + o * stride + j] * src[c * stride + j + off[t]]}: the
     * weight gradient of {@link #correlate} for the output gradient {@code g}.
     */
    static void weights(float[] g, int gBase, int outs, float[] src, int ins, int stride, int[] off, float[] dw,
                        int len) {
        if (Simd.AVAILABLE) {
            VectorTaps.weights(g, gBase, outs, src, ins, stride, off, dw, len);
            return;
        }
        for (int t = 0; t < off.length; t++) {
            for (int o = 0; o < outs; o++) {
                for (int c = 0; c < ins; c++) {
                    float sum = 0f;
                    int gi = gBase + o * stride;
                    int s = c * stride + off[t];
                    for (int j = 0; j < len; j++) {
                        sum += g[gi + j] * src[s + j];
                    }
                    dw[(t * outs + o) * ins + c] = sum;
                }
            }
        }
    }
}
