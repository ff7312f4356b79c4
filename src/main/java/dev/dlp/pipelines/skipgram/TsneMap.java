package dev.dlp.pipelines.skipgram;

import dev.dlp.report.Png;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.file.Path;

/**
 * {@code tsne.png}: a t-SNE map of the most frequent words' vectors, each point labelled, by {@link ExactTsne}.
 * (DL4J's {@code BarnesHutTsne} is in no 1.0.0-M2.1 artifact; its 1.0.0-beta7 build, used before, collapsed most
 * of 300 Brown words into a few overlapping blobs and took ~40 s.)
 */
final class TsneMap {
    private static final int WIDTH = 1600;
    private static final int HEIGHT = 1200;
    private static final int MARGIN = 50;

    private TsneMap() {
    }

    /**
     * 2-D coordinates of the first {@code n} rows of {@code matrix} (n x dims), scaled to unit length first so that
     * distances follow cosine similarity.
     */
    static double[][] embed(float[] matrix, int n, int dims, SkipgramConfig.TsneConfig cfg, long seed) {
        double[][] x = new double[n][dims];
        for (int i = 0; i < n; i++) {
            double norm = 0;
            for (int k = 0; k < dims; k++) {
                norm += (double) matrix[i * dims + k] * matrix[i * dims + k];
            }
            norm = Math.sqrt(norm) + 1e-12;
            for (int k = 0; k < dims; k++) {
                x[i][k] = matrix[i * dims + k] / norm;
            }
        }
        return ExactTsne.embed(x, cfg.perplexity(), cfg.iterations(), cfg.lr(), seed);
    }

    /** Draws the labelled points. */
    static void draw(Path file, double[][] xy, String[] labels, String title) {
        BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, HEIGHT);
        double minX = Double.MAX_VALUE;
        double maxX = -Double.MAX_VALUE;
        double minY = Double.MAX_VALUE;
        double maxY = -Double.MAX_VALUE;
        for (double[] p : xy) {
            minX = Math.min(minX, p[0]);
            maxX = Math.max(maxX, p[0]);
            minY = Math.min(minY, p[1]);
            maxY = Math.max(maxY, p[1]);
        }
        double sx = (WIDTH - 2 * MARGIN - 60) / Math.max(1e-9, maxX - minX);
        double sy = (HEIGHT - 2 * MARGIN - 30) / Math.max(1e-9, maxY - minY);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 20));
        g.drawString(title, MARGIN, 32);
        g.setColor(new Color(0xDDDDDD));
        g.setStroke(new BasicStroke(1));
        g.drawRect(MARGIN - 10, MARGIN, WIDTH - 2 * MARGIN + 20, HEIGHT - MARGIN - 20);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        FontMetrics fm = g.getFontMetrics();
        for (int i = 0; i < xy.length; i++) {
            int px = MARGIN + (int) Math.round((xy[i][0] - minX) * sx);
            int py = MARGIN + 20 + (int) Math.round((maxY - xy[i][1]) * sy);
            g.setColor(new Color(0x1F77B4));
            g.fillOval(px - 3, py - 3, 6, 6);
            g.setColor(new Color(0x222222));
            g.drawString(labels[i], px + 5, py + fm.getAscent() / 2 - 1);
        }
        g.dispose();
        Png.write(file, img);
    }
}
