package dev.dlp.nd4j;

import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Heap to off-heap copies in one bulk memcpy ({@code Nd4j.create(float[])} copies element by element). */
public final class Arrays {
    private Arrays() {
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
}
