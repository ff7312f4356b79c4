package dev.dlp.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dlp.config.ConfigException;
import dev.dlp.pipelines.skipgram.SkipgramConfig;
import dev.dlp.config.ConfigLoader;
import dev.dlp.run.AtomicFiles;
import dev.dlp.run.Liveness;
import dev.dlp.run.RunDir;
import dev.dlp.run.StateConflictException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs the points of a sweep as separate {@code dlp PIPELINE} processes, {@code parallel} at a time, each with
 * its share of the cores. {@code sweep.json} records every point, its status and run directory as the sweep goes,
 * so {@code --resume} reruns only what did not complete. A failed point is recorded and the sweep goes on.
 */
public final class Sweep {
    private static final Logger LOG = LoggerFactory.getLogger(Sweep.class);

    private static final String SKIPGRAM = dev.dlp.pipelines.skipgram.Skipgram.NAME;

    /** The subcommands a sweep can run: every DL4J pipeline, and skipgram. */
    public static List<String> sweepable() {
        List<String> all = new ArrayList<>(dev.dlp.pipelines.Pipelines.names());
        all.add(SKIPGRAM);
        return all;
    }

    /** What to sweep. {@code resume} non-null continues an earlier sweep directory. */
    public record Options(String pipeline, String config, List<String> sets, List<Points.Grid> grids,
                          List<Points.Range> ranges, int draws, long seed, int parallel, Path runsRoot,
                          Path resume, List<String> passThrough, boolean plan, String spark) {
    }

    private final Options o;
    private final PrintWriter out;
    private ObjectNode doc;
    private Path dir;
    /** Records a point's changed state: sweep.json (one driver), or the point's own file (planned sweeps). */
    private java.util.function.Consumer<ObjectNode> record = p -> save();
    /** Called every 30 s while a point runs (planned sweeps touch their claim). */
    private java.util.function.IntConsumer running = i -> { };

    private Sweep(Options o, PrintWriter out) {
        this.o = o;
        this.out = out;
    }

    public static int run(Options o, PrintWriter out) {
        return new Sweep(o, out).run();
    }

    private int run() {
        dev.dlp.scale.SparkServices spark = null;
        if (o.spark() != null) {
            if (o.resume() != null || o.plan()) {
                throw new ConfigException("--spark", "runs a new sweep; rerun the unfinished points of a Spark sweep with "
                        + "'dlp sweep run --sweep DIR' (completed points are skipped)");
            }
            spark = dev.dlp.scale.SparkServices.require("--spark");   // before anything is written
        }
        if (o.resume() != null) {
            dir = o.resume();
            Path file = dir.resolve("sweep.json");
            if (!Files.isRegularFile(file)) {
                throw new ConfigException("--resume", "not a sweep directory (no sweep.json): " + dir);
            }
            try {
                doc = (ObjectNode) ConfigLoader.json().readTree(file.toFile());
            } catch (IOException | ClassCastException e) {
                throw new StateConflictException(file + ": unreadable (" + e.getMessage() + ")");
            }
        } else {
            List<Map<String, String>> points = Points.expand(o.grids(), o.ranges(), o.draws(), o.seed());
            if (points.size() == 1 && points.get(0).isEmpty()) {
                throw new ConfigException("--grid", "nothing to sweep: give --grid key=v1,v2 and/or --random N "
                        + "--range key=lo:hi");
            }
            checkPoints(points);
            dir = RunDir.create(o.runsRoot(), "sweeps", null).path();
            doc = ConfigLoader.json().createObjectNode();
            doc.put("id", dir.getFileName().toString());
            doc.put("pipeline", o.pipeline());
            if (o.config() != null) {
                doc.put("config", o.config());
            }
            doc.set("sets", ConfigLoader.json().valueToTree(o.sets()));
            doc.set("pass_through", ConfigLoader.json().valueToTree(o.passThrough()));
            doc.put("runs_root", o.runsRoot().toString());
            doc.put("parallel", o.parallel());
            ArrayNode arr = doc.putArray("points");
            for (int i = 0; i < points.size(); i++) {
                ObjectNode p = arr.addObject();
                p.put("index", i);
                p.set("overrides", ConfigLoader.json().valueToTree(points.get(i)));
                p.put("status", "pending");
            }
            save();
            if (o.plan()) {
                return printPlan();
            }
            if (spark != null) {
                out.printf("sweep: %s (%d points, one Spark task each on %s)%n", dir, points.size(), o.spark());
                out.flush();
                return spark.runSweep(dir, points.size(), o.spark(), out);
            }
        }
        String id = doc.path("id").asText();
        ArrayNode points = (ArrayNode) doc.get("points");
        List<Integer> todo = new ArrayList<>();
        for (JsonNode p : points) {
            if (!"completed".equals(p.path("status").asText())) {
                todo.add(p.path("index").asInt());
            }
        }
        int parallel = Math.max(1, doc.path("parallel").asInt(o.parallel()));
        int cores = Math.max(1, Runtime.getRuntime().availableProcessors() / parallel);
        out.printf("sweep: %s (%d points, %d to run, %d at a time, %d cores each)%n", dir, points.size(),
                todo.size(), parallel, cores);
        out.flush();
        try {
            Files.createDirectories(dir.resolve("logs"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ExecutorService pool = Executors.newFixedThreadPool(parallel);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int index : todo) {
                ObjectNode p = (ObjectNode) points.get(index);
                futures.add(pool.submit(() -> runPoint(id, p, cores)));
            }
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (Exception e) {
                    throw new IllegalStateException("sweep worker failed: " + e.getMessage(), e);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        return report(points);
    }

    /**
     * Every point's config (file, --set, the point's overrides) resolved and validated before anything runs: an
     * unknown key or a bad value is bad input (exit 2) naming the point, and no point starts.
     */
    private void checkPoints(List<Map<String, String>> points) {
        dev.dlp.pipelines.Pipeline<?, ?> p = dev.dlp.pipelines.Pipelines.byName(o.pipeline()).orElse(null);
        for (int i = 0; i < points.size(); i++) {
            List<String> overrides = new ArrayList<>(o.sets());
            points.get(i).forEach((k, v) -> overrides.add(k + "=" + v));
            try {
                if (p != null) {
                    dev.dlp.pipelines.Launcher.resolve(p, ConfigLoader.resolve(o.config(), p.defaultConfig()),
                            overrides);
                } else {
                    ConfigLoader.Source src = ConfigLoader.resolve(o.config(), SKIPGRAM);
                    ConfigLoader.load(src, overrides, SkipgramConfig.class, SkipgramConfig.DEFAULTS).value()
                            .validate();
                }
            } catch (ConfigException e) {
                throw new ConfigException("--grid", "point " + i + " " + points.get(i) + ": " + e.getMessage());
            }
        }
    }

    /**
     * The run directory of point {@code index} of sweep {@code id}, found through the runs' own summary.json (the
     * point's run is named {@code *-sweep-p<index>} and its summary names the sweep and point); null when none.
     */
    private Path pointRun(String id, int index) {
        Path pdir = Path.of(doc.path("runs_root").asText()).resolve(doc.path("pipeline").asText());
        if (!Files.isDirectory(pdir)) {
            return null;
        }
        try (java.util.stream.Stream<Path> runs = Files.list(pdir)) {
            return runs.filter(d -> d.getFileName().toString().endsWith("-sweep-p" + index)).filter(d -> {
                try {
                    JsonNode sw = ConfigLoader.json().readTree(d.resolve("summary.json").toFile()).path("sweep");
                    return id.equals(sw.path("id").asText()) && String.valueOf(index).equals(sw.path("point").asText());
                } catch (IOException e) {
                    return false;
                }
            }).sorted().reduce((a, b) -> b).orElse(null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String runStatus(Path run) {
        try {
            return dev.dlp.run.Liveness.status(run, ConfigLoader.json().readTree(run.resolve("summary.json").toFile()));
        } catch (IOException e) {
            return "?";
        }
    }

    private synchronized void save() {
        try {
            AtomicFiles.writeString(dir.resolve("sweep.json"),
                    ConfigLoader.json().writerWithDefaultPrettyPrinter().writeValueAsString(doc) + "\n");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Runs point {@code p} as a child process and records how it ended. A run of the point that already exists
     * (found through its summary.json) is adopted when it completed or still runs, and continued with
     * {@code --resume} when it was interrupted, killed or failed: a point never gets two runs.
     */
    private void runPoint(String id, ObjectNode p, int cores) {
        int index = p.path("index").asInt();
        Path earlier = pointRun(id, index);
        String earlierStatus = earlier == null ? null : runStatus(earlier);
        if ("completed".equals(earlierStatus) || "running".equals(earlierStatus)) {
            // finished after its driver died, or still running under another driver
            synchronized (this) {
                p.put("status", earlierStatus);
                withRun(p, earlier);
                record.accept(p);
            }
            LOG.info("point {}: adopted its {} run {}", index, earlierStatus, earlier);
            return;
        }
        if (earlier != null) {
            LOG.info("point {}: resuming its {} run {}", index, earlierStatus, earlier);
        }
        Path log = dir.resolve("logs").resolve("point-" + index + ".log");
        synchronized (this) {
            p.put("status", "running");
            p.remove("exit_code");
            record.accept(p);
        }
        int code = execute(pointCommand(p, earlier), id, index, log, cores);
        Path run = pointRun(id, index);   // the point's own summary.json says which run it is
        String error = errorLine(log);
        synchronized (this) {
            p.put("status", code == 0 ? "completed" : "failed");
            p.put("exit_code", code);
            if (run != null) {
                withRun(p, run);
            }
            if (error != null) {
                p.put("error", error);
            }
            record.accept(p);
        }
        String pointText = p.path("overrides").toString();
        if (code == 0) {
            LOG.info("point {} {}: completed", index, pointText);
        } else {
            LOG.warn("point {} {}: failed (exit {}){}; log: {}", index, pointText, code,
                    error == null ? "" : ": " + error, log);
        }
    }

    /** The command line of a point: a new run, or {@code --resume} of its earlier one. */
    private List<String> pointCommand(ObjectNode p, Path earlier) {
        List<String> cmd = new ArrayList<>(javaCommand());
        cmd.add(doc.path("pipeline").asText());
        cmd.add("-q");
        if (earlier != null) {
            cmd.addAll(List.of("--resume", earlier.toString()));
        } else {
            cmd.addAll(List.of("--runs-root", doc.path("runs_root").asText(), "--run-name",
                    "sweep-p" + p.path("index").asInt()));
        }
        if (doc.hasNonNull("config")) {
            cmd.addAll(List.of("--config", doc.path("config").asText()));
        }
        doc.path("pass_through").forEach(a -> cmd.add(a.asText()));
        for (JsonNode s : doc.path("sets")) {
            cmd.addAll(List.of("--set", s.asText()));
        }
        Iterator<Map.Entry<String, JsonNode>> it = p.path("overrides").fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            cmd.addAll(List.of("--set", e.getKey() + "=" + e.getValue().asText()));
        }
        return cmd;
    }

    /**
     * Runs a point's process to its end (it stops by itself if this one dies), calling {@link #running} every
     * heartbeat; its exit code, or -1 when it could not start. {@code cores}: the point's share of the machine
     * ({@code $DLP_CORES}: what {@code train.threads: 0} and {@code train.workers: 0} mean there).
     */
    private int execute(List<String> cmd, String id, int index, Path log, int cores) {
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().put("DLP_CORES", String.valueOf(cores));
            pb.environment().put("DLP_SWEEP", id + ":" + index);
            pb.environment().put(dev.dlp.train.StopSignal.PARENT_PID_ENV, String.valueOf(ProcessHandle.current().pid()));
            pb.environment().put("DLP_NO_PROGRESS_BAR", "1");
            Process proc = pb.start();
            while (!proc.waitFor(Liveness.beat().toSeconds(), java.util.concurrent.TimeUnit.SECONDS)) {
                running.accept(index);
            }
            return proc.exitValue();
        } catch (IOException e) {
            LOG.warn("point {}: cannot start: {}", index, e.getMessage());
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** A point's run directory and main metric, into its record. */
    private static void withRun(ObjectNode p, Path run) {
        p.put("run_dir", run.toString());
        JsonNode metric = mainMetric(run);
        if (metric != null) {
            p.set("main_metric", metric);
        }
    }

    /** The one-line error of a point that failed before its run directory existed (from its log), or null. */
    private static String errorLine(Path log) {
        String error = null;
        try {
            for (String line : Files.readAllLines(log)) {
                if (line.startsWith("dlp: error: ")) {
                    error = line.substring(12);
                }
            }
        } catch (IOException ignored) {
            // no log: the process did not start
        }
        return error;
    }

    private static JsonNode mainMetric(Path runDir) {
        try {
            JsonNode s = ConfigLoader.json().readTree(runDir.resolve("summary.json").toFile());
            return s.has("main_metric") ? s.get("main_metric") : null;
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * The command that starts this same program: java, its memory/JIT/GC/system options and modules, classpath,
     * main class.
     */
    public static List<String> javaCommand() {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("-X") || a.startsWith("-D") || a.startsWith("--add-modules")) {
                cmd.add(a);
            }
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.dlp.cli.Main"));
        return cmd;
    }

    /** Prints the points sorted by the pipeline's main metric and writes sweep.csv; exit 0 if all completed. */
    private int report(ArrayNode points) {
        List<JsonNode> rows = new ArrayList<>();
        points.forEach(rows::add);
        String goal = rows.stream().map(r -> r.path("main_metric").path("goal").asText(null))
                .filter(g -> g != null).findFirst().orElse("max");
        rows.sort((a, b) -> {
            boolean ha = a.path("main_metric").has("value");
            boolean hb = b.path("main_metric").has("value");
            if (ha != hb) {
                return ha ? -1 : 1;
            }
            if (!ha) {
                return Integer.compare(a.path("index").asInt(), b.path("index").asInt());
            }
            int c = Double.compare(a.path("main_metric").path("value").asDouble(),
                    b.path("main_metric").path("value").asDouble());
            return goal.equals("max") ? -c : c;
        });
        List<String> keys = new ArrayList<>();
        rows.forEach(r -> r.path("overrides").fieldNames().forEachRemaining(k -> {
            if (!keys.contains(k)) {
                keys.add(k);
            }
        }));
        String metricName = rows.stream().map(r -> r.path("main_metric").path("name").asText(null))
                .filter(n -> n != null).findFirst().orElse("main_metric");
        List<String> header = new ArrayList<>(List.of("point", "status", metricName));
        header.addAll(keys);
        header.add("run_dir");
        List<List<String>> table = new ArrayList<>();
        int failed = 0;
        for (JsonNode r : rows) {
            List<String> row = new ArrayList<>();
            row.add(r.path("index").asText());
            String status = r.path("status").asText();
            row.add(status.equals("failed") ? "failed (exit " + r.path("exit_code").asText() + ")" : status);
            failed += status.equals("completed") ? 0 : 1;
            row.add(r.path("main_metric").has("value") ? String.format(java.util.Locale.ROOT, "%.6g",
                    r.path("main_metric").path("value").asDouble()) : "-");
            for (String k : keys) {
                row.add(r.path("overrides").path(k).asText("-"));
            }
            row.add(r.path("run_dir").asText(r.path("error").asText("-")));
            table.add(row);
        }
        RunTable.print(out, header, table);
        RunTable.writeCsv(dir.resolve("sweep.csv"), header, table);
        out.printf("%d of %d points completed; sorted by %s (%s is best); table: %s%n", rows.size() - failed,
                rows.size(), metricName, goal.equals("max") ? "highest" : "lowest", dir.resolve("sweep.csv"));
        out.flush();
        return failed == 0 ? 0 : 1;
    }

    private int printPlan() {
        int n = doc.path("points").size();
        out.printf("sweep: %s planned (%d points, none run)%n", dir, n);
        out.printf("run point I (0..%d) anywhere that sees %s: dlp sweep run --sweep %s --index I%n", n - 1,
                doc.path("runs_root").asText(), dir);
        out.printf("  (I may come from SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX; without it, the process runs "
                + "every point nobody has claimed)%n");
        out.printf("table so far: dlp sweep status %s%n", dir);
        out.flush();
        return 0;
    }

    /**
     * Runs point {@code index} of a planned sweep (or, when null and no job-array variable gives one, every point
     * nobody holds), claiming each first so that processes sharing the runs root never run a point twice; records
     * each result in {@code points/point-<i>.json}. Exit 0 when every point this process ran completed.
     */
    public static int runPlanned(Path dir, Integer index, PrintWriter out) {
        Sweep s = new Sweep(null, out);
        s.open(dir);
        Claims claims = new Claims(dir);
        s.record = claims::record;
        s.running = claims::touch;
        Integer i = index != null ? index : arrayIndex();
        ArrayNode points = (ArrayNode) s.doc.get("points");
        if (i != null && (i < 0 || i >= points.size())) {
            throw new ConfigException("--index", "no point " + i + " in " + dir + " (0.." + (points.size() - 1) + ")");
        }
        List<Integer> todo = new ArrayList<>();
        for (int k = 0; k < points.size(); k++) {
            if (i == null || i == k) {
                todo.add(k);
            }
        }
        int cores = Runtime.getRuntime().availableProcessors();
        int failed = 0;
        for (int k : todo) {
            if (claims.result(k).map(r -> "completed".equals(r.path("status").asText())).orElse(false)) {
                out.printf("point %d: already completed%n", k);
            } else if (!claims.claim(k)) {
                out.printf("point %d: running elsewhere (%s)%n", k, claims.owner(k).map(JsonNode::toString).orElse("?"));
            } else {
                try {
                    ObjectNode p = ((ObjectNode) points.get(k)).deepCopy();
                    s.runPoint(s.doc.path("id").asText(), p, cores);
                    out.printf("point %d: %s%n", k, p.path("status").asText());
                    failed += "completed".equals(p.path("status").asText()) ? 0 : 1;
                } finally {
                    claims.release(k);
                }
            }
            out.flush();
        }
        return failed == 0 ? 0 : 1;
    }

    /** The job-array index of this task: SLURM_ARRAY_TASK_ID (Slurm) or JOB_COMPLETION_INDEX (Kubernetes). */
    static Integer arrayIndex() {
        for (String v : List.of("SLURM_ARRAY_TASK_ID", "JOB_COMPLETION_INDEX")) {
            String s = System.getenv(v);
            if (s != null && s.matches("\\d+")) {
                return Integer.parseInt(s);
            }
        }
        return null;
    }

    /**
     * The table of a sweep as it stands, also while its points run elsewhere: each point's recorded result (a
     * planned sweep's point files, else sweep.json), or its run found through the run's summary.json.
     */
    public static int status(Path dir, PrintWriter out) {
        table(dir, out);
        return 0;
    }

    /** {@link #status}'s table; exit 0 when every point completed, 1 otherwise. */
    public static int table(Path dir, PrintWriter out) {
        Sweep s = new Sweep(null, out);
        s.open(dir);
        Claims claims = new Claims(dir);
        String id = s.doc.path("id").asText();
        ArrayNode points = (ArrayNode) s.doc.get("points");
        for (int k = 0; k < points.size(); k++) {
            ObjectNode p = (ObjectNode) points.get(k);
            java.util.Optional<ObjectNode> r = claims.result(k);
            if (r.isPresent()) {
                points.set(k, r.get());
            } else if (claims.owner(k).isPresent()) {
                p.put("status", "running");
            } else if (!"completed".equals(p.path("status").asText()) && s.pointRun(id, k) != null) {
                Path run = s.pointRun(id, k);
                p.put("status", runStatus(run));
                withRun(p, run);
            }
        }
        return s.report(points);
    }

    /** Reads an existing sweep directory's sweep.json. */
    private void open(Path sweepDir) {
        dir = sweepDir;
        Path file = dir.resolve("sweep.json");
        if (!Files.isRegularFile(file)) {
            throw new ConfigException("--sweep", "not a sweep directory (no sweep.json): " + dir);
        }
        try {
            doc = (ObjectNode) ConfigLoader.json().readTree(file.toFile());
            Files.createDirectories(dir.resolve("logs"));
        } catch (IOException | ClassCastException e) {
            throw new StateConflictException(file + ": unreadable (" + e.getMessage() + ")");
        }
    }

    /** For tests: the ordered map of a point's overrides. */
    static Map<String, String> overrides(JsonNode point) {
        Map<String, String> m = new LinkedHashMap<>();
        point.path("overrides").fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asText()));
        return m;
    }
}
