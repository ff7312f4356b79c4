package dev.dlp.cli;

import dev.dlp.pipelines.Launcher;
import dev.dlp.pipelines.admit.AdmitPipeline;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code dlp admit}: the two-layer admissions network; {@code predict} gives an admission probability. */
@Command(name = "admit", mixinStandardHelpOptions = true,
        description = {"Train the student-admissions network (admit ~ gre, gpa, rank; one hidden layer).",
            "Without --data: SYNTHETIC data from the published logistic model (seeded). Reports accuracy, log-loss "
                    + "and ROC AUC next to a logistic-regression baseline and the Bayes-optimal ceiling; "
                    + "writes loss.png and admit.png."},
        subcommands = RegressCommand.Predict.class)
public final class AdmitCommand implements Callable<Integer> {
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
        return Launcher.train(new AdmitPipeline(), options.toRunOptions(data.addTo(options.overrides)),
                options.context(spec, logging));
    }
}
