package dev.dlp.train;

import org.nd4j.linalg.dataset.api.MultiDataSet;

/** Training examples addressed by index; the trainer decides the order (shuffling) and the batch size. */
public interface BatchSource {
    int size();

    /**
     * A batch of the examples {@code order[from..to)}. Its arrays may be reused by a later call (see
     * {@link ArraySource}): a caller keeps at most two batches in use at a time (the trainer: the one it trains on
     * and the one prefetched).
     */
    MultiDataSet batch(int[] order, int from, int to);
}
