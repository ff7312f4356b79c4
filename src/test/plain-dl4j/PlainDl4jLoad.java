import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.DataInputStream;
import java.io.File;
import java.io.FileInputStream;

/**
 * What a user's program does with a model dlp wrote: run by the tests in a JVM whose class path has DL4J and ND4J
 * but not dlp (as a single-file source program, so it is not compiled with dlp's classes). For each
 * {@code MODEL.zip INPUTS.bin... -- EXPECTED.bin} group it restores the model with DL4J's ModelSerializer, runs
 * it and prints the largest absolute difference from dlp's output: {@code diff <zip> <value>}.
 * Arguments: groups separated by {@code ;}: {@code zip nInputs in1 ... expected}.
 */
public class PlainDl4jLoad {
    public static void main(String[] args) throws Exception {
        int i = 0;
        while (i < args.length) {
            String zip = args[i++];
            int n = Integer.parseInt(args[i++]);
            INDArray[] in = new INDArray[n];
            for (int k = 0; k < n; k++) {
                in[k] = read(args[i++]);
            }
            INDArray expected = read(args[i++]);
            ComputationGraph g = ModelSerializer.restoreComputationGraph(new File(zip), true);
            INDArray out = g.output(false, in)[0];
            double diff = out.castTo(expected.dataType()).sub(expected).amaxNumber().doubleValue();
            System.out.println("diff " + zip + " " + diff + " updater " + (g.getUpdater().getStateViewArray() == null
                    ? 0 : g.getUpdater().getStateViewArray().length()));
        }
    }

    private static INDArray read(String file) throws Exception {
        try (DataInputStream d = new DataInputStream(new FileInputStream(file))) {
            return Nd4j.read(d);
        }
    }
}
