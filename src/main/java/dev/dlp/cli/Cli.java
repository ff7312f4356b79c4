package dev.dlp.cli;

import picocli.CommandLine;

import java.io.PrintWriter;

/**
 * The one factory for the whole command line (streams, exit codes, error handling), used by {@link Main} and by
 * the tests, so tests drive exactly the shipped CLI.
 */
public final class Cli {
    private Cli() {
    }

    public static CommandLine newCommandLine(PrintWriter out, PrintWriter err) {
        LoggingMixin.apply(false, false);
        CommandLine cl = new CommandLine(new DlpCommand());
        cl.setOut(out);
        cl.setErr(err);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExitCodeExceptionMapper(ExitCodes::of);
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine c = ex.getCommandLine();
            c.getErr().println("dlp: " + ex.getMessage());
            if (!CommandLine.UnmatchedArgumentException.printSuggestions(ex, c.getErr())) {
                c.getErr().println("Try '" + c.getCommandSpec().qualifiedName() + " --help' for usage.");
            }
            c.getErr().flush();
            return ExitCodes.BAD_INPUT;
        });
        cl.setExecutionExceptionHandler((ex, c, parseResult) -> {
            int code = ExitCodes.of(ex);
            boolean expected = code != ExitCodes.RUNTIME || ExitCodes.expectedFailure(ex);
            String msg = ex.getMessage() == null ? ex.getClass().getName() : ex.getMessage();
            if (!expected) {
                msg = ex.getClass().getSimpleName() + ": " + firstLine(msg);
            }
            c.getErr().println("dlp: error: " + msg.replaceAll("\\s*\\R\\s*", " "));
            if (LoggingMixin.verbose(parseResult)) {
                ex.printStackTrace(c.getErr());
            } else if (!expected) {
                c.getErr().println("(run with -v for the stack trace)");
            }
            c.getErr().flush();
            return code;
        });
        return cl;
    }

    /**
     * The first line of a library's exception message, at most {@link #MAX_MESSAGE} characters: some (Spark's) carry
     * whole stack traces in their message; -v prints everything.
     */
    static String firstLine(String msg) {
        String line = msg.strip().lines().findFirst().orElse("");
        return line.length() <= MAX_MESSAGE ? line : line.substring(0, MAX_MESSAGE) + " ... (run with -v for all of it)";
    }

    static final int MAX_MESSAGE = 300;
}
