package dev.dlp.pipelines.convbasics;

import dev.dlp.nd4j.HostArrays;
import dev.dlp.nd4j.Backend;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.enums.WeightsFormat;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.Conv2D;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ND4J's conv2d op against direct loops: every padding x stride x dilation, the weight layout, the flip. */
class Conv2dTest {
    private static final double TOLERANCE = 1e-5;

    @BeforeAll
    static void nd4j() {
        Backend.init(0);
    }

    static Stream<Arguments> combinations() {
        List<Arguments> all = new ArrayList<>();
        for (String p : List.of("valid", "same", "1", "2")) {
            for (int s : new int[]{1, 2, 3}) {
                for (int d : new int[]{1, 2}) {
                    all.add(Arguments.of(p, s, d));
                }
            }
        }
        return all.stream();
    }

    /** Both implementations of the op: oneDNN's where the build has it and it applies, and libnd4j's own. */
    @ParameterizedTest(name = "padding {0}, stride {1}, dilation {2}")
    @MethodSource("combinations")
    void opEqualsDirectCrossCorrelation(String padding, int stride, int dilation) {
        Padding p = Padding.parse("padding", padding);
        long seed = 31L * stride + dilation + padding.hashCode();
        boolean helpers = Nd4j.getEnvironment().helpersAllowed();
        try {
            for (boolean allowHelpers : new boolean[]{true, false}) {
                Nd4j.getEnvironment().allowHelpers(allowHelpers);
                // non-square inputs catch swapped axes; odd and even kernels catch off-by-one padding splits; 1x1
                // with stride 3 is where libnd4j's own 'same' padding would be negative
                for (int[] hw : new int[][]{{11, 13}, {12, 12}}) {
                    Plane x = randomPlane(hw[0], hw[1], seed);
                    for (String k : List.of("random:1", "random:3", "random:4", "sobel-x")) {
                        Kernels.Kernel kernel = Kernels.parse("k", k, seed);
                        Plane op = Conv2d.apply(x, kernel, p, stride, dilation);
                        Plane ref = Naive.crossCorrelate(x, kernel, p, stride, dilation);
                        String what = k + " on " + x.shape() + (allowHelpers ? "" : " without helpers");
                        assertEquals(ref.shape(), op.shape(), what);
                        double diff = ConvBasics.maxAbsDiff(op, ref);
                        assertTrue(diff < TOLERANCE, what + ": max |op - direct| = " + diff);
                    }
                }
            }
        } finally {
            Nd4j.getEnvironment().allowHelpers(helpers);
        }
    }

    @Test
    void weightLayoutIsKhKwInOut() {
        // 2 input channels, 3 output channels, a 2x3 kernel: any other reading of [kH, kW, iC, oC] fails
        int iC = 2;
        int oC = 3;
        int kH = 2;
        int kW = 3;
        Random r = new Random(5);
        float[] in = new float[iC * 6 * 7];
        float[] w = new float[kH * kW * iC * oC];
        for (int i = 0; i < in.length; i++) {
            in[i] = r.nextFloat();
        }
        for (int i = 0; i < w.length; i++) {
            w[i] = r.nextFloat() * 2 - 1;
        }
        Conv2DConfig c = Conv2DConfig.builder().kH(kH).kW(kW).sH(1).sW(1).dH(1).dW(1).paddingMode(PaddingMode.VALID)
                .dataFormat(Conv2DConfig.NCHW).weightsFormat(WeightsFormat.YXIO).build();
        INDArray out = Nd4j.exec(new Conv2D(HostArrays.floats(in, 0, 1, iC, 6, 7), HostArrays.floats(w, 0, kH, kW, iC, oC),
                null, c))[0];
        assertArrayEquals(new long[]{1, oC, 5, 5}, out.shape());
        for (int o = 0; o < oC; o++) {
            for (int y = 0; y < 5; y++) {
                for (int x = 0; x < 5; x++) {
                    double sum = 0;
                    for (int ci = 0; ci < iC; ci++) {
                        for (int i = 0; i < kH; i++) {
                            for (int j = 0; j < kW; j++) {
                                sum += in[(ci * 6 + y + i) * 7 + x + j] * w[((i * kW + j) * iC + ci) * oC + o];
                            }
                        }
                    }
                    assertEquals(sum, out.getDouble(0, o, y, x), TOLERANCE, "out[" + o + "][" + y + "][" + x + "]");
                }
            }
        }
    }

    @Test
    void trueConvolutionIsTheOpWithAFlippedKernel() {
        Plane x = randomPlane(9, 10, 3);
        for (String k : List.of("random:3", "random:4", "sobel-x", "sobel-y", "sharpen", "gaussian:5")) {
            Kernels.Kernel kernel = Kernels.parse("k", k, 3);
            Plane convolution = Naive.convolveValid(x, kernel);
            Plane flippedOp = Conv2d.apply(x, kernel.flipped(), Padding.VALID, 1, 1);
            assertTrue(ConvBasics.maxAbsDiff(convolution, flippedOp) < TOLERANCE, k);
        }
    }

    @Test
    void forSobelTheOpIsNotAConvolution() {
        Plane x = randomPlane(9, 10, 4);
        Kernels.Kernel sobel = Kernels.parse("k", "sobel-x", 0);
        Plane op = Conv2d.apply(x, sobel, Padding.VALID, 1, 1);
        Plane convolution = Naive.convolveValid(x, sobel);
        assertTrue(ConvBasics.maxAbsDiff(op, convolution) > 0.1, "cross-correlation differs from convolution");
        for (int i = 0; i < op.values().length; i++) {
            assertEquals(-convolution.values()[i], op.values()[i], TOLERANCE, "sobel-x flipped is -sobel-x");
        }
        assertEquals(Kernels.Flip.ANTISYMMETRIC, sobel.flipKind());
        assertEquals(Kernels.Flip.SYMMETRIC, Kernels.parse("k", "gaussian", 0).flipKind());
        assertEquals(Kernels.Flip.DIFFERENT, Kernels.parse("k", "random", 0).flipKind());
    }

    @Test
    void shapeFormulaMatchesTheOp() {
        int checked = 0;
        for (int n : new int[]{5, 8, 13}) {
            for (int k : new int[]{1, 2, 3, 5}) {
                for (int s : new int[]{1, 2, 3}) {
                    for (int d : new int[]{1, 2}) {
                        for (Padding p : List.of(Padding.VALID, Padding.SAME, new Padding(false, 1),
                                new Padding(false, 3))) {
                            Kernels.Kernel kernel = Kernels.parse("k", "random:" + k, 1);
                            if (!p.same() && kernel.span(d) > n + 2 * p.zeros()) {
                                continue;
                            }
                            Plane y = Conv2d.apply(randomPlane(n, n + 1, n), kernel, p, s, d);
                            String what = "n " + n + ", k " + k + ", s " + s + ", d " + d + ", padding " + p;
                            assertEquals(p.outSize(n, k, s, d), y.height(), what);
                            assertEquals(p.outSize(n + 1, k, s, d), y.width(), what);
                            checked++;
                        }
                    }
                }
            }
        }
        assertTrue(checked > 200, "checked " + checked);
    }

    static Plane randomPlane(int h, int w, long seed) {
        return Inputs.random(h, w, seed);
    }
}
