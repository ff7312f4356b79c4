package dev.dlp.nd4j;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import java.util.Arrays;

/**
 * Float matrix products straight through OpenBLAS's {@code cblas_sgemm}, the library ND4J's CPU backend itself
 * links.
 *
 * <p>Why: {@code Nd4j.gemm} builds a {@code Mmul} custom op per call (op object, random instance id, op context,
 * shape-info arrays, argument lists), measured at ~25 µs of overhead per product on top of ~15 µs of arithmetic
 * for the {@code [64, 784] x [784, 10]} products of MNIST softmax regression. A {@code cblas_sgemm} call is one JNI
 * call. OpenBLAS's thread count is the one ND4J set. CPU backend only: {@link #of} and {@link #row} answer null
 * elsewhere, and callers fall back to ND4J.
 */
public final class Blas {
    private static final int COL_MAJOR = openblas_nolapack.CblasColMajor;
    private static final int NO_TRANS = openblas_nolapack.CblasNoTrans;
    private static final int TRANS = openblas_nolapack.CblasTrans;

    private static final ThreadLocal<FloatPointer> ONES = new ThreadLocal<>();

    private Blas() {
    }

    /** An {@code [n, 1]} column of ones in native memory, for sums as products (per thread, reused). */
    public static Matrix ones(int n) {
        FloatPointer p = ONES.get();
        if (p == null || p.capacity() < n) {
            p = new FloatPointer(Math.max(1, n));
            float[] v = new float[(int) p.capacity()];
            Arrays.fill(v, 1f);
            p.put(v);
            ONES.set(p);
        }
        return Matrix.colMajor(p, n, 1);
    }

    /**
     * A dense float matrix in native memory: {@code rows x cols}, column {@code j} of a column-major one starting
     * {@code j * ld} floats after {@code data}, row {@code i} of a row-major one {@code i * ld} floats after it.
     */
    public record Matrix(FloatPointer data, int rows, int cols, int ld, boolean colMajor) {
        public Matrix {
            if (rows < 0 || cols < 0 || ld < Math.max(1, colMajor ? rows : cols)) {
                throw new IllegalArgumentException("bad matrix " + rows + "x" + cols + " ld " + ld);
            }
        }

        /** {@code rows x cols} column-major, packed ({@code ld = rows}). */
        public static Matrix colMajor(FloatPointer data, int rows, int cols) {
            return new Matrix(data, rows, cols, Math.max(1, rows), true);
        }
    }

    /**
     * {@code a} as a {@link Matrix} when it is a rank-2 float array whose elements are packed in c order (row-major)
     * or f order (column-major) from its buffer's address (views included: in ND4J M2.1 a view's buffer starts at
     * the view); null otherwise.
     */
    public static Matrix of(INDArray a) {
        if (!Backend.hostArrays() || a.rank() != 2 || a.dataType() != DataType.FLOAT || a.length() > Integer.MAX_VALUE
                || a.isEmpty()) {
            return null;
        }
        int r = (int) a.size(0);
        int c = (int) a.size(1);
        long s0 = a.stride(0);
        long s1 = a.stride(1);
        FloatPointer p = (FloatPointer) a.data().addressPointer();
        if ((s1 == 1 || c == 1) && (s0 == c || r == 1)) {
            return new Matrix(p, r, c, Math.max(1, c), false);
        }
        if ((s0 == 1 || r == 1) && (s1 == r || c == 1)) {
            return new Matrix(p, r, c, Math.max(1, r), true);
        }
        return null;
    }

    /** A contiguous float vector (any rank, e.g. a rank-1 bias) as a {@code 1 x length} matrix; null otherwise. */
    public static Matrix row(INDArray v) {
        if (!Backend.hostArrays() || !HostArrays.contiguousFloats(v) || v.isEmpty() || !v.isVectorOrScalar()) {
            return null;
        }
        int n = (int) v.length();
        return new Matrix((FloatPointer) v.data().addressPointer(), 1, n, n, false);
    }

    /** {@code c = alpha op(a) op(b) + beta c}, {@code op(x)} being {@code x} or, when asked, its transpose. */
    public static void gemm(Matrix a, boolean transA, Matrix b, boolean transB, Matrix c, float alpha, float beta) {
        int m = transA ? a.cols() : a.rows();
        int k = transA ? a.rows() : a.cols();
        int kb = transB ? b.cols() : b.rows();
        int n = transB ? b.rows() : b.cols();
        if (k != kb || c.rows() != m || c.cols() != n) {
            throw new IllegalArgumentException("gemm shapes: " + m + "x" + k + " times " + kb + "x" + n + " into "
                    + c.rows() + "x" + c.cols());
        }
        if (m == 0 || n == 0) {
            return;
        }
        if (c.colMajor()) {
            // column-major c = op(a) op(b); a row-major operand is its transpose in column-major storage
            openblas_nolapack.cblas_sgemm(COL_MAJOR, flag(transA != !a.colMajor()), flag(transB != !b.colMajor()),
                    m, n, k, alpha, a.data(), a.ld(), b.data(), b.ld(), beta, c.data(), c.ld());
        } else {
            // a row-major c is column-major cᵀ = op(b)ᵀ op(a)ᵀ
            openblas_nolapack.cblas_sgemm(COL_MAJOR, flag(!transB != !b.colMajor()), flag(!transA != !a.colMajor()),
                    n, m, k, alpha, b.data(), b.ld(), a.data(), a.ld(), beta, c.data(), c.ld());
        }
    }

    /**
     * {@code y += x} for two contiguous float arrays of the same length, as one {@code cblas_saxpy} on their
     * memory; anything else goes to ND4J's {@code addi}.
     */
    public static void addInto(INDArray x, INDArray y) {
        if (Backend.hostArrays() && x.length() == y.length() && HostArrays.contiguousFloats(x)
                && HostArrays.contiguousFloats(y)) {
            openblas_nolapack.cblas_saxpy((int) x.length(), 1f, (FloatPointer) x.data().addressPointer(), 1,
                    (FloatPointer) y.data().addressPointer(), 1);
        } else {
            y.addi(x.reshape(y.shape()));
        }
    }

    /**
     * {@code y[from, from + n) += x[from, from + n)} for two contiguous float arrays of the same length, as one
     * {@code cblas_saxpy} (element by element the same addition as {@link #addInto(INDArray, INDArray)}).
     */
    public static void addInto(INDArray x, INDArray y, int from, int n) {
        if (!Backend.hostArrays() || x.length() != y.length() || !HostArrays.contiguousFloats(x)
                || !HostArrays.contiguousFloats(y) || from < 0 || n < 0 || from + (long) n > x.length()) {
            throw new IllegalArgumentException("not two contiguous float arrays of one length, or a range outside "
                    + "them");
        }
        FloatPointer px = (FloatPointer) x.data().addressPointer();
        FloatPointer py = (FloatPointer) y.data().addressPointer();
        openblas_nolapack.cblas_saxpy(n, 1f, new FloatPointer(px).position(px.position() + from), 1,
                new FloatPointer(py).position(py.position() + from), 1);
    }

    private static int flag(boolean trans) {
        return trans ? TRANS : NO_TRANS;
    }
}
