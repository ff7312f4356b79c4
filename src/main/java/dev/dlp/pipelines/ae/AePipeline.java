package dev.dlp.pipelines.ae;

import dev.dlp.data.Mnist;
import dev.dlp.data.MnistConfig;
import dev.dlp.graph.GraphFactory;
import dev.dlp.pipelines.Context;
import dev.dlp.pipelines.Pipeline;
import dev.dlp.report.Charts;
import dev.dlp.report.ImageGrid;
import dev.dlp.report.Png;
import dev.dlp.run.RunDir;
import dev.dlp.run.Summary;
import dev.dlp.train.ArraySource;
import dev.dlp.train.MetricsLog;
import dev.dlp.train.OutputLoss;
import dev.dlp.train.Trainer;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code dlp ae} and {@code dlp conv-ae}: an autoencoder on MNIST whose target is the clean input image. With
 * {@code data.noise > 0} the inputs carry Gaussian noise and the network learns to denoise.
 */
public final class AePipeline implements Pipeline<AeConfig, AePipeline.Data> {
    private static final Logger LOG = LoggerFactory.getLogger(AePipeline.class);
    /** How many fixed test digits the reconstruction picture shows. */
    static final int SHOWN = 10;
    private static final int BATCH = 500;

    private final String name;
    private final String defaultConfig;

    private AePipeline(String name, String defaultConfig) {
        this.name = name;
        this.defaultConfig = defaultConfig;
    }

    public static AePipeline dense() {
        return new AePipeline("ae", "ae");
    }

    public static AePipeline conv() {
        return new AePipeline("conv-ae", "conv-ae");
    }

    /** Inputs (noisy in denoising mode) and clean targets of one split. */
    record Split(Mnist.Images clean, float[] inputs) {
    }

    record Data(Split val, Split test, long[] targetShape) {
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String defaultConfig() {
        return defaultConfig;
    }

    @Override
    public Class<AeConfig> configType() {
        return AeConfig.class;
    }

    @Override
    public AeConfig defaults() {
        return defaultConfig.equals("conv-ae") ? AeConfig.CONV_DEFAULTS : AeConfig.DEFAULTS;
    }

    /** The target shape per example: the output layer's activation shape (784 or 1x28x28). */
    static long[] targetShape(AeConfig cfg) {
        ComputationGraphConfiguration conf = GraphFactory.build(cfg.network(), cfg.train(), cfg.seed());
        InputType out = GraphFactory.outputType(cfg.network(), conf);
        long[] shape = out.getShape(false);
        long size = 1;
        for (long s : shape) {
            size *= s;
        }
        if (size != Mnist.PIXELS) {
            throw new dev.dlp.config.ConfigException("model.outputs", "the output has " + size + " values per "
                    + "example (" + out + "); an MNIST autoencoder must output 784 (or 1x28x28)");
        }
        return shape;
    }

    static Split split(AeConfig cfg, Mnist.Images images, long seedOffset) {
        float[] in = cfg.data().noise() > 0 ? cfg.data().noisy(images.pixels(), cfg.seed() * 31 + seedOffset)
                : images.pixels();
        return new Split(images, in);
    }

    @Override
    public Prepared<Data> prepare(AeConfig cfg, Context ctx) {
        long[] targetShape = targetShape(cfg);
        Path dir = ctx.dataDir(cfg.data().dir());
        MnistConfig.Splits splits = cfg.data().load(dir, cfg.seed());
        Split train = split(cfg, splits.train(), 1);
        Split val = split(cfg, splits.val(), 2);
        Split test = split(cfg, cfg.data().loadTest(dir), 3);
        LOG.info("data: MNIST from {}: {} train, {} validation, {} test{}", dir, splits.train().size(),
                splits.val().size(), test.clean().size(), cfg.data().noise() > 0
                        ? String.format(Locale.ROOT, "; denoising: inputs + %.2f x N(0,1) noise", cfg.data().noise())
                        : "");
        ArraySource source = new ArraySource(train.inputs(), new long[]{Mnist.PIXELS}, train.clean().pixels(),
                targetShape);
        ArraySource valSource = new ArraySource(val.inputs(), new long[]{Mnist.PIXELS}, val.clean().pixels(),
                targetShape);
        return new Prepared<>(source, g -> {
            OutputLoss loss = OutputLoss.of(g);   // val_loss from the metrics' own pass where it applies
            Reconstruction.Result r = Reconstruction.evaluate(g, val.inputs(), val.clean().pixels(), 0, loss, null);
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("val_loss", loss != null ? r.loss() : Trainer.meanScore(g, valSource, BATCH));
            m.put("val_bce", r.bce());
            m.put("val_mse", r.mse());
            return m;
        }, new Data(val, test, targetShape));
    }

    @Override
    public void report(AeConfig cfg, Context ctx, ComputationGraph g, Prepared<Data> prepared, RunDir run, Summary summary) {
        Data data = prepared.data();
        Split test = data.test();
        Codes.Collector codeCollector = new Codes.Collector(cfg.codeLayer(), test.clean().labels());
        Reconstruction.Result r = Reconstruction.evaluate(g, test.inputs(), test.clean().pixels(), SHOWN, null,
                codeCollector);
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("bce", r.bce());
        t.put("mse", r.mse());
        t.put("examples", test.clean().size());
        t.put("noise", cfg.data().noise());
        summary.put("test", t);
        summary.mainMetric("test_mse", r.mse(), false);
        Charts.curves(run.resolve("curves.png"), new MetricsLog(run.path()).rows(), List.of(
                new Charts.Panel("loss (the network's own)", "loss", List.of("train_loss", "val_loss")),
                new Charts.Panel("reconstruction error per pixel", "error", List.of("val_bce", "val_mse"))));
        reconstructions(run.resolve("reconstructions.png"), test, r.firstOut(), cfg.data().noise() > 0);
        Codes codes = codeCollector.codes();
        Charts.scatter(run.resolve("codes.png"), "test codes of layer '" + cfg.codeLayer() + "' ("
                        + codes.width() + " values): first two principal components",
                dev.dlp.report.Pca.project(codes.values(), codes.count(), codes.width(), 2, cfg.seed()),
                test.clean().labels(), Mnist.CLASSES);
        ctx.out().printf(Locale.ROOT, "test reconstruction (%d examples%s): bce %.4f, mse %.4f per pixel%n",
                test.clean().size(), cfg.data().noise() > 0 ? ", denoising" : "", r.bce(), r.mse());
    }

    /** Originals on top, reconstructions below; in denoising mode noisy / denoised / clean rows. */
    static void reconstructions(Path out, Split test, float[] recon, boolean denoising) {
        int n = recon.length / Mnist.PIXELS;
        ImageGrid grid = new ImageGrid(n, 3).title(denoising ? "rows: noisy input, denoised, clean"
                : "rows: original, reconstruction");
        if (denoising) {
            addRow(grid, "noisy", test.inputs(), n);
            addRow(grid, "denoised", recon, n);
            addRow(grid, "clean", test.clean().pixels(), n);
        } else {
            addRow(grid, "original", test.clean().pixels(), n);
            addRow(grid, "reconstructed", recon, n);
        }
        Png.write(out, grid.render());
    }

    private static void addRow(ImageGrid grid, String label, float[] images, int n) {
        grid.rowLabel(label);
        for (int i = 0; i < n; i++) {
            grid.add(new ImageGrid.Tile(Arrays.copyOfRange(images, i * Mnist.PIXELS, (i + 1) * Mnist.PIXELS),
                    Mnist.COLS, Mnist.ROWS, 0f, 1f, null, null));
        }
    }
}
