package dev.dlp.pipelines.lenet;

import dev.dlp.data.Mnist;
import dev.dlp.pipelines.Context;
import dev.dlp.pipelines.Launcher;
import dev.dlp.report.GrayImages;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** {@code dlp lenet eval} and {@code dlp lenet predict}. */
public final class LenetTools {
    private LenetTools() {
    }

    /** How {@code predict} decides whether an image is dark-on-light (and so must be inverted). */
    public enum Invert { AUTO, YES, NO }

    static ComputationGraph loadModel(Path runOrZip) {
        return Launcher.loadModel(runOrZip, 0);
    }

    /** The run's own config when {@code runOrZip} is a run directory, else the defaults. */
    static LenetConfig runConfig(Path runOrZip) {
        return Files.isDirectory(runOrZip) && Files.exists(runOrZip.resolve("config.yaml"))
                ? Launcher.runConfig(runOrZip, LenetConfig.class, LenetConfig.DEFAULTS) : LenetConfig.DEFAULTS;
    }

    /** Evaluates a trained model on the test set; writes eval.json/eval.txt next to the model. */
    public static int eval(Path runOrZip, Context ctx) {
        LenetConfig cfg = runConfig(runOrZip);
        ComputationGraph g = loadModel(runOrZip);
        Mnist.Images test = cfg.data().loadTest(ctx.dataDir(cfg.data().dir()));
        Path outDir = Files.isDirectory(runOrZip) ? runOrZip : runOrZip.toAbsolutePath().getParent();
        Classification.Result r = LenetPipeline.writeEval(g, test, outDir);
        ctx.out().printf(Locale.ROOT, "test accuracy: %.4f (%d examples), test loss: %.4f%n", r.accuracy(),
                test.size(), r.loss());
        ctx.out().println("wrote " + outDir.resolve("eval.json") + " and eval.txt");
        return 0;
    }

    /** Prints the predicted digit and the class probabilities of each image. */
    public static int predict(Path runOrZip, List<Path> images, Invert invert, Context ctx) {
        float[][] pixels = new float[images.size()][];
        for (int i = 0; i < images.size(); i++) {
            pixels[i] = readDigit(images.get(i), invert);
        }
        ComputationGraph g = loadModel(runOrZip);
        for (int i = 0; i < images.size(); i++) {
            INDArray x = Nd4j.create(pixels[i], new long[]{1, Mnist.PIXELS}, 'c');
            float[] p = g.output(false, x)[0].data().asFloat();
            int best = 0;
            for (int c = 1; c < p.length; c++) {
                if (p[c] > p[best]) {
                    best = c;
                }
            }
            StringBuilder sb = new StringBuilder();
            sb.append(images.get(i)).append(": ").append(best)
                    .append(String.format(Locale.ROOT, " (p=%.4f)  probabilities:", p[best]));
            for (int c = 0; c < p.length; c++) {
                sb.append(String.format(Locale.ROOT, " %d=%.4f", c, p[c]));
            }
            ctx.out().println(sb);
        }
        return 0;
    }

    /**
     * Reads an image as a 28x28 grayscale digit in [0, 1], white on black as in MNIST: resized when it is another
     * size, inverted when it is dark-on-light (mean above 0.5) unless told otherwise.
     */
    static float[] readDigit(Path file, Invert invert) {
        float[] px = GrayImages.gray(GrayImages.read(file), Mnist.COLS, Mnist.ROWS);
        double mean = 0;
        for (float v : px) {
            mean += v;
        }
        mean /= Mnist.PIXELS;
        if (invert == Invert.YES || (invert == Invert.AUTO && mean > 0.5)) {
            for (int i = 0; i < px.length; i++) {
                px[i] = 1f - px[i];
            }
        }
        return px;
    }
}
