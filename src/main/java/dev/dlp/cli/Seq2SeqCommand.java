package dev.dlp.cli;

import dev.dlp.pipelines.Context;
import dev.dlp.pipelines.Launcher;
import dev.dlp.pipelines.seq2seq.Seq2SeqPipeline;
import dev.dlp.pipelines.seq2seq.Seq2SeqTools;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code dlp seq2seq}: LSTM encoder/decoder; {@code predict} runs the inference decoders. */
@Command(name = "seq2seq", mixinStandardHelpOptions = true,
        description = {"Train an LSTM encoder/decoder whose decoder starts from the encoder's final state "
                + "(model.bridge: state; duplicate: the portable DL4J-only wiring). Default task: sort the letters of "
                + "a word; --set data.task=reverse; parallel files with --data SRC --set data.target_file=TGT; "
                + "grapheme-to-phoneme on the CMU Pronouncing Dictionary with --config g2p (fetched on first use).",
            "Reports held-out exact match, WER and PER every epoch (greedy) and at the end (also beam search with "
                + "decode.beam); writes samples.txt, curves.png."},
        subcommands = Seq2SeqCommand.Predict.class)
public final class Seq2SeqCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    LoggingMixin logging;
    @Mixin
    TrainOptions options;
    @Option(names = "--data", paramLabel = "SRC", description = "Source file, one sequence per line (sets "
            + "data.task=files and data.source_file; give data.target_file with --set).")
    String source;

    @Override
    public Integer call() {
        List<String> overrides = new java.util.ArrayList<>(options.overrides);
        if (source != null) {
            overrides.add(0, "data.task=files");
            overrides.add(1, "data.source_file=\"" + source.replace("\\", "\\\\").replace("\"", "\\\"") + "\"");
        }
        return Launcher.train(new Seq2SeqPipeline(), options.toRunOptions(overrides),
                options.context(spec, logging));
    }

    /** {@code predict}. */
    @Command(name = "predict", mixinStandardHelpOptions = true,
            description = "Print each input and the trained model's output (greedy, or beam search with --beam K).")
    static final class Predict implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        LoggingMixin logging;
        @Option(names = "--model", required = true, paramLabel = "RUN_DIR", description = "A run directory.")
        Path model;
        @Option(names = "--beam", paramLabel = "K", defaultValue = "1", description = "Beam width (default: "
                + "${DEFAULT-VALUE} = greedy).")
        int beam;
        @Parameters(arity = "1..*", paramLabel = "INPUT", description = "Input sequences, e.g. hello zebra.")
        List<String> inputs;

        @Override
        public Integer call() {
            return Seq2SeqTools.predict(model, inputs, beam, new Context(null, spec.commandLine().getOut(),
                    logging.quiet()));
        }
    }
}
