package dev.dlp.pipelines.ae;

import dev.dlp.data.Mnist;
import dev.dlp.nd4j.HostArrays;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;

/** The activations of the code (bottleneck) layer for a set of images, flattened per example. */
record Codes(float[] values, int count, int width, int[] labels) {
    private static final int BATCH = 500;

    static Codes compute(ComputationGraph g, String layer, float[] inputs, int[] labels) {
        int n = labels.length;
        float[] values = null;
        int width = 0;
        for (int from = 0; from < n; from += BATCH) {
            int b = Math.min(BATCH, n - from);
            INDArray x = HostArrays.floats(inputs, from * Mnist.PIXELS, b, Mnist.PIXELS);
            Map<String, INDArray> acts = g.feedForward(new INDArray[]{x}, g.getLayer(layer).getIndex(), false);
            INDArray a = acts.get(layer);
            if (a == null) {
                throw new IllegalStateException("no activations for layer " + layer);
            }
            float[] flat = a.dup('c').data().asFloat();
            if (values == null) {
                width = flat.length / b;
                values = new float[n * width];
            }
            System.arraycopy(flat, 0, values, from * width, flat.length);
        }
        return new Codes(values, n, width, labels);
    }
}
