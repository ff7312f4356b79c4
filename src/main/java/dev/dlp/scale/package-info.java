/**
 * {@code train.distributed} and Spark sweeps: data-parallel training by DL4J's parameter averaging, one epoch at a
 * time ({@link dev.dlp.scale.EpochTrainer}), over this machine's devices ({@link dev.dlp.scale.ParallelWrapperTrainer})
 * or a Spark cluster ({@link dev.dlp.scale.SparkServices}, implemented by the optional Spark build).
 */
package dev.dlp.scale;
