package dev.dlp.fast;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link FloatMath} agrees with {@code Math.exp}/{@code Math.tanh} to float precision. */
class FloatMathTest {

    @Test
    void expIsWithinAFewUlpsOfMathExpOverTheFloatRange() {
        double worst = 0;
        for (float x = -87f; x <= 88f; x += 0.00731f) {
            double want = Math.exp(x);
            worst = Math.max(worst, Math.abs(FloatMath.exp(x) - want) / want);
        }
        assertTrue(worst < 4e-7, "worst relative error " + worst);
        assertEquals(1f, FloatMath.exp(0f));
        assertTrue(FloatMath.exp(-1000f) >= 0 && FloatMath.exp(-1000f) < 1e-37, "clamped below");
        assertTrue(Float.isFinite(FloatMath.exp(1000f)), "clamped above");
    }

    @Test
    void sigmoidAndTanhAreWithinAFewUlpsEverywhere() {
        double worstS = 0;
        double worstT = 0;
        for (float x = -30f; x <= 30f; x += 0.000913f) {
            double s = 1 / (1 + Math.exp(-x));
            worstS = Math.max(worstS, Math.abs(FloatMath.sigmoid(x) - s) / s);
            double t = Math.tanh(x);
            worstT = Math.max(worstT, Math.abs(FloatMath.tanh(x) - t));
        }
        assertTrue(worstS < 5e-7, "sigmoid: worst relative error " + worstS);
        // absolute: near 0, (1 - e) / (1 + e) loses relative precision, not absolute (float's ulp at 1 is 6e-8)
        assertTrue(worstT < 2e-7, "tanh: worst absolute error " + worstT);
        assertEquals(0f, FloatMath.tanh(0f));
        assertEquals(1f, FloatMath.tanh(100f));
        assertEquals(-1f, FloatMath.tanh(-100f));
        assertEquals(0f, FloatMath.sigmoid(-200f), 1e-30);
        assertEquals(1f, FloatMath.sigmoid(200f));
    }

    @Test
    void arrayRangesGiveTheScalarResultsAndLeaveTheRestAlone() {
        java.util.Random r = new java.util.Random(3);
        float[] x = new float[1000];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian() * 6;
        }
        float[] s = x.clone();
        float[] t = x.clone();
        FloatMath.sigmoid(s, 10, 990);
        FloatMath.tanh(t, 10, 990);
        for (int i = 0; i < x.length; i++) {
            boolean in = i >= 10 && i < 990;
            assertEquals(in ? FloatMath.sigmoid(x[i]) : x[i], s[i], 0f, "sigmoid " + i);
            assertEquals(in ? FloatMath.tanh(x[i]) : x[i], t[i], 0f, "tanh " + i);
        }
    }
}
