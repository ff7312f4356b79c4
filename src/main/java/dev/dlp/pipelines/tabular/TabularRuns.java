package dev.dlp.pipelines.tabular;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dlp.config.ConfigException;
import dev.dlp.config.ConfigLoader;
import dev.dlp.data.DataException;
import dev.dlp.data.Table;
import dev.dlp.nd4j.HostArrays;
import dev.dlp.pipelines.Launcher;
import dev.dlp.run.AtomicFiles;
import org.deeplearning4j.nn.graph.ComputationGraph;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Run-directory pieces of the tabular pipelines: the saved encoding, model outputs, {@code predict}. */
public final class TabularRuns {
    static final String PREPROCESSING = "preprocessing.json";

    private TabularRuns() {
    }

    /** Reads a CSV, naming the config key when the default file is missing. */
    public static Table read(Path file, List<String> columns, String howToGet) {
        if (!Files.isRegularFile(file)) {
            throw new DataException(file + ": no such file" + (howToGet == null ? "" : "; " + howToGet));
        }
        return Table.read(file, columns);
    }

    /** The network's outputs (first column) for encoded rows. */
    public static double[] outputs(ComputationGraph g, double[][] x) {
        if (x.length == 0) {
            return new double[0];
        }
        int d = x[0].length;
        float[] flat = new float[x.length * d];
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < d; j++) {
                flat[i * d + j] = (float) x[i][j];
            }
        }
        float[] out = g.output(false, HostArrays.floats(flat, 0, x.length, d))[0].data().asFloat();
        double[] r = new double[x.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = out[i];
        }
        return r;
    }

    /** Saves the encoding (and what the output means) next to the model. */
    public static void saveEncoding(Path runDir, Encoding enc, String outputKind) {
        ObjectNode n = ConfigLoader.json().createObjectNode();
        n.put("output", outputKind);
        n.set("encoding", ConfigLoader.json().valueToTree(enc));
        try {
            AtomicFiles.writeString(runDir.resolve(PREPROCESSING),
                    ConfigLoader.json().writerWithDefaultPrettyPrinter().writeValueAsString(n) + "\n");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What {@code predict} prints for one set of {@code col=value} inputs. */
    public record Prediction(String output, double value) {
    }

    /** Loads a run's encoding and model and evaluates {@code col=value} inputs. */
    public static Prediction predict(Path runDir, List<String> assignments) {
        Path pre = runDir.resolve(PREPROCESSING);
        if (!Files.isRegularFile(pre)) {
            throw new ConfigException("--model", runDir + " has no " + PREPROCESSING + " (not a finished run of "
                    + "regress/admit?)");
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (String a : assignments) {
            int eq = a.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException(a, "expected col=value");
            }
            values.put(a.substring(0, eq).trim(), a.substring(eq + 1).trim());
        }
        String output;
        Encoding enc;
        try {
            ObjectNode n = (ObjectNode) ConfigLoader.json().readTree(pre.toFile());
            output = n.path("output").asText();
            enc = ConfigLoader.json().treeToValue(n.get("encoding"), Encoding.class);
        } catch (IOException | RuntimeException e) {
            throw new DataException(pre + ": unreadable (" + e.getMessage() + ")", e);
        }
        double[] x = enc.encode(values);
        ComputationGraph g = Launcher.loadModel(runDir, 1);
        return new Prediction(output, enc.unscale(outputs(g, new double[][]{x})[0]));
    }
}
