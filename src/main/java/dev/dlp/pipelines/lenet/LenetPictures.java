package dev.dlp.pipelines.lenet;

import dev.dlp.data.Mnist;
import dev.dlp.report.Charts;
import dev.dlp.report.ImageGrid;
import dev.dlp.report.Png;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.awt.Color;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** The pictures of a {@code lenet} run: curves, first-layer filters, feature maps, predictions. */
final class LenetPictures {
    private static final int MAX_CHANNELS = 16;

    private LenetPictures() {
    }

    static void curves(Path out, List<Map<String, String>> rows) {
        Charts.curves(out, rows, List.of(
                new Charts.Panel("loss", "cross-entropy", List.of("train_loss", "val_loss")),
                new Charts.Panel("accuracy", "accuracy", List.of("val_accuracy"))));
    }

    /** Conv layers in graph order (by their configuration), then pooling layers right after them. */
    static List<String> convAndPoolLayers(ComputationGraph g) {
        List<String> names = new ArrayList<>();
        for (String v : g.getConfiguration().getTopologicalOrderStr()) {
            Layer l = g.getLayer(v);
            if (l != null && (l.conf().getLayer() instanceof ConvolutionLayer
                    || l.conf().getLayer() instanceof SubsamplingLayer)) {
                names.add(v);
            }
        }
        return names;
    }

    /** The first conv layer's kernels, one tile per (output, input) channel pair. False when there is none. */
    static boolean filters(Path out, ComputationGraph g) {
        for (String v : convAndPoolLayers(g)) {
            Layer l = g.getLayer(v);
            if (l.conf().getLayer() instanceof ConvolutionLayer) {
                INDArray w = l.getParam("W"); // [nOut, nIn, kH, kW]
                long nOut = w.size(0);
                long nIn = w.size(1);
                int kh = (int) w.size(2);
                int kw = (int) w.size(3);
                ImageGrid grid = new ImageGrid((int) Math.min(nOut, 8), Math.max(4, 64 / Math.max(kh, kw)))
                        .title(v + " filters (" + nOut + "x" + nIn + "x" + kh + "x" + kw + "), white = positive");
                for (int o = 0; o < nOut; o++) {
                    for (int i = 0; i < Math.min(nIn, 3); i++) {
                        INDArray k = w.get(org.nd4j.linalg.indexing.NDArrayIndex.point(o),
                                org.nd4j.linalg.indexing.NDArrayIndex.point(i)).dup('c');
                        grid.addNormalised(k.data().asFloat(), kw, kh, "#" + o);
                    }
                }
                Png.write(out, grid.render());
                return true;
            }
        }
        return false;
    }

    /** Activations of every conv and pooling layer for a few test digits. False when there are none. */
    static boolean featureMaps(Path out, ComputationGraph g, Mnist.Images test, int digits) {
        List<String> layers = convAndPoolLayers(g);
        if (layers.isEmpty()) {
            return false;
        }
        int n = Math.min(digits, test.size());
        INDArray x = Nd4j.create(Arrays.copyOf(test.pixels(), n * Mnist.PIXELS),
                new long[]{n, Mnist.PIXELS}, 'c');
        Map<String, INDArray> acts = g.feedForward(x, false);
        ImageGrid grid = new ImageGrid(MAX_CHANNELS + 1, 3).title("feature maps: each row one layer's channels");
        for (int d = 0; d < n; d++) {
            for (String layer : layers) {
                INDArray a = acts.get(layer); // [n, c, h, w]
                grid.rowLabel("digit " + test.labels()[d] + " " + layer);
                grid.addNormalised(Arrays.copyOfRange(test.pixels(), d * Mnist.PIXELS,
                        (d + 1) * Mnist.PIXELS), Mnist.COLS, Mnist.ROWS, null);
                long c = Math.min(a.size(1), MAX_CHANNELS);
                int h = (int) a.size(2);
                int w = (int) a.size(3);
                for (int ch = 0; ch < c; ch++) {
                    INDArray map = a.get(org.nd4j.linalg.indexing.NDArrayIndex.point(d),
                            org.nd4j.linalg.indexing.NDArrayIndex.point(ch)).dup('c');
                    grid.addNormalised(map.data().asFloat(), w, h, null);
                }
                grid.newRow();
            }
        }
        Png.write(out, grid.render());
        return true;
    }

    /** A grid of test digits captioned "predicted (true)"; mistakes in red, and some of them always shown. */
    static void predictions(Path out, Mnist.Images test, int[] predicted, int count) {
        List<Integer> shown = new ArrayList<>();
        List<Integer> wrong = new ArrayList<>();
        for (int i = 0; i < test.size() && wrong.size() < count / 4; i++) {
            if (predicted[i] != test.labels()[i]) {
                wrong.add(i);
            }
        }
        for (int i = 0; i < test.size() && shown.size() < count - wrong.size(); i++) {
            if (!wrong.contains(i)) {
                shown.add(i);
            }
        }
        shown.addAll(wrong);
        ImageGrid grid = new ImageGrid(10, 3).title("test digits: predicted (true); mistakes in red");
        for (int i : shown) {
            boolean ok = predicted[i] == test.labels()[i];
            grid.add(new ImageGrid.Tile(Arrays.copyOfRange(test.pixels(), i * Mnist.PIXELS,
                    (i + 1) * Mnist.PIXELS), Mnist.COLS, Mnist.ROWS, 0f, 1f,
                    predicted[i] + " (" + test.labels()[i] + ")", ok ? null : Color.RED));
        }
        Png.write(out, grid.render());
    }
}
