package dev.dlp.pipelines.seq2seq;

import dev.dlp.config.ConfigLoader;
import dev.dlp.graph.ModelSpec;
import dev.dlp.pipelines.Context;
import dev.dlp.pipelines.Pipeline;
import dev.dlp.report.Charts;
import dev.dlp.run.AtomicFiles;
import dev.dlp.run.RunDir;
import dev.dlp.run.Summary;
import dev.dlp.train.MetricsLog;
import dev.dlp.train.Trainer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code dlp seq2seq}: trains the encoder/decoder with teacher forcing; evaluates with the greedy decoder. */
public final class Seq2SeqPipeline implements Pipeline<Seq2SeqConfig, Seq2SeqPipeline.Data> {
    private static final Logger LOG = LoggerFactory.getLogger(Seq2SeqPipeline.class);
    static final String VOCAB_FILE = "vocab.json";
    private static final int DECODE_BATCH = 500;

    /** What training and report share. */
    record Data(Pairs.Split pairs, TokenVocab vocab, int maxLength) {
    }

    /**
     * Decoded outputs against the references, per distinct source (a source may have several references, e.g. a
     * word's pronunciations): exact match = the output equals one of them; WER = 1 - exact match; PER = token edit
     * distance to the nearest reference over that reference's length, summed over sources; per-character accuracy
     * = share of each nearest reference's positions the output has right.
     */
    record Accuracy(double exact, double perChar, double per, int sources, Map<String, String> predictions) {
        double wer() {
            return 1 - exact;
        }
    }

    @Override
    public String name() {
        return "seq2seq";
    }

    @Override
    public String defaultConfig() {
        return "seq2seq";
    }

    @Override
    public Class<Seq2SeqConfig> configType() {
        return Seq2SeqConfig.class;
    }

    @Override
    public Seq2SeqConfig defaults() {
        return Seq2SeqConfig.DEFAULTS;
    }

    @Override
    public Prepared<Data> prepare(Seq2SeqConfig cfg, Context ctx) {
        Seq2SeqConfig.Data d = cfg.data();
        Pairs.Split split = switch (d.task()) {
            case FILES -> Pairs.read(Path.of(d.sourceFile()), Path.of(d.targetFile()), d.heldoutFraction(), cfg.seed());
            case CMUDICT -> Pairs.cmudict(d.sourceFile().isBlank() ? ctx.dataDir(null).resolve("cmudict/dict.txt")
                    : Path.of(d.sourceFile()), d.stress(), d.heldoutFraction(), cfg.seed());
            case SORT, REVERSE -> Pairs.generate(d, cfg.seed());
        };
        boolean words = d.task() == Seq2SeqConfig.Task.CMUDICT || d.targetTokens() == Seq2SeqConfig.Tokens.WORDS;
        TokenVocab vocab = TokenVocab.of(split.train().stream().map(Pairs.Pair::source).toList(),
                split.train().stream().map(Pairs.Pair::target).toList(), words, d.reverseSource());
        int longest = split.train().stream().mapToInt(p -> vocab.targetTokens(p.target()).size()).max().orElse(1);
        int maxLength = cfg.decode().maxLength() > 0 ? cfg.decode().maxLength() : longest + 2;
        LOG.info("data: {}: {} training pairs, {} held out; vocabulary {} tokens + 4 special", d.task(),
                split.train().size(), split.heldout().size(), vocab.tokens().size());
        Data data = new Data(split, vocab, maxLength);
        SeqSource heldout = new SeqSource(split.heldout(), vocab);
        return new Prepared<>(new SeqSource(split.train(), vocab), g -> {
            Accuracy a = evaluate(decoders(cfg, g, data), split.heldout(), 1);
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("val_loss", Trainer.meanScore(g, heldout, DECODE_BATCH));
            m.put("val_exact_match", a.exact());
            m.put("val_char_accuracy", a.perChar());
            m.put("val_wer", a.wer());
            m.put("val_per", a.per());
            return m;
        }, data);
    }

    @Override
    public boolean networkFromData() {
        return true;
    }

    /**
     * Vocabulary sizes come from the data: the size of the (token id) inputs, which DL4J's embedding layers take
     * as their vocabulary, and {@code n_out} of the output layer.
     */
    @Override
    public ModelSpec network(Seq2SeqConfig cfg, Prepared<Data> prepared) {
        return withVocab(cfg.network(), prepared.data().vocab().size());
    }

    @Override
    public void check(Seq2SeqConfig cfg, ModelSpec network) {
        Decoders.summaryCarriers(network);
    }

    static ModelSpec withVocab(ModelSpec spec, int vocab) {
        List<Map<String, Object>> layers = new ArrayList<>();
        for (Map<String, Object> l : spec.layers()) {
            Map<String, Object> c = new LinkedHashMap<>(l);
            if ("rnn_output".equals(c.get("type")) && !c.containsKey("n_out")) {
                c.put("n_out", vocab);
            }
            layers.add(c);
        }
        return new ModelSpec(spec.inputs(), layers, spec.outputs()).withFeatureCount(vocab);
    }

    static Decoders decoders(Seq2SeqConfig cfg, ComputationGraph g, Data data) {
        return new Decoders(g, withVocab(cfg.network(), data.vocab().size()), cfg.train(), cfg.seed(), data.vocab(),
                data.maxLength());
    }

    /** {@link Accuracy} of greedy decoding ({@code beam} <= 1) or beam search of width {@code beam}. */
    static Accuracy evaluate(Decoders dec, List<Pairs.Pair> pairs, int beam) {
        Map<String, List<List<String>>> refs = new LinkedHashMap<>();
        for (Pairs.Pair p : pairs) {
            refs.computeIfAbsent(p.source(), k -> new ArrayList<>()).add(dec.vocab().targetTokens(p.target()));
        }
        List<String> sources = new ArrayList<>(refs.keySet());
        Map<String, String> predictions = new LinkedHashMap<>();
        int exact = 0;
        long distance = 0;
        long refLength = 0;
        long right = 0;
        for (int from = 0; from < sources.size(); from += DECODE_BATCH) {
            List<String> chunk = sources.subList(from, Math.min(sources.size(), from + DECODE_BATCH));
            List<int[]> encoded = chunk.stream().map(dec.vocab()::encode).toList();
            List<int[]> out = beam <= 1 ? dec.greedy(encoded) : dec.beams(encoded, beam);
            for (int i = 0; i < chunk.size(); i++) {
                List<String> pred = dec.vocab().decodeTokens(out.get(i));
                predictions.put(chunk.get(i), dec.vocab().decode(out.get(i)));
                List<String> best = null;
                int bestDistance = Integer.MAX_VALUE;
                for (List<String> ref : refs.get(chunk.get(i))) {
                    int e = editDistance(pred, ref);
                    if (e < bestDistance) {
                        bestDistance = e;
                        best = ref;
                    }
                }
                exact += bestDistance == 0 ? 1 : 0;
                distance += bestDistance;
                refLength += best.size();
                for (int j = 0; j < best.size(); j++) {
                    right += j < pred.size() && pred.get(j).equals(best.get(j)) ? 1 : 0;
                }
            }
        }
        return new Accuracy((double) exact / sources.size(), (double) right / Math.max(1, refLength),
                (double) distance / Math.max(1, refLength), sources.size(), predictions);
    }

    /** Levenshtein distance between token sequences (insertions, deletions and substitutions cost 1). */
    static int editDistance(List<String> a, List<String> b) {
        int[] prev = new int[b.size() + 1];
        int[] cur = new int[b.size() + 1];
        for (int j = 0; j <= b.size(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.size(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.size(); j++) {
                int sub = prev[j - 1] + (a.get(i - 1).equals(b.get(j - 1)) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j], cur[j - 1]) + 1);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.size()];
    }

    @Override
    public void report(Seq2SeqConfig cfg, Context ctx, ComputationGraph g, Prepared<Data> prepared, RunDir run,
                       Summary summary) {
        Data data = prepared.data();
        Decoders dec = decoders(cfg, g, data);
        List<Pairs.Pair> heldout = data.pairs().heldout();
        Accuracy a = evaluate(dec, heldout, 1);
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("pairs", heldout.size());
        h.put("sources", a.sources());
        h.put("exact_match", a.exact());
        h.put("char_accuracy", a.perChar());
        h.put("wer", a.wer());
        h.put("per", a.per());
        Accuracy beam = null;
        if (cfg.decode().beam() > 1) {
            long t0 = System.nanoTime();
            beam = evaluate(dec, heldout, cfg.decode().beam());
            h.put("beam", Map.of("width", cfg.decode().beam(), "exact_match", beam.exact(), "wer", beam.wer(),
                    "per", beam.per(), "seconds", Math.round((System.nanoTime() - t0) / 1e8) / 10.0));
        }
        summary.put("heldout", h);
        summary.mainMetric("heldout_exact_match", a.exact(), true);
        writeVocab(run, data);
        AtomicFiles.writeString(run.resolve("samples.txt"), samples(heldout, a));
        Charts.curves(run.resolve("curves.png"), new MetricsLog(run.path()).rows(), List.of(
                new Charts.Panel("loss (teacher forcing)", "cross-entropy", List.of("train_loss", "val_loss")),
                new Charts.Panel("held-out accuracy (greedy decoding)", "accuracy",
                        List.of("val_exact_match", "val_char_accuracy")),
                new Charts.Panel("held-out error rates (greedy decoding)", "error rate",
                        List.of("val_wer", "val_per"))));
        ctx.out().printf(Locale.ROOT, "held-out (%d sources never seen in training): exact match %.4f, per-character "
                + "accuracy %.4f; WER %.4f, PER %.4f (greedy)%n", a.sources(), a.exact(), a.perChar(), a.wer(), a.per());
        if (beam != null) {
            ctx.out().printf(Locale.ROOT, "held-out, beam %d: exact match %.4f; WER %.4f, PER %.4f%n",
                    cfg.decode().beam(), beam.exact(), beam.wer(), beam.per());
        }
    }

    /** The run's vocabulary and source handling, what {@code dlp seq2seq predict} reads back. */
    private static void writeVocab(RunDir run, Data data) {
        try {
            AtomicFiles.writeString(run.resolve(VOCAB_FILE), ConfigLoader.json().writeValueAsString(Map.of(
                    "tokens", data.vocab().tokens(), "word_targets", data.vocab().wordTargets(),
                    "reverse_source", data.vocab().reverseSource(), "max_length", data.maxLength())) + "\n");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * samples.txt: the first 20 held-out pairs, then up to 10 mistakes; a source is right when its output matches
     * any of its references.
     */
    private static String samples(List<Pairs.Pair> heldout, Accuracy a) {
        int width = Math.max(12, heldout.stream().limit(200).mapToInt(p -> Math.max(p.source().length(),
                p.target().length())).max().orElse(12) + 2);
        String row = "%-" + width + "s %-" + width + "s %-" + width + "s %s%n";
        StringBuilder samples = new StringBuilder(String.format(Locale.ROOT, row, "input", "target", "greedy", "ok"));
        java.util.Set<String> right = new java.util.HashSet<>();
        heldout.forEach(p -> {
            if (a.predictions().get(p.source()).equals(p.target())) {
                right.add(p.source());
            }
        });
        int shown = 0;
        for (Pairs.Pair p : heldout) {
            boolean ok = right.contains(p.source());
            if (shown < 20 || !ok && shown < 30) {
                samples.append(String.format(Locale.ROOT, row, p.source(), p.target(), a.predictions().get(p.source()),
                        ok ? "yes" : "NO"));
                shown++;
            }
        }
        return samples.toString();
    }
}
