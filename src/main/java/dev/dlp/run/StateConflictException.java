package dev.dlp.run;

/** The request conflicts with existing state, e.g. resuming a run with a different architecture (exit 3). */
public final class StateConflictException extends RuntimeException {
    public StateConflictException(String message) {
        super(message);
    }
}
