package dev.dlp.cli;

import dev.dlp.pipelines.Launcher;
import dev.dlp.pipelines.regress.RegressPipeline;
import dev.dlp.pipelines.tabular.TabularRuns;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code dlp regress}: linear/logistic regression by gradient descent; {@code predict} uses a trained one. */
@Command(name = "regress", mixinStandardHelpOptions = true,
        description = {"Linear (or, with --set model.kind=logistic, logistic) regression by gradient descent on a "
                + "CSV, next to the closed-form (or Newton) solution on the same split.",
            "Default data: Boston house prices (target medv). Writes coefficients.csv, loss.png, fit.png, "
                    + "preprocessing.json and the usual run files."},
        subcommands = RegressCommand.Predict.class)
public final class RegressCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    LoggingMixin logging;
    @Mixin
    TrainOptions options;
    @Mixin
    DataFileOption data;

    @Override
    public Integer call() {
        return Launcher.train(new RegressPipeline(), options.toRunOptions(data.addTo(options.overrides)),
                options.context(spec, logging));
    }

    /** {@code predict} of the tabular subcommands: col=value inputs in, the model's output out. */
    @Command(name = "predict", mixinStandardHelpOptions = true,
            description = "Print the model's prediction for one row given as col=value pairs (every input column).")
    static final class Predict implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        LoggingMixin logging;
        @Option(names = "--model", required = true, paramLabel = "RUN_DIR", description = "A run directory.")
        Path model;
        @Parameters(arity = "1..*", paramLabel = "COL=VALUE", description = "Input values, e.g. rm=6.5 lstat=5.")
        List<String> values;

        @Override
        public Integer call() {
            TabularRuns.Prediction p = TabularRuns.predict(model, values);
            spec.commandLine().getOut().printf(Locale.ROOT, "%s: %.6g%n", p.output(), p.value());
            return ExitCodes.OK;
        }
    }
}
