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

    /** Exact-match and per-character accuracy of decoded outputs against targets. */
    record Accuracy(double exact, double perChar, List<String> predictions) {
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
        Pairs.Split split = d.task() == Seq2SeqConfig.Task.FILES
                ? Pairs.read(Path.of(d.sourceFile()), Path.of(d.targetFile()), d.heldoutFraction(), cfg.seed())
                : Pairs.generate(d, cfg.seed());
        List<String> texts = new ArrayList<>();
        split.train().forEach(p -> {
            texts.add(p.source());
            texts.add(p.target());
        });
        TokenVocab vocab = TokenVocab.of(texts);
        int longest = split.train().stream().mapToInt(p -> p.target().length()).max().orElse(1);
        int maxLength = cfg.decode().maxLength() > 0 ? cfg.decode().maxLength() : longest + 2;
        LOG.info("data: {}: {} training pairs, {} held out; vocabulary {} characters + 4 special tokens", d.task(),
                split.train().size(), split.heldout().size(), vocab.chars().size());
        Data data = new Data(split, vocab, maxLength);
        SeqSource heldout = new SeqSource(split.heldout(), vocab);
        return new Prepared<>(new SeqSource(split.train(), vocab), g -> {
            Accuracy a = evaluate(decoders(cfg, g, data), split.heldout());
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("val_loss", Trainer.meanScore(g, heldout, DECODE_BATCH));
            m.put("val_exact_match", a.exact());
            m.put("val_char_accuracy", a.perChar());
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

    static Accuracy evaluate(Decoders dec, List<Pairs.Pair> pairs) {
        int exact = 0;
        long chars = 0;
        long right = 0;
        List<String> predictions = new ArrayList<>();
        for (int from = 0; from < pairs.size(); from += DECODE_BATCH) {
            List<Pairs.Pair> chunk = pairs.subList(from, Math.min(pairs.size(), from + DECODE_BATCH));
            List<int[]> out = dec.greedy(chunk.stream().map(p -> dec.vocab().encode(p.source())).toList());
            for (int i = 0; i < chunk.size(); i++) {
                String pred = dec.vocab().decode(out.get(i));
                String target = chunk.get(i).target();
                predictions.add(pred);
                exact += pred.equals(target) ? 1 : 0;
                for (int j = 0; j < target.length(); j++) {
                    right += j < pred.length() && pred.charAt(j) == target.charAt(j) ? 1 : 0;
                }
                chars += target.length();
            }
        }
        return new Accuracy((double) exact / pairs.size(), (double) right / Math.max(1, chars), predictions);
    }

    @Override
    public void report(Seq2SeqConfig cfg, Context ctx, ComputationGraph g, Prepared<Data> prepared, RunDir run,
                       Summary summary) {
        Data data = prepared.data();
        Decoders dec = decoders(cfg, g, data);
        List<Pairs.Pair> heldout = data.pairs().heldout();
        Accuracy a = evaluate(dec, heldout);
        summary.put("heldout", Map.of("pairs", heldout.size(), "exact_match", a.exact(), "char_accuracy",
                a.perChar()));
        summary.mainMetric("heldout_exact_match", a.exact(), true);
        try {
            AtomicFiles.writeString(run.resolve(VOCAB_FILE), ConfigLoader.json().writeValueAsString(Map.of(
                    "chars", data.vocab().chars().stream().map(String::valueOf).toList(),
                    "max_length", data.maxLength())) + "\n");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        StringBuilder samples = new StringBuilder(String.format(Locale.ROOT, "%-12s %-12s %-12s %s%n", "input",
                "target", "greedy", "ok"));
        int shown = 0;
        for (int i = 0; i < heldout.size() && shown < 20; i++, shown++) {
            Pairs.Pair p = heldout.get(i);
            samples.append(String.format(Locale.ROOT, "%-12s %-12s %-12s %s%n", p.source(), p.target(),
                    a.predictions().get(i), a.predictions().get(i).equals(p.target()) ? "yes" : "NO"));
        }
        for (int i = 0; i < heldout.size() && shown < 30; i++) { // and some mistakes, if any
            if (!a.predictions().get(i).equals(heldout.get(i).target()) && i >= 20) {
                Pairs.Pair p = heldout.get(i);
                samples.append(String.format(Locale.ROOT, "%-12s %-12s %-12s %s%n", p.source(), p.target(),
                        a.predictions().get(i), "NO"));
                shown++;
            }
        }
        AtomicFiles.writeString(run.resolve("samples.txt"), samples.toString());
        Charts.curves(run.resolve("curves.png"), new MetricsLog(run.path()).rows(), List.of(
                new Charts.Panel("loss (teacher forcing)", "cross-entropy", List.of("train_loss", "val_loss")),
                new Charts.Panel("held-out accuracy (greedy decoding)", "accuracy",
                        List.of("val_exact_match", "val_char_accuracy"))));
        ctx.out().printf(Locale.ROOT, "held-out (%d pairs never seen in training): exact match %.4f, per-character "
                + "accuracy %.4f%n", heldout.size(), a.exact(), a.perChar());
    }
}
