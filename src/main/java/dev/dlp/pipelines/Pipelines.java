package dev.dlp.pipelines;

import dev.dlp.pipelines.ae.AePipeline;
import dev.dlp.pipelines.lenet.LenetPipeline;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/** The training pipelines by subcommand name (for tests, sweeps and the run table). */
public final class Pipelines {
    private static final Map<String, Supplier<Pipeline<?, ?>>> ALL = new LinkedHashMap<>();

    static {
        ALL.put("lenet", LenetPipeline::new);
        ALL.put("ae", AePipeline::dense);
        ALL.put("conv-ae", AePipeline::conv);
        ALL.put("regress", dev.dlp.pipelines.regress.RegressPipeline::new);
        ALL.put("admit", dev.dlp.pipelines.admit.AdmitPipeline::new);
        ALL.put("seq2seq", dev.dlp.pipelines.seq2seq.Seq2SeqPipeline::new);
    }

    private Pipelines() {
    }

    public static Optional<Pipeline<?, ?>> byName(String name) {
        Supplier<Pipeline<?, ?>> s = ALL.get(name);
        return s == null ? Optional.empty() : Optional.of(s.get());
    }

    public static java.util.Set<String> names() {
        return ALL.keySet();
    }
}
