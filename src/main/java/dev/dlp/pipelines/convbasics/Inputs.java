package dev.dlp.pipelines.convbasics;

import dev.dlp.data.DataException;
import dev.dlp.data.Mnist;
import dev.dlp.pipelines.Context;

import dev.dlp.report.GrayImages;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

/** The input plane of a run: seeded noise, an MNIST test digit, or an image file in grayscale. */
final class Inputs {
    private Inputs() {
    }

    /** The input and a few words saying what it is. */
    record Input(Plane plane, String description) {
    }

    static Input load(ConvBasicsConfig cfg, Context ctx) {
        ConvBasicsConfig.InputConfig in = cfg.input();
        return switch (in.source()) {
            case RANDOM -> new Input(random(in.height(), in.width(), cfg.seed()),
                    "random " + in.height() + "x" + in.width() + ", uniform in [0, 1), seed " + cfg.seed());
            case DIGIT -> digit(ctx.dataDir(cfg.data().dir()), in.digit());
            case IMAGE -> image(Path.of(in.image()), in.maxSide());
        };
    }

    static Plane random(int height, int width, long seed) {
        Random r = new Random(seed);
        float[] v = new float[height * width];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextFloat();
        }
        return new Plane(height, width, v);
    }

    /** The first test image of {@code digit}. */
    static Input digit(Path dataDir, int digit) {
        Mnist.Images test = Mnist.load(dataDir, Mnist.Split.TEST, 0);
        for (int i = 0; i < test.size(); i++) {
            if (test.labels()[i] == digit) {
                float[] px = Arrays.copyOfRange(test.pixels(), i * Mnist.PIXELS, (i + 1) * Mnist.PIXELS);
                return new Input(new Plane(Mnist.ROWS, Mnist.COLS, px), "MNIST test image #" + i + " (digit " + digit
                        + ")");
            }
        }
        throw new DataException(dataDir + ": the MNIST test set has no image of digit " + digit);
    }

    /** An image file as grayscale in [0, 1], scaled down (keeping its aspect) when a side exceeds maxSide. */
    static Input image(Path file, int maxSide) {
        BufferedImage src = GrayImages.read(file);
        double f = Math.min(1.0, (double) maxSide / Math.max(src.getWidth(), src.getHeight()));
        int w = Math.max(1, (int) Math.round(src.getWidth() * f));
        int h = Math.max(1, (int) Math.round(src.getHeight() * f));
        float[] v = GrayImages.gray(src, w, h);
        String size = src.getWidth() == w && src.getHeight() == h ? ""
                : " (" + src.getHeight() + "x" + src.getWidth() + " scaled down)";
        return new Input(new Plane(h, w, v), file.getFileName() + " " + h + "x" + w + size);
    }
}
