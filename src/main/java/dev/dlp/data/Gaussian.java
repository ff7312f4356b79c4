package dev.dlp.data;

import java.util.SplittableRandom;

/** Standard normal draws from a {@link SplittableRandom}, which has no {@code nextGaussian} (Box-Muller). */
public final class Gaussian {
    private Gaussian() {
    }

    public static double next(SplittableRandom r) {
        double u = 1.0 - r.nextDouble(); // (0, 1]: log(u) is finite
        double v = r.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
