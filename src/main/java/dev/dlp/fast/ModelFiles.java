package dev.dlp.fast;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dlp.config.TrainConfig.Engine;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Model zips in DL4J's own format ({@code configuration.json}, {@code coefficients.bin}, {@code updaterState.bin},
 * as {@code ModelSerializer} writes and reads them), written with DL4J's configuration classes only
 * ({@link FastPaths#stock}) so that any DL4J program can load them, and read back with the fast paths of the
 * chosen engine put in. Zips written before the fast paths were stripped name classes of ours, some of which have
 * since moved: those names are mapped to DL4J's classes on reading.
 */
public final class ModelFiles {
    public static final String CONFIGURATION = "configuration.json";
    public static final String COEFFICIENTS = "coefficients.bin";
    public static final String UPDATER_STATE = "updaterState.bin";
    private static final String NO_PARAMS = "noParams.marker";

    /** dlp 0.1's configuration classes (models and checkpoints up to 2026-11-24) and DL4J's class for each. */
    static final Map<String, String> LEGACY = Map.of(
            "dev.dlp.graph.FastDense", "org.deeplearning4j.nn.conf.layers.DenseLayer",
            "dev.dlp.graph.SoftmaxOutput", "org.deeplearning4j.nn.conf.layers.OutputLayer",
            "dev.dlp.graph.SigmoidXentOutput", "org.deeplearning4j.nn.conf.layers.OutputLayer",
            "dev.dlp.graph.InputConvolution", "org.deeplearning4j.nn.conf.layers.ConvolutionLayer",
            "dev.dlp.graph.NarrowConvolution", "org.deeplearning4j.nn.conf.layers.ConvolutionLayer",
            "dev.dlp.graph.FastLSTM", "org.deeplearning4j.nn.conf.layers.LSTM",
            "dev.dlp.graph.FastReLU", "org.nd4j.linalg.activations.impl.ActivationReLU",
            "dev.dlp.nd4j.FastAdam", "org.nd4j.linalg.learning.config.Adam");
    /** Properties of our configuration classes that DL4J's do not have. */
    private static final String[] OUR_PROPERTIES = {"inputFed"};

    private ModelFiles() {
    }

    /** An extra zip entry (e.g. a checkpoint's loop state). */
    public record Entry(String name, byte[] content) {
    }

    /**
     * Writes {@code g} as a DL4J model zip with DL4J's configuration classes, its parameters and (when
     * {@code withUpdater}) its updater state, then {@code extra} entries.
     */
    public static void write(ComputationGraph g, OutputStream out, boolean withUpdater, Entry... extra)
            throws IOException {
        String json = FastPaths.stock(g.getConfiguration()).toJson();
        try (ZipOutputStream zip = new ZipOutputStream(new BufferedOutputStream(out))) {
            zip.putNextEntry(new ZipEntry(CONFIGURATION));
            zip.write(json.getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
            INDArray params = g.params();
            if (params == null || params.isEmpty()) {
                zip.putNextEntry(new ZipEntry(COEFFICIENTS));
                zip.closeEntry();
                zip.putNextEntry(new ZipEntry(NO_PARAMS));
                zip.closeEntry();
            } else {
                writeArray(zip, COEFFICIENTS, params);
            }
            INDArray state = withUpdater && g.getUpdater(false) != null ? g.getUpdater(false).getStateViewArray()
                    : null;
            if (state != null && state.length() > 0) {
                writeArray(zip, UPDATER_STATE, state);
            }
            for (Entry e : extra) {
                zip.putNextEntry(new ZipEntry(e.name()));
                zip.write(e.content());
                zip.closeEntry();
            }
        }
    }

    private static void writeArray(ZipOutputStream zip, String name, INDArray a) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        DataOutputStream d = new DataOutputStream(new BufferedOutputStream(nonClosing(zip)));
        Nd4j.write(a, d);
        d.flush();
        zip.closeEntry();
    }

    /**
     * Reads a DL4J model zip (ours, old or new, or any DL4J program's ComputationGraph) with the fast paths of
     * {@code engine} put in; the updater state too when {@code withUpdater} and the zip has one.
     */
    public static ComputationGraph read(Path file, boolean withUpdater, Engine engine) throws IOException {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            ZipEntry confEntry = zip.getEntry(CONFIGURATION);
            ZipEntry coefEntry = zip.getEntry(COEFFICIENTS);
            if (confEntry == null || coefEntry == null) {
                throw new IOException("not a DL4J model zip (no " + (confEntry == null ? CONFIGURATION : COEFFICIENTS)
                        + ")");
            }
            String json;
            try (InputStream in = zip.getInputStream(confEntry)) {
                json = stockJson(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
            ComputationGraphConfiguration conf = ComputationGraphConfiguration.fromJson(json);
            INDArray params = zip.getEntry(NO_PARAMS) != null ? null : readArray(zip, coefEntry);
            ZipEntry stateEntry = withUpdater ? zip.getEntry(UPDATER_STATE) : null;
            INDArray state = stateEntry == null ? null : readArray(zip, stateEntry);
            ComputationGraph g = new ComputationGraph(FastPaths.install(conf, engine));
            g.init(params, false);
            if (state != null) {
                g.getUpdater().setStateViewArray(state);
            }
            return g;
        }
    }

    /** The bytes of entry {@code name} of a zip, or null when it has none. */
    public static byte[] entry(Path file, String name) throws IOException {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            ZipEntry e = zip.getEntry(name);
            if (e == null) {
                return null;
            }
            try (InputStream in = zip.getInputStream(e)) {
                return in.readAllBytes();
            }
        }
    }

    private static INDArray readArray(ZipFile zip, ZipEntry e) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(zip.getInputStream(e)))) {
            return Nd4j.read(in);
        }
    }

    /** Model JSON with every configuration class of ours (current or {@link #LEGACY}) replaced by DL4J's. */
    static String stockJson(String json) throws IOException {
        if (!json.contains("\"dev.dlp.")) {
            return json;
        }
        ObjectMapper m = new ObjectMapper();
        JsonNode root = m.readTree(json);
        rewrite(root);
        return m.writerWithDefaultPrettyPrinter().writeValueAsString(root);
    }

    private static void rewrite(JsonNode node) {
        if (node instanceof ObjectNode o && o.path("@class").isTextual()) {
            String cls = o.get("@class").asText();
            String stock = stockName(cls);
            if (!stock.equals(cls)) {
                o.put("@class", stock);
                for (String p : OUR_PROPERTIES) {
                    o.remove(p);
                }
            }
        }
        for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
            rewrite(it.next());
        }
    }

    private static String stockName(String cls) {
        if (LEGACY.containsKey(cls)) {
            return LEGACY.get(cls);
        }
        if (!cls.startsWith("dev.dlp.")) {
            return cls;
        }
        try {
            Class<?> c = Class.forName(cls);
            while (FastConfig.class.isAssignableFrom(c)) {   // a fast path: DL4J's class it stands for
                c = c.getSuperclass();
            }
            return c.getName();
        } catch (ClassNotFoundException e) {
            return cls;
        }
    }

    private static OutputStream nonClosing(OutputStream out) {
        return new java.io.FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                flush();
            }
        };
    }
}
