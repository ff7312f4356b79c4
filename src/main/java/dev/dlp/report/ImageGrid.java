package dev.dlp.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A grid of small grayscale images (digits, filters, feature maps), each scaled up, with an optional caption and
 * border colour, and optional row labels on the left. Tiles are scaled to fill their cell unless added with a
 * fixed pixel scale (so that images of different sizes keep their relative size). {@link #sheet} lays out
 * several rendered grids as panels of one picture.
 */
public final class ImageGrid {
    private final int cols;
    private final int scale;
    private final List<Tile> tiles = new ArrayList<>();
    private final List<String> rowLabels = new ArrayList<>();
    /** Tile index -> screen pixels per image pixel, for tiles that are not scaled to fill their cell. */
    private final Map<Integer, Integer> fixedScales = new HashMap<>();
    private String title;

    /** One image: row-major values, shown with {@code lo..hi} mapped to black..white. */
    public record Tile(float[] values, int width, int height, float lo, float hi, String caption, Color border) {
        /** A tile shown with its own min..max mapped to black..white. */
        public static Tile normalised(float[] v, int w, int h, String caption) {
            float lo = Float.POSITIVE_INFINITY;
            float hi = Float.NEGATIVE_INFINITY;
            for (float x : v) {
                lo = Math.min(lo, x);
                hi = Math.max(hi, x);
            }
            return new Tile(v, w, h, lo, hi, caption, null);
        }
    }

    public ImageGrid(int cols, int scale) {
        this.cols = cols;
        this.scale = scale;
    }

    public ImageGrid title(String t) {
        this.title = t;
        return this;
    }

    /** Adds a tile scaled to its own min..max. */
    public ImageGrid addNormalised(float[] v, int w, int h, String caption) {
        return add(Tile.normalised(v, w, h, caption));
    }

    public ImageGrid add(Tile t) {
        tiles.add(t);
        return this;
    }

    /** Adds a tile drawn at exactly {@code pixelScale} screen pixels per image pixel (not fitted to its cell). */
    public ImageGrid add(Tile t, int pixelScale) {
        fixedScales.put(tiles.size(), Math.max(1, pixelScale));
        return add(t);
    }

    /** Labels the row that the next tile starts (call when the previous row is full). */
    public ImageGrid rowLabel(String label) {
        int row = (tiles.size() + cols - 1) / cols;
        while (rowLabels.size() < row) {
            rowLabels.add("");
        }
        rowLabels.add(label);
        return this;
    }

    /** Starts a new row even if the current one is not full (empty cells stay blank). */
    public ImageGrid newRow() {
        while (tiles.size() % cols != 0) {
            tiles.add(null);
        }
        return this;
    }

    public BufferedImage render() {
        int tw = 0;
        int th = 0;
        boolean captions = false;
        for (int i = 0; i < tiles.size(); i++) {
            Tile t = tiles.get(i);
            if (t != null) {
                int s = fixedScales.getOrDefault(i, scale);
                tw = Math.max(tw, t.width() * s);
                th = Math.max(th, t.height() * s);
                captions |= t.caption() != null;
            }
        }
        int pad = 4;
        int capH = captions ? 14 : 0;
        int labelW = rowLabels.stream().anyMatch(s -> !s.isEmpty()) ? 8 + 7 * rowLabels.stream()
                .mapToInt(String::length).max().orElse(0) : 0;
        int titleH = title == null ? 0 : 22;
        int rows = (tiles.size() + cols - 1) / cols;
        int w = labelW + cols * (tw + pad) + pad;
        int h = titleH + rows * (th + capH + pad) + pad;
        BufferedImage img = new BufferedImage(Math.max(w, 1), Math.max(h, 1), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        if (title != null) {
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
            g.drawString(title, pad, 16);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        }
        for (int r = 0; r < rowLabels.size(); r++) {
            g.setColor(Color.DARK_GRAY);
            g.drawString(rowLabels.get(r), 4, titleH + r * (th + capH + pad) + pad + th / 2 + 4);
        }
        for (int i = 0; i < tiles.size(); i++) {
            Tile t = tiles.get(i);
            if (t == null) {
                continue;
            }
            int x0 = labelW + pad + (i % cols) * (tw + pad);
            int y0 = titleH + pad + (i / cols) * (th + capH + pad);
            int scale = fixedScales.getOrDefault(i, Math.max(1, Math.min(tw / t.width(), th / t.height())));
            float range = t.hi() - t.lo();
            for (int y = 0; y < t.height(); y++) {
                for (int x = 0; x < t.width(); x++) {
                    float v = range > 0 ? (t.values()[y * t.width() + x] - t.lo()) / range : 0f;
                    int c = Math.max(0, Math.min(255, Math.round(v * 255)));
                    g.setColor(new Color(c, c, c));
                    g.fillRect(x0 + x * scale, y0 + y * scale, scale, scale);
                }
            }
            if (t.border() != null) {
                g.setColor(t.border());
                g.setStroke(new BasicStroke(2));
                g.drawRect(x0 - 1, y0 - 1, t.width() * scale + 1, t.height() * scale + 1);
            }
            if (t.caption() != null) {
                g.setColor(t.border() != null ? t.border() : Color.BLACK);
                g.drawString(t.caption(), x0, y0 + th + 12);
            }
        }
        g.dispose();
        return img;
    }

    /**
     * Rendered grids as panels of one picture, {@code cols} to a row, each framed in light gray, under an optional
     * title (one line per {@code \n}; the picture is widened to fit it).
     */
    public static BufferedImage sheet(String title, List<BufferedImage> panels, int cols) {
        int pad = 8;
        int lineH = 20;
        Font titleFont = new Font(Font.SANS_SERIF, Font.BOLD, 14);
        String[] lines = title == null ? new String[0] : title.split("\n");
        int pw = panels.stream().mapToInt(BufferedImage::getWidth).max().orElse(1);
        int ph = panels.stream().mapToInt(BufferedImage::getHeight).max().orElse(1);
        int rows = (panels.size() + cols - 1) / cols;
        int titleH = lines.length * lineH + (lines.length > 0 ? 6 : 0);
        BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D pg = probe.createGraphics();
        int titleW = 0;
        for (String l : lines) {
            titleW = Math.max(titleW, pg.getFontMetrics(titleFont).stringWidth(l) + 2 * pad);
        }
        pg.dispose();
        int w = Math.max(cols * (pw + pad) + pad, titleW);
        int h = titleH + rows * (ph + pad) + pad;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        g.setColor(Color.BLACK);
        g.setFont(titleFont);
        for (int i = 0; i < lines.length; i++) {
            g.drawString(lines[i], pad, 18 + i * lineH);
        }
        g.setColor(Color.LIGHT_GRAY);
        for (int i = 0; i < panels.size(); i++) {
            int x0 = pad + (i % cols) * (pw + pad);
            int y0 = titleH + pad + (i / cols) * (ph + pad);
            g.drawImage(panels.get(i), x0, y0, null);
            g.drawRect(x0 - 2, y0 - 2, pw + 3, ph + 3);
        }
        g.dispose();
        return img;
    }
}
