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

    /**
     * {@code g} saved as dlp saves models and read back with the fast paths: asserts the zip names DL4J's classes
     * only and that the updater state came back.
     */
    static ComputationGraph roundTrip(ComputationGraph g) throws java.io.IOException {
        java.nio.file.Path zip = java.nio.file.Files.createTempFile("roundtrip", ".zip");
        try {
            try (java.io.OutputStream out = java.nio.file.Files.newOutputStream(zip)) {
                ModelFiles.write(g, out, true);
            }
            String json = new String(ModelFiles.entry(zip, ModelFiles.CONFIGURATION),
                    java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(!json.contains("dev.dlp"), "the saved configuration names a class of ours");
            ComputationGraph back = ModelFiles.read(zip, true, dev.dlp.config.TrainConfig.Engine.FAST);
            assertEquals(g.getUpdater().getStateViewArray(), back.getUpdater().getStateViewArray());
            assertEquals(g.params(), back.params());
            return back;
        } finally {
            java.nio.file.Files.deleteIfExists(zip);
        }
    }

    /** Asserts that layer {@code name} of {@code g} is one of ours and took its fast pass every training pass. */
    static void assertFastRan(ComputationGraph g, String name) {
        PathUse u = ((PathUse.Traced) g.getLayer(name)).pathUse();
        assertTrue(u.fastPasses() > 0 && u.declinedPasses() == 0, name + ": fast " + u.fastPasses() + ", declined "
                + u.declinedPasses() + " " + u.reasons());
    }

    /**
     * Runs one forward/backward pass of both graphs on {@code x}/{@code labels}; asserts layer {@code name}'s
     * activations, the score and every parameter gradient equal to the bit, and that {@code ours}' layer
     * {@code name} took its fast pass.
     */
    static void assertSameBits(ComputationGraph dl4j, ComputationGraph ours, INDArray x, INDArray labels,
                               String name) {
        assertEquals(dl4j.feedForward(x, false).get(name), ours.feedForward(x, false).get(name), name + " activations");
        for (ComputationGraph g : List.of(dl4j, ours)) {
            g.setInputs(x);
            g.setLabels(labels);
            g.computeGradientAndScore();
        }
        assertEquals(dl4j.score(), ours.score());
        assertEquals(dl4j.gradient().gradient(), ours.gradient().gradient(), "every parameter gradient, bit for bit");
        assertFastRan(ours, name);
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
