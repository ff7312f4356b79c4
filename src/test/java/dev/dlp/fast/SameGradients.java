package dev.dlp.fast;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Checks that a layer of ours gives the same score and parameter gradients as DL4J's inside a whole graph. */
final class SameGradients {
    private SameGradients() {
    }

    /** Relative error of two arrays: |a - b| / max(|a|, |b|). */
    static double relError(INDArray a, INDArray b) {
        double scale = Math.max(a.norm2Number().doubleValue(), b.norm2Number().doubleValue());
        return a.sub(b).norm2Number().doubleValue() / Math.max(scale, 1e-12);
    }

    /**
     * Runs one forward/backward pass of both graphs on {@code x}/{@code labels}; asserts equal scores (within
     * {@code scoreTolerance}) and every parameter gradient non-zero and within relative error 1e-4.
     */
    static void assertSame(ComputationGraph dl4j, ComputationGraph ours, INDArray x, INDArray labels,
                           double scoreTolerance) {
        for (ComputationGraph g : List.of(dl4j, ours)) {
            g.setInputs(x);
            g.setLabels(labels);
            g.computeGradientAndScore();
        }
        assertEquals(dl4j.score(), ours.score(), scoreTolerance);
        Map<String, INDArray> expected = dl4j.gradient().gradientForVariable();
        Map<String, INDArray> actual = ours.gradient().gradientForVariable();
        assertEquals(expected.keySet(), actual.keySet());
        for (String k : expected.keySet()) {
            double err = relError(expected.get(k), actual.get(k));
            assertTrue(err < 1e-4, k + ": relative error " + err);
            assertTrue(expected.get(k).norm2Number().doubleValue() > 0, k + " gradient is zero");
        }
    }
}
