package dev.dlp.pipelines.convbasics;

import dev.dlp.config.ConfigException;
import dev.dlp.config.Suggest;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BiFunction;

/**
 * The kernels a config may name: {@code NAME} or {@code NAME:K} for a KxK one where the kind has a size.
 * Fixed 3x3 ones: sharpen, sobel-x, sobel-y, laplacian. Sized ones (default 3): identity, box-blur, gaussian
 * (binomial weights), random (seeded, uniform in [-1, 1)).
 */
public final class Kernels {
    /** Largest K of a sized kernel. */
    static final int MAX_SIZE = 31;

    /** size, seed -> row-major KxK weights. */
    private static final Map<String, BiFunction<Integer, Long, float[]>> SIZED = new LinkedHashMap<>();
    private static final Map<String, float[]> FIXED = new LinkedHashMap<>();

    static {
        SIZED.put("identity", (k, seed) -> {
            float[] v = new float[k * k];
            v[(k / 2) * k + k / 2] = 1f;
            return v;
        });
        SIZED.put("box-blur", (k, seed) -> {
            float[] v = new float[k * k];
            Arrays.fill(v, 1f / (k * k));
            return v;
        });
        SIZED.put("gaussian", (k, seed) -> {
            double[] row = binomial(k);
            float[] v = new float[k * k];
            for (int y = 0; y < k; y++) {
                for (int x = 0; x < k; x++) {
                    v[y * k + x] = (float) (row[y] * row[x]);
                }
            }
            return v;
        });
        SIZED.put("random", (k, seed) -> {
            Random r = new Random(seed * 1_000_003L + k);
            float[] v = new float[k * k];
            for (int i = 0; i < v.length; i++) {
                v[i] = r.nextFloat() * 2 - 1;
            }
            return v;
        });
        FIXED.put("sharpen", new float[]{0, -1, 0, -1, 5, -1, 0, -1, 0});
        FIXED.put("sobel-x", new float[]{-1, 0, 1, -2, 0, 2, -1, 0, 1});
        FIXED.put("sobel-y", new float[]{-1, -2, -1, 0, 0, 0, 1, 2, 1});
        FIXED.put("laplacian", new float[]{0, 1, 0, 1, -4, 1, 0, 1, 0});
    }

    private Kernels() {
    }

    /** A square kernel: its name as written in the config, its size and its row-major weights. */
    public record Kernel(String name, int size, float[] values) {
        /** The kernel rotated by 180 degrees: what a true convolution slides over the input. */
        public Kernel flipped() {
            float[] f = new float[values.length];
            for (int i = 0; i < values.length; i++) {
                f[i] = values[values.length - 1 - i];
            }
            return new Kernel(name + " (flipped)", size, f);
        }

        /** The taps spread {@code d} pixels apart with zeros between: what the input sees under dilation d. */
        public Kernel dilated(int d) {
            if (d == 1) {
                return this;
            }
            int n = span(d);
            float[] v = new float[n * n];
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    v[y * d * n + x * d] = values[y * size + x];
                }
            }
            return new Kernel(name, n, v);
        }

        /** Pixels the kernel covers along a side under dilation d: d(k-1) + 1. */
        public int span(int d) {
            return d * (size - 1) + 1;
        }

        /** How flipping changes it: symmetric (no change), antisymmetric (sign change) or neither. */
        public Flip flipKind() {
            float[] f = flipped().values;
            boolean same = true;
            boolean negated = true;
            for (int i = 0; i < values.length; i++) {
                same &= f[i] == values[i];
                negated &= f[i] == -values[i];
            }
            return same ? Flip.SYMMETRIC : negated ? Flip.ANTISYMMETRIC : Flip.DIFFERENT;
        }
    }

    /** What a 180-degree rotation does to a kernel. */
    public enum Flip { SYMMETRIC, ANTISYMMETRIC, DIFFERENT }

    /** Every name a config may use. */
    public static List<String> names() {
        List<String> all = new ArrayList<>(SIZED.keySet());
        all.addAll(FIXED.keySet());
        return all;
    }

    /** Parses {@code NAME} or {@code NAME:K}; unknown names fail with a suggestion. */
    public static Kernel parse(String key, String spec, long seed) {
        if (spec == null || spec.isBlank()) {
            throw new ConfigException(key, "empty kernel name (one of: " + String.join(", ", names()) + ")");
        }
        String s = spec.trim().toLowerCase();
        int colon = s.indexOf(':');
        String name = colon < 0 ? s : s.substring(0, colon);
        Integer size = null;
        if (colon >= 0) {
            try {
                size = Integer.parseInt(s.substring(colon + 1).trim());
            } catch (NumberFormatException e) {
                throw new ConfigException(key, "'" + spec + "': expected NAME:K with a whole number K");
            }
        }
        if (FIXED.containsKey(name)) {
            if (size != null && size != 3) {
                throw new ConfigException(key, "'" + spec + "': " + name + " is 3x3 only");
            }
            return new Kernel(spec.trim(), 3, FIXED.get(name).clone());
        }
        if (!SIZED.containsKey(name)) {
            throw new ConfigException(key, "unknown kernel '" + spec + "'" + Suggest.hint(name, names())
                    + " (one of: " + String.join(", ", names()) + "; sized: " + String.join(", ", SIZED.keySet())
                    + " take :K)");
        }
        int k = size == null ? 3 : size;
        if (k < 1 || k > MAX_SIZE) {
            throw new ConfigException(key, "'" + spec + "': size must be in [1, " + MAX_SIZE + "], got " + k);
        }
        if (name.equals("identity") && k % 2 == 0) {
            throw new ConfigException(key, "'" + spec + "': identity needs an odd size (it has a centre pixel)");
        }
        return new Kernel(spec.trim(), k, SIZED.get(name).apply(k, seed));
    }

    /** Row k-1 of Pascal's triangle, normalised to sum 1. */
    private static double[] binomial(int k) {
        double[] row = new double[k];
        row[0] = 1;
        for (int i = 1; i < k; i++) {
            for (int j = i; j > 0; j--) {
                row[j] += row[j - 1];
            }
        }
        double sum = Arrays.stream(row).sum();
        for (int i = 0; i < k; i++) {
            row[i] /= sum;
        }
        return row;
    }
}
