package dev.dlp.fast;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Vector API exp and log1p against Math's, and each lane against the scalar version bit for bit. */
class NativeSimdTest {
    private static final jdk.incubator.vector.VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    @Test
    void expMatchesMathAndFloatMathExactly() {
        SplittableRandom r = new SplittableRandom(3);
        float[] x = new float[S.length()];
        float[] y = new float[S.length()];
        for (int round = 0; round < 20_000; round++) {
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (r.nextDouble() * 180 - 90);
            }
            NativeSimd.exp(FloatVector.fromArray(S, x, 0)).intoArray(y, 0);
            for (int i = 0; i < x.length; i++) {
                assertEquals(Float.floatToIntBits(FloatMath.exp(x[i])), Float.floatToIntBits(y[i]), "x=" + x[i]);
                if (x[i] > -87 && x[i] < 88) {
                    double want = Math.exp(x[i]);
                    assertTrue(Math.abs(y[i] - want) <= 4 * Math.ulp((float) want), "x=" + x[i] + ": " + y[i]);
                }
            }
        }
    }

    @Test
    void log1pOnZeroToOneMatchesMathAndTheScalarVersionExactly() {
        SplittableRandom r = new SplittableRandom(5);
        float[] x = new float[S.length()];
        float[] y = new float[S.length()];
        for (int round = 0; round < 20_000; round++) {
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (round % 2 == 0 ? r.nextDouble() : Math.pow(10, -8 * r.nextDouble()));
            }
            NativeSimd.log1p(FloatVector.fromArray(S, x, 0)).intoArray(y, 0);
            for (int i = 0; i < x.length; i++) {
                assertEquals(Float.floatToIntBits(NativeSimd.log1p(x[i])), Float.floatToIntBits(y[i]), "x=" + x[i]);
                double want = Math.log1p(x[i]);
                assertTrue(Math.abs(y[i] - want) <= 3 * Math.ulp((float) want), "x=" + x[i] + ": " + y[i] + " vs " + want);
            }
        }
        assertEquals(0f, NativeSimd.log1p(0f));
    }

    /**
     * {@link NativeSimd#sigmoidXent}'s vector lanes against its scalar loop: the same values as one row of
     * {@code S.length()} elements (all vector lanes) and as one row of {@code S.length() - 1} (all scalar, below the
     * loop bound), over logits that clip on both sides; the deltas bit for bit, the losses (summed in float lanes
     * against double) within 1e-6. Repeated so that the JIT has compiled the loops (the deltas must not depend on it).
     */
    @Test
    void sigmoidXentsVectorLanesEqualItsScalarLoop() {
        SplittableRandom r = new SplittableRandom(9);
        int n = S.length();
        float eps = 1e-5f;
        float hi = 1f - 1e-5f;
        for (int round = 0; round < 3_000; round++) {
            float[] z = new float[n];
            float[] b = new float[n];
            float[] y = new float[n];
            for (int i = 0; i < n; i++) {
                z[i] = (float) (r.nextGaussian() * (round % 3 == 0 ? 20 : 3));
                b[i] = (float) r.nextGaussian();
                y[i] = r.nextDouble() < 0.3 ? (float) r.nextDouble() : 0f;
            }
            java.nio.ByteBuffer dv = direct(new float[n]);
            java.nio.ByteBuffer ds = direct(new float[n]);
            double lv = NativeSimd.sigmoidXent(direct(z), direct(b), direct(y), dv, 1, n, eps, hi);
            float[] zs = java.util.Arrays.copyOf(z, n - 1);
            double ls = NativeSimd.sigmoidXent(direct(zs), direct(b), direct(y), ds, 1, n - 1, eps, hi);
            for (int i = 0; i < n - 1; i++) {
                assertEquals(Float.floatToIntBits(ds.getFloat(4 * i)), Float.floatToIntBits(dv.getFloat(4 * i)),
                        "delta " + i + ", z=" + z[i]);
            }
            // the vector row's loss less its last element's term is the scalar row's loss
            java.nio.ByteBuffer last = direct(new float[1]);
            double l1 = NativeSimd.sigmoidXent(direct(new float[]{z[n - 1]}), direct(new float[]{b[n - 1]}),
                    direct(new float[]{y[n - 1]}), last, 1, 1, eps, hi);
            assertEquals(ls + l1, lv, 1e-6 * Math.max(1, Math.abs(lv)), "loss, round " + round);
        }
    }

    private static java.nio.ByteBuffer direct(float[] v) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocateDirect(4 * v.length)
                .order(java.nio.ByteOrder.nativeOrder());
        b.asFloatBuffer().put(v);
        return b;
    }
}
