package dev.dlp.fast;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.schedule.ExponentialSchedule;
import org.nd4j.linalg.schedule.ScheduleType;
import org.nd4j.shade.jackson.databind.ObjectMapper;
import org.deeplearning4j.nn.conf.serde.JsonMappers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

@dev.dlp.CpuBackendOnly
class FastAdamTest {

    /**
     * Largest difference relative to the largest value (elementwise ratios blow up where m crosses zero: float
     * rounding differs between the JIT and libnd4j's compiler there).
     */
    private static double relErr(INDArray a, INDArray b) {
        return a.sub(b).amaxNumber().doubleValue() / Math.max(1e-30, b.amaxNumber().doubleValue());
    }

    /** Runs {@code steps} updates through views of one flat gradient and one flat state array, as DL4J does. */
    private static INDArray[] run(IUpdater cfg, long seed, int steps, int n) {
        Nd4j.getRandom().setSeed(seed);
        INDArray flatGrad = Nd4j.create(DataType.FLOAT, 1, n + 7);
        INDArray state = Nd4j.create(DataType.FLOAT, 1, 2L * n);
        INDArray view = flatGrad.get(NDArrayIndex.interval(0, 0, true), NDArrayIndex.interval(7, n + 7));
        GradientUpdater u = cfg.instantiate(state, true);
        if (u instanceof FastAdamUpdater fu) {
            assertTrue(fu.fusable(view), "the Java pass applies to a contiguous view");
        }
        INDArray updates = Nd4j.create(DataType.FLOAT, steps, n);
        for (int t = 0; t < steps; t++) {
            view.assign(Nd4j.randn(DataType.FLOAT, 1, n).muli(t % 3 == 0 ? 1e-3 : 2.0));
            u.applyUpdater(view, t, t / 4);
            updates.putRow(t, view.reshape(n));
        }
        return new INDArray[]{updates, state.dup()};
    }

    @Test
    void matchesDl4jAdamThroughViewsOverManySteps() {
        for (int n : new int[]{1, 17, 7850}) {
            INDArray[] ours = run(new FastAdam(0.01, null, 0.9, 0.999, 1e-8), 3, 12, n);
            INDArray[] theirs = run(new Adam(0.01, 0.9, 0.999, 1e-8), 3, 12, n);
            assertTrue(ours[0].sumNumber().doubleValue() != 0, "updates are not all zero");
            assertTrue(relErr(ours[0], theirs[0]) < 1e-5, "updates, n=" + n + ": " + relErr(ours[0], theirs[0]));
            assertTrue(relErr(ours[1], theirs[1]) < 1e-5, "state m and v, n=" + n);
        }
    }

    /**
     * The Vector API pass in ND4J's memory against the heap loop, bit for bit, through views with an offset (the
     * test JVM loads the module, so the updater takes the native pass: asserted), and the step {@code x -= d}.
     */
    @Test
    void nativePassEqualsTheHeapLoopBitForBit() {
        assertTrue(Simd.AVAILABLE, "the tests run with --add-modules jdk.incubator.vector");
        long before = FastAdamUpdater.NATIVE_PASSES.sum();
        for (int n : new int[]{1, 17, 7850}) {
            INDArray[] ours = run(new FastAdam(0.01, null, 0.9, 0.999, 1e-8), 5, 12, n);
            // the same steps on the heap: the inputs run() draws, replayed through update()
            Nd4j.getRandom().setSeed(5);
            float[] g = new float[n];
            float[] m = new float[n];
            float[] v = new float[n];
            for (int t = 0; t < 12; t++) {
                float[] drawn = Nd4j.randn(DataType.FLOAT, 1, n).muli(t % 3 == 0 ? 1e-3 : 2.0).toFloatVector();
                System.arraycopy(drawn, 0, g, 0, n);
                FastAdamUpdater.update(g, m, v, n, 1f, 0.01f, 0.9f, 0.999f, 1e-8f, t);
                float[] got = ours[0].getRow(t).toFloatVector();
                for (int i = 0; i < n; i++) {
                    assertEquals(Float.floatToIntBits(g[i]), Float.floatToIntBits(got[i]), "step " + t + ", " + i);
                }
            }
            float[] state = ours[1].toFloatVector();
            for (int i = 0; i < n; i++) {
                assertEquals(Float.floatToIntBits(m[i]), Float.floatToIntBits(state[i]), "m " + i);
                assertEquals(Float.floatToIntBits(v[i]), Float.floatToIntBits(state[n + i]), "v " + i);
            }
        }
        assertEquals(before + 36, FastAdamUpdater.NATIVE_PASSES.sum(), "every step took the native pass");
        INDArray x = Nd4j.rand(DataType.FLOAT, 1, 1037);
        INDArray d = Nd4j.rand(DataType.FLOAT, 1, 1040).get(NDArrayIndex.interval(0, 0, true),
                NDArrayIndex.interval(3, 1040));
        INDArray expected = x.sub(d);
        long steps = JavaStep.NATIVE_PASSES.sum();
        new JavaStep().step(x, d);
        assertEquals(steps + 1, JavaStep.NATIVE_PASSES.sum());
        assertEquals(expected, x);
    }

    /**
     * {@link NativeSimd#adamStep} (the update and the step in one pass) against {@link NativeSimd#adam} and then
     * {@link NativeSimd#subtract}, bit for bit: over a range that starts inside the block and a parameter vector in
     * which the block starts further on, with vector and scalar elements; nothing outside the range moves.
     */
    @Test
    void updateAndStepInOnePassEqualsTheTwoPassesBitForBit() {
        java.util.Random r = new java.util.Random(3);
        for (int n : new int[]{1, 17, 7850}) {
            int block = n + 40;
            int from = 7;
            int xFrom = 21;
            float[][] init = new float[4][];
            for (int a = 0; a < 4; a++) {
                init[a] = new float[(a == 3 ? xFrom : 0) + block + 5];
                for (int i = 0; i < init[a].length; i++) {
                    init[a][i] = a == 2 ? r.nextFloat() : (float) r.nextGaussian();   // v is not negative
                }
            }
            java.nio.ByteBuffer[] one = buffers(init);
            java.nio.ByteBuffer[] two = buffers(init);
            NativeSimd.adamStep(one[0], one[1], one[2], one[3], xFrom, from, n, 0.25f, 0.003f, 0.9f, 0.999f, 1e-8f);
            java.nio.ByteBuffer g = slice(two[0], from);
            NativeSimd.adam(g, slice(two[1], from), slice(two[2], from), n, 0.25f, 0.003f, 0.9f, 0.999f, 1e-8f);
            NativeSimd.subtract(slice(two[3], xFrom + from), g, n);
            for (int a = 0; a < 4; a++) {
                for (int i = 0; i < init[a].length; i++) {
                    assertEquals(Float.floatToIntBits(two[a].getFloat(i * 4)),
                            Float.floatToIntBits(one[a].getFloat(i * 4)),
                            "array " + a + ", element " + i + ", n=" + n);
                }
            }
            assertTrue(one[3].getFloat((xFrom + from) * 4) != init[3][xFrom + from], "the step moved the parameters");
        }
    }

    private static java.nio.ByteBuffer[] buffers(float[][] values) {
        java.nio.ByteBuffer[] b = new java.nio.ByteBuffer[values.length];
        for (int a = 0; a < values.length; a++) {
            b[a] = java.nio.ByteBuffer.allocateDirect(values[a].length * 4).order(java.nio.ByteOrder.nativeOrder());
            b[a].asFloatBuffer().put(values[a]);
        }
        return b;
    }

    private static java.nio.ByteBuffer slice(java.nio.ByteBuffer b, int fromFloat) {
        return b.duplicate().position(fromFloat * 4).slice().order(b.order());
    }

    @Test
    void followsTheLearningRateSchedule() {
        ExponentialSchedule s = new ExponentialSchedule(ScheduleType.EPOCH, 0.05, 0.5);
        INDArray[] ours = run(new FastAdam(Double.NaN, s, 0.8, 0.99, 1e-6), 5, 12, 33);
        Adam dl4j = Adam.builder().learningRateSchedule(s).beta1(0.8).beta2(0.99).epsilon(1e-6).build();
        INDArray[] theirs = run(dl4j, 5, 12, 33);
        assertTrue(relErr(ours[0], theirs[0]) < 1e-5, "updates with a schedule: " + relErr(ours[0], theirs[0]));
    }

    @Test
    void nonContiguousGradientFallsBackToDl4jsOp() {
        INDArray state = Nd4j.create(DataType.FLOAT, 1, 8);
        GradientUpdater u = new FastAdam(0.1, null, 0.9, 0.999, 1e-8).instantiate(state, true);
        INDArray g = Nd4j.linspace(DataType.FLOAT, 1, 8, 8).reshape(2, 4).getColumns(0, 2).reshape('f', 1, 4);
        INDArray g2 = g.dup();
        GradientUpdater ref = new Adam(0.1, 0.9, 0.999, 1e-8).instantiate(Nd4j.create(DataType.FLOAT, 1, 8), true);
        u.applyUpdater(g, 0, 0);
        ref.applyUpdater(g2, 0, 0);
        assertTrue(relErr(g, g2) < 1e-6);
    }

    @Test
    void jsonRoundTripKeepsTheClassAndSettings() throws Exception {
        ObjectMapper json = JsonMappers.getMapper();
        FastAdam a = new FastAdam(0.003, new ExponentialSchedule(ScheduleType.EPOCH, 0.003, 0.9), 0.85, 0.995, 1e-7);
        IUpdater back = json.readValue(json.writeValueAsString(a), IUpdater.class);
        assertInstanceOf(FastAdam.class, back);
        assertEquals(a, back);
        assertInstanceOf(FastAdam.class, a.clone());
        assertEquals(a, a.clone());
    }
}
