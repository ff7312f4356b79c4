package dev.dlp.config;

import dev.dlp.graph.ModelSpec;

/** What the trainer needs from every training pipeline's config record. */
public interface PipelineConfig {
    long seed();

    /**
     * The network. Feed-forward inputs may leave {@code size} out where the pipeline infers it from the data
     * (tabular pipelines); see {@code Pipeline#network}.
     */
    ModelSpec network();

    TrainConfig train();

    CheckpointConfig checkpoint();

    /** Range checks across the whole record; throws {@link ConfigException} naming the key. */
    void validate();
}
