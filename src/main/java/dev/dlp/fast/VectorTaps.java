package dev.dlp.fast;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Taps}' sums on the Vector API. {@link #correlate} keeps four output rows by two vectors of positions in
 * registers (eight accumulators) while it runs over every tap and input channel, so each input vector loaded feeds
 * four fused multiply-adds; {@link #weights} keeps two output rows against four input channels (eight accumulators,
 * reduced at the end). Sums run in another order than the plain loops: results agree to float rounding. Load only
 * when {@link Simd#AVAILABLE}.
 */
final class VectorTaps {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    static {
        if (Taps.BLOCK % (2 * L) != 0) {
            throw new IllegalStateException("Taps.BLOCK " + Taps.BLOCK + " is not a multiple of 2 x " + L);
        }
    }

    private VectorTaps() {
    }

    /** {@link Taps#correlate}. */
    static void correlate(float[] a, int outs, int ins, float[] src, int stride, int[] off, float[] dst, int len) {
        // one loop over (tap, input channel) pairs: a vector accumulator live across two nested loops kept C2 from
        // keeping it in a register (JDK 17: boxed on every iteration, ~15x slower)
        int k = off.length * ins;
        int[] at = new int[k];
        for (int t = 0; t < off.length; t++) {
            for (int c = 0; c < ins; c++) {
                at[t * ins + c] = off[t] + c * stride;
            }
        }
        float[] w = new float[k * outs];   // [t c][o]
        for (int t = 0; t < off.length; t++) {
            for (int o = 0; o < outs; o++) {
                for (int c = 0; c < ins; c++) {
                    w[(t * ins + c) * outs + o] = a[(t * outs + o) * ins + c];
                }
            }
        }
        int o = 0;
        for (; o + 4 <= outs; o += 4) {
            correlate4(w, outs, at, src, stride, dst, len, o);
        }
        for (; o < outs; o++) {
            correlate1(w, outs, at, src, stride, dst, len, o);
        }
    }

    /** Output rows {@code o .. o + 3} of {@link #correlate}, with {@code w[k][o]} and the reads' offsets {@code at[k]}. */
    private static void correlate4(float[] w, int outs, int[] at, float[] src, int stride, float[] dst, int len,
                                   int o) {
        for (int j = 0; j < len; j += 2 * L) {
            FloatVector a00 = FloatVector.zero(S), a01 = FloatVector.zero(S);
            FloatVector a10 = FloatVector.zero(S), a11 = FloatVector.zero(S);
            FloatVector a20 = FloatVector.zero(S), a21 = FloatVector.zero(S);
            FloatVector a30 = FloatVector.zero(S), a31 = FloatVector.zero(S);
            for (int k = 0; k < at.length; k++) {
                int p = at[k] + j;
                FloatVector x0 = FloatVector.fromArray(S, src, p);
                FloatVector x1 = FloatVector.fromArray(S, src, p + L);
                int wi = k * outs + o;
                FloatVector v = FloatVector.broadcast(S, w[wi]);
                a00 = x0.fma(v, a00);
                a01 = x1.fma(v, a01);
                v = FloatVector.broadcast(S, w[wi + 1]);
                a10 = x0.fma(v, a10);
                a11 = x1.fma(v, a11);
                v = FloatVector.broadcast(S, w[wi + 2]);
                a20 = x0.fma(v, a20);
                a21 = x1.fma(v, a21);
                v = FloatVector.broadcast(S, w[wi + 3]);
                a30 = x0.fma(v, a30);
                a31 = x1.fma(v, a31);
            }
            int d = o * stride + j;
            a00.intoArray(dst, d);
            a01.intoArray(dst, d + L);
            a10.intoArray(dst, d + stride);
            a11.intoArray(dst, d + stride + L);
            a20.intoArray(dst, d + 2 * stride);
            a21.intoArray(dst, d + 2 * stride + L);
            a30.intoArray(dst, d + 3 * stride);
            a31.intoArray(dst, d + 3 * stride + L);
        }
    }

    /** Output row {@code o} of {@link #correlate}. */
    private static void correlate1(float[] w, int outs, int[] at, float[] src, int stride, float[] dst, int len,
                                   int o) {
        for (int j = 0; j < len; j += 2 * L) {
            FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S);
            for (int k = 0; k < at.length; k++) {
                int p = at[k] + j;
                FloatVector v = FloatVector.broadcast(S, w[k * outs + o]);
                a0 = FloatVector.fromArray(S, src, p).fma(v, a0);
                a1 = FloatVector.fromArray(S, src, p + L).fma(v, a1);
            }
            a0.intoArray(dst, o * stride + j);
            a1.intoArray(dst, o * stride + j + L);
        }
    }

    /** {@link Taps#weights}: two output rows against four input channels at a time, then against one. */
    static void weights(float[] g, int gBase, int outs, float[] src, int ins, int stride, int[] off, float[] dw,
                        int len) {
        for (int t = 0; t < off.length; t++) {
            int o = 0;
            for (; o + 2 <= outs; o += 2) {
                int c = 0;
                for (; c + 4 <= ins; c += 4) {
                    weights2x4(g, gBase + o * stride, src, c * stride + off[t], stride, len, dw,
                            (t * outs + o) * ins + c, ins);
                }
                for (; c < ins; c++) {
                    weights2x1(g, gBase + o * stride, src, c * stride + off[t], stride, len, dw,
                            (t * outs + o) * ins + c, ins);
                }
            }
            for (; o < outs; o++) {
                int gi = gBase + o * stride;
                int base = (t * outs + o) * ins;
                for (int c = 0; c < ins; c++) {
                    FloatVector s0 = FloatVector.zero(S);
                    int p = c * stride + off[t];
                    for (int j = 0; j < len; j += L) {
                        s0 = FloatVector.fromArray(S, g, gi + j).fma(FloatVector.fromArray(S, src, p + j), s0);
                    }
                    dw[base + c] = sum(s0);
                }
            }
        }
    }

    /**
     * The sums of output rows {@code g[gi ..]} and {@code g[gi + stride ..]} against input rows {@code src[p ..]}
     * to {@code src[p + 3 stride ..]}, into {@code dw[at + c]} and {@code dw[at + ins + c]} for c = 0..3.
     */
    private static void weights2x4(float[] g, int gi, float[] src, int p, int stride, int len, float[] dw, int at,
                                   int ins) {
        FloatVector s00 = FloatVector.zero(S), s01 = FloatVector.zero(S);
        FloatVector s02 = FloatVector.zero(S), s03 = FloatVector.zero(S);
        FloatVector s10 = FloatVector.zero(S), s11 = FloatVector.zero(S);
        FloatVector s12 = FloatVector.zero(S), s13 = FloatVector.zero(S);
        for (int j = 0; j < len; j += L) {
            FloatVector g0 = FloatVector.fromArray(S, g, gi + j);
            FloatVector g1 = FloatVector.fromArray(S, g, gi + stride + j);
            FloatVector x = FloatVector.fromArray(S, src, p + j);
            s00 = g0.fma(x, s00);
            s10 = g1.fma(x, s10);
            x = FloatVector.fromArray(S, src, p + stride + j);
            s01 = g0.fma(x, s01);
            s11 = g1.fma(x, s11);
            x = FloatVector.fromArray(S, src, p + 2 * stride + j);
            s02 = g0.fma(x, s02);
            s12 = g1.fma(x, s12);
            x = FloatVector.fromArray(S, src, p + 3 * stride + j);
            s03 = g0.fma(x, s03);
            s13 = g1.fma(x, s13);
        }
        // the lanes summed in Java: reduceLanes was not compiled to vector code here (JDK 17), ~20 % of the pass
        float[] lanes = new float[8 * L];
        s00.intoArray(lanes, 0);
        s01.intoArray(lanes, L);
        s02.intoArray(lanes, 2 * L);
        s03.intoArray(lanes, 3 * L);
        s10.intoArray(lanes, 4 * L);
        s11.intoArray(lanes, 5 * L);
        s12.intoArray(lanes, 6 * L);
        s13.intoArray(lanes, 7 * L);
        for (int k = 0; k < 8; k++) {
            float sum = 0f;
            for (int i = k * L; i < (k + 1) * L; i++) {
                sum += lanes[i];
            }
            dw[at + (k / 4) * ins + k % 4] = sum;
        }
    }

    /** {@link #weights2x4} for one input channel. */
    private static void weights2x1(float[] g, int gi, float[] src, int p, int stride, int len, float[] dw, int at,
                                   int ins) {
        FloatVector s0 = FloatVector.zero(S), s1 = FloatVector.zero(S);
        for (int j = 0; j < len; j += L) {
            FloatVector x = FloatVector.fromArray(S, src, p + j);
            s0 = FloatVector.fromArray(S, g, gi + j).fma(x, s0);
            s1 = FloatVector.fromArray(S, g, gi + stride + j).fma(x, s1);
        }
        dw[at] = sum(s0);
        dw[at + ins] = sum(s1);
    }

    /** The sum of {@code v}'s lanes, in Java (see {@link #weights2x4}). */
    private static float sum(FloatVector v) {
        float[] lanes = new float[L];
        v.intoArray(lanes, 0);
        float sum = 0f;
        for (float x : lanes) {
            sum += x;
        }
        return sum;
    }
}
