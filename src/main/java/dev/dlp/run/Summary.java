package dev.dlp.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dlp.config.ConfigLoader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@code summary.json}: what a run is and how it went. Rewritten atomically whenever it changes. */
public final class Summary {
    public static final String RUNNING = "running";
    public static final String COMPLETED = "completed";
    public static final String INTERRUPTED = "interrupted";
    public static final String DIVERGED = "diverged";
    public static final String FAILED = "failed";

    private final Path file;
    private final ObjectNode root;

    private Summary(Path file, ObjectNode root) {
        this.file = file;
        this.root = root;
    }

    public static Summary create(Path file) {
        return new Summary(file, ConfigLoader.json().createObjectNode());
    }

    /** Reads an existing summary (resume); a missing or unreadable one starts empty. */
    public static Summary read(Path file) {
        try {
            if (Files.exists(file)) {
                return new Summary(file, (ObjectNode) ConfigLoader.json().readTree(file.toFile()));
            }
        } catch (IOException | ClassCastException e) {
            // fall through: start a fresh summary
        }
        return create(file);
    }

    public ObjectNode root() {
        return root;
    }

    public Summary put(String key, Object value) {
        root.set(key, ConfigLoader.json().valueToTree(value));
        return this;
    }

    /**
     * The number a run is ranked by in sweeps and the run table, e.g. test accuracy (higher is better) or test
     * MSE (lower is better). A value that is not finite (no number yet, a diverged run) is left out, as JSON has no
     * NaN: the run table shows "-" and sweeps rank the run last.
     */
    public Summary mainMetric(String name, double value, boolean higherIsBetter) {
        com.fasterxml.jackson.databind.node.ObjectNode m = root.putObject("main_metric");
        m.put("name", name);
        if (Double.isFinite(value)) {
            m.put("value", value);
        }
        m.put("goal", higherIsBetter ? "max" : "min");
        return this;
    }

    public String status() {
        return root.path("status").asText("");
    }

    public void save() {
        try {
            AtomicFiles.writeString(file, ConfigLoader.json().writerWithDefaultPrettyPrinter()
                    .writeValueAsString(root) + "\n");
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(new IOException(e));
        }
    }
}
