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
}
