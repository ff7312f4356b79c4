package dev.dlp.pipelines.convbasics;

import dev.dlp.nd4j.HostArrays;
import dev.dlp.nd4j.Backend;
import org.nd4j.enums.WeightsFormat;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.Conv2D;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One channel in, one channel out, through libnd4j's {@code conv2d} op: the op DL4J's convolution layers run.
 * Like every deep learning library's "convolution" it computes a cross-correlation: the kernel is not flipped.
 */
public final class Conv2d {
    private Conv2d() {
    }

    /** {@code out[y][x] = sum_ij in[y*s + i*d - pTop][x*s + j*d - pLeft] * k[i][j]}, zeros outside the input. */
    public static Plane apply(Plane input, Kernels.Kernel kernel, Padding padding, int stride, int dilation) {
        Backend.init(0);
        int k = kernel.size();
        INDArray x = HostArrays.floats(input.values(), 0, 1, 1, input.height(), input.width()); // [batch, iC, H, W]
        INDArray w = HostArrays.floats(kernel.values(), 0, k, k, 1, 1);                          // [kH, kW, iC, oC]
        Conv2DConfig c = Conv2DConfig.builder()
                .kH(k).kW(k).sH(stride).sW(stride).dH(dilation).dW(dilation)
                .pH(padding.same() ? 0 : padding.zeros()).pW(padding.same() ? 0 : padding.zeros())
                .paddingMode(padding.same() ? PaddingMode.SAME : PaddingMode.VALID)
                .dataFormat(Conv2DConfig.NCHW).weightsFormat(WeightsFormat.YXIO)
                .build();
        boolean helpers = Nd4j.getEnvironment().helpersAllowed();
        boolean builtIn = helpers && !oneDnnCan(kernel, padding, stride, dilation);
        if (builtIn) {
            Nd4j.getEnvironment().allowHelpers(false);
        }
        try {
            INDArray out = Nd4j.exec(new Conv2D(x, w, null, c))[0]; // [1, 1, oH, oW]
            return new Plane((int) out.size(2), (int) out.size(3), out.dup('c').data().asFloat());
        } finally {
            if (builtIn) {
                Nd4j.getEnvironment().allowHelpers(true);
            }
        }
    }

    /**
     * Whether libnd4j's oneDNN conv2d (used when the build has oneDNN and helpers are allowed) accepts this case.
     * In 1.0.0-M2.1 it fails ("could not create a descriptor for a dilated convolution forward propagation
     * primitive") for any dilation above 1, and for {@code same} padding when the stride exceeds the kernel's
     * span (libnd4j then computes a negative padding). Those cases run on libnd4j's built-in implementation of the
     * same op, which the tests check as well.
     */
    static boolean oneDnnCan(Kernels.Kernel kernel, Padding padding, int stride, int dilation) {
        return dilation == 1 && !(padding.same() && stride > kernel.span(dilation));
    }
}
