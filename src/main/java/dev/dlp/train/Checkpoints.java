package dev.dlp.train;

import dev.dlp.config.ConfigLoader;
import dev.dlp.run.AtomicFiles;
import org.deeplearning4j.nn.graph.ComputationGraph;
import dev.dlp.config.TrainConfig.Engine;
import dev.dlp.fast.ModelFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Checkpoints in {@code <run>/checkpoints/}: each a DL4J model zip (parameters and updater state) with a
 * {@code dlp-state.json} entry holding the loop position, RNG seed, best metric and architecture hash. Written to
 * a temp file and renamed; only the newest {@code keepLast} are kept.
 */
public final class Checkpoints {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Checkpoints.class);
    static final String STATE_ENTRY = "dlp-state.json";
    private static final Pattern NAME = Pattern.compile("checkpoint-e(\\d+)-b(\\d+)\\.zip");

    private final Path dir;
    private final int keepLast;

    public Checkpoints(Path dir, int keepLast) {
        this.dir = dir;
        this.keepLast = keepLast;
    }

    /**
     * Where the loop stands. {@code epoch}/{@code batch} is the next batch to train (batch 0 of the next epoch
     * after a full epoch).
     */
    public record State(int epoch, int batch, int iteration, long seed, String architecture, double bestMetric,
                        int bestEpoch, int epochsWithoutImprovement, double epochLossSum, long epochLossCount,
                        double epochTrainSeconds, double wallSeconds) {
    }

    /** A checkpoint on disk. */
    public record Entry(Path file, int epoch, int batch) {
    }

    public Path save(ComputationGraph graph, State state) {
        String name = String.format("checkpoint-e%04d-b%06d.zip", state.epoch(), state.batch());
        Path target = dir.resolve(name);
        AtomicFiles.write(target, tmp -> {
            try (java.io.OutputStream out = Files.newOutputStream(tmp)) {
                ModelFiles.write(graph, out, true, new ModelFiles.Entry(STATE_ENTRY,
                        ConfigLoader.json().writeValueAsBytes(state)));
            }
        });
        prune();
        return target;
    }

    private void prune() {
        List<Entry> all = list();
        for (int i = 0; i < all.size() - keepLast; i++) {
            try {
                Files.deleteIfExists(all.get(i).file());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Checkpoints oldest first. */
    public List<Entry> list() {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Entry> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.forEach(p -> {
                Matcher m = NAME.matcher(p.getFileName().toString());
                if (m.matches()) {
                    out.add(new Entry(p, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))));
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.sort(Comparator.comparingInt(Entry::epoch).thenComparingInt(Entry::batch));
        return out;
    }

    public Optional<Entry> latest() {
        List<Entry> all = list();
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }

    /** A checkpoint that reads: its file and loop state. */
    public record Readable(Entry entry, State state) {
    }

    /**
     * The newest checkpoint that reads whole (every zip entry passes its CRC check, the loop state parses). A newer
     * one that does not (truncated by a crash mid-write elsewhere, a bad disk) is renamed {@code *.corrupt}, so
     * that it is kept for inspection and never mistaken for a good one, with a warning naming it.
     */
    public Optional<Readable> newestReadable() {
        List<Entry> all = list();
        for (int i = all.size() - 1; i >= 0; i--) {
            Entry e = all.get(i);
            try {
                verify(e.file());
                return Optional.of(new Readable(e, readState(e.file())));
            } catch (IOException | RuntimeException ex) {
                Path aside = e.file().resolveSibling(e.file().getFileName() + ".corrupt");
                LOG.warn("checkpoint {} is unreadable ({}); moved aside to {}, trying the one before", e.file()
                        .getFileName(), ex.getMessage(), aside.getFileName());
                try {
                    Files.move(e.file(), aside, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                } catch (IOException moveFailed) {
                    throw new UncheckedIOException("cannot move the unreadable checkpoint " + e.file() + " aside: "
                            + moveFailed.getMessage(), moveFailed);
                }
            }
        }
        return Optional.empty();
    }

    /** Reads every entry of a zip through (CRC-checked), requiring the model and state entries. */
    static void verify(Path zip) throws IOException {
        java.util.Set<String> seen = new java.util.HashSet<>();
        try (java.util.zip.ZipFile z = new java.util.zip.ZipFile(zip.toFile())) {
            for (var it = z.entries().asIterator(); it.hasNext(); ) {
                java.util.zip.ZipEntry en = it.next();
                try (java.io.InputStream in = z.getInputStream(en)) {
                    in.transferTo(java.io.OutputStream.nullOutputStream());
                }
                seen.add(en.getName());
            }
        }
        for (String required : List.of(ModelFiles.CONFIGURATION, ModelFiles.COEFFICIENTS, STATE_ENTRY)) {
            if (!seen.contains(required)) {
                throw new IOException("no " + required);
            }
        }
    }

    public static State readState(Path checkpoint) {
        try {
            byte[] json = ModelFiles.entry(checkpoint, STATE_ENTRY);
            if (json == null) {
                throw new IOException("no " + STATE_ENTRY);
            }
            return ConfigLoader.json().readValue(json, State.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read checkpoint state from " + checkpoint + ": " + e.getMessage(), e);
        }
    }

    /** The model and updater state of a checkpoint, with the fast paths of {@code engine}. */
    public static ComputationGraph readGraph(Path checkpoint, Engine engine) {
        try {
            return ModelFiles.read(checkpoint, true, engine);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read checkpoint " + checkpoint + ": " + e.getMessage(), e);
        }
    }
}
