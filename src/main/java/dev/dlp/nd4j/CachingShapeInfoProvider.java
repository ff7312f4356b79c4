package dev.dlp.nd4j;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.cpu.nativecpu.DirectShapeInfoProvider;

import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * ND4J's CPU shape-information provider with the cache it is missing. Every {@code INDArray} ND4J makes (results,
 * views, reshapes) asks the provider for its shape information, an off-heap buffer. ND4J M2.1's
 * {@link DirectShapeInfoProvider} caches only one of the four ways to ask; {@code BaseNDArray}'s constructors use
 * another, so each array got a fresh native buffer, a JavaCPP deallocator record (registered under one global lock)
 * and, after the next young collection, work for the reference handler and the deallocator threads. Measured
 * 2026-11-28, lenet5 with 2 workers: ~140 such buffers per training step, 86 % of all off-heap allocations.
 *
 * <p>The cache keys on every argument of the call and stores ND4J's own answer for it, so an array's shape
 * information is the same bytes as without it, only shared (as {@link DirectShapeInfoProvider} already shares the
 * buffers it caches; ND4J marks shape buffers constant and never writes them). It holds at most
 * {@link #MAX_ENTRIES} shapes; past that, calls go to ND4J uncached. {@link Backend#init} installs it (ND4J reads
 * the class name from the system property {@code shapeinfoprovider} when it starts); {@code -Ddlp.shapeInfoCache=false}
 * keeps ND4J's own.
 */
public final class CachingShapeInfoProvider extends DirectShapeInfoProvider {
    /** Distinct shapes kept (a buffer of rank r is 8 (2r + 4) bytes off-heap). */
    public static final int MAX_ENTRIES = 20_000;

    private final ConcurrentHashMap<Key, Pair<DataBuffer, long[]>> cache = new ConcurrentHashMap<>();
    private final LongAdder hits = new LongAdder();
    private final int maxEntries;

    /** The provider ND4J instantiates (by class name, {@link Backend#init}). */
    public CachingShapeInfoProvider() {
        this(MAX_ENTRIES);
    }

    CachingShapeInfoProvider(int maxEntries) {
        this.maxEntries = maxEntries;
    }

    @Override
    public Pair<DataBuffer, long[]> createShapeInformation(long[] shape, long[] stride, long elementWiseStride,
            char order, DataType dataType, boolean empty) {
        Key key = new Key(shape, stride, elementWiseStride, order, dataType, empty);
        Pair<DataBuffer, long[]> cached = cache.get(key);
        if (cached != null) {
            hits.increment();
            return cached;
        }
        Pair<DataBuffer, long[]> made = super.createShapeInformation(shape, stride, elementWiseStride, order,
                dataType, empty);
        if (cache.size() >= maxEntries) {
            return made;
        }
        Pair<DataBuffer, long[]> first = cache.putIfAbsent(key.owned(), made);
        return first != null ? first : made;
    }

    /** Calls answered from the cache so far (for tests). */
    public long hits() {
        return hits.sum();
    }

    /** Shapes held. */
    public int size() {
        return cache.size();
    }

    @Override
    public void purgeCache() {
        super.purgeCache();
        cache.clear();
    }

    /** The arguments of one call; {@link #owned} copies the arrays, which belong to the caller, before storing. */
    private record Key(long[] shape, long[] stride, long elementWiseStride, char order, DataType dataType,
            boolean empty) {
        Key owned() {
            return new Key(shape == null ? null : shape.clone(), stride == null ? null : stride.clone(),
                    elementWiseStride, order, dataType, empty);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && elementWiseStride == k.elementWiseStride && order == k.order
                    && dataType == k.dataType && empty == k.empty && Arrays.equals(shape, k.shape)
                    && Arrays.equals(stride, k.stride);
        }

        @Override
        public int hashCode() {
            int h = Arrays.hashCode(shape) * 31 + Arrays.hashCode(stride);
            return ((h * 31 + Long.hashCode(elementWiseStride)) * 31 + order) * 31
                    + (dataType == null ? 0 : dataType.ordinal() * 2) + (empty ? 1 : 0);
        }
    }
}
