package dev.dlp.nd4j;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@link Blas#gemm} computes what ND4J's {@code mmul} does, for every ordering and transposition. */
@dev.dlp.CpuBackendOnly
class BlasTest {

    private static INDArray random(long rows, long cols, char order) {
        return Nd4j.rand(DataType.FLOAT, rows, cols).dup(order).subi(0.5);
    }

    @ParameterizedTest(name = "a {0} trans {1}, b {2} trans {3}, c {4}, beta {5}")
    @CsvSource({
            "c, false, c, false, c, 0", "c, false, f, false, f, 0", "f, true, c, false, f, 0",
            "c, true, f, true, c, 0", "f, false, f, true, c, 1", "c, false, c, true, f, 0.5",
    })
    void matchesNd4jMmul(char ao, boolean ta, char bo, boolean tb, char co, float beta) {
        int m = 7, k = 5, n = 3;
        Nd4j.getRandom().setSeed(m * 31L + (ta ? 1 : 0) + (tb ? 2 : 0));
        INDArray a = ta ? random(k, m, ao) : random(m, k, ao);
        INDArray b = tb ? random(n, k, bo) : random(k, n, bo);
        INDArray c = random(m, n, co);
        INDArray expected = (ta ? a.transpose() : a).mmul(tb ? b.transpose() : b).addi(c.mul(beta));
        Blas.gemm(Blas.of(a), ta, Blas.of(b), tb, Blas.of(c), 1f, beta);
        assertEquals(0, expected.sub(c).amaxNumber().doubleValue(), 1e-5);
    }

    @Test
    void writesIntoParameterViewsOfALargerBuffer() {
        // the layout of a dense layer's weight and gradient: f-order views at an offset into one flat array
        INDArray flat = Nd4j.zeros(DataType.FLOAT, 1, 4 + 6 * 2);
        INDArray w = flat.get(NDArrayIndex.point(0), NDArrayIndex.interval(4, 16)).reshape('f', 6, 2);
        assertNotNull(Blas.of(w));
        INDArray x = random(3, 6, 'c');
        INDArray d = random(3, 2, 'f');
        Blas.gemm(Blas.of(x), true, Blas.of(d), false, Blas.of(w), 1f, 0f);
        assertEquals(0, x.transpose().mmul(d).sub(w).amaxNumber().doubleValue(), 1e-6);
        assertEquals(0, flat.get(NDArrayIndex.point(0), NDArrayIndex.interval(0, 4)).amaxNumber().doubleValue());
    }

    @Test
    void refusesWhatIsNotAPackedFloatMatrix() {
        assertNull(Blas.of(random(4, 6, 'c').get(NDArrayIndex.all(), NDArrayIndex.interval(0, 3))));
        assertNull(Blas.of(Nd4j.rand(DataType.DOUBLE, 3, 3)));
        assertNull(Blas.of(Nd4j.rand(DataType.FLOAT, 2, 3, 4)));
        assertThrows(IllegalArgumentException.class, () -> Blas.gemm(Blas.of(random(2, 3, 'c')), false,
                Blas.of(random(2, 3, 'c')), false, Blas.of(random(2, 3, 'c')), 1f, 0f));
    }
}
