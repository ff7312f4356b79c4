package dev.dlp.cli;

import dev.dlp.pipelines.Context;
import dev.dlp.pipelines.Launcher;
import dev.dlp.pipelines.ae.AePipeline;
import dev.dlp.pipelines.ae.AeTools;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code dlp ae} and {@code dlp conv-ae}, and their {@code encode} subcommand. */
public final class AeCommands {
    private AeCommands() {
    }

    /** {@code dlp ae}. */
    @Command(name = "ae", mixinStandardHelpOptions = true,
            description = {"Train a dense autoencoder on MNIST (784 -> 32 -> 784, config ae).",
                "Writes metrics, checkpoints, model.zip and reconstructions.png, curves.png, codes.png; "
                        + "--set data.noise=0.5 trains a denoising autoencoder."},
            subcommands = Encode.class)
    static final class Dense implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        LoggingMixin logging;
        @Mixin
        TrainOptions options;

        @Override
        public Integer call() {
            return Launcher.train(AePipeline.dense(), options.toRunOptions(),
                    options.context(spec, logging));
        }
    }

    /** {@code dlp conv-ae}. */
    @Command(name = "conv-ae", mixinStandardHelpOptions = true,
            description = {"Train a convolutional autoencoder on MNIST (code 8x4x4, config conv-ae).",
                "--set data.noise=0.5 trains the denoising variant: noisy inputs, clean targets."},
            subcommands = Encode.class)
    static final class Conv implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        LoggingMixin logging;
        @Mixin
        TrainOptions options;

        @Override
        public Integer call() {
            return Launcher.train(AePipeline.conv(), options.toRunOptions(),
                    options.context(spec, logging));
        }
    }

    /** {@code encode}. */
    @Command(name = "encode", mixinStandardHelpOptions = true,
            description = "Write the code (bottleneck activations) of every image of a split as CSV: label, c0, c1...")
    static final class Encode implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        LoggingMixin logging;
        @Option(names = "--model", required = true, paramLabel = "RUN_DIR", description = "A run directory.")
        Path model;
        @Option(names = "--split", defaultValue = "test", paramLabel = "train|test",
                description = "Which MNIST split (default: ${DEFAULT-VALUE}).")
        AeTools.SplitName split;
        @Option(names = "--out", required = true, paramLabel = "FILE", description = "The CSV file to write.")
        Path out;
        @Option(names = "--data-dir", paramLabel = "DIR", description = "Data directory (default: $DLP_DATA, else "
                + "the run's data.dir).")
        String dataDir;

        @Override
        public Integer call() {
            return AeTools.encode(model, split, out, new Context(dataDir, spec.commandLine().getOut(),
                    logging.quiet()));
        }
    }
}
