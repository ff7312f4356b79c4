package dev.dlp.train;

import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * One input and one label array held on the heap as flat float rows; batches are gathered into fresh
 * off-heap arrays. {@code featureShape}/{@code labelShape} are the per-example shapes (e.g. {@code [784]} or
 * {@code [1, 28, 28]}).
 */
public final class ArraySource implements BatchSource {
    private final float[] x;
    private final float[] y;
    private final long[] featureShape;
    private final long[] labelShape;
    private final int xLen;
    private final int yLen;
    private final int n;

    public ArraySource(float[] x, long[] featureShape, float[] y, long[] labelShape) {
        this.x = x;
        this.y = y;
        this.featureShape = featureShape;
        this.labelShape = labelShape;
        this.xLen = (int) product(featureShape);
        this.yLen = (int) product(labelShape);
        this.n = x.length / xLen;
        if (x.length != (long) n * xLen || y.length != (long) n * yLen) {
            throw new IllegalArgumentException("feature/label arrays do not hold the same number of examples");
        }
    }

    private static long product(long[] s) {
        long p = 1;
        for (long v : s) {
            p *= v;
        }
        return p;
    }

    @Override
    public int size() {
        return n;
    }

    @Override
    public MultiDataSet batch(int[] order, int from, int to) {
        int b = to - from;
        float[] bx = new float[b * xLen];
        float[] by = new float[b * yLen];
        for (int i = 0; i < b; i++) {
            int e = order == null ? from + i : order[from + i];
            System.arraycopy(x, e * xLen, bx, i * xLen, xLen);
            System.arraycopy(y, e * yLen, by, i * yLen, yLen);
        }
        return new org.nd4j.linalg.dataset.MultiDataSet(dev.dlp.nd4j.Arrays.floats(bx, 0, shape(b, featureShape)),
                dev.dlp.nd4j.Arrays.floats(by, 0, shape(b, labelShape)));
    }

    private static long[] shape(int b, long[] s) {
        long[] out = new long[s.length + 1];
        out[0] = b;
        System.arraycopy(s, 0, out, 1, s.length);
        return out;
    }
}
