package dev.dlp.config;

import dev.dlp.graph.ModelSpec;

/** What the trainer needs from every training pipeline's config record. */
public interface PipelineConfig {
    long seed();

    ModelSpec model();

    TrainConfig train();

    CheckpointConfig checkpoint();

    /** Range checks across the whole record; throws {@link ConfigException} naming the key. */
    void validate();
}
