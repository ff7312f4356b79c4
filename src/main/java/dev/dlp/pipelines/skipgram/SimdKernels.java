package dev.dlp.pipelines.skipgram;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The trainer's inner loops on the JDK's Vector API (incubator module {@code jdk.incubator.vector}, enabled by
 * {@code ./dlp} and the tests with {@code --add-modules}): the dot product is a float reduction, which the JIT does
 * not vectorise by itself. Only loaded when the module is present ({@link SkipgramTrainer#SIMD}).
 */
final class SimdKernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private SimdKernels() {
    }

    static float dot(float[] a, int ao, float[] b, int bo, int n) {
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += S.length()) {
            acc = FloatVector.fromArray(S, a, ao + i).fma(FloatVector.fromArray(S, b, bo + i), acc);
        }
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            s += a[ao + i] * b[bo + i];
        }
        return s;
    }

    /** {@code e += g * out[oo..]; out[oo..] += g * in[io..]} (the output vector's update uses its old value for e). */
    static void update(float g, float[] in, int io, float[] out, int oo, float[] e, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += S.length()) {
            FloatVector o = FloatVector.fromArray(S, out, oo + i);
            FloatVector.fromArray(S, e, i).add(o.mul(g)).intoArray(e, i);
            o.add(FloatVector.fromArray(S, in, io + i).mul(g)).intoArray(out, oo + i);
        }
        for (; i < n; i++) {
            float o = out[oo + i];
            e[i] += g * o;
            out[oo + i] = o + g * in[io + i];
        }
    }

    /** {@code dst[off..] += src}. */
    static void add(float[] src, float[] dst, int off, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += S.length()) {
            FloatVector.fromArray(S, dst, off + i).add(FloatVector.fromArray(S, src, i)).intoArray(dst, off + i);
        }
        for (; i < n; i++) {
            dst[off + i] += src[i];
        }
    }
}
