package dev.dlp.pipelines.admit;

import dev.dlp.data.Table;
import dev.dlp.graph.ModelSpec;
import dev.dlp.pipelines.Context;
import dev.dlp.pipelines.Pipeline;
import dev.dlp.pipelines.tabular.Baselines;
import dev.dlp.pipelines.tabular.Encoding;
import dev.dlp.pipelines.tabular.Metrics;
import dev.dlp.pipelines.tabular.TabularCharts;
import dev.dlp.pipelines.tabular.TabularData;
import dev.dlp.pipelines.tabular.TabularRuns;
import dev.dlp.report.Charts;
import dev.dlp.run.AtomicFiles;
import dev.dlp.run.RunDir;
import dev.dlp.run.Summary;
import dev.dlp.train.MetricsLog;
import dev.dlp.train.Trainer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.knowm.xchart.XYChart;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.awt.Color;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code dlp admit}: the seed's admissions network (one hidden layer, sigmoid output, log-loss) with a
 * logistic-regression baseline on the same split and, on synthetic data, the Bayes-optimal accuracy.
 */
public final class AdmitPipeline implements Pipeline<AdmitConfig, AdmitPipeline.Data> {
    private static final Logger LOG = LoggerFactory.getLogger(AdmitPipeline.class);

    /** The prepared table and whether it came from the generator. */
    record Data(TabularData tabular, String syntheticCsv) {
    }

    @Override
    public String name() {
        return "admit";
    }

    @Override
    public String defaultConfig() {
        return "admit";
    }

    @Override
    public Class<AdmitConfig> configType() {
        return AdmitConfig.class;
    }

    @Override
    public AdmitConfig defaults() {
        return AdmitConfig.DEFAULTS;
    }

    @Override
    public Prepared<Data> prepare(AdmitConfig cfg, Context ctx) {
        String synthetic = null;
        Table t;
        if (cfg.data().file().isBlank()) {
            synthetic = Admissions.csv(cfg.synthetic().rows(), cfg.seed());
            t = Table.parse("synthetic admissions data", synthetic, List.of());
            LOG.info("data: SYNTHETIC admissions data: {} rows drawn (seed {}) from the published logistic model of "
                    + "the UCLA admissions study; pass --data FILE for a real admit,gre,gpa,rank file",
                    cfg.synthetic().rows(), cfg.seed());
        } else {
            t = TabularRuns.read(Path.of(cfg.data().file()), cfg.data().columns(), null);
        }
        TabularData d = TabularData.of(t, cfg.data(), cfg.seed(), true);
        LOG.info("data: {} rows -> {} train, {} validation, {} test; {}", t.rows().size(), d.train().size(),
                d.val().size(), d.test().size(), d.encoding().describe());
        Trainer.Validator validator = d.val().size() == 0 ? null : g -> {
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("val_loss", Trainer.meanScore(g, d.val().source(d.encoding()), 4096));
            m.put("val_accuracy", Metrics.accuracy(d.val().y(), TabularRuns.outputs(g, d.val().x())));
            return m;
        };
        return new Prepared<>(d.train().source(d.encoding()), validator, new Data(d, synthetic));
    }

    @Override
    public ModelSpec network(AdmitConfig cfg, Prepared<Data> data) {
        return cfg.network().withFeatureCount(data.data().tabular().encoding().features().size());
    }

    @Override
    public void report(AdmitConfig cfg, Context ctx, ComputationGraph g, Prepared<Data> prepared, RunDir run,
                       Summary summary) {
        Data data = prepared.data();
        TabularData d = data.tabular();
        double[] y = d.test().y();
        double[] p = TabularRuns.outputs(g, d.test().x());
        double[] base = Baselines.sigmoid(Baselines.linear(d.test().x(), Baselines.logistic(d.train().x(),
                d.train().y())));
        Map<String, Object> res = new LinkedHashMap<>();
        res.put("data", data.syntheticCsv() != null ? "synthetic" : cfg.data().file());
        res.put("test_rows", y.length);
        res.put("network", Map.of("accuracy", Metrics.accuracy(y, p), "log_loss", Metrics.logLoss(y, p),
                "roc_auc", Metrics.auc(y, p)));
        res.put("logistic_regression", Map.of("accuracy", Metrics.accuracy(y, base), "log_loss",
                Metrics.logLoss(y, base), "roc_auc", Metrics.auc(y, base)));
        StringBuilder out = new StringBuilder();
        out.append(data.syntheticCsv() != null ? "data: SYNTHETIC (drawn from the published logistic model; "
                + "see README)\n" : "data: " + cfg.data().file() + "\n");
        out.append(String.format(Locale.ROOT, "test (%d rows)        accuracy  log-loss  ROC AUC%n", y.length));
        out.append(String.format(Locale.ROOT, "network               %8.4f  %8.4f  %7.4f%n", Metrics.accuracy(y, p),
                Metrics.logLoss(y, p), Metrics.auc(y, p)));
        out.append(String.format(Locale.ROOT, "logistic regression   %8.4f  %8.4f  %7.4f%n",
                Metrics.accuracy(y, base), Metrics.logLoss(y, base), Metrics.auc(y, base)));
        if (data.syntheticCsv() != null) {
            double[] truth = trueProbabilities(d);
            double expected = 0;
            for (double q : truth) {
                expected += Math.max(q, 1 - q);
            }
            expected /= truth.length;
            res.put("bayes_optimal", Map.of("accuracy", Metrics.accuracy(y, truth), "expected_accuracy", expected,
                    "log_loss", Metrics.logLoss(y, truth)));
            out.append(String.format(Locale.ROOT, "Bayes-optimal         %8.4f  %8.4f            (the generating "
                    + "model itself; expected accuracy %.4f)%n", Metrics.accuracy(y, truth),
                    Metrics.logLoss(y, truth), expected));
            AtomicFiles.writeString(run.resolve("admissions-synthetic.csv"), data.syntheticCsv());
        }
        summary.put("admit", res);
        summary.mainMetric("test_accuracy", Metrics.accuracy(y, p), true);
        TabularRuns.saveEncoding(run.path(), d.encoding(), "probability of " + d.encoding().target() + "=1");
        Charts.curves(run.resolve("loss.png"), new MetricsLog(run.path()).rows(), List.of(
                new Charts.Panel("loss per epoch", "log-loss", List.of("train_loss", "val_loss"))));
        boundaries(run.resolve("admit.png"), d, g);
        ctx.out().print(out);
    }

    /** The generating model's probabilities for the test rows (synthetic data only). */
    private static double[] trueProbabilities(TabularData d) {
        Encoding e = d.encoding();
        double[] out = new double[d.test().size()];
        int gre = e.features().indexOf("gre");
        int gpa = e.features().indexOf("gpa");
        for (int i = 0; i < out.length; i++) {
            double[] x = d.test().x()[i];
            int rank = 1;
            for (int r = 1; r <= 4; r++) {
                int j = e.features().indexOf("rank=" + r);
                if (j >= 0 && x[j] == 1.0) {
                    rank = r;
                }
            }
            out[i] = Admissions.probability(x[gre] * e.std()[gre] + e.mean()[gre],
                    x[gpa] * e.std()[gpa] + e.mean()[gpa], rank);
        }
        return out;
    }

    /** gre-gpa scatter per rank, coloured by admit, with the network's p = 0.5 boundary. */
    private static void boundaries(Path out, TabularData d, ComputationGraph g) {
        Encoding e = d.encoding();
        if (!e.inputs().containsAll(List.of("gre", "gpa", "rank")) || e.inputs().size() != 3) {
            LOG.info("admit.png needs exactly the inputs gre, gpa, rank; not drawn");
            return;
        }
        Table t = d.table();
        List<XYChart> charts = new ArrayList<>();
        double[] gres = TabularCharts.linspace(200, 800, 61);
        double[] gpas = TabularCharts.linspace(2.0, 4.0, 201);
        for (String rank : e.categorical().get("rank")) {
            List<double[]> pts = new ArrayList<>();
            for (int r = 0; r < t.rows().size(); r++) {
                String[] row = t.rows().get(r);
                if (row[t.column("rank")].trim().equals(rank)) {
                    pts.add(new double[]{Encoding.number(t, r, "gre"), Encoding.number(t, r, "gpa"),
                        Encoding.number(t, r, e.target())});
                }
            }
            XYChart c = TabularCharts.chart("rank " + rank, "gre", "gpa");
            TabularCharts.classes(c, pts.stream().mapToDouble(q -> q[0]).toArray(),
                    pts.stream().mapToDouble(q -> q[1]).toArray(), pts.stream().mapToDouble(q -> q[2]).toArray(),
                    "rejected", "admitted");
            double[][] grid = new double[gres.length * gpas.length][];
            for (int i = 0; i < gres.length; i++) {
                for (int j = 0; j < gpas.length; j++) {
                    grid[i * gpas.length + j] = e.encode(Map.of("gre", Double.toString(gres[i]), "gpa",
                            Double.toString(gpas[j]), "rank", rank));
                }
            }
            double[] prob = TabularRuns.outputs(g, grid);
            List<Double> bx = new ArrayList<>();
            List<Double> by = new ArrayList<>();
            for (int i = 0; i < gres.length; i++) {
                for (int j = 1; j < gpas.length; j++) {
                    double a = prob[i * gpas.length + j - 1] - 0.5;
                    double b = prob[i * gpas.length + j] - 0.5;
                    if (a < 0 != b < 0) {
                        bx.add(gres[i]);
                        by.add(gpas[j - 1] + (gpas[j] - gpas[j - 1]) * a / (a - b));
                        break;
                    }
                }
            }
            if (bx.isEmpty()) {
                c.setTitle("rank " + rank + (prob[prob.length / 2] < 0.5 ? ": p < 0.5 everywhere on this grid"
                        : ": p > 0.5 everywhere on this grid"));
            }
            TabularCharts.line(c, "p = 0.5", bx.stream().mapToDouble(Double::doubleValue).toArray(),
                    by.stream().mapToDouble(Double::doubleValue).toArray(), Color.BLACK);
            c.getStyler().setYAxisMin(1.9).setYAxisMax(4.1).setXAxisMin(180.0).setXAxisMax(820.0);
            charts.add(c);
        }
        TabularCharts.write(out, charts, 2);
    }
}
