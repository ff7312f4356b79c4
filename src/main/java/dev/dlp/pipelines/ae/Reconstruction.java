package dev.dlp.pipelines.ae;

import dev.dlp.data.Mnist;
import dev.dlp.fast.Workers;
import dev.dlp.nd4j.HostArrays;
import dev.dlp.train.OutputLoss;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One inference pass over (input, clean target) images: per-pixel binary cross-entropy and MSE, the network's loss
 * and the code layer's activations.
 */
final class Reconstruction {
    private static final int BATCH = 500;
    private static final double EPS = 1e-7;

    private Reconstruction() {
    }

    /**
     * @param bce        mean binary cross-entropy per pixel
     * @param mse        mean squared error per pixel
     * @param firstOut   reconstructions of the first {@code keep} examples, 784 floats each
     * @param loss       the network's own loss (DL4J's score, as {@code val_loss}) from the same pass; NaN without
     *                   an {@link OutputLoss}
     */
    record Result(double bce, double mse, float[] firstOut, double loss) {
    }

    /**
     * {@code loss}: the network's {@link OutputLoss} to score the pass with, or null; {@code codes}: where to keep
     * the code layer's activations from the same pass, or null (the pass is then cut between any open workers).
     */
    static Result evaluate(ComputationGraph g, float[] inputs, float[] targets, int keep, OutputLoss loss,
                           Codes.Collector codes) {
        int n = targets.length / Mnist.PIXELS;
        double lossSum = 0;
        double bce = 0;
        double mse = 0;
        float[] first = new float[Math.min(keep, n) * Mnist.PIXELS];
        for (int from = 0; from < n; from += BATCH) {
            int b = Math.min(BATCH, n - from);
            INDArray x = HostArrays.floats(inputs, from * Mnist.PIXELS, b, Mnist.PIXELS);
            // [b, 784] or [b, 1, 28, 28]
            INDArray output = codes == null ? Workers.output(g, x) : codes.pass(g, x, from);
            if (loss != null) {
                lossSum += loss.sum(output, HostArrays.floats(targets, from * Mnist.PIXELS, output.shape()), null);
            }
            float[] out = output.dup('c').data().asFloat();
            for (int i = 0; i < out.length; i++) {
                double y = targets[from * Mnist.PIXELS + i];
                double p = Math.min(1 - EPS, Math.max(EPS, out[i]));
                bce -= y * Math.log(p) + (1 - y) * Math.log(1 - p);
                mse += (out[i] - y) * (out[i] - y);
            }
            int copy = Math.min(first.length - from * Mnist.PIXELS, out.length);
            if (copy > 0) {
                System.arraycopy(out, 0, first, from * Mnist.PIXELS, copy);
            }
        }
        long pixels = (long) n * Mnist.PIXELS;
        return new Result(bce / pixels, mse / pixels, first, loss == null ? Double.NaN : loss.mean(lossSum, n));
    }
}
