package dev.dlp.fast;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CutTest {
    /** A window of steps in which worker {@code w} passes an example in {@code nanosPerRow[w]} ns. */
    private static void window(Cut cut, int n, double... nanosPerRow) {
        for (int step = 0; step < Cut.WINDOW; step++) {
            int[] b = cut.bounds(n).clone();
            long[] pass = new long[nanosPerRow.length];
            for (int w = 0; w < pass.length; w++) {
                pass[w] = Math.round((b[w + 1] - b[w]) * nanosPerRow[w]);
            }
            cut.record(b, pass);
        }
    }

    @Test
    void anEvenCutIsTheIntegerDivisionWorkersAlwaysMade() {
        for (int k = 2; k <= 4; k++) {
            Cut cut = new Cut(k, false);
            for (int n = k; n <= 70; n++) {
                int[] b = cut.bounds(n);
                for (int w = 0; w <= k; w++) {
                    assertEquals((int) ((long) n * w / k), b[w], "n " + n + " k " + k + " w " + w);
                }
            }
            double[] uneven = new double[k];
            java.util.Arrays.fill(uneven, 1000);
            uneven[k - 1] = 5000;
            window(cut, 64, uneven);   // times are ignored
            assertEquals(1.0 / k, cut.first(), 1e-12);
        }
    }

    @Test
    void aTimedCutGivesTheFasterWorkerMoreRows() {
        Cut cut = new Cut(2, true);
        assertArrayEquals(new int[]{0, 32, 64}, cut.bounds(64), "even until a window has been timed");
        window(cut, 64, 1000, 1500);   // the worker's core 1.5x slower per example
        assertEquals(0.6, cut.first(), 0.01);
        assertArrayEquals(new int[]{0, 38, 64}, cut.bounds(64));
        window(cut, 64, 1000, 1500);   // the same speeds: the shares already match them, nothing moves
        assertEquals(1, cut.moves());
        window(cut, 64, 1000, 1000);   // the cores level again: back to halves
        assertArrayEquals(new int[]{0, 32, 64}, cut.bounds(64));
        assertEquals(2, cut.moves());
    }

    @Test
    void aTimedCutStaysWithinBoundsAndIgnoresSmallDifferences() {
        Cut cut = new Cut(2, true);
        window(cut, 64, 1000, 20_000);   // 20x slower: at most 3/4 of the batch on one worker
        assertEquals(0.75, cut.first(), 1e-12);
        Cut steady = new Cut(2, true);
        window(steady, 64, 1000, 1030);   // 3 % apart: a share change of under 1 %, inside the dead zone
        assertEquals(0, steady.moves());
        assertEquals(0.5, steady.first(), 1e-12);
        Cut four = new Cut(4, true);
        window(four, 10, 1000, 1000, 1000, 4000);   // slices of one row at least, bounds ascending
        int[] b = four.bounds(4);
        assertArrayEquals(new int[]{0, 1, 2, 3, 4}, b);
        assertTrue(four.bounds(64)[4] == 64 && four.bounds(64)[3] < 64);
    }

    @Test
    void oneSlowStepInAWindowDoesNotMoveTheCut() {
        Cut cut = new Cut(2, true);
        for (int step = 0; step < Cut.WINDOW; step++) {
            int[] b = cut.bounds(64).clone();
            // the worker's pass preempted (a GC pause, a JIT compilation) on one step of the window
            cut.record(b, new long[]{32_000, step == 5 ? 320_000 : 32_000});
        }
        assertEquals(0, cut.moves());
    }
}
