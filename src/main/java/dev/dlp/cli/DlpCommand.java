package dev.dlp.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** The root command: lists every subcommand. */
@Command(name = "dlp", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Deeplearning4j training pipelines from the command line.",
            "Each training subcommand trains a ComputationGraph from a YAML config and writes a run directory "
                    + "under models/<pipeline>/ (config, metrics, checkpoints, model, pictures, summary.json)."},
        subcommands = {LenetCommand.class, AeCommands.Dense.class, AeCommands.Conv.class, RegressCommand.class,
            AdmitCommand.class, Seq2SeqCommand.class, SkipgramCommand.class, ConvBasicsCommand.class,
            SweepCommand.class, RunsCommand.class, UiCommand.class, ConfigsCommand.class},
        footer = {"", "Exit codes: 0 ok, 1 training/runtime failure, 2 bad input (CLI, config, data), "
                + "3 state conflict, 130/143 interrupted (checkpoint written).",
            "Environment: DLP_DATA (data directory), DLP_JAVA_OPTS (JVM options, used by ./dlp)."})
public final class DlpCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "missing subcommand (see dlp --help)");
    }
}
