package dev.dlp.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/**
 * {@code -v} / {@code -q}. Default: dlp's own progress at INFO, library chatter (ND4J/DL4J banners) at WARN.
 * {@code -v}: dlp at DEBUG, libraries at INFO, stack traces on errors. {@code -q}: warnings and errors only.
 */
public final class LoggingMixin {
    @Option(names = {"-v", "--verbose"}, description = "Debug logging, library logs and stack traces on errors.")
    void setVerbose(boolean v) {
        apply(v, false);
    }

    @Option(names = {"-q", "--quiet"}, description = "Only warnings and errors on stderr; no progress bar.")
    void setQuiet(boolean q) {
        quiet = q;
        if (q) {
            apply(false, true);
        }
    }

    private boolean quiet;

    public boolean quiet() {
        return quiet;
    }

    /** Whether a parsed command line (at any subcommand level) asked for {@code -v}. */
    static boolean verbose(picocli.CommandLine.ParseResult pr) {
        for (picocli.CommandLine.ParseResult p = pr; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("-v")) {
                return true;
            }
        }
        return false;
    }

    static void apply(boolean verbose, boolean quiet) {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Logger dlp = (Logger) LoggerFactory.getLogger("dev.dlp");
        root.setLevel(verbose ? Level.INFO : Level.WARN);
        dlp.setLevel(verbose ? Level.DEBUG : quiet ? Level.WARN : Level.INFO);
    }
}
