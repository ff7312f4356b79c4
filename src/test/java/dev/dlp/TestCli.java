package dev.dlp;

import dev.dlp.cli.Cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the shipped command line in-process with captured stdout/stderr. */
public final class TestCli {
    private TestCli() {
    }

    /** Exit code and captured output of one invocation. */
    public record Outcome(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
        }
    }

    public static Outcome run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Cli.newCommandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
        return new Outcome(code, out.toString(), err.toString());
    }
}
