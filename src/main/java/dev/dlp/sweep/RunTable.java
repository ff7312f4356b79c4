package dev.dlp.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dlp.config.ConfigLoader;
import dev.dlp.run.AtomicFiles;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * {@code dlp runs}: one row per run directory under the runs root, with the config keys that differ between the
 * listed runs. Unreadable directories are reported and skipped.
 */
public final class RunTable {
    private static final List<String> FIXED = List.of("run", "status", "started", "epochs", "main_metric", "value",
            "best", "wall_s", "samples_per_sec");

    private RunTable() {
    }

    /** One run: its summary and its flattened config. */
    record Run(Path dir, String pipeline, JsonNode summary, Map<String, String> config) {
    }

    public static int list(Path root, String pipeline, String sweep, String status, String sort, boolean csv,
                           PrintWriter out, PrintWriter err) {
        List<Run> runs = collect(root, pipeline, sweep, status, err);
        Set<String> differing = differing(runs);
        List<String> header = new ArrayList<>();
        if (pipeline == null) {
            header.add("pipeline");
        }
        header.addAll(FIXED);
        header.addAll(differing);
        List<List<String>> rows = new ArrayList<>();
        for (Run r : runs) {
            JsonNode s = r.summary();
            Map<String, String> row = new LinkedHashMap<>();
            row.put("pipeline", r.pipeline());
            row.put("run", r.dir().getFileName().toString());
            row.put("status", dev.dlp.run.Liveness.status(r.dir(), s));
            row.put("started", s.path("started").asText("-").replaceAll("\\.\\d+Z$", "Z"));
            row.put("epochs", s.path("epochs_completed").asText("-"));
            row.put("main_metric", s.path("main_metric").path("name").asText("-"));
            row.put("value", num(s.path("main_metric").path("value")));
            row.put("best", s.path("best").has("value") && !s.path("best").path("value").isNull()
                    ? s.path("best").path("metric").asText() + "=" + num(s.path("best").path("value")) : "-");
            row.put("wall_s", num(s.path("wall_s")));
            row.put("samples_per_sec", num(s.path("train_samples_per_sec")));
            differing.forEach(k -> row.put(k, r.config().getOrDefault(k, "-")));
            rows.add(header.stream().map(h -> row.getOrDefault(h, "-")).toList());
        }
        String key = sort == null ? "value" : sort;
        int col = header.indexOf(key);
        if (col < 0) {
            throw new dev.dlp.config.ConfigException("--sort", "no column '" + key + "'"
                    + dev.dlp.config.Suggest.hint(key, header) + " (columns: " + String.join(", ", header) + ")");
        }
        boolean descending = sort == null && runs.stream().anyMatch(r -> "max".equals(r.summary()
                .path("main_metric").path("goal").asText()));
        Comparator<List<String>> cmp = Comparator.comparing(r -> r.get(col), RunTable::compareCells);
        rows.sort(descending ? cmp.reversed() : cmp);
        if (csv) {
            StringWriter w = new StringWriter();
            writeCsv(w, header, rows);
            out.print(w);
        } else if (rows.isEmpty()) {
            out.println("no runs under " + root + (pipeline == null ? "" : "/" + pipeline));
        } else {
            print(out, header, rows);
        }
        out.flush();
        return 0;
    }

    /** Numbers compare as numbers, "-" sorts last, the rest as text. */
    static int compareCells(String a, String b) {
        boolean na = a.equals("-");
        boolean nb = b.equals("-");
        if (na || nb) {
            return na == nb ? 0 : na ? 1 : -1;
        }
        try {
            return Double.compare(Double.parseDouble(a), Double.parseDouble(b));
        } catch (NumberFormatException e) {
            return a.compareTo(b);
        }
    }

    private static String num(JsonNode n) {
        if (n == null || n.isMissingNode() || n.isNull()) {
            return "-";
        }
        return n.isNumber() ? String.format(Locale.ROOT, "%.6g", n.asDouble()).replaceAll("(\\.\\d*?)0+$", "$1")
                .replaceAll("\\.$", "") : n.asText();
    }

    /** Dotted keys; list elements with a name (layers) by name, other lists as one value. */
    static void flatten(String prefix, JsonNode n, Map<String, String> out) {
        if (n.isObject()) {
            n.fields().forEachRemaining(e -> flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(),
                    e.getValue(), out));
        } else if (n.isArray() && n.size() > 0 && n.get(0).isObject() && n.get(0).has("name")) {
            for (JsonNode el : n) {
                flatten(prefix + "." + el.path("name").asText(), el, out);
            }
        } else {
            out.put(prefix, n.isValueNode() ? n.asText() : n.toString());
        }
    }

    /** An aligned text table. */
    static void print(PrintWriter out, List<String> header, List<List<String>> rows) {
        int[] w = new int[header.size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = header.get(i).length();
            for (List<String> r : rows) {
                w[i] = Math.max(w[i], r.get(i).length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < w.length; i++) {
            sb.append(String.format("%-" + w[i] + "s", header.get(i))).append(i + 1 < w.length ? "  " : "\n");
        }
        for (List<String> r : rows) {
            for (int i = 0; i < w.length; i++) {
                sb.append(String.format("%-" + w[i] + "s", r.get(i))).append(i + 1 < w.length ? "  " : "\n");
            }
        }
        out.print(sb);
    }

    static void writeCsv(Path file, List<String> header, List<List<String>> rows) {
        StringWriter w = new StringWriter();
        writeCsv(w, header, rows);
        AtomicFiles.writeString(file, w.toString());
    }

    private static void writeCsv(StringWriter w, List<String> header, List<List<String>> rows) {
        try (CSVPrinter p = new CSVPrinter(w, CSVFormat.DEFAULT)) {
            p.printRecord(header);
            for (List<String> r : rows) {
                p.printRecord(r);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The runs under {@code root} (one pipeline's, one sweep's, those with one status when given). */
    static List<Run> collect(Path root, String pipeline, String sweep, String status, PrintWriter err) {
        List<Run> runs = new ArrayList<>();
        List<Path> pipelines = new ArrayList<>();
        if (pipeline != null) {
            pipelines.add(root.resolve(pipeline));
        } else if (Files.isDirectory(root)) {
            try (Stream<Path> s = Files.list(root)) {
                s.filter(Files::isDirectory).filter(p -> !p.getFileName().toString().equals("sweeps")).sorted()
                        .forEach(pipelines::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        for (Path pdir : pipelines) {
            if (!Files.isDirectory(pdir)) {
                continue;
            }
            try (Stream<Path> s = Files.list(pdir)) {
                for (Path d : s.filter(Files::isDirectory).sorted().toList()) {
                    try {
                        JsonNode summary = ConfigLoader.json().readTree(d.resolve("summary.json").toFile());
                        if (sweep != null && !sweep.equals(summary.path("sweep").path("id").asText())
                                || status != null && !status.equals(dev.dlp.run.Liveness.status(d, summary))) {
                            continue;
                        }
                        Map<String, String> cfg = new TreeMap<>();
                        Path c = d.resolve("config.yaml");
                        if (Files.exists(c)) {
                            flatten("", ConfigLoader.yaml().readTree(c.toFile()), cfg);
                        }
                        runs.add(new Run(d, pdir.getFileName().toString(), summary, cfg));
                    } catch (IOException | RuntimeException e) {
                        err.println("dlp runs: skipped " + d + ": " + (e.getMessage() == null ? e.getClass()
                                .getSimpleName() : e.getMessage().lines().findFirst().orElse("")));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return runs;
    }

    /** The config keys whose values differ between {@code runs}. */
    static Set<String> differing(List<Run> runs) {
        Set<String> differing = new LinkedHashSet<>();
        Set<String> allKeys = new java.util.TreeSet<>();
        runs.forEach(r -> allKeys.addAll(r.config().keySet()));
        for (String k : allKeys) {
            if (runs.stream().map(r -> r.config().getOrDefault(k, "-")).distinct().count() > 1) {
                differing.add(k);
            }
        }
        return differing;
    }

    /**
     * One PNG with a curve of metrics.csv column {@code metric} against epoch per run, labelled by the config keys
     * that differ between the runs (or the run's name when none do); returns the number of curves.
     */
    public static int plot(Path root, String pipeline, String sweep, String status, String metric, Path png,
                           PrintWriter out, PrintWriter err) {
        List<Run> runs = collect(root, pipeline, sweep, status, err);
        Set<String> differing = differing(runs);
        List<dev.dlp.report.Charts.Series> series = new ArrayList<>();
        Set<String> columns = new java.util.TreeSet<>();
        for (Run r : runs) {
            List<Map<String, String>> rows;
            try {
                rows = new dev.dlp.train.MetricsLog(r.dir()).rows();
            } catch (RuntimeException e) {
                continue;
            }
            rows.forEach(row -> columns.addAll(row.keySet()));
            String label = differing.isEmpty() ? r.dir().getFileName().toString() : String.join(", ",
                    differing.stream().map(k -> k + "=" + r.config().getOrDefault(k, "-")).toList());
            series.add(new dev.dlp.report.Charts.Series(label, rows));
        }
        if (!columns.contains(metric)) {
            throw new dev.dlp.config.ConfigException("--plot", "no run has a metrics.csv column '" + metric + "'"
                    + dev.dlp.config.Suggest.hint(metric, columns) + (columns.isEmpty() ? " (no runs with metrics)"
                    : " (columns: " + String.join(", ", columns) + ")"));
        }
        int curves = dev.dlp.report.Charts.compare(png, metric + " by epoch" + (pipeline == null ? "" : ", " + pipeline)
                + (sweep == null ? "" : ", sweep " + sweep), metric, series);
        out.println("wrote " + png + " (" + curves + " runs)");
        out.flush();
        return curves;
    }
}
