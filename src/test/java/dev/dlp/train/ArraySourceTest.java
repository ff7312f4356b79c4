package dev.dlp.train;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import java.util.Arrays;

/** {@link ArraySource} gathers the right rows, and reusing its arrays never changes a batch still in use. */
class ArraySourceTest {

    @Test
    void batchesHoldTheOrderedRowsAndStayIntactWhileInUse() {
        int n = 10;
        float[] x = new float[n * 6];
        float[] y = new float[n * 2];
        for (int i = 0; i < x.length; i++) {
            x[i] = i;
        }
        for (int i = 0; i < y.length; i++) {
            y[i] = -i;
        }
        ArraySource source = new ArraySource(x, new long[]{2, 3}, y, new long[]{2});
        int[] order = {3, 9, 0, 7, 1, 8, 2, 6, 5, 4};
        for (int epoch = 0; epoch < 2; epoch++) {
            java.util.ArrayDeque<MultiDataSet> inUse = new java.util.ArrayDeque<>();
            java.util.ArrayDeque<int[]> inUseRows = new java.util.ArrayDeque<>();
            for (int from = 0; from < n; from += 2) {
                int to = Math.min(n, from + 2);
                MultiDataSet b = source.batch(order, from, to);
                int[] rows = Arrays.copyOfRange(order, from, to);
                inUse.addLast(b);
                inUseRows.addLast(rows);
                if (inUse.size() > BatchSource.IN_USE) {
                    inUse.removeFirst();
                    inUseRows.removeFirst();
                }
                // every batch a caller may still hold is intact
                var rowsIt = inUseRows.iterator();
                for (MultiDataSet held : inUse) {
                    assertRows(held, rowsIt.next(), x, y);
                }
            }
        }
        assertRows(source.batch(null, 2, 5), new int[]{2, 3, 4}, x, y);
    }

    private static void assertRows(MultiDataSet b, int[] rows, float[] x, float[] y) {
        INDArray f = b.getFeatures(0);
        INDArray l = b.getLabels(0);
        assertArrayEquals(new long[]{rows.length, 2, 3}, f.shape());
        assertArrayEquals(new long[]{rows.length, 2}, l.shape());
        for (int i = 0; i < rows.length; i++) {
            assertArrayEquals(Arrays.copyOfRange(x, rows[i] * 6, rows[i] * 6 + 6),
                    f.get(org.nd4j.linalg.indexing.NDArrayIndex.point(i)).dup().data().asFloat());
            assertArrayEquals(Arrays.copyOfRange(y, rows[i] * 2, rows[i] * 2 + 2),
                    l.getRow(i).dup().data().asFloat());
        }
    }
}
