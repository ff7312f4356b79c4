package dev.dlp.fast;

import dev.dlp.nd4j.HostArrays;
import org.deeplearning4j.optimize.api.StepFunction;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DL4J's {@code NegativeGradientStepFunction} ({@code params -= update}) as one Java pass over bulk copies of both
 * arrays (in ND4J's own memory with the Vector API, {@link Simd}). Why: the ND4J {@code subi} it runs costs ~30 µs per step in op construction and bookkeeping, more than the
 * whole Adam pass on a small model (profiled on MNIST softmax regression, 7,850 parameters). Arrays that are not
 * contiguous floats of the same length go to {@code subi}.
 */
public final class JavaStep implements StepFunction {
    /** Steps that ran on {@link NativeSimd} in ND4J's memory (tests assert that path ran). */
    static final java.util.concurrent.atomic.LongAdder NATIVE_PASSES = new java.util.concurrent.atomic.LongAdder();

    private float[] x = new float[0];
    private float[] d = new float[0];

    @Override
    public void step(INDArray params, INDArray update, double step) {
        step(params, update);
    }

    @Override
    public void step(INDArray params, INDArray update) {
        long n = params.length();
        if (n != update.length() || !HostArrays.contiguousFloats(params) || !HostArrays.contiguousFloats(update)) {
            params.subi(update);
            return;
        }
        if (Simd.AVAILABLE && dev.dlp.nd4j.Backend.hostArrays()) {
            NativeSimd.subtract(HostArrays.bytes(params), HostArrays.bytes(update), (int) n);
            java.lang.ref.Reference.reachabilityFence(params);   // the byte views do not keep the arrays alive
            java.lang.ref.Reference.reachabilityFence(update);
            NATIVE_PASSES.increment();
            return;
        }
        if (x.length < n) {
            x = new float[(int) n];
            d = new float[(int) n];
        }
        HostArrays.read(params, x);
        HostArrays.read(update, d);
        for (int i = 0; i < n; i++) {
            x[i] -= d[i];
        }
        HostArrays.write(x, params);
    }

    @Override
    public void step() {
    }
}
