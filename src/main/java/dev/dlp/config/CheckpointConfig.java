package dev.dlp.config;

/**
 * The {@code checkpoint:} section.
 *
 * @param every    write a checkpoint every N epochs (and always after the last one)
 * @param keepLast how many checkpoints to keep; older ones are deleted
 */
public record CheckpointConfig(int every, int keepLast) {
    public static final CheckpointConfig DEFAULTS = new CheckpointConfig(1, 2);

    public void validate() {
        Check.atLeast("checkpoint.every", every, 1);
        Check.atLeast("checkpoint.keep_last", keepLast, 1);
    }
}
