package dev.dlp.nd4j;

import org.junit.jupiter.api.Test;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.options.ArrayOptionsHelper;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CachingShapeInfoProviderTest {
    /** Shapes, strides and flags as ND4J's arrays ask for them: views, empty arrays, both orders, several types. */
    private static final List<Object[]> CALLS = List.of(
            new Object[]{new long[]{64, 784}, new long[]{784, 1}, 1L, 'c', DataType.FLOAT, false},
            new Object[]{new long[]{64, 784}, new long[]{1, 64}, 1L, 'f', DataType.FLOAT, false},
            new Object[]{new long[]{32, 6, 28, 28}, new long[]{4704, 784, 28, 1}, 1L, 'c', DataType.FLOAT, false},
            new Object[]{new long[]{32, 10}, new long[]{784, 1}, 0L, 'c', DataType.FLOAT, false},   // a view
            new Object[]{new long[]{32, 10}, new long[]{784, 1}, 0L, 'c', DataType.DOUBLE, false},
            new Object[]{new long[]{5}, new long[]{1}, 1L, 'c', DataType.INT64, false},
            new Object[]{new long[]{0, 3}, new long[]{3, 1}, 1L, 'c', DataType.FLOAT, false},      // empty by shape
            new Object[]{new long[]{2, 3}, new long[]{3, 1}, 1L, 'c', DataType.FLOAT, true},
            new Object[]{new long[]{}, new long[]{}, 1L, 'c', DataType.FLOAT, false});              // a scalar

    @Test
    void givesNd4jsOwnShapeInformationAndReusesIt() {
        Backend.init(0);
        CachingShapeInfoProvider cached = new CachingShapeInfoProvider();
        org.nd4j.linalg.cpu.nativecpu.DirectShapeInfoProvider plain =
                new org.nd4j.linalg.cpu.nativecpu.DirectShapeInfoProvider();
        for (Object[] c : CALLS) {
            Pair<DataBuffer, long[]> want = call(plain, c);
            Pair<DataBuffer, long[]> first = call(cached, c);
            // the caller's arrays may change after the call: the cache must have kept copies
            Pair<DataBuffer, long[]> again = call(cached, new Object[]{((long[]) c[0]).clone(), ((long[]) c[1]).clone(),
                    c[2], c[3], c[4], c[5]});
            assertArrayEquals(want.getSecond(), first.getSecond(), () -> "shape information of " + describe(c));
            assertArrayEquals(want.getFirst().asLong(), first.getFirst().asLong(), () -> "buffer of " + describe(c));
            assertSame(first, again, () -> "not reused: " + describe(c));
        }
        assertEquals(CALLS.size(), cached.size());
        assertEquals(CALLS.size(), cached.hits());
        // a different flag or type is a different entry
        Pair<DataBuffer, long[]> f = call(cached, CALLS.get(0));
        Object[] asDouble = CALLS.get(0).clone();
        asDouble[4] = DataType.DOUBLE;
        assertNotSame(f, call(cached, asDouble));
        assertEquals(DataType.DOUBLE, ArrayOptionsHelper.dataType(call(cached, asDouble).getSecond()));
    }

    @Test
    void stopsCachingAtItsLimit() {
        Backend.init(0);
        CachingShapeInfoProvider cached = new CachingShapeInfoProvider(2);
        for (Object[] c : CALLS) {
            call(cached, c);
        }
        assertEquals(2, cached.size());
        Pair<DataBuffer, long[]> past = call(cached, CALLS.get(5));
        assertNotSame(past, call(cached, CALLS.get(5)), "shapes past the limit are made afresh");
        assertSame(call(cached, CALLS.get(0)), call(cached, CALLS.get(0)));
        cached.purgeCache();
        assertEquals(0, cached.size());
    }

    @Test
    void isNd4jsProviderInTheseTestsAndTheArraysAreRight() {
        Backend.init(0);
        // pom.xml's surefire configuration starts ND4J with it, as ./dlp does (Backend.preferShapeInfoCache)
        assertTrue(Backend.shapeInfoCache(), "ND4J runs with " + Nd4j.getShapeInfoProvider().getClass());
        CachingShapeInfoProvider p = (CachingShapeInfoProvider) Nd4j.getShapeInfoProvider();
        long before = p.hits();
        INDArray a = Nd4j.linspace(1, 12, 12, DataType.FLOAT).reshape(3, 4);
        INDArray b = Nd4j.linspace(1, 12, 12, DataType.FLOAT).reshape(3, 4);
        INDArray t = a.transpose().mmul(b);    // views, a product, a new array: all through the provider
        assertTrue(p.hits() > before, "arrays of shapes seen before come from the cache");
        assertArrayEquals(new long[]{4, 4}, t.shape());
        assertEquals(107f, t.getFloat(0, 0), 1e-4f);    // 1*1 + 5*5 + 9*9
        assertEquals(a.getFloat(2, 3), a.transpose().getFloat(3, 2));
        assertEquals('f', a.transpose().ordering());
    }

    @SuppressWarnings("unchecked")
    private static Pair<DataBuffer, long[]> call(org.nd4j.linalg.api.ndarray.ShapeInfoProvider p, Object[] c) {
        return p.createShapeInformation((long[]) c[0], (long[]) c[1], (Long) c[2], (Character) c[3],
                (DataType) c[4], (Boolean) c[5]);
    }

    private static String describe(Object[] c) {
        return java.util.Arrays.toString((long[]) c[0]) + " " + java.util.Arrays.toString((long[]) c[1]) + " ews "
                + c[2] + " " + c[3] + " " + c[4] + (Boolean.TRUE.equals(c[5]) ? " empty" : "");
    }
}
