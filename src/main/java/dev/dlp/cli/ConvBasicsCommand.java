package dev.dlp.cli;

import dev.dlp.pipelines.Context;
import dev.dlp.pipelines.convbasics.ConvBasics;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code dlp conv-basics}: convolution, padding, stride and dilation made visible. No training. */
@Command(name = "conv-basics", mixinStandardHelpOptions = true,
        description = {"Convolve one input with each (kernel, padding, stride) through ND4J's conv2d op: prints the "
                + "output shapes next to the formula " + ConvBasics.FORMULA + " and writes conv-basics.png "
                + "(input | kernel | output per combination).",
            "Like PyTorch and TensorFlow, ND4J computes cross-correlation: the kernel is not flipped.",
            "Kernels: identity, box-blur, gaussian, random (NAME:K for KxK, default 3), sharpen, sobel-x, sobel-y, "
                    + "laplacian (3x3)."})
public final class ConvBasicsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    LoggingMixin logging;

    @Option(names = "--config", paramLabel = "FILE", description = "Config file, or the name of a shipped config "
            + "(default: conv-basics).")
    String config;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override a config value by its dotted path, "
            + "e.g. input.max_side=32. Repeatable.")
    List<String> overrides = new ArrayList<>();

    @ArgGroup(exclusive = true)
    InputChoice input = new InputChoice();

    /** The input: one of three. */
    static final class InputChoice {
        @Option(names = "--digit", paramLabel = "N", description = "The first MNIST test image of digit N (0-9).")
        Integer digit;
        @Option(names = "--image", paramLabel = "PNG", description = "An image file (PNG, JPEG, GIF, BMP), read as "
                + "grayscale; scaled down to input.max_side.")
        Path image;
        @Option(names = "--random", paramLabel = "HxW", description = "Seeded uniform noise of this size "
                + "(the default input, 16x16).")
        String random;
    }

    @Option(names = "--kernel", paramLabel = "NAME[:K]", description = "A kernel (repeatable; default: the "
            + "config's kernels).")
    List<String> kernels = new ArrayList<>();

    @Option(names = "--padding", paramLabel = "valid|same|P", description = "A padding: none, output size ceil(n/s),"
            + " or P zeros per side (repeatable; default: the config's).")
    List<String> paddings = new ArrayList<>();

    @Option(names = "--stride", paramLabel = "S", description = "A stride (repeatable; default: the config's).")
    List<Integer> strides = new ArrayList<>();

    @Option(names = "--dilation", paramLabel = "D", description = "Spacing between kernel taps (default: the "
            + "config's, 1).")
    Integer dilation;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the random input and random kernels "
            + "(overrides the config's).")
    Long seed;

    @Option(names = "--out", paramLabel = "DIR", description = "Write here instead of a new run directory under "
            + "--runs-root.")
    Path out;

    @Option(names = "--runs-root", paramLabel = "DIR", defaultValue = "models",
            description = "Where run directories go (default: ${DEFAULT-VALUE}).")
    Path runsRoot;

    @Option(names = "--run-name", paramLabel = "NAME", description = "Suffix for the run directory name.")
    String runName;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "MNIST directory for --digit (default: $DLP_DATA, else the config's data.dir, 'data').")
    String dataDir;

    @Override
    public Integer call() {
        return ConvBasics.run(new ConvBasics.Options(config, List.copyOf(overrides), input.digit, input.image,
                input.random, List.copyOf(kernels), List.copyOf(paddings), List.copyOf(strides), dilation, seed, out,
                runsRoot, runName), new Context(dataDir, spec.commandLine().getOut(), logging.quiet()));
    }
}
