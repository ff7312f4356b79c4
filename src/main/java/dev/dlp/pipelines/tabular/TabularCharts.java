package dev.dlp.pipelines.tabular;

import dev.dlp.report.Png;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Scatter plots with fitted lines and decision boundaries for the tabular pipelines. */
public final class TabularCharts {
    private TabularCharts() {
    }

    public static XYChart chart(String title, String xAxis, String yAxis) {
        XYChart c = new XYChartBuilder().width(620).height(480).title(title).xAxisTitle(xAxis).yAxisTitle(yAxis)
                .build();
        c.getStyler().setChartBackgroundColor(Color.WHITE);
        c.getStyler().setMarkerSize(5);
        c.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNW);
        return c;
    }

    public static void points(XYChart c, String name, double[] x, double[] y, Color color) {
        if (x.length == 0) {
            return;
        }
        XYSeries s = c.addSeries(name, x, y);
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        s.setMarker(SeriesMarkers.CIRCLE);
        if (color != null) {
            s.setMarkerColor(color);
        }
    }

    public static void line(XYChart c, String name, double[] x, double[] y, Color color) {
        if (x.length == 0) {
            return;
        }
        XYSeries s = c.addSeries(name, x, y);
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        s.setMarker(SeriesMarkers.NONE);
        if (color != null) {
            s.setLineColor(color);
        }
    }

    /** Points of class 0 and class 1 in two colours. */
    public static void classes(XYChart c, double[] x, double[] y, double[] cls, String label0, String label1) {
        List<double[]> zero = new ArrayList<>();
        List<double[]> one = new ArrayList<>();
        for (int i = 0; i < x.length; i++) {
            (cls[i] >= 0.5 ? one : zero).add(new double[]{x[i], y[i]});
        }
        points(c, label0, zero.stream().mapToDouble(p -> p[0]).toArray(), zero.stream().mapToDouble(p -> p[1])
                .toArray(), new Color(0x1f, 0x77, 0xb4));
        points(c, label1, one.stream().mapToDouble(p -> p[0]).toArray(), one.stream().mapToDouble(p -> p[1])
                .toArray(), new Color(0xd6, 0x27, 0x28));
    }

    /** Charts side by side (and wrapped after {@code perRow}) into one PNG. */
    public static void write(Path out, List<XYChart> charts, int perRow) {
        List<BufferedImage> imgs = charts.stream().map(BitmapEncoder::getBufferedImage).toList();
        int w = imgs.get(0).getWidth();
        int h = imgs.get(0).getHeight();
        int cols = Math.min(perRow, imgs.size());
        int rows = (imgs.size() + cols - 1) / cols;
        BufferedImage all = new BufferedImage(cols * w, rows * h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = all.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, all.getWidth(), all.getHeight());
        for (int i = 0; i < imgs.size(); i++) {
            g.drawImage(imgs.get(i), (i % cols) * w, (i / cols) * h, null);
        }
        g.dispose();
        Png.write(out, all);
    }

    /** min and max of {@code v}, widened by 5%. */
    public static double[] range(double[] v) {
        double lo = Arrays.stream(v).min().orElse(0);
        double hi = Arrays.stream(v).max().orElse(1);
        double pad = (hi - lo) * 0.05 + 1e-9;
        return new double[]{lo - pad, hi + pad};
    }

    public static double[] linspace(double lo, double hi, int n) {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = lo + (hi - lo) * i / (n - 1);
        }
        return out;
    }
}
