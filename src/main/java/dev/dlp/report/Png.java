package dev.dlp.report;

import dev.dlp.run.AtomicFiles;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;

/** Writes PNGs atomically. */
public final class Png {
    private Png() {
    }

    public static void write(Path out, BufferedImage image) {
        AtomicFiles.write(out, tmp -> {
            if (!ImageIO.write(image, "png", tmp.toFile())) {
                throw new IOException("no PNG writer");
            }
        });
    }
}
