package dev.dlp.train;

import org.nd4j.linalg.dataset.api.MultiDataSet;

/** Training examples addressed by index; the trainer decides the order (shuffling) and the batch size. */
public interface BatchSource {
    int size();

    /**
     * The most batches a caller keeps in use at a time (the trainer: the chunk it trains on and the chunk being
     * prefetched); a source may reuse a batch's arrays once this many later batches have been asked for.
     */
    int IN_USE = 8;

    /** A batch of the examples {@code order[from..to)} (see {@link #IN_USE}). */
    MultiDataSet batch(int[] order, int from, int to);
}
