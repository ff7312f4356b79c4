package dev.dlp.fast;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API loops over heap arrays for {@link FastDenseLayer}'s element-wise passes. Each lane does the scalar
 * loop's float operations in the same order (ReLU as a select on {@code v > 0}, so NaN gives 0 as there), so results
 * are bit-identical to it. Why: C2 does not vectorise the scalar loops' conditional select, and their branch on the
 * sign of each activation mispredicts about every other element (profiled on mnist-mlp: the two passes took 12.6 %
 * of a training step, ~3.7 ns per element). Load only when {@link Simd#AVAILABLE}.
 */
final class HeapSimd {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final FloatVector ZERO = FloatVector.zero(S);

    private HeapSimd() {
    }

    /** {@link FastDenseLayer#biasAndActivation}: in place over row-major {@code a[n, k]}. */
    static void biasAndActivation(float[] a, float[] b, int n, int k, boolean relu) {
        int bound = S.loopBound(k);
        for (int r = 0; r < n; r++) {
            int o = r * k;
            int j = 0;
            for (; j < bound; j += S.length()) {
                FloatVector v = FloatVector.fromArray(S, a, o + j).add(FloatVector.fromArray(S, b, j));
                if (relu) {
                    v = ZERO.blend(v, v.compare(VectorOperators.GT, 0f));
                }
                v.intoArray(a, o + j);
            }
            for (; j < k; j++) {
                float v = a[o + j] + b[j];
                a[o + j] = relu && !(v > 0) ? 0f : v;
            }
        }
    }

    /** {@link FastDenseLayer#activationGradient}: in place over row-major {@code e[n, k]}, bias gradient summed. */
    static void activationGradient(float[] e, float[] a, float[] dBias, int n, int k, boolean relu) {
        java.util.Arrays.fill(dBias, 0, k, 0f);
        int bound = S.loopBound(k);
        for (int r = 0; r < n; r++) {
            int o = r * k;
            int j = 0;
            for (; j < bound; j += S.length()) {
                FloatVector d = FloatVector.fromArray(S, e, o + j);
                if (relu) {
                    d = ZERO.blend(d, FloatVector.fromArray(S, a, o + j).compare(VectorOperators.GT, 0f));
                    d.intoArray(e, o + j);
                }
                FloatVector.fromArray(S, dBias, j).add(d).intoArray(dBias, j);
            }
            for (; j < k; j++) {
                float d = relu && !(a[o + j] > 0) ? 0f : e[o + j];
                e[o + j] = d;
                dBias[j] += d;
            }
        }
    }
}
