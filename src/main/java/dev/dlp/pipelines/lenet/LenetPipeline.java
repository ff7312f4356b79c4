package dev.dlp.pipelines.lenet;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dlp.config.ConfigLoader;
import dev.dlp.data.Mnist;
import dev.dlp.data.MnistConfig;
import dev.dlp.nd4j.Backend;
import dev.dlp.pipelines.Context;
import dev.dlp.pipelines.Pipeline;
import dev.dlp.run.AtomicFiles;
import dev.dlp.run.RunDir;
import dev.dlp.run.Summary;
import dev.dlp.train.ArraySource;
import dev.dlp.train.MetricsLog;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.evaluation.classification.Evaluation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** {@code dlp lenet}: trains an MNIST classifier, evaluates it on the test set and draws its pictures. */
public final class LenetPipeline implements Pipeline<LenetConfig, LenetPipeline.Data> {
    private static final Logger LOG = LoggerFactory.getLogger(LenetPipeline.class);

    /** The splits kept between training and report. */
    record Data(MnistConfig.Splits splits, Mnist.Images test) {
    }

    @Override
    public String name() {
        return "lenet";
    }

    @Override
    public String defaultConfig() {
        return "lenet5";
    }

    @Override
    public Class<LenetConfig> configType() {
        return LenetConfig.class;
    }

    @Override
    public LenetConfig defaults() {
        return LenetConfig.DEFAULTS;
    }

    @Override
    public Prepared<Data> prepare(LenetConfig cfg, Context ctx) {
        Path dir = ctx.dataDir(cfg.data().dir());
        MnistConfig.Splits splits = cfg.data().load(dir, cfg.seed());
        Mnist.Images test = cfg.data().loadTest(dir); // read now: a bad test file fails before training
        ArraySource train = new ArraySource(splits.train().pixels(), new long[]{Mnist.PIXELS},
                splits.train().oneHot(), new long[]{Mnist.CLASSES});
        LOG.info("data: MNIST from {}: {} train, {} validation, {} test", dir, splits.train().size(),
                splits.val().size(), test.size());
        return new Prepared<>(train, g -> {
            Classification.Result r = Classification.evaluate(g, splits.val());
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("val_loss", r.loss());
            m.put("val_accuracy", r.accuracy());
            return m;
        }, new Data(splits, test));
    }

    @Override
    public void report(LenetConfig cfg, Context ctx, ComputationGraph g, Prepared<Data> prepared, RunDir run,
                       Summary summary) {
        Data data = prepared.data();
        Classification.Result r = writeEval(g, data.test(), run.path());
        summary.put("test", Map.of("accuracy", r.accuracy(), "loss", r.loss(), "examples", data.test().size()));
        summary.mainMetric("test_accuracy", r.accuracy(), true);
        summary.put("onednn_helper_layers", Backend.helperLayers(g));
        LenetPictures.curves(run.resolve("curves.png"), new MetricsLog(run.path()).rows());
        if (LenetPictures.filters(run.resolve("conv1-filters.png"), g)) {
            LenetPictures.featureMaps(run.resolve("feature-maps.png"), g, data.test(), 3);
        } else {
            LOG.info("no conv layers: conv1-filters.png and feature-maps.png are not drawn");
        }
        LenetPictures.predictions(run.resolve("predictions.png"), data.test(), r.predicted(), 40);
        ctx.out().printf(Locale.ROOT, "test accuracy: %.4f (%d examples), test loss: %.4f%n", r.accuracy(),
                data.test().size(), r.loss());
    }

    /** Evaluates on the test set and writes {@code eval.json} and {@code eval.txt} into {@code dir}. */
    static Classification.Result writeEval(ComputationGraph g, Mnist.Images test, Path dir) {
        Classification.Result r = Classification.evaluate(g, test);
        Evaluation ev = r.evaluation();
        ObjectNode json = ConfigLoader.json().createObjectNode();
        json.put("examples", test.size());
        json.put("accuracy", ev.accuracy());
        json.put("loss", r.loss());
        json.put("macro_precision", ev.precision());
        json.put("macro_recall", ev.recall());
        json.put("macro_f1", ev.f1());
        ArrayNode classes = json.putArray("per_class");
        for (int c = 0; c < Mnist.CLASSES; c++) {
            classes.addObject().put("class", c).put("precision", ev.precision(c)).put("recall", ev.recall(c))
                    .put("f1", ev.f1(c)).put("count", ev.getConfusionMatrix().getActualTotal(c));
        }
        ArrayNode cm = json.putArray("confusion_matrix");
        for (int a = 0; a < Mnist.CLASSES; a++) {
            ArrayNode row = cm.addArray();
            for (int p = 0; p < Mnist.CLASSES; p++) {
                row.add(ev.getConfusionMatrix().getCount(a, p));
            }
        }
        try {
            AtomicFiles.writeString(dir.resolve("eval.json"),
                    ConfigLoader.json().writerWithDefaultPrettyPrinter().writeValueAsString(json) + "\n");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        StringBuilder txt = new StringBuilder();
        txt.append(String.format(Locale.ROOT, "test examples: %d%naccuracy: %.4f%nloss: %.4f%n%n", test.size(),
                ev.accuracy(), r.loss()));
        txt.append("class  precision  recall     f1   count\n");
        for (int c = 0; c < Mnist.CLASSES; c++) {
            txt.append(String.format(Locale.ROOT, "%5d  %9.4f  %6.4f  %6.4f  %6d%n", c, ev.precision(c), ev.recall(c),
                    ev.f1(c), ev.getConfusionMatrix().getActualTotal(c)));
        }
        txt.append("\nconfusion matrix (rows: true class, columns: predicted)\n     ");
        for (int p = 0; p < Mnist.CLASSES; p++) {
            txt.append(String.format("%6d", p));
        }
        txt.append('\n');
        for (int a = 0; a < Mnist.CLASSES; a++) {
            txt.append(String.format("%5d", a));
            for (int p = 0; p < Mnist.CLASSES; p++) {
                txt.append(String.format("%6d", ev.getConfusionMatrix().getCount(a, p)));
            }
            txt.append('\n');
        }
        AtomicFiles.writeString(dir.resolve("eval.txt"), txt.toString());
        return r;
    }
}
