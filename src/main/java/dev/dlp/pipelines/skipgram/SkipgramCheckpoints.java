package dev.dlp.pipelines.skipgram;

import dev.dlp.run.AtomicFiles;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Epoch checkpoints of a skipgram run, {@code checkpoints/skipgram-eEEEE.bin}: the epochs done, the words processed
 * (the learning rate's position), a fingerprint of the vocabulary, and both vector tables. The workers' random
 * draws are a function of (seed, epoch, worker), so nothing else is needed to continue exactly (with one thread,
 * bit for bit). Written atomically; the newest {@link #KEEP} are kept; an unreadable newest one is skipped.
 */
final class SkipgramCheckpoints {
    static final int KEEP = 2;
    private static final int MAGIC = 0x534B4731;   // "SKG1"
    private static final Pattern NAME = Pattern.compile("skipgram-e(\\d{4})\\.bin");

    /** What a checkpoint holds. */
    record State(int epochsDone, long wordsDone, long vocabFingerprint, int dims, float[] syn0, float[] syn1) {
    }

    private final Path dir;

    SkipgramCheckpoints(Path runDir) {
        this.dir = runDir.resolve("checkpoints");
    }

    void save(State s) {
        Path file = dir.resolve(String.format("skipgram-e%04d.bin", s.epochsDone()));
        AtomicFiles.write(file, tmp -> {
            try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp),
                    1 << 16))) {
                out.writeInt(MAGIC);
                out.writeInt(s.epochsDone());
                out.writeLong(s.wordsDone());
                out.writeLong(s.vocabFingerprint());
                out.writeInt(s.dims());
                out.writeInt(s.syn0().length);
                for (float[] table : new float[][]{s.syn0(), s.syn1()}) {
                    for (float v : table) {
                        out.writeFloat(v);
                    }
                }
            }
        });
        List<Path> all = list();
        for (int i = 0; i < all.size() - KEEP; i++) {
            try {
                Files.deleteIfExists(all.get(i));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** The newest checkpoint that reads whole, or none. */
    Optional<State> newest() {
        List<Path> all = list();
        for (int i = all.size() - 1; i >= 0; i--) {
            try {
                return Optional.of(read(all.get(i)));
            } catch (IOException e) {
                org.slf4j.LoggerFactory.getLogger(SkipgramCheckpoints.class).warn("checkpoint {} is unreadable "
                        + "({}); trying the one before", all.get(i).getFileName(), e.getMessage());
            }
        }
        return Optional.empty();
    }

    private static State read(Path file) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            if (in.readInt() != MAGIC) {
                throw new IOException("not a skipgram checkpoint");
            }
            int epochs = in.readInt();
            long words = in.readLong();
            long fingerprint = in.readLong();
            int dims = in.readInt();
            int n = in.readInt();
            float[][] tables = new float[2][n];
            for (float[] t : tables) {
                for (int i = 0; i < n; i++) {
                    t[i] = in.readFloat();
                }
            }
            return new State(epochs, words, fingerprint, dims, tables[0], tables[1]);
        }
    }

    private List<Path> list() {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Path> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(p -> NAME.matcher(p.getFileName().toString()).matches()).sorted().forEach(out::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** A fingerprint of a vocabulary (words and counts, in order): a resumed run must have the same. */
    static long fingerprint(WordVocab v) {
        long h = 1125899906842597L;
        for (int i = 0; i < v.size(); i++) {
            h = 31 * h + v.word(i).hashCode();
            h = 31 * h + v.count(i);
        }
        return h;
    }
}
