package dev.dlp.nd4j;

import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import java.util.Arrays;

/**
 * Heap/off-heap copies in one bulk memcpy ({@code Nd4j.create(float[])} copies element by element; every small ND4J op
 * costs microseconds of call overhead).
 */
public final class HostArrays {
    private HostArrays() {
    }

    /** A new c-order float array of {@code shape} holding {@code src[offset, offset + product(shape))}. */
    public static INDArray floats(float[] src, int offset, long... shape) {
        INDArray a = Nd4j.createUninitialized(DataType.FLOAT, shape, 'c');
        long n = a.length();
        if (offset < 0 || offset + n > src.length) {
            throw new IllegalArgumentException("source has " + src.length + " floats, need " + (offset + n));
        }
        ((FloatPointer) a.data().addressPointer()).put(src, offset, (int) n);
        return a;
    }

    /**
     * Fills {@code dst}, a c-order float array of {@code to - from} rows, with row {@code i - from} =
     * {@code src[r * rowLen, (r + 1) * rowLen)} for {@code r = rows[i]} ({@code i} when {@code rows} is null):
     * straight into off-heap memory, one bulk copy per row, with no heap staging array. Returns {@code dst}.
     */
    public static INDArray gatherRowsInto(float[] src, int[] rows, int from, int to, int rowLen, INDArray dst) {
        if (!contiguousFloats(dst) || dst.length() != (long) (to - from) * rowLen) {
            throw new IllegalArgumentException("array " + Arrays.toString(dst.shape()) + " does not hold "
                    + (to - from) + " rows of " + rowLen);
        }
        if (!Backend.hostArrays()) {
            // device arrays (CUDA): a heap copy that ND4J moves across
            float[] tmp = new float[(to - from) * rowLen];
            for (int i = from; i < to; i++) {
                int r = rows == null ? i : rows[i];
                System.arraycopy(src, r * rowLen, tmp, (i - from) * rowLen, rowLen);
            }
            return dst.assign(Nd4j.create(tmp, dst.shape(), 'c'));
        }
        FloatPointer p = (FloatPointer) dst.data().addressPointer();
        for (int i = from; i < to; i++) {
            int r = rows == null ? i : rows[i];
            p.position((long) (i - from) * rowLen).put(src, r * rowLen, rowLen);
        }
        return dst;
    }

    /**
     * True when {@code a}'s elements, in c order, lie one after another from its buffer's address: a float array in c
     * order with unit stride (views included: a view's buffer starts at the view).
     */
    public static boolean contiguousFloats(INDArray a) {
        return a.dataType() == DataType.FLOAT && a.length() <= Integer.MAX_VALUE && a.data().length() >= a.length()
                && (a.length() == 1 || a.elementWiseStride() == 1 && (a.ordering() == 'c' || a.isVectorOrScalar()));
    }

    /** {@code a}, or a c-order copy when its elements are not one after another (e.g. an f-order gradient). */
    public static INDArray contiguous(INDArray a) {
        return contiguousFloats(a) ? a : a.dup('c');
    }

    /**
     * Copies {@code a}'s elements in c order into {@code dst[0, length)}: one bulk copy when {@code a} is
     * {@link #contiguousFloats}, else through a c-order float copy.
     */
    public static void read(INDArray a, float[] dst) {
        INDArray c = contiguousFloats(a) ? a : a.castTo(DataType.FLOAT).dup('c');
        ((FloatPointer) c.data().addressPointer()).get(dst, 0, (int) c.length());
    }

    /**
     * Copies {@code src[0, length)} into {@code a} in c order: one bulk copy when {@code a} is
     * {@link #contiguousFloats}, else an ND4J assign (views with strides, other types).
     */
    public static void write(float[] src, INDArray a) {
        if (contiguousFloats(a)) {
            ((FloatPointer) a.data().addressPointer()).put(src, 0, (int) a.length());
        } else {
            a.assign(Nd4j.createFromArray(Arrays.copyOf(src, (int) a.length())).reshape('c', a.shape()));
        }
    }

    /**
     * A direct, native-order byte view of {@code a}'s memory (no copy): {@code 4 * length} bytes from its first
     * element. {@code a} must be {@link #contiguousFloats} on the CPU backend, and stay reachable while the view is
     * used.
     */
    public static java.nio.ByteBuffer bytes(INDArray a) {
        if (!contiguousFloats(a) || !Backend.hostArrays()) {
            throw new IllegalArgumentException("not a contiguous float array in host memory");
        }
        org.bytedeco.javacpp.Pointer p = a.data().addressPointer();
        long from = p.position() * 4L;
        long to = from + a.length() * 4L;
        org.bytedeco.javacpp.BytePointer b = new org.bytedeco.javacpp.BytePointer(p);
        b.capacity(to).limit(to).position(from);
        return b.asByteBuffer().order(java.nio.ByteOrder.nativeOrder());
    }
}
