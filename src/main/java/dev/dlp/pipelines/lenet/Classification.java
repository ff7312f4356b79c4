package dev.dlp.pipelines.lenet;

import dev.dlp.data.Mnist;
import dev.dlp.fast.Workers;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/** One inference pass over a labelled MNIST split: DL4J's Evaluation, mean cross-entropy and predictions. */
final class Classification {
    private static final int BATCH = 1000;

    private Classification() {
    }

    record Result(Evaluation evaluation, double loss, int[] predicted, float[] confidence) {
        double accuracy() {
            return evaluation.accuracy();
        }
    }

    static Result evaluate(ComputationGraph g, Mnist.Images data) {
        Evaluation ev = new Evaluation(Mnist.CLASSES);
        int n = data.size();
        int[] predicted = new int[n];
        float[] confidence = new float[n];
        double lossSum = 0;
        float[] oneHot = data.oneHot();
        for (int from = 0; from < n; from += BATCH) {
            int b = Math.min(BATCH, n - from);
            INDArray x = dev.dlp.nd4j.HostArrays.floats(data.pixels(), from * Mnist.PIXELS, b, Mnist.PIXELS);
            INDArray y = dev.dlp.nd4j.HostArrays.floats(oneHot, from * Mnist.CLASSES, b, Mnist.CLASSES);
            INDArray p = Workers.output(g, x);
            ev.eval(y, p);
            lossSum -= Transforms.log(p.add(1e-12f), false).muli(y).sumNumber().doubleValue();
            INDArray arg = p.argMax(1);
            INDArray max = p.max(1);
            for (int i = 0; i < b; i++) {
                predicted[from + i] = arg.getInt(i);
                confidence[from + i] = max.getFloat(i);
            }
        }
        return new Result(ev, lossSum / n, predicted, confidence);
    }
}
