package dev.dlp.fast;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Vector API loops over ND4J's own memory (direct byte views, {@link dev.dlp.nd4j.HostArrays#bytes}): no heap copy in
 * or out. Each lane does the scalar loop's float operations in the same order, so results are bit-identical to it
 * (IEEE float multiply, add, divide and square root are correctly rounded either way; Java does not contract to
 * FMA). Load only when {@link Simd#AVAILABLE}.
 */
final class NativeSimd {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final FloatVector ONE = FloatVector.broadcast(S, 1f);

    private NativeSimd() {
    }

    /**
     * {@link FastAdamUpdater#update}'s pass in place: {@code m}, {@code v} updated, {@code g} becomes the update, for
     * the gradient {@code g * scale} and the bias-corrected step {@code alpha}.
     */
    static void adam(ByteBuffer g, ByteBuffer m, ByteBuffer v, int n, float scale, float alpha, float beta1,
                     float beta2, float eps) {
        adamStep(g, m, v, null, 0, 0, n, scale, alpha, beta1, beta2, eps);
    }

    /**
     * {@link #adam} and then {@link #subtract} in one pass over floats {@code [from, from + n)} of {@code g}, {@code m}
     * and {@code v}: the update written into {@code g} is also taken from {@code x}'s floats {@code [xFrom + from,
     * xFrom + from + n)} ({@code x} null: no step). The same float operations in the same order as the two passes,
     * so bit-identical to them; one read of the update fewer, and the parameters while the update is in registers.
     */
    static void adamStep(ByteBuffer g, ByteBuffer m, ByteBuffer v, ByteBuffer x, int xFrom, int from, int n,
                         float scale, float alpha, float beta1, float beta2, float eps) {
        float c1 = 1 - beta1;
        float c2 = 1 - beta2;
        int i = from;
        int end = from + n;
        int shift = xFrom * 4;
        for (int bound = from + S.loopBound(n); i < bound; i += S.length()) {
            int at = i * 4;
            FloatVector gi = FloatVector.fromByteBuffer(S, g, at, ORDER).mul(scale);
            FloatVector mi = FloatVector.fromByteBuffer(S, m, at, ORDER).mul(beta1).add(gi.mul(c1));
            FloatVector vi = FloatVector.fromByteBuffer(S, v, at, ORDER).mul(beta2).add(gi.mul(gi).mul(c2));
            mi.intoByteBuffer(m, at, ORDER);
            vi.intoByteBuffer(v, at, ORDER);
            FloatVector u = mi.mul(alpha).div(vi.sqrt().add(eps));
            u.intoByteBuffer(g, at, ORDER);
            if (x != null) {
                FloatVector.fromByteBuffer(S, x, shift + at, ORDER).sub(u).intoByteBuffer(x, shift + at, ORDER);
            }
        }
        for (; i < end; i++) {
            int at = i * 4;
            float gi = g.getFloat(at) * scale;
            float mi = beta1 * m.getFloat(at) + gi * c1;
            float vi = beta2 * v.getFloat(at) + gi * gi * c2;
            m.putFloat(at, mi);
            v.putFloat(at, vi);
            float u = mi * alpha / ((float) Math.sqrt(vi) + eps);
            g.putFloat(at, u);
            if (x != null) {
                x.putFloat(shift + at, x.getFloat(shift + at) - u);
            }
        }
    }

    /**
     * ReLU's backward pass over {@code n} floats: {@code out = [in > 0] * eps}, the step (1 or 0, NaN giving 0) times
     * the gradient, as libnd4j's {@code step} op and an element-wise product compute it (so {@code 0 * eps} keeps
     * its sign and a NaN gradient stays NaN: bit-identical).
     */
    static void reluBackprop(ByteBuffer in, ByteBuffer eps, ByteBuffer out, int n) {
        FloatVector zero = FloatVector.zero(S);
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += S.length()) {
            int at = i * 4;
            FloatVector step = zero.blend(ONE, FloatVector.fromByteBuffer(S, in, at, ORDER)
                    .compare(VectorOperators.GT, 0f));
            step.mul(FloatVector.fromByteBuffer(S, eps, at, ORDER)).intoByteBuffer(out, at, ORDER);
        }
        for (; i < n; i++) {
            int at = i * 4;
            out.putFloat(at, (in.getFloat(at) > 0f ? 1f : 0f) * eps.getFloat(at));
        }
    }

    /** {@code x -= d} over {@code n} floats. */
    static void subtract(ByteBuffer x, ByteBuffer d, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += S.length()) {
            int at = i * 4;
            FloatVector.fromByteBuffer(S, x, at, ORDER).sub(FloatVector.fromByteBuffer(S, d, at, ORDER))
                    .intoByteBuffer(x, at, ORDER);
        }
        for (; i < n; i++) {
            int at = i * 4;
            x.putFloat(at, x.getFloat(at) - d.getFloat(at));
        }
    }

    /**
     * Sigmoid + binary cross-entropy over a {@code rows x cols} c-order block, what DL4J's {@code LossBinaryXENT}
     * computes: {@code p = sigmoid(z + b)}, {@code p̂ = clip(p, eps, hi)} ({@code hi = 1 - eps} rounded as DL4J rounds
     * it), {@code delta = (p̂ - y) / (p̂ (1 - p̂)) · p (1 - p)}, which is {@code p - y} wherever {@code p} is not
     * clipped (so that is what unclipped lanes get); returns the loss {@code -Σ [y log p̂ + (1 - y) log(1 - p̂)]}.
     * Unclipped terms in the same quantity's other form, with one exp per element and no log of a probability:
     * {@code -[y log p + (1 - y) log(1 - p)] = max(z, 0) + log1p(e^-|z|) - y z}, reusing the sigmoid's
     * exponential; clipped terms are DL4J's constants ({@code log p̂} and {@code log(1 - p̂)} at the clip bounds,
     * where {@code 1 - hi} in float is not eps). {@code eps} must be positive.
     */
    static double sigmoidXent(ByteBuffer z, ByteBuffer bias, ByteBuffer y, ByteBuffer delta, int rows, int cols,
                              float eps, float hi) {
        // -[y log p̂ + (1 - y) log(1 - p̂)] = -[lq + y (lp - lq)] at each clip bound
        float lqHi = (float) Math.log(1f - hi);
        float dHi = (float) Math.log(hi) - lqHi;
        float lqLo = (float) Math.log(1f - eps);
        float dLo = (float) Math.log(eps) - lqLo;
        double loss = 0;
        FloatVector total = FloatVector.zero(S);
        FloatVector carry = FloatVector.zero(S);
        int bound = S.loopBound(cols);
        // each row's exponentials and probabilities, from the delta pass to the loss pass
        float[] e = new float[bound];
        float[] p = new float[bound];
        for (int r = 0; r < rows; r++) {
            int row = r * cols * 4;
            sigmoidDelta(z, bias, y, delta, row, bound, eps, hi, e, p);
            FloatVector acc = xentTerms(z, bias, y, row, bound, eps, hi, e, p, lqHi, dHi, lqLo, dLo);
            // rows' sums added with Kahan's compensation, lane by lane
            FloatVector y1 = acc.sub(carry);
            FloatVector t1 = total.add(y1);
            carry = t1.sub(total).sub(y1);
            total = t1;
            for (int j = bound; j < cols; j++) {
                int at = row + j * 4;
                float zj = z.getFloat(at) + bias.getFloat(j * 4);
                float yv = y.getFloat(at);
                float ej = FloatMath.exp(-Math.abs(zj));
                float inv = 1f / (ej + 1f);
                float pj = zj >= 0 ? inv : ej * inv;
                float pc = Math.min(hi, Math.max(eps, pj));
                delta.putFloat(at, pc == pj ? pj - yv : (pc - yv) / (pc * (1 - pc)) * (pj * (1 - pj)));
                loss += pj > hi ? -(yv * dHi + lqHi) : pj < eps ? -(yv * dLo + lqLo)
                        : Math.max(zj, 0f) + log1p(ej) - yv * zj;
            }
        }
        // (the lanes summed in double once: reduceLanes is not compiled to vector code in JDK 17 here)
        float[] lanes = new float[S.length()];
        total.intoArray(lanes, 0);
        for (float l : lanes) {
            loss += l;
        }
        return loss;
    }

    /**
     * {@link #sigmoidXent}'s delta over the row at byte {@code row}, its first {@code bound} (a multiple of the
     * vector length) elements: {@code e^-|z|} and {@code p} kept in {@code e} and {@code p} for the loss. Apart from
     * {@link #xentTerms} so that C2 compiles each loop within its node budget: in one method it left
     * {@link #log1p(FloatVector)} out of line ("NodeCountInliningCutoff"), a call with a boxed vector per 16 elements.
     * Not inlined into {@link #sigmoidXent} (scripts/jit-directives.json).
     */
    static void sigmoidDelta(ByteBuffer z, ByteBuffer bias, ByteBuffer y, ByteBuffer delta, int row, int bound,
                             float eps, float hi, float[] e, float[] p) {
        for (int j = 0; j < bound; j += S.length()) {
            int at = row + j * 4;
            FloatVector zv = FloatVector.fromByteBuffer(S, z, at, ORDER)
                    .add(FloatVector.fromByteBuffer(S, bias, j * 4, ORDER));
            FloatVector yv = FloatVector.fromByteBuffer(S, y, at, ORDER);
            FloatVector ev = exp(zv.abs().neg());
            FloatVector inv = ONE.div(ev.add(1f));
            VectorMask<Float> positive = zv.compare(VectorOperators.GE, 0f);
            FloatVector pv = ev.mul(inv).blend(inv, positive);
            FloatVector pc = pv.max(eps).min(hi);
            FloatVector clipped = pc.sub(yv).div(pc.mul(pc.neg().add(1f))).mul(pv.mul(pv.neg().add(1f)));
            pv.sub(yv).blend(clipped, pc.compare(VectorOperators.NE, pv)).intoByteBuffer(delta, at, ORDER);
            ev.intoArray(e, j);
            pv.intoArray(p, j);
        }
    }

    /**
     * {@link #sigmoidXent}'s loss terms over the row at byte {@code row}, from {@link #sigmoidDelta}'s {@code e} and
     * {@code p}, summed lane by lane. Not inlined into {@link #sigmoidXent} (scripts/jit-directives.json).
     */
    static FloatVector xentTerms(ByteBuffer z, ByteBuffer bias, ByteBuffer y, int row, int bound, float eps,
                                 float hi, float[] e, float[] p, float lqHi, float dHi, float lqLo, float dLo) {
        FloatVector acc = FloatVector.zero(S);
        for (int j = 0; j < bound; j += S.length()) {
            int at = row + j * 4;
            FloatVector zv = FloatVector.fromByteBuffer(S, z, at, ORDER)
                    .add(FloatVector.fromByteBuffer(S, bias, j * 4, ORDER));
            FloatVector yv = FloatVector.fromByteBuffer(S, y, at, ORDER);
            FloatVector ev = FloatVector.fromArray(S, e, j);
            FloatVector pv = FloatVector.fromArray(S, p, j);
            FloatVector term = zv.max(0f).add(log1p(ev)).sub(yv.mul(zv))
                    .blend(yv.mul(dHi).add(lqHi).neg(), pv.compare(VectorOperators.GT, hi))
                    .blend(yv.mul(dLo).add(lqLo).neg(), pv.compare(VectorOperators.LT, eps));
            acc = acc.add(term);
        }
        return acc;
    }

    private static final float LOG2E = FloatMath.LOG2E;
    private static final float LN2_HI = FloatMath.LN2_HI;
    private static final float LN2_LO = FloatMath.LN2_LO;
    private static final float ROUND = FloatMath.ROUND;
    private static final float SQRT2 = 1.41421356f;
    private static final float TWO23 = 8388608f;
    private static final int TWO23_BITS = Float.floatToRawIntBits(TWO23);

    /**
     * {@code e^x} as {@link FloatMath#exp(float)} computes it, lane by lane, with {@code 2^k} from the exponent bits
     * instead of a table. Built from IEEE float operations only (not the Vector API's {@code EXP}, whose interpreted
     * fallback and compiled intrinsic differ in the last bit), so a result never depends on when the JIT compiled
     * the loop: runs, and resumed runs, stay bit-reproducible.
     */
    static FloatVector exp(FloatVector x) {
        FloatVector v = x.max(FloatMath.MIN).min(FloatMath.MAX);
        FloatVector k = v.mul(LOG2E).add(ROUND).sub(ROUND);
        FloatVector r = v.sub(k.mul(LN2_HI)).sub(k.mul(LN2_LO));
        FloatVector t = r.mul(1f / 40320).add(1f / 5040);
        t = r.mul(t).add(1f / 720);
        t = r.mul(t).add(1f / 120);
        t = r.mul(t).add(1f / 24);
        t = r.mul(t).add(1f / 6);
        t = r.mul(t).add(0.5f);
        t = r.mul(t).add(1f);
        t = r.mul(t).add(1f);
        // k + 127 (in [1, 254]) as an int: an integral float plus 2^23 holds it in its low mantissa bits (no
        // float-to-int conversion, which the Vector API of JDK 17 does not compile to one instruction here)
        IntVector bits = k.add(127f + TWO23).reinterpretAsInts().sub(TWO23_BITS).mul(1 << 23);
        return t.mul(bits.reinterpretAsFloats());
    }


    /**
     * {@code log(1 + x)} for {@code x} in {@code [0, 1]}: {@code 2 atanh(t)} with {@code t = x / (x + 2)}, or, above
     * {@code √2 - 1}, {@code ln 2 + 2 atanh((x - 1)/(x + 3))} ({@code |t| < 0.172}); {@code 2 atanh t = 2t (1 + t²/3 + t⁴/5 + t⁶/7 + t⁸/9)}
     * (truncation below 1e-9).
     */
    static FloatVector log1p(FloatVector x) {
        VectorMask<Float> big = x.compare(VectorOperators.GT, SQRT2 - 1f);
        FloatVector t = x.div(x.add(2f)).blend(x.sub(1f).div(x.add(3f)), big);
        FloatVector t2 = t.mul(t);
        FloatVector series = t2.mul(1f / 9).add(1f / 7);
        series = t2.mul(series).add(1f / 5);
        series = t2.mul(series).add(1f / 3);
        series = t2.mul(series).add(1f);
        FloatVector ln2 = FloatVector.zero(S).blend(LN2_LO, big);
        FloatVector ln2hi = FloatVector.zero(S).blend(LN2_HI, big);
        return t.mul(2f).mul(series).add(ln2).add(ln2hi);
    }

    /** {@link #log1p(FloatVector)} for one value, the same operations in the same order. */
    static float log1p(float x) {
        boolean big = x > SQRT2 - 1f;
        float t = big ? (x - 1f) / (x + 3f) : x / (x + 2f);
        float t2 = t * t;
        float series = t2 * (1f / 9) + 1f / 7;
        series = t2 * series + 1f / 5;
        series = t2 * series + 1f / 3;
        series = t2 * series + 1f;
        return t * 2f * series + (big ? LN2_LO : 0f) + (big ? LN2_HI : 0f);
    }
}
