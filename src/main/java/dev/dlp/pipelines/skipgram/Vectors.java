package dev.dlp.pipelines.skipgram;

import dev.dlp.data.DataException;
import dev.dlp.run.AtomicFiles;
import org.deeplearning4j.models.embeddings.loader.WordVectorSerializer;
import org.deeplearning4j.models.embeddings.wordvectors.WordVectors;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Word vectors, row-normalised for cosine look-ups: {@code vectors.txt} in word2vec text format (a {@code V D} line,
 * then {@code word f1 .. fD}), which DL4J's {@code WordVectorSerializer} and gensim's {@code load_word2vec_format}
 * both read. (DL4J's own text writers add a third header number that gensim 4.2 rejects, so it is written here.)
 */
public final class Vectors {
    /** The file name in a run directory. */
    public static final String FILE = "vectors.txt";

    private final String[] words;
    private final int dims;
    /** Unit-length rows. */
    private final float[] unit;
    private final Map<String, Integer> ids = new HashMap<>();

    Vectors(String[] words, float[] matrix, int dims) {
        this.words = words;
        this.dims = dims;
        this.unit = new float[words.length * dims];
        for (int w = 0; w < words.length; w++) {
            ids.putIfAbsent(words[w], w);
            double n = 0;
            for (int i = 0; i < dims; i++) {
                n += (double) matrix[w * dims + i] * matrix[w * dims + i];
            }
            float inv = n > 0 ? (float) (1 / Math.sqrt(n)) : 0;
            for (int i = 0; i < dims; i++) {
                unit[w * dims + i] = matrix[w * dims + i] * inv;
            }
        }
    }

    public int size() {
        return words.length;
    }

    public int dims() {
        return dims;
    }

    public String word(int id) {
        return words[id];
    }

    /** The id of a word, or -1. */
    public int id(String word) {
        Integer i = ids.get(word);
        return i == null ? -1 : i;
    }

    /** Writes {@code V D} then one {@code word f1 .. fD} line per word, most frequent first. */
    static void write(Path file, String[] words, float[] matrix, int dims) {
        AtomicFiles.write(file, tmp -> {
            try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                w.write(words.length + " " + dims + "\n");
                StringBuilder sb = new StringBuilder();
                for (int r = 0; r < words.length; r++) {
                    sb.setLength(0);
                    sb.append(words[r]);
                    for (int i = 0; i < dims; i++) {
                        sb.append(' ').append(matrix[r * dims + i]);
                    }
                    w.write(sb.append('\n').toString());
                }
            }
        });
    }

    /**
     * Reads {@code vectors.txt} of a run directory (or the file itself) with DL4J's
     * {@code WordVectorSerializer.readWord2VecModel}.
     */
    public static Vectors read(Path model) {
        Path file = Files.isDirectory(model) ? model.resolve(FILE) : model;
        if (!Files.isRegularFile(file)) {
            throw new DataException(model + ": no " + FILE + " (give a skipgram run directory or a vectors file)");
        }
        WordVectors wv;
        try {
            wv = WordVectorSerializer.readWord2VecModel(file.toFile(), false);
        } catch (RuntimeException e) {
            throw new DataException(file + ": not a word2vec text file (" + e.getMessage() + ")", e);
        }
        int n = wv.vocab().numWords();
        if (n == 0) {
            throw new DataException(file + ": no vectors in it");
        }
        String[] words = new String[n];
        int dims = (int) wv.lookupTable().layerSize();
        float[] m = new float[n * dims];
        for (int i = 0; i < n; i++) {
            words[i] = wv.vocab().wordAtIndex(i);
            INDArray v = wv.getWordVectorMatrix(words[i]);
            float[] row = v.toFloatVector();
            System.arraycopy(row, 0, m, i * dims, dims);
        }
        return new Vectors(words, m, dims);
    }

    /** Cosine similarity of two words by id. */
    public double cosine(int a, int b) {
        return dot(a, unit, b * dims);
    }

    private double dot(int a, float[] v, int off) {
        double s = 0;
        for (int i = 0; i < dims; i++) {
            s += unit[a * dims + i] * v[off + i];
        }
        return s;
    }

    /** A neighbour and its cosine similarity. */
    public record Neighbour(String word, double cosine) {
    }

    /** The k words nearest to a word by cosine (itself excluded). */
    public List<Neighbour> nearest(int id, int k) {
        float[] q = new float[dims];
        System.arraycopy(unit, id * dims, q, 0, dims);
        return nearest(q, k, Integer.MAX_VALUE, id, -1, -1);
    }

    /** The k words among the first {@code limit} nearest to a query vector, skipping up to three ids. */
    List<Neighbour> nearest(float[] q, int k, int limit, int skip1, int skip2, int skip3) {
        int n = Math.min(limit, words.length);
        int[] best = new int[k];
        double[] score = new double[k];
        int have = 0;
        for (int w = 0; w < n; w++) {
            if (w == skip1 || w == skip2 || w == skip3) {
                continue;
            }
            double s = 0;
            int o = w * dims;
            for (int i = 0; i < dims; i++) {
                s += unit[o + i] * q[i];
            }
            if (have < k || s > score[have - 1]) {
                int p = have < k ? have++ : have - 1;
                while (p > 0 && score[p - 1] < s) {
                    score[p] = score[p - 1];
                    best[p] = best[p - 1];
                    p--;
                }
                score[p] = s;
                best[p] = w;
            }
        }
        List<Neighbour> out = new ArrayList<>();
        for (int i = 0; i < have; i++) {
            out.add(new Neighbour(words[best[i]], score[i]));
        }
        return out;
    }

    /** b - a + c over unit vectors (3CosAdd's query). */
    float[] analogy(int a, int b, int c) {
        float[] q = new float[dims];
        for (int i = 0; i < dims; i++) {
            q[i] = unit[b * dims + i] - unit[a * dims + i] + unit[c * dims + i];
        }
        return q;
    }

    /** Neighbours formatted on one line: {@code word (0.71), ...}. */
    static String format(List<Neighbour> ns) {
        StringBuilder sb = new StringBuilder();
        for (Neighbour n : ns) {
            sb.append(sb.length() == 0 ? "" : ", ").append(n.word())
                    .append(String.format(java.util.Locale.ROOT, " (%.2f)", n.cosine()));
        }
        return sb.toString();
    }
}
