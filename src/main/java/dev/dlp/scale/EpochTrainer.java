package dev.dlp.scale;

import org.nd4j.linalg.dataset.api.MultiDataSet;

import java.util.List;
import java.util.Map;

/**
 * Data-parallel training of one graph, one epoch at a time ({@code train.distributed}): DL4J's parameter averaging
 * on Spark ({@link SparkServices}) or over this machine's devices ({@link ParallelWrapperTrainer}). The graph handed
 * to the trainer is the one trained: its parameters and updater state hold the result after every epoch.
 */
public interface EpochTrainer extends AutoCloseable {
    /** Trains one pass over {@code batches}; returns the mean training score the workers reported. */
    double fitEpoch(List<MultiDataSet> batches);

    /** What summary.json says about the engine and its settings. */
    Map<String, Object> describe();

    @Override
    void close();
}
