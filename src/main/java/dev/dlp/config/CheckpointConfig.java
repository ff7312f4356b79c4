package dev.dlp.config;

/**
 * The {@code checkpoint:} section.
 *
 * @param every           write a checkpoint every N epochs (and always after the last one)
 * @param keepLast        how many checkpoints to keep; older ones are deleted
 * @param everyMinutes    also within an epoch, when this many minutes have passed since the last checkpoint
 *                        (0 = off); a killed job then loses at most this much training
 * @param everyIterations also within an epoch, every N iterations (0 = off)
 */
public record CheckpointConfig(int every, int keepLast, double everyMinutes, int everyIterations) {
    public static final CheckpointConfig DEFAULTS = new CheckpointConfig(1, 2, 10, 0);

    /** {@link #DEFAULTS} with a checkpoint every {@code every} epochs. */
    public static CheckpointConfig every(int every) {
        return new CheckpointConfig(every, DEFAULTS.keepLast(), DEFAULTS.everyMinutes(), DEFAULTS.everyIterations());
    }

    public void validate() {
        Check.atLeast("checkpoint.every", every, 1);
        Check.atLeast("checkpoint.keep_last", keepLast, 1);
        Check.nonNegative("checkpoint.every_minutes", everyMinutes);
        Check.atLeast("checkpoint.every_iterations", everyIterations, 0);
    }
}
