package dev.dlp.cli;

import dev.dlp.config.ConfigException;
import dev.dlp.data.DataException;
import dev.dlp.run.StateConflictException;
import picocli.CommandLine;

/** Named exit codes. Interrupted runs exit 128 + the signal number (130 for Ctrl-C, 143 for SIGTERM). */
public final class ExitCodes {
    public static final int OK = 0;
    /** Training or runtime failure (including divergence). */
    public static final int RUNTIME = 1;
    /** Bad input: command line, config, data file. */
    public static final int BAD_INPUT = 2;
    /** State conflict, e.g. resuming with a different architecture. */
    public static final int CONFLICT = 3;

    private ExitCodes() {
    }

    public static int of(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ConfigException || c instanceof DataException || c instanceof CommandLine.ParameterException
                    || c instanceof BadInputException) {
                return BAD_INPUT;
            }
            if (c instanceof StateConflictException) {
                return CONFLICT;
            }
        }
        return RUNTIME;
    }

    /**
     * A runtime failure with a message that says it all (a diverged run, a file that could not be written): one
     * line, no exception class, no stack-trace hint.
     */
    public static boolean expectedFailure(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof dev.dlp.pipelines.Launcher.TrainingFailed || c instanceof dev.dlp.run.AtomicFiles.WriteFailed) {
                return true;
            }
        }
        return false;
    }

    /** A bad command-line value found after parsing (e.g. a file that does not exist). */
    public static final class BadInputException extends RuntimeException {
        public BadInputException(String message) {
            super(message);
        }
    }
}
