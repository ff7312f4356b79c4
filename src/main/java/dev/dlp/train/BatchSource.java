package dev.dlp.train;

import org.nd4j.linalg.dataset.api.MultiDataSet;

/** Training examples addressed by index; the trainer decides the order (shuffling) and the batch size. */
public interface BatchSource {
    int size();

    /** A batch of the examples {@code order[from..to)}. */
    MultiDataSet batch(int[] order, int from, int to);
}
