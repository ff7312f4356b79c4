package dev.dlp.cli;

import dev.dlp.pipelines.Context;
import dev.dlp.pipelines.Launcher;
import dev.dlp.pipelines.lenet.LenetPipeline;
import dev.dlp.pipelines.lenet.LenetTools;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code dlp lenet}: train an MNIST classifier; {@code eval} and {@code predict} use a trained one. */
@Command(name = "lenet", mixinStandardHelpOptions = true,
        description = {"Train an MNIST digit classifier: LeNet-5 (default config lenet5), an MLP (mnist-mlp) or "
                + "softmax regression (mnist-softmax).",
            "Writes metrics, checkpoints, model.zip, eval.json/eval.txt and curves.png, conv1-filters.png, "
                    + "feature-maps.png, predictions.png into the run directory."},
        subcommands = {LenetCommand.Eval.class, LenetCommand.Predict.class})
public final class LenetCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    LoggingMixin logging;
    @Mixin
    TrainOptions options;

    @Override
    public Integer call() {
        return Launcher.train(new LenetPipeline(), options.toRunOptions(),
                options.context(spec, logging));
    }

    /** {@code dlp lenet eval}. */
    @Command(name = "eval", mixinStandardHelpOptions = true,
            description = "Evaluate a trained model on the MNIST test set; writes eval.json and eval.txt next to it.")
    static final class Eval implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        LoggingMixin logging;
        @Option(names = "--model", required = true, paramLabel = "RUN_DIR|ZIP", description = "A run directory or "
                + "a model zip.")
        Path model;
        @Option(names = "--data-dir", paramLabel = "DIR", description = "Data directory (default: $DLP_DATA, else "
                + "the run's data.dir).")
        String dataDir;

        @Override
        public Integer call() {
            return LenetTools.eval(model, new Context(dataDir, spec.commandLine().getOut(), logging.quiet()));
        }
    }

    /** {@code dlp lenet predict}. */
    @Command(name = "predict", mixinStandardHelpOptions = true,
            description = "Print the predicted digit and class probabilities of each image (any size: resized to "
                    + "28x28 grayscale).")
    static final class Predict implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        LoggingMixin logging;
        @Option(names = "--model", required = true, paramLabel = "RUN_DIR|ZIP", description = "A run directory or "
                + "a model zip.")
        Path model;
        @Option(names = "--invert", defaultValue = "auto", paramLabel = "auto|yes|no",
                description = "Invert dark-on-light images to MNIST's white-on-black (auto: when the mean is above "
                        + "0.5; default ${DEFAULT-VALUE}).")
        LenetTools.Invert invert;
        @Parameters(arity = "1..*", paramLabel = "IMAGE", description = "PNG/JPEG images of single digits.")
        List<Path> images;

        @Override
        public Integer call() {
            return LenetTools.predict(model, images, invert, new Context(null, spec.commandLine().getOut(),
                    logging.quiet()));
        }
    }
}
