package dev.dlp.report;

import dev.dlp.data.DataException;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Image files read as grayscale values in [0, 1] (predict inputs, conv-basics inputs). */
public final class GrayImages {
    private GrayImages() {
    }

    /** Reads an image file; a missing or unreadable file is bad input naming it. */
    public static BufferedImage read(Path file) {
        BufferedImage src;
        try {
            src = Files.isRegularFile(file) ? ImageIO.read(file.toFile()) : null;
        } catch (IOException e) {
            src = null;
        }
        if (src == null) {
            throw new DataException(file + ": " + (Files.exists(file) ? "not a readable image (PNG, JPEG, GIF or BMP)"
                    : "no such file"));
        }
        return src;
    }

    /** {@code src} resized (bilinear) to {@code w x h} grayscale, row-major values in [0, 1]. */
    public static float[] gray(BufferedImage src, int w, int h) {
        BufferedImage gray = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = gray.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
        g.drawImage(src, 0, 0, w, h, Color.BLACK, null);
        g.dispose();
        float[] v = new float[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                v[y * w + x] = (gray.getRaster().getSample(x, y, 0) & 0xff) / 255f;
            }
        }
        return v;
    }
}
