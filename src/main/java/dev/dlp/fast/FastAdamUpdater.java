package dev.dlp.fast;

import dev.dlp.nd4j.HostArrays;
import dev.dlp.nd4j.Backend;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.AdamUpdater;
import org.nd4j.linalg.learning.config.Adam;

/**
 * Adam as libnd4j's {@code adam_updater} computes it, in float:
 * {@code m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g²; g = m a / (sqrt(v) + eps)} with
 * {@code a = lr sqrt(1 - b2^(t+1)) / (1 - b1^(t+1))}. With the Vector API ({@link Simd}) the pass runs in ND4J's own
 * memory ({@link NativeSimd}); without it the gradient and both state blocks are copied to the heap in one bulk copy
 * each, updated in a loop the JIT vectorises, and copied back (the same arithmetic, bit for bit). Arrays that are not contiguous
 * float blocks go to DL4J's op. {@link dev.dlp.fast.GraphUpdater} folds DL4J's minibatch division into the same
 * pass.
 */
public class FastAdamUpdater extends AdamUpdater {
    /** Passes that ran on {@link NativeSimd} in ND4J's memory (tests assert that path ran). */
    static final java.util.concurrent.atomic.LongAdder NATIVE_PASSES = new java.util.concurrent.atomic.LongAdder();

    private float[] g = new float[0];
    private float[] m = new float[0];
    private float[] v = new float[0];

    public FastAdamUpdater(FastAdam config) {
        super(config);
    }

    @Override
    public void applyUpdater(INDArray gradient, int iteration, int epoch) {
        if (!fusable(gradient)) {
            super.applyUpdater(gradient, iteration, epoch);
            return;
        }
        applyUpdater(gradient, iteration, epoch, 1);
    }

    /**
     * True when {@link #applyUpdater(INDArray, int, int, int)} can take {@code gradient}: a contiguous float vector
     * as long as the contiguous state blocks.
     */
    public boolean fusable(INDArray gradient) {
        INDArray mState = getM();
        INDArray vState = getV();
        if (mState == null || vState == null || !Backend.hostArrays()) {
            return false;
        }
        long len = gradient.length();
        return gradient.isVectorOrScalar() && HostArrays.contiguousFloats(gradient) && HostArrays.contiguousFloats(mState)
                && HostArrays.contiguousFloats(vState) && mState.length() == len && vState.length() == len;
    }

    /**
     * The update for {@code gradient / divisor}, in place, as DL4J's minibatch division followed by this updater
     * computes it (the division is a multiplication by {@code 1 / divisor}: exact for powers of two, within a
     * rounding step otherwise). {@code gradient} must be {@link #fusable}.
     */
    public void applyUpdater(INDArray gradient, int iteration, int epoch, int divisor) {
        if (!fusable(gradient)) {
            throw new IllegalArgumentException("not a contiguous float gradient of the state's length");
        }
        int n = (int) gradient.length();
        Adam a = getConfig();
        float lr = (float) a.getLearningRate(iteration, epoch);
        if (Simd.AVAILABLE) {
            NativeSimd.adam(HostArrays.bytes(gradient), HostArrays.bytes(getM()), HostArrays.bytes(getV()), n,
                    1f / divisor, alpha(lr, (float) a.getBeta1(), (float) a.getBeta2(), (float) a.getEpsilon(),
                            iteration), (float) a.getBeta1(), (float) a.getBeta2(), (float) a.getEpsilon());
            java.lang.ref.Reference.reachabilityFence(gradient);   // the byte views do not keep the arrays alive
            NATIVE_PASSES.increment();
            return;
        }
        if (g.length < n) {
            g = new float[n];
            m = new float[n];
            v = new float[n];
        }
        HostArrays.read(gradient, g);
        HostArrays.read(getM(), m);
        HostArrays.read(getV(), v);
        update(g, m, v, n, 1f / divisor, lr, (float) a.getBeta1(),
                (float) a.getBeta2(), (float) a.getEpsilon(), iteration);
        HostArrays.write(g, gradient);
        HostArrays.write(m, getM());
        HostArrays.write(v, getV());
    }

    /**
     * {@link #applyUpdater(INDArray, int, int, int)} over floats {@code [from, from + n)} of {@code gradient} (this
     * block's gradient, {@link #fusable}), followed in the same pass by DL4J's step {@code params -= update} on the
     * block's parameters, which start at float {@code paramsFrom} of {@code params} (the {@link HostArrays#bytes}
     * view of the network's flattened parameters). Bit-identical to the two passes. Needs {@link Simd#AVAILABLE}.
     */
    void applyUpdaterAndStep(INDArray gradient, java.nio.ByteBuffer params, int paramsFrom, int from, int n,
                             int iteration, int epoch, int divisor) {
        Adam a = getConfig();
        float lr = (float) a.getLearningRate(iteration, epoch);
        NativeSimd.adamStep(HostArrays.bytes(gradient), HostArrays.bytes(getM()), HostArrays.bytes(getV()), params,
                paramsFrom, from, n, 1f / divisor, alpha(lr, (float) a.getBeta1(), (float) a.getBeta2(),
                        (float) a.getEpsilon(), iteration), (float) a.getBeta1(), (float) a.getBeta2(),
                (float) a.getEpsilon());
        java.lang.ref.Reference.reachabilityFence(gradient);   // the byte views do not keep the arrays alive
        NATIVE_PASSES.increment();
    }

    /** The bias-corrected step size of iteration {@code iteration} (libnd4j's, with its fallback to eps). */
    static float alpha(float lr, float beta1, float beta2, float eps, int iteration) {
        float beta1T = (float) Math.pow(beta1, iteration + 1);
        float beta2T = (float) Math.pow(beta2, iteration + 1);
        float alpha = (float) (lr * Math.sqrt(1.0 - beta2T) / (1.0 - beta1T));
        return Float.isNaN(alpha) || Float.isInfinite(alpha) || alpha == 0 ? eps : alpha;
    }

    /**
     * One Adam step over {@code [0, n)} for the gradient {@code g * scale}: {@code m}, {@code v} updated in place,
     * {@code g} becomes the update.
     */
    static void update(float[] g, float[] m, float[] v, int n, float scale, float lr, float beta1, float beta2,
                       float eps, int iteration) {
        float alpha = alpha(lr, beta1, beta2, eps, iteration);
        float c1 = 1 - beta1;
        float c2 = 1 - beta2;
        for (int i = 0; i < n; i++) {
            float gi = g[i] * scale;
            float mi = beta1 * m[i] + gi * c1;
            float vi = beta2 * v[i] + gi * gi * c2;
            m[i] = mi;
            v[i] = vi;
            g[i] = mi * alpha / ((float) Math.sqrt(vi) + eps);
        }
    }
}
