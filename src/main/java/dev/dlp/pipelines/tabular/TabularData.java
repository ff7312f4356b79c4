package dev.dlp.pipelines.tabular;

import dev.dlp.config.ConfigException;
import dev.dlp.data.Table;
import dev.dlp.data.TableConfig;
import dev.dlp.train.ArraySource;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/** A table split by seed into train / validation / test, encoded with an {@link Encoding} fitted on train. */
public record TabularData(Table table, Encoding encoding, Split train, Split val, Split test) {

    /** Encoded rows of one split: x[i] features, y[i] target. */
    public record Split(double[][] x, double[] y) {
        public int size() {
            return y.length;
        }

        /** The training source: encoded rows and the target as the network sees it ({@link Encoding#scale}). */
        public ArraySource source(Encoding enc) {
            int d = x.length == 0 ? 0 : x[0].length;
            float[] fx = new float[x.length * d];
            float[] fy = new float[y.length];
            for (int i = 0; i < x.length; i++) {
                for (int j = 0; j < d; j++) {
                    fx[i * d + j] = (float) x[i][j];
                }
                fy[i] = (float) enc.scale(y[i]);
            }
            return new ArraySource(fx, new long[]{d}, fy, new long[]{1});
        }
    }

    /** The network's outputs for {@code x} in target units. */
    public double[] predict(org.deeplearning4j.nn.graph.ComputationGraph g, double[][] x) {
        double[] out = TabularRuns.outputs(g, x);
        for (int i = 0; i < out.length; i++) {
            out[i] = encoding.unscale(out[i]);
        }
        return out;
    }

    /**
     * Splits and encodes {@code t}. With {@code binary}, the target must hold exactly the two classes 0 and 1.
     */
    public static TabularData of(Table t, TableConfig cfg, long seed, boolean binary) {
        List<String> inputs = Encoding.inputColumns(t, cfg);
        List<String> used = new ArrayList<>(inputs);
        used.add(cfg.target());
        List<Integer> rows = Encoding.usableRows(t, cfg, used);
        double[] y = new double[t.rows().size()];
        TreeSet<Double> classes = new TreeSet<>();
        for (int r : rows) {
            y[r] = Encoding.number(t, r, cfg.target());
            if (binary && y[r] != 0 && y[r] != 1) {
                throw new dev.dlp.data.DataException(t.name() + ":" + t.lines().get(r) + ": column '" + cfg.target()
                        + "': a binary target must be 0 or 1, got " + t.rows().get(r)[t.column(cfg.target())]);
            }
            classes.add(y[r]);
        }
        for (int r : rows) { // every numeric input cell parses, or the error names file:line:column
            for (String col : inputs) {
                if (!cfg.categorical().contains(col)) {
                    Encoding.number(t, r, col);
                }
            }
        }
        if (binary && classes.size() < 2) {
            throw new dev.dlp.data.DataException(t.name() + ": column '" + cfg.target() + "' has only one class ("
                    + classes.first() + "); a classifier needs both 0 and 1");
        }
        int[] order = dev.dlp.train.Shuffles.TABLE_SPLIT.permutation(rows.size(), seed);
        int n = rows.size();
        int nTest = Math.max(1, (int) Math.round(n * cfg.testFraction()));
        int nVal = (int) Math.round(n * cfg.valFraction());
        if (n - nTest - nVal < 2) {
            throw new ConfigException("data.test_fraction", "leaves " + (n - nTest - nVal) + " training rows of "
                    + n);
        }
        List<Integer> test = pick(rows, order, 0, nTest);
        List<Integer> val = pick(rows, order, nTest, nTest + nVal);
        List<Integer> train = pick(rows, order, nTest + nVal, n);
        Encoding enc = Encoding.fit(t, cfg, inputs, train, y, !binary);
        return new TabularData(t, enc, encode(t, enc, train, y), encode(t, enc, val, y), encode(t, enc, test, y));
    }

    private static List<Integer> pick(List<Integer> rows, int[] order, int from, int to) {
        List<Integer> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            out.add(rows.get(order[i]));
        }
        out.sort(null);
        return out;
    }

    private static Split encode(Table t, Encoding enc, List<Integer> rows, double[] y) {
        double[][] x = new double[rows.size()][];
        double[] ys = new double[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            x[i] = enc.encode(t, rows.get(i));
            ys[i] = y[rows.get(i)];
        }
        return new Split(x, ys);
    }
}
