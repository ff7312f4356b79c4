package dev.dlp.pipelines.convbasics;

import dev.dlp.config.ConfigException;
import dev.dlp.config.ConfigLoader;
import dev.dlp.nd4j.Backend;
import dev.dlp.pipelines.Context;
import dev.dlp.pipelines.RunLifecycle;
import dev.dlp.pipelines.RunOptions;
import dev.dlp.run.AtomicFiles;
import dev.dlp.run.RunDir;
import dev.dlp.run.Summary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code dlp conv-basics}: convolves one input with each (kernel, padding, stride) of the config through ND4J's
 * conv2d op, prints the output shapes next to the shape formula, and draws {@code conv-basics.png}. No training.
 * Every bad value (config, kernel larger than the padded input, unreadable image) is found before anything is
 * written.
 */
public final class ConvBasics {
    /** Subcommand, shipped config and runs folder name. */
    public static final String NAME = "conv-basics";
    /** The shape formula, printed over the table. */
    public static final String FORMULA = "⌊(n + 2p - d(k-1) - 1)/s⌋ + 1";

    private static final Logger LOG = LoggerFactory.getLogger(ConvBasics.class);

    private ConvBasics() {
    }

    /**
     * The command line of {@code dlp conv-basics}. Every option but the output ones becomes a config override, so
     * the resolved config written to the run directory reproduces the run.
     *
     * @param config    {@code --config}: a file or a shipped config name; null for {@code conv-basics}
     * @param overrides {@code --set key.path=value}, in order
     * @param digit     {@code --digit N}, or null
     * @param image     {@code --image PNG}, or null
     * @param random    {@code --random HxW}, or null
     * @param kernels   {@code --kernel}, empty for the config's
     * @param paddings  {@code --padding}, empty for the config's
     * @param strides   {@code --stride}, empty for the config's
     * @param dilation  {@code --dilation}, or null
     * @param seed      {@code --seed}, or null
     * @param out       {@code --out DIR}: write there instead of a new run directory; or null
     * @param runsRoot  {@code --runs-root}
     * @param runName   {@code --run-name}, or null
     */
    public record Options(String config, List<String> overrides, Integer digit, Path image, String random,
                          List<String> kernels, List<String> paddings, List<Integer> strides, Integer dilation,
                          Long seed, Path out, Path runsRoot, String runName) {
        /** The config overrides these options stand for, after the {@code --set} ones. */
        List<String> asOverrides() {
            List<String> o = new ArrayList<>(overrides);
            if (digit != null) {
                o.addAll(List.of("input.source=digit", "input.digit=" + digit));
            }
            if (image != null) {
                o.addAll(List.of("input.source=image", "input.image=" + quote(image.toString())));
            }
            if (random != null) {
                String[] hw = random.trim().toLowerCase().split("x");
                if (hw.length > 2 || !random.trim().matches("\\d+([xX]\\d+)?")) {
                    throw new ConfigException("--random", "expected HxW (e.g. 16x16) or N, got '" + random + "'");
                }
                o.addAll(List.of("input.source=random", "input.height=" + hw[0],
                        "input.width=" + hw[hw.length - 1]));
            }
            if (!kernels.isEmpty()) {
                o.add("kernels=" + list(kernels));
            }
            if (!paddings.isEmpty()) {
                o.add("padding=" + list(paddings));
            }
            if (!strides.isEmpty()) {
                o.add("stride=" + strides);
            }
            if (dilation != null) {
                o.add("dilation=" + dilation);
            }
            if (seed != null) {
                o.add("seed=" + seed);
            }
            return o;
        }

        private static String list(List<String> values) {
            return "[" + String.join(", ", values.stream().map(Options::quote).toList()) + "]";
        }

        private static String quote(String s) {
            return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
        }
    }

    /** One picture panel and table row: a kernel applied with a padding and a stride. */
    record Case(Kernels.Kernel kernel, Padding padding, int stride, int dilation) {
        Padding.Sides sides(int n) {
            return padding.sides(n, kernel.size(), stride, dilation);
        }

        int outSize(int n) {
            return padding.outSize(n, kernel.size(), stride, dilation);
        }

        /** The formula with this case's numbers for a side of length n, e.g. {@code ⌊(16 + 2·1 - 1·(3-1) - 1)/2⌋ + 1 = 8}. */
        String formula(int n) {
            Padding.Sides s = sides(n);
            String p = s.before() != s.after() ? "(" + s + ")" : s.before() < 0 ? "2·(" + s.before() + ")"
                    : "2·" + s.before();
            return String.format(Locale.ROOT, "⌊(%d + %s - %d·(%d-1) - 1)/%d⌋ + 1 = %d", n, p, dilation,
                    kernel.size(), stride, outSize(n));
        }
    }

    public static int run(Options o, Context ctx) {
        return RunLifecycle.run(new Job(o), new RunOptions(o.config(), o.asOverrides(), o.runsRoot(), o.runName(),
                null, null), ctx);
    }

    /** The validated config and its parsed kernels and paddings (phase 1). */
    record Resolved(ConfigLoader.Loaded<ConvBasicsConfig> loaded, ConvBasicsConfig.Parsed parsed)
            implements RunLifecycle.Resolution {
        @Override
        public long seed() {
            return loaded.value().seed();
        }
    }

    /** Phase 2: the input and every combination, checked; {@code outputs} is filled by phase 4, one per case. */
    record Ready(Inputs.Input input, List<Case> cases, List<Plane> outputs) {
    }

    /** The phases of a conv-basics run: the convolutions are its "training", the table and picture its report. */
    private record Job(Options o) implements RunLifecycle.Job<Resolved, Ready> {
        @Override
        public String pipeline() {
            return NAME;
        }

        @Override
        public Resolved resolve(RunLifecycle.Start start) {
            ConfigLoader.Loaded<ConvBasicsConfig> loaded = ConfigLoader.load(start.source(), start.overrides(),
                    ConvBasicsConfig.class, ConvBasicsConfig.DEFAULTS);
            return new Resolved(loaded, RunLifecycle.checked(start, loaded.value()::validate));
        }

        @Override
        public Ready prepare(Resolved r, RunLifecycle.Start start, Context ctx) {
            ConvBasicsConfig cfg = r.loaded().value();
            Inputs.Input input = Inputs.load(cfg, ctx);
            return new Ready(input, cases(cfg, r.parsed(), input.plane()), new ArrayList<>());
        }

        @Override
        public RunDir newRunDir(RunOptions options) {
            return o.out() == null ? RunLifecycle.Job.super.newRunDir(options) : RunDir.open(outputDir(o.out()));
        }

        @Override
        public void opened(Summary summary, Resolved r, Ready ready) {
            summary.put("input", ready.input().description()).put("combinations", ready.cases().size());
        }

        @Override
        public RunLifecycle.Outcome train(RunLifecycle.Running<Resolved, Ready> run) {
            long t = System.nanoTime();
            Backend.init(0);
            Plane x = run.prepared().input().plane();
            int mismatches = 0;
            for (Case c : run.prepared().cases()) {
                Plane y = Conv2d.apply(x, c.kernel(), c.padding(), c.stride(), c.dilation());
                if (y.height() != c.outSize(x.height()) || y.width() != c.outSize(x.width())) {
                    LOG.warn("{}: the op's output {} differs from the formula's {}x{}", c, y.shape(),
                            c.outSize(x.height()), c.outSize(x.width()));
                    mismatches++;
                }
                run.prepared().outputs().add(y);
            }
            LOG.info("convolve: {} combinations ({} ms)", run.prepared().cases().size(),
                    (System.nanoTime() - t) / 1_000_000);
            // the main metric: combinations whose output shape differs from the formula's (0 on every ND4J tested)
            run.summary().mainMetric("shape_mismatches", mismatches, false);
            return RunLifecycle.Outcome.completed(run.prepared().cases().size() + " combinations");
        }

        @Override
        public void report(RunLifecycle.Running<Resolved, Ready> run) {
            Ready ready = run.prepared();
            Plane x = ready.input().plane();
            String table = table(ready.input(), ready.cases(), ready.outputs())
                    + flipNotes(x, ready.cases(), ready.outputs());
            run.ctx().out().print(table);
            AtomicFiles.writeString(run.dir().resolve("shapes.txt"), table);
            Path png = run.dir().resolve(NAME + ".png");
            ConvBasicsPicture.write(png, ready.input(), ready.cases(), ready.outputs(),
                    run.resolved().parsed().paddings().size());
            run.summary().put("picture", png.getFileName().toString());
            run.ctx().out().println("wrote " + png);
        }
    }

    /** Every (kernel, stride, padding) of the config, after checking that each kernel fits the padded input. */
    private static List<Case> cases(ConvBasicsConfig cfg, ConvBasicsConfig.Parsed parsed, Plane x) {
        List<Case> cases = new ArrayList<>();
        for (int i = 0; i < parsed.kernels().size(); i++) {
            Kernels.Kernel k = parsed.kernels().get(i);
            for (Padding p : parsed.paddings()) {
                checkFits("kernels[" + i + "]", k, p, cfg.dilation(), x);
            }
            for (int s : cfg.stride()) {
                for (Padding p : parsed.paddings()) {
                    cases.add(new Case(k, p, s, cfg.dilation()));
                }
            }
        }
        return cases;
    }

    /** A kernel that does not fit into the padded input is bad input (the op would have no output). */
    static void checkFits(String key, Kernels.Kernel k, Padding p, int dilation, Plane x) {
        if (p.same()) {
            return;
        }
        int span = k.span(dilation);
        int n = Math.min(x.height(), x.width());
        if (span > n + 2 * p.zeros()) {
            String spans = dilation == 1 ? k.size() + "x" + k.size()
                    : k.size() + "x" + k.size() + " with dilation " + dilation + " spans " + span + "x" + span;
            throw new ConfigException(key, "kernel '" + k.name() + "' (" + spans + ") is larger than the padded "
                    + "input (" + x.shape() + " input, padding " + p + " -> " + (x.height() + 2 * p.zeros()) + "x"
                    + (x.width() + 2 * p.zeros()) + "); use padding same or at least " + (span - n + 1) / 2);
        }
    }

    private static Path outputDir(Path out) {
        try {
            return Files.createDirectories(out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create --out " + out + ": " + e.getMessage(), e);
        }
    }

    /** The shape table: one row per combination, the op's output next to the formula's. */
    static String table(Inputs.Input input, List<Case> cases, List<Plane> outputs) {
        Plane x = input.plane();
        boolean square = x.height() == x.width();
        StringBuilder sb = new StringBuilder();
        sb.append("input: ").append(input.description()).append('\n');
        sb.append("output side = ").append(FORMULA).append("   (n input side, k kernel, p zeros per side, "
                + "s stride, d dilation = ").append(cases.get(0).dilation()).append(")\n");
        String fmt = "%-14s %-6s %-8s %-6s %-7s %-8s %s%n";
        sb.append(String.format(Locale.ROOT, fmt, "kernel", "k", "padding", "p", "stride", "output",
                "formula" + (square ? "" : " (rows; columns)")));
        for (int i = 0; i < cases.size(); i++) {
            Case c = cases.get(i);
            Plane y = outputs.get(i);
            String rows = c.sides(x.height()).toString();
            String cols = c.sides(x.width()).toString();
            String p = rows.equals(cols) ? rows : rows + ";" + cols;
            String formula = square ? c.formula(x.height()) : c.formula(x.height()) + "; " + c.formula(x.width());
            if (y.height() != c.outSize(x.height()) || y.width() != c.outSize(x.width())) {
                formula += "   <- differs from the op's output!";
            }
            sb.append(String.format(Locale.ROOT, fmt, c.kernel().name(), c.kernel().size() + "x" + c.kernel().size(),
                    c.padding(), p, c.stride(), y.shape(), formula));
        }
        return sb.toString();
    }

    /** Says, for each kernel, what a true convolution (flipped kernel) would have given instead. */
    static String flipNotes(Plane x, List<Case> cases, List<Plane> outputs) {
        StringBuilder sb = new StringBuilder("\ncross-correlation, not convolution: ND4J's conv2d (like PyTorch's "
                + "and TensorFlow's) slides the kernel as it is; a true convolution flips it by 180 degrees first.\n");
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            Case c = cases.get(i);
            if (seen.contains(c.kernel().name())) {
                continue;
            }
            seen.add(c.kernel().name());
            String what = switch (c.kernel().flipKind()) {
                case SYMMETRIC -> "symmetric: flipping changes nothing, convolution = cross-correlation";
                case ANTISYMMETRIC -> "flipping negates it: a true convolution gives minus these outputs";
                case DIFFERENT -> {
                    Plane flipped = Conv2d.apply(x, c.kernel().flipped(), c.padding(), c.stride(), c.dilation());
                    yield String.format(Locale.ROOT, "not symmetric: a true convolution differs "
                            + "(max |difference| %.4g here, padding %s, stride %d)", maxAbsDiff(outputs.get(i),
                            flipped), c.padding(), c.stride());
                }
            };
            sb.append(String.format(Locale.ROOT, "  %-14s %s%n", c.kernel().name(), what));
        }
        return sb.toString();
    }

    static double maxAbsDiff(Plane a, Plane b) {
        double m = 0;
        for (int i = 0; i < a.values().length; i++) {
            m = Math.max(m, Math.abs(a.values()[i] - b.values()[i]));
        }
        return m;
    }
}
