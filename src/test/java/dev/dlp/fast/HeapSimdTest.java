package dev.dlp.fast;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** FastDenseLayer's element-wise passes on the Vector API against its plain loops, bit for bit. */
class HeapSimdTest {
    /** Widths below, at and past a vector's length, with tails. */
    private static final int[] WIDTHS = {1, 3, 7, 10, 16, 17, 64, 84, 120, 128, 131};

    @Test
    void biasAndActivationIsTheLoopBitForBit() {
        assertTrue(Simd.AVAILABLE, "the tests run with --add-modules jdk.incubator.vector");
        SplittableRandom r = new SplittableRandom(11);
        for (int k : WIDTHS) {
            for (boolean relu : new boolean[]{true, false}) {
                int n = 5;
                float[] a = values(r, n * k);
                float[] b = values(r, k);
                float[] want = a.clone();
                FastDenseLayer.biasAndActivationLoop(want, b, n, k, relu);
                float[] got = a.clone();
                HeapSimd.biasAndActivation(got, b, n, k, relu);
                assertArrayEquals(bits(want), bits(got), "k=" + k + " relu=" + relu);
                float[] viaLayer = a.clone();
                FastDenseLayer.biasAndActivation(viaLayer, b, n, k, relu);
                assertArrayEquals(bits(want), bits(viaLayer), "the layer's entry point, k=" + k);
            }
        }
    }

    @Test
    void activationGradientIsTheLoopBitForBit() {
        assertTrue(Simd.AVAILABLE, "the tests run with --add-modules jdk.incubator.vector");
        SplittableRandom r = new SplittableRandom(13);
        for (int k : WIDTHS) {
            for (boolean relu : new boolean[]{true, false}) {
                int n = 6;
                float[] e = values(r, n * k);
                float[] a = values(r, n * k);
                float[] wantE = e.clone();
                float[] wantB = new float[k + 2];
                wantB[k + 1] = 42f;   // past k: left alone
                FastDenseLayer.activationGradientLoop(wantE, a, wantB, n, k, relu);
                float[] gotE = e.clone();
                float[] gotB = new float[k + 2];
                gotB[k + 1] = 42f;
                HeapSimd.activationGradient(gotE, a, gotB, n, k, relu);
                assertArrayEquals(bits(wantE), bits(gotE), "delta, k=" + k + " relu=" + relu);
                assertArrayEquals(bits(wantB), bits(gotB), "bias gradient, k=" + k + " relu=" + relu);
            }
        }
    }

    /** Mostly normal values of both signs, with zeros of both signs, NaN and infinities among them. */
    private static float[] values(SplittableRandom r, int n) {
        float[] x = new float[n];
        float[] special = {0f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MIN_VALUE};
        for (int i = 0; i < n; i++) {
            x[i] = r.nextInt(8) == 0 ? special[r.nextInt(special.length)] : (float) r.nextGaussian();
        }
        return x;
    }

    private static int[] bits(float[] x) {
        int[] b = new int[x.length];
        for (int i = 0; i < x.length; i++) {
            b[i] = Float.floatToRawIntBits(x[i]);
        }
        return b;
    }
}
