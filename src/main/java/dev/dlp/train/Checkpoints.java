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
