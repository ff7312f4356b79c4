package dev.dlp.fast;

/**
 * Marks a configuration class of ours that is a fast path for the DL4J configuration class it extends: same
 * settings, parameters and updater state layout, so {@link FastPaths#stock} can replace it by its DL4J superclass
 * for saving, and {@link ModelFiles} can map its name back to DL4J's when reading an old zip.
 */
public interface FastConfig {
}
