package dev.dlp.pipelines.tabular;

import dev.dlp.config.ConfigException;
import dev.dlp.config.Suggest;
import dev.dlp.data.DataException;
import dev.dlp.data.Table;
import dev.dlp.data.TableConfig;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * How table rows become feature vectors: the input columns, one-hot levels of categorical columns, and the mean
 * and standard deviation of each numeric column (fitted on the training rows). Saved with the model
 * ({@code preprocessing.json}) so {@code predict} applies exactly the same transformation.
 *
 * @param inputs      input columns in order
 * @param categorical column to its levels (sorted); absent for numeric columns
 * @param features    the resulting feature names (one-hot columns as {@code col=level})
 * @param mean        per feature (0 for one-hot features)
 * @param std         per feature (1 for one-hot features, and for numeric ones when not standardising)
 * @param target      the target column
 * @param targetMean  subtracted from the target before training (0 for classification)
 * @param targetStd   the target is divided by this before training (1 for classification); network outputs are
 *                    mapped back with {@link #unscale}
 */
public record Encoding(List<String> inputs, Map<String, List<String>> categorical, List<String> features,
                       double[] mean, double[] std, String target, double targetMean, double targetStd) {

    private static boolean isMissing(String cell) {
        String c = cell.trim();
        return c.isEmpty() || c.equalsIgnoreCase("na") || c.equalsIgnoreCase("nan") || c.equalsIgnoreCase("null");
    }

    /** Rows with every used cell present (or, with {@code missing: error}, a DataException for the first gap). */
    public static List<Integer> usableRows(Table t, TableConfig cfg, List<String> used) {
        List<Integer> keep = new ArrayList<>();
        int[] idx = used.stream().mapToInt(t::column).toArray();
        for (int r = 0; r < t.rows().size(); r++) {
            boolean ok = true;
            for (int k = 0; k < idx.length; k++) {
                if (isMissing(t.rows().get(r)[idx[k]])) {
                    if (cfg.missing().equals("error")) {
                        throw new DataException(t.name() + ":" + t.lines().get(r) + ": column '" + used.get(k)
                                + "' is empty (set data.missing: drop to skip such rows)");
                    }
                    ok = false;
                    break;
                }
            }
            if (ok) {
                keep.add(r);
            }
        }
        if (keep.isEmpty()) {
            throw new DataException(t.name() + ": no rows left after dropping rows with missing values");
        }
        return keep;
    }

    /** The input columns the config asks for, checked against the table's header. */
    public static List<String> inputColumns(Table t, TableConfig cfg) {
        requireColumn(t, "data.target", cfg.target());
        List<String> inputs = new ArrayList<>();
        if (cfg.features().isEmpty()) {
            t.columns().stream().filter(c -> !c.equals(cfg.target())).forEach(inputs::add);
        } else {
            for (String f : cfg.features()) {
                requireColumn(t, "data.features", f);
                if (f.equals(cfg.target())) {
                    throw new ConfigException("data.features", "'" + f + "' is the target column");
                }
                inputs.add(f);
            }
        }
        for (String c : cfg.categorical()) {
            requireColumn(t, "data.categorical", c);
            if (!inputs.contains(c)) {
                throw new ConfigException("data.categorical", "'" + c + "' is not an input column");
            }
        }
        return inputs;
    }

    static void requireColumn(Table t, String key, String col) {
        if (t.column(col) < 0) {
            throw new ConfigException(key, "no column '" + col + "' in " + t.name() + Suggest.hint(col, t.columns())
                    + " (columns: " + String.join(", ", t.columns()) + ")");
        }
    }

    /** Parses a numeric cell, or fails naming file:line:column. */
    public static double number(Table t, int row, String col) {
        String cell = t.rows().get(row)[t.column(col)].trim();
        try {
            double v = Double.parseDouble(cell);
            if (!Double.isFinite(v)) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new DataException(t.name() + ":" + t.lines().get(row) + ": column '" + col + "': '" + cell
                    + "' is not a number");
        }
    }

    /** A network output in target units. */
    public double unscale(double output) {
        return output * targetStd + targetMean;
    }

    /** The target as the network is trained on it. */
    public double scale(double y) {
        return (y - targetMean) / targetStd;
    }

    /**
     * Fits the encoding on the training rows; {@code scaleTarget} also standardises a numeric target (regression),
     * so that gradient descent converges at the same pace whatever the target's units.
     */
    public static Encoding fit(Table t, TableConfig cfg, List<String> inputs, List<Integer> trainRows,
                               double[] y, boolean scaleTarget) {
        Map<String, List<String>> levels = new LinkedHashMap<>();
        List<String> features = new ArrayList<>();
        for (String col : inputs) {
            if (cfg.categorical().contains(col)) {
                TreeSet<String> seen = new TreeSet<>();
                for (int r : trainRows) {
                    seen.add(t.rows().get(r)[t.column(col)].trim());
                }
                levels.put(col, List.copyOf(seen));
                seen.forEach(l -> features.add(col + "=" + l));
            } else {
                features.add(col);
            }
        }
        double[] mean = new double[features.size()];
        double[] std = new double[features.size()];
        Arrays.fill(std, 1.0);
        Encoding raw = new Encoding(inputs, levels, features, new double[features.size()], std.clone(),
                cfg.target(), 0, 1);
        if (cfg.standardize()) {
            double[][] x = new double[trainRows.size()][];
            for (int i = 0; i < x.length; i++) {
                x[i] = raw.encode(t, trainRows.get(i));
            }
            for (int j = 0; j < features.size(); j++) {
                if (features.get(j).contains("=") && levels.containsKey(features.get(j).split("=", 2)[0])) {
                    continue; // one-hot columns stay 0/1
                }
                double s = 0;
                double ss = 0;
                for (double[] row : x) {
                    s += row[j];
                    ss += row[j] * row[j];
                }
                mean[j] = s / x.length;
                double var = ss / x.length - mean[j] * mean[j];
                std[j] = var > 1e-24 ? Math.sqrt(var) : 1.0;
            }
        }
        double tMean = 0;
        double tStd = 1;
        if (scaleTarget && cfg.standardize()) {
            double s = 0;
            double ss = 0;
            for (int r : trainRows) {
                s += y[r];
                ss += y[r] * y[r];
            }
            tMean = s / trainRows.size();
            double var = ss / trainRows.size() - tMean * tMean;
            tStd = var > 1e-24 ? Math.sqrt(var) : 1.0;
        }
        return new Encoding(inputs, levels, features, mean, std, cfg.target(), tMean, tStd);
    }

    /** The encoded (and standardised) feature vector of table row {@code row}. */
    public double[] encode(Table t, int row) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String col : inputs) {
            values.put(col, t.rows().get(row)[t.column(col)].trim());
        }
        return encode(values, col -> number(t, row, col), (col, v) -> new DataException(t.name() + ":"
                + t.lines().get(row) + ": column '" + col + "': level '" + v + "' was not in the training rows "
                + "(known: " + String.join(", ", categorical.get(col)) + ")"));
    }

    /** The encoded feature vector of {@code col=value} pairs ({@code predict}); unknown columns are errors. */
    public double[] encode(Map<String, String> values) {
        for (String k : values.keySet()) {
            if (!inputs.contains(k)) {
                throw new ConfigException(k, "not an input column of this model" + Suggest.hint(k, inputs)
                        + " (inputs: " + String.join(", ", inputs) + ")");
            }
        }
        for (String col : inputs) {
            if (!values.containsKey(col)) {
                throw new ConfigException(col, "missing: give every input as col=value (inputs: "
                        + String.join(", ", inputs) + ")");
            }
        }
        return encode(values, col -> {
            try {
                return Double.parseDouble(values.get(col).trim());
            } catch (NumberFormatException e) {
                throw new ConfigException(col, "'" + values.get(col) + "' is not a number");
            }
        }, (col, v) -> new ConfigException(col, "unknown level '" + v + "' (known: "
                + String.join(", ", categorical.get(col)) + ")"));
    }

    private double[] encode(Map<String, String> values, java.util.function.ToDoubleFunction<String> numeric,
                            java.util.function.BiFunction<String, String, RuntimeException> unknownLevel) {
        double[] out = new double[features.size()];
        int j = 0;
        for (String col : inputs) {
            List<String> lv = categorical.get(col);
            if (lv != null) {
                String v = values.get(col).trim();
                int at = lv.indexOf(v);
                if (at < 0) {
                    throw unknownLevel.apply(col, v);
                }
                out[j + at] = 1.0;
                j += lv.size();
            } else {
                out[j] = (numeric.applyAsDouble(col) - mean[j]) / std[j];
                j++;
            }
        }
        return out;
    }

    /** Coefficients on standardised features, mapped back to original units: {intercept, w_1..w_d}. */
    public double[] toOriginalUnits(double intercept, double[] w) {
        double[] out = new double[w.length + 1];
        double b = intercept;
        for (int j = 0; j < w.length; j++) {
            out[j + 1] = w[j] / std[j];
            b -= w[j] * mean[j] / std[j];
        }
        out[0] = b;
        return out;
    }

    public String describe() {
        return String.format(Locale.ROOT, "%d inputs -> %d features%s", inputs.size(), features.size(),
                categorical.isEmpty() ? "" : " (one-hot: " + String.join(", ", categorical.keySet()) + ")");
    }
}
