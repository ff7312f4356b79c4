package dev.dlp.report;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Line charts of per-epoch metrics, from {@code metrics.csv} rows. */
public final class Charts {
    private Charts() {
    }

    /** A scatter plot of 2-D points coloured by an integer class (e.g. PCA of codes by digit). */
    public static void scatter(Path out, String title, double[][] xy, int[] classes, int numClasses) {
        XYChart chart = new XYChartBuilder().width(700).height(600).title(title).xAxisTitle("PC 1")
                .yAxisTitle("PC 2").build();
        chart.getStyler().setDefaultSeriesRenderStyle(org.knowm.xchart.XYSeries.XYSeriesRenderStyle.Scatter);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setMarkerSize(4);
        for (int c = 0; c < numClasses; c++) {
            List<Double> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            for (int i = 0; i < xy.length; i++) {
                if (classes[i] == c) {
                    xs.add(xy[i][0]);
                    ys.add(xy[i][1]);
                }
            }
            if (!xs.isEmpty()) {
                chart.addSeries(String.valueOf(c), xs, ys).setMarker(SeriesMarkers.CIRCLE);
            }
        }
        Png.write(out, BitmapEncoder.getBufferedImage(chart));
    }

    /** One panel: the named columns against epoch. Columns missing from the rows are skipped. */
    public record Panel(String title, String yAxis, List<String> columns) {
    }

    /** Panels side by side in one PNG. Panels with no data are left out. */
    public static void curves(Path out, List<Map<String, String>> rows, List<Panel> panels) {
        List<BufferedImage> images = new ArrayList<>();
        for (Panel p : panels) {
            XYChart chart = new XYChartBuilder().width(560).height(400).title(p.title()).xAxisTitle("epoch")
                    .yAxisTitle(p.yAxis()).build();
            chart.getStyler().setChartBackgroundColor(Color.WHITE);
            chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNE);
            chart.getStyler().setDecimalPattern("#0.####");
            int series = 0;
            for (String col : p.columns()) {
                List<Double> xs = new ArrayList<>();
                List<Double> ys = new ArrayList<>();
                for (Map<String, String> r : rows) {
                    String v = r.get(col);
                    if (v != null && !v.isBlank()) {
                        try {
                            double y = Double.parseDouble(v);
                            if (Double.isFinite(y)) {
                                xs.add(Double.parseDouble(r.get("epoch")));
                                ys.add(y);
                            }
                        } catch (NumberFormatException ignored) {
                            // non-numeric cell: not plotted
                        }
                    }
                }
                if (!xs.isEmpty()) {
                    chart.addSeries(col, xs, ys).setMarker(SeriesMarkers.CIRCLE);
                    series++;
                }
            }
            if (series > 0) {
                images.add(BitmapEncoder.getBufferedImage(chart));
            }
        }
        if (images.isEmpty()) {
            return;
        }
        int w = images.stream().mapToInt(BufferedImage::getWidth).sum();
        int h = images.stream().mapToInt(BufferedImage::getHeight).max().orElse(1);
        BufferedImage all = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = all.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        int x = 0;
        for (BufferedImage im : images) {
            g.drawImage(im, x, 0, null);
            x += im.getWidth();
        }
        g.dispose();
        Png.write(out, all);
    }

    /** One run's metrics rows under a label. */
    public record Series(String label, List<Map<String, String>> rows) {
    }

    /** One chart: column {@code column} against epoch, a curve per series; returns the number of curves drawn. */
    public static int compare(Path out, String title, String column, List<Series> series) {
        XYChart chart = new XYChartBuilder().width(900).height(600).title(title).xAxisTitle("epoch")
                .yAxisTitle(column).build();
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideE);
        chart.getStyler().setDecimalPattern("#0.####");
        int drawn = 0;
        java.util.Set<String> used = new java.util.HashSet<>();
        for (Series s : series) {
            List<Double> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            for (Map<String, String> r : s.rows()) {
                try {
                    double y = Double.parseDouble(r.getOrDefault(column, ""));
                    if (Double.isFinite(y)) {
                        xs.add(Double.parseDouble(r.get("epoch")));
                        ys.add(y);
                    }
                } catch (NumberFormatException | NullPointerException ignored) {
                    // no value in this row
                }
            }
            if (!xs.isEmpty()) {
                String label = s.label();
                for (int k = 2; !used.add(label); k++) {
                    label = s.label() + " (" + k + ")";   // XChart needs distinct series names
                }
                chart.addSeries(label, xs, ys).setMarker(SeriesMarkers.CIRCLE);
                drawn++;
            }
        }
        Png.write(out, BitmapEncoder.getBufferedImage(chart));
        return drawn;
    }
}
