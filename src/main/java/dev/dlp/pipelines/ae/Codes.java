package dev.dlp.pipelines.ae;

import dev.dlp.data.Mnist;
import dev.dlp.nd4j.HostArrays;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;

/** The activations of the code (bottleneck) layer for a set of images, flattened per example. */
record Codes(float[] values, int count, int width, int[] labels) {
    private static final int BATCH = 500;

    static Codes compute(ComputationGraph g, String layer, float[] inputs, int[] labels) {
        Collector c = new Collector(layer, labels);
        for (int from = 0; from < labels.length; from += BATCH) {
            int b = Math.min(BATCH, labels.length - from);
            c.pass(g, HostArrays.floats(inputs, from * Mnist.PIXELS, b, Mnist.PIXELS), from);
        }
        return c.codes();
    }

    /** Collects the code layer's activations batch by batch, from the passes that compute the network's output. */
    static final class Collector {
        private final String layer;
        private final int[] labels;
        private float[] values;
        private int width;

        Collector(String layer, int[] labels) {
            this.layer = layer;
            this.labels = labels;
        }

        /**
         * The network's output for the batch {@code x} of examples from {@code from} on, keeping its code layer's
         * activations: one inference pass for both, in DL4J's workspaces. (DL4J M2.1's {@code output} for a hidden
         * layer alone fails its end-of-pass workspace check on dense graphs; {@code feedForward} detaches every
         * activation and took 3.9 s for conv-ae's 10k test images where this takes under 1 s.)
         */
        INDArray pass(ComputationGraph g, INDArray x, int from) {
            INDArray[] out = g.output(List.of(layer, g.getConfiguration().getNetworkOutputs().get(0)), false,
                    new INDArray[]{x}, null);
            float[] flat = out[0].dup('c').data().asFloat();
            int b = (int) x.size(0);
            if (values == null) {
                width = flat.length / b;
                values = new float[labels.length * width];
            }
            System.arraycopy(flat, 0, values, from * width, flat.length);
            return out[1];
        }

        Codes codes() {
            return new Codes(values, labels.length, width, labels);
        }
    }
}
